"""The register of issued statements (SQLite) and its e-SKA export."""
