"""`rexdecl batch`: many shipments in parallel worker processes, with summaries and the register."""
