"""Default templates, stylesheet and fonts of rexdecl (installed as package rexdecl.templates)."""
