"""Legal facts as data, each row with its source and evidence mark (see SOURCES.md)."""
