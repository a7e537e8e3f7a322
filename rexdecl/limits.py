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

# The .xlsx reader's cost bounds (rexdecl/xlsx.py), checked as each part is read, before its
# content is kept: a few hundred KB of zip must not expand into gigabytes or minutes.
MAX_CELL_CHARACTERS = 32_767  # text of one cell or shared string (Excel's own limit)
MAX_XML_TOKEN_BYTES = 1024 * 1024  # one XML tag with its attributes, or one comment
# XML elements of one part: a 100,000-line Items sheet of 17 columns has about 5 million
# (a cell is 2 or 3 elements); each element costs a call in Python, so this bounds the time.
MAX_XML_ELEMENTS = 8_000_000
MAX_SHARED_STRINGS = 1_000_000  # distinct texts in the workbook's shared-strings table
MAX_SHARED_CHARACTERS = 32 * 1024 * 1024  # characters of all shared strings together
EXCEL_MAX_ROWS = 1_048_576  # rows of a worksheet in Excel (row numbers beyond are damage)
EXCEL_MAX_COLUMNS = 16_384  # columns of a worksheet in Excel (A to XFD)
