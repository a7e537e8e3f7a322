"""Generous limits that keep a hostile or broken file from exhausting the machine.

Real shipments are far below them; each refusal says which limit and how to split the
input. Documented in the README ("What rexdecl refuses and why").
"""

MAX_WORKBOOK_BYTES = 50 * 1024 * 1024  # the .xlsx file on disk
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024  # all parts of the .xlsx package once unzipped
MAX_ROWS_PER_SHEET = 100_000  # rows of data in one sheet (workbook-format.md)
MAX_TEXT_LENGTH = 2_000  # characters in one cell
MAX_NUMBER = 10**15  # magnitude of a number in a cell (amounts are spelled up to this)
MAX_COLUMNS = 200  # columns of a sheet (the widest table of the format has 17)
MAX_REGISTRATION_BYTES = 5 * 1024 * 1024  # a registration TOML file
MAX_LOGO_BYTES = 2 * 1024 * 1024
# Characters of an output file name taken from the invoice number (file systems allow 255
# bytes per name; the longest suffix is "_packing-list.html").
MAX_FILE_STEM = 200
