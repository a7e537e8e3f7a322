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
# ``rexdecl lint``: a statement on origin in a document made elsewhere. An invoice is a few
# pages of a few thousand characters and content-stream operations each; these bounds keep the
# cost of linting a hostile file within seconds (README, "What rexdecl refuses and why").
MAX_LINT_BYTES = 50 * 1024 * 1024  # the PDF or text file on disk
MAX_LINT_PAGES = 500  # pages of a PDF
# Operators and operands of a PDF's content streams, forms included (a dense invoice page has
# about 15,000: 5,000 operations).
MAX_LINT_PDF_TOKENS = 400_000
MAX_LINT_PAGE_TEXT = 100_000  # characters extracted from one PDF page (a dense A4 page holds ~10,000)
MAX_LINT_TEXT = 500_000  # characters of text of the whole document, PDF or text file (~140 dense pages)
# Passages aligned word by word with a statutory text while looking for statements (about a
# millisecond each; a real document needs a few per statement).
MAX_LINT_ALIGNMENTS = 1_000
# Streams of one PDF once decompressed (pypdf's own limit, lowered from its 75 MB default):
# a page's content stream is some kilobytes; images are not decoded to read text.
MAX_LINT_PDF_STREAM_BYTES = 4 * 1024 * 1024
