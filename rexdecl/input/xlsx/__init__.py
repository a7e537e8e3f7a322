"""A small, fast and safe reader of the values saved in an .xlsx package.

Only what the shipment reader needs: sheet names, and the rows of a sheet as
``(row number, {column number: value})`` with Excel's saved values — text, numbers, dates
(by the cell's number format), booleans, error values, and formulas saved without a value.
Every XML part is parsed with expat, streaming, with entity declarations refused (no
"billion laughs") and no external entity ever fetched. It is several times faster than
openpyxl's read-only mode, which also re-reads a whole sheet when its size is not recorded.

Its cost is bounded by the bytes present, not by what they claim: a row holds only the cells
written in it, and the limits of ``rexdecl.limits`` (characters of a cell, XML elements and
tokens of a part, shared strings) are checked while a part is read, before its content is
kept. It is strict where Excel is unambiguous: a row or cell written twice or out of order,
a row or column beyond Excel's sheet, a shared string that does not exist, two sheets of the
same name or two zip members of the same name are refused with a :class:`PackageError`
naming the part or cell, never settled by a silent choice.

Its modules: ``package`` (the opened package and its workbook part), ``xmlparts`` (parsing a
part with bounded cost), ``sharedstrings``, ``styles`` (date formats and serial dates),
``worksheet`` (the rows of a sheet), ``cells`` (the value of a cell) and ``references``
(A1 references). Callers use the names this package exports.
"""

from rexdecl.input.xlsx.cells import FORMULA_WITHOUT_VALUE, CellError, decode_escapes
from rexdecl.input.xlsx.package import XlsxPackage
from rexdecl.input.xlsx.references import column_index, column_letters
from rexdecl.input.xlsx.xmlparts import PackageError

__all__ = [
    "FORMULA_WITHOUT_VALUE",
    "CellError",
    "PackageError",
    "XlsxPackage",
    "column_index",
    "column_letters",
    "decode_escapes",
]
