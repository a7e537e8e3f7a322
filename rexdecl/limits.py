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
MAX_SCHEME_FILE_BYTES = 5 * 1024 * 1024  # a user's scheme file (REXDECL_SCHEMES)
MAX_LOGO_BYTES = 2 * 1024 * 1024
# What a logo may cost to draw, checked before rendering (rexdecl.documents.logo). Printed at most 60 x
# 20 mm, a logo needs about 1,500 x 500 pixels at 600 dpi. 8 million pixels (4,096 x 2,048)
# decode to 32 MB at 8 bits per channel with transparency; a document with such a logo takes
# about 70 MB more to render (measured: 143 MB and 2.8 s for both documents, 73 MB
# and 1.7 s without a logo) (a 20,000 x 20,000 PNG of 1.2 MB would take 1.4 GB).
MAX_LOGO_PIXELS = 8_000_000  # width x height a PNG or JPEG header declares
MAX_LOGO_BITS = 8  # bits per colour channel (a 16-bit logo prints no better)
# SVG: elements drawn once every reference (<use>, patterns, markers, clip paths, masks) is
# followed -- 10,000 draw in about 2 s per document -- and how deep they nest.
MAX_LOGO_SVG_ELEMENTS = 10_000
MAX_LOGO_SVG_DEPTH = 100
# Lines of a shipment printed on its documents (generate, batch, stamp; check reads up to
# MAX_ROWS_PER_SHEET). WeasyPrint holds the laid-out boxes of a document (about 140 KB a line)
# until it is written, so a document of more than CHUNK_LINES (400) lines is rendered in parts
# (rexdecl.documents.chunks), each freed before the next: memory no longer grows with the lines,
# time does, linearly. `generate`, measured (bench/shipments.py's lines, WeasyPrint 70, 2 cores):
# 142 MB and 13 s at 1,000 lines, 166 MB and 65 s at 5,000 (in one part: 212 MB and 9 s, 767 MB
# and 46 s); up to 208 MB at 5,000 lines whose text is at its limit (MAX_DOCUMENT_CHARACTERS). The
# bound is lint's (MAX_LINT_*): rexdecl's own documents at this limit must pass it.
MAX_DOCUMENT_LINES = 5_000
# Characters of text in the lines of one document (descriptions, marks, kinds, units): long
# descriptions take memory by their text -- 250 lines of 2,000 characters (500,000) took
# 264 MB and 40 s for both documents.
MAX_DOCUMENT_CHARACTERS = 500_000
# The narrow columns of the line table (marks 16 mm, kind of package 15 mm, unit 9 mm wide):
# WeasyPrint lays a text out again for each line it fills there, so the time grows with the
# square of its length -- a unit of 2,000 characters took 4 s (10 s without spaces), of 500
# characters 1 s. Each cell prints at most MAX_PRINTED_NARROW characters (a cell holds up to
# MAX_TEXT_LENGTH), and all of them together at most MAX_NARROW_EXCESS beyond the first
# NARROW_FREE of each: real marks, kinds and units stay within NARROW_FREE and cost nothing
# here, and the worst document allowed spends about 20 s on them.
MAX_PRINTED_NARROW = 600
NARROW_FREE = 40
MAX_NARROW_EXCESS = 10_000
# Characters of an output file name taken from the invoice number (file systems allow 255
# bytes per name; the longest suffix is "_packing-list.html").
MAX_FILE_STEM = 200
# A PDF made elsewhere, read by ``rexdecl lint`` and ``rexdecl stamp`` (or the text file lint
# reads instead), on disk (rexdecl/pdfin.py): a PDF of one shipment's documents is a few MB.
MAX_PDF_FILE_BYTES = 50 * 1024 * 1024
# ``rexdecl lint``: a statement on origin in a document made elsewhere. An invoice is a few
# pages of a few thousand characters and content-stream operations each; these bounds keep the
# cost of linting a hostile file within half a minute (README, "What rexdecl refuses and why").
# Pages of a PDF: rexdecl's own documents at MAX_DOCUMENT_LINES have up to about 1,000 (5,000
# lines whose text, at MAX_DOCUMENT_CHARACTERS, fills the narrow columns: 1,006 pages).
MAX_LINT_PAGES = 1_500
# Operators and operands of a PDF's content streams, forms included: a dense invoice page has
# about 16,000 (5,000 operations); the documents rexdecl itself prints at MAX_DOCUMENT_LINES
# hold up to 6.4 million (the 1,006-page packing list above, linted in 18 s; 3.9 million in
# 193 pages for 5,000 ordinary lines, 10 s: lint reads about 350,000 a second). A hostile file
# at this bound (80 pages of 10,000 one-character text objects each) takes 24 s and 90 MB
# (9 s at the former bound of 3 million, when documents were printed for 1,800 lines).
MAX_LINT_PDF_TOKENS = 8_000_000
# ... and of one page: pypdf's text extraction takes time with the square of a page's text
# objects (a 49 KB PDF of 60,000 tiny ones on one page took 63 s).
MAX_LINT_PAGE_TOKENS = 100_000
MAX_LINT_PAGE_TEXT = 100_000  # characters extracted from one PDF page (a dense A4 page holds ~10,000)
# Characters of text of the whole document, PDF or text file: rexdecl's own documents at
# MAX_DOCUMENT_LINES and MAX_DOCUMENT_CHARACTERS hold up to 930,000 (594,000 for 5,000
# ordinary lines).
MAX_LINT_TEXT = 1_200_000
# Passages aligned word by word with a statutory text while looking for statements (about a
# millisecond each; a real document needs a few per statement).
MAX_LINT_ALIGNMENTS = 1_000
# Streams of one PDF once decompressed (pypdf's own limit, lowered from its 75 MB default):
# a page's content stream is some kilobytes; images are not decoded to read text.
MAX_LINT_PDF_STREAM_BYTES = 4 * 1024 * 1024

# The .xlsx reader's cost bounds (rexdecl/input/xlsx/), checked as each part is read, before its
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
