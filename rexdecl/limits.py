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
# What a logo may cost to draw, checked before rendering (rexdecl.logo). Printed at most 60 x
# 20 mm, a logo needs about 1,500 x 500 pixels at 600 dpi. 8 million pixels (4,096 x 2,048)
# decode to 32 MB at 8 bits per channel with transparency; a document with such a logo takes
# about 75 MB more to render (a 20,000 x 20,000 PNG of 1.2 MB would take 1.4 GB).
MAX_LOGO_PIXELS = 8_000_000  # width x height a PNG or JPEG header declares
MAX_LOGO_BITS = 8  # bits per colour channel (a 16-bit logo prints no better)
# SVG: elements drawn once every reference (<use>, patterns, markers, clip paths, masks) is
# followed -- 10,000 draw in about 2 s per document -- and how deep they nest.
MAX_LOGO_SVG_ELEMENTS = 10_000
MAX_LOGO_SVG_DEPTH = 100
# Lines of a shipment printed on its documents (generate, batch, stamp; check reads up to
# MAX_ROWS_PER_SHEET). Rendering takes memory in proportion to the lines: peak resident
# memory of `generate` measured 188 MB at 1,000 lines, 305 MB at 2,000, 422 MB at 3,000,
# 659 MB at 5,000 (about 118 MB per 1,000 lines); 2,500 lines stay under 400 MB.
MAX_DOCUMENT_LINES = 2_500
# Characters of text in the lines of one document (descriptions, marks, kinds, units): long
# descriptions take memory by their text -- 250 lines of 2,000 characters (500,000) took
# 264 MB and 40 s for both documents.
MAX_DOCUMENT_CHARACTERS = 500_000
# Characters printed in the narrow columns of the line table (a cell holds up to
# MAX_TEXT_LENGTH): WeasyPrint lays a text out again for each line it fills in a column, so the
# time grows with the square of its length -- 20 units of 2,000 characters took 104 s.
MAX_PRINTED_MARKS = 200  # "Marks and numbers", 16 mm wide
MAX_PRINTED_PACKAGE_TYPE = 40  # "Kind" of package, 15 mm
MAX_PRINTED_UNIT = 20  # "Unit", 9 mm
# Characters of an output file name taken from the invoice number (file systems allow 255
# bytes per name; the longest suffix is "_packing-list.html").
MAX_FILE_STEM = 200
