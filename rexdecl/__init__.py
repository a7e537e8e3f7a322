"""rexdecl: statements on origin (EU GSP, REX system) checked and printed on invoices and packing lists."""

__version__ = "0.1.0"
