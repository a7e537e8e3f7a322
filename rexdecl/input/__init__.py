"""Reading what the user gives: the shipment workbook (.xlsx), its cells and fields, the registration data, and the blank workbook `rexdecl template` writes. The only code that knows cells."""
