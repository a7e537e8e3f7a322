"""Example shipments (fictitious), installed as rexdecl.examples for `rexdecl demo`."""
