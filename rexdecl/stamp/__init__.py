"""``rexdecl stamp``: the statement on origin added to the exporter's own invoice or
packing-list PDF (made in Excel or accounting software).

In order, one module each:

- :mod:`~rexdecl.stamp.stamping` runs the steps (:func:`stamp_pdf`) and
  :mod:`~rexdecl.stamp.outcome` holds what it returns or raises;
- :mod:`~rexdecl.stamp.document` opens the PDF (through :mod:`rexdecl.pdfin`) and refuses
  one that is encrypted with a password, signed, over a limit, a scan, already carrying a
  statement, or not this shipment's document: its own number is found by
  :mod:`~rexdecl.stamp.number` (the labels' words in :mod:`~rexdecl.stamp.labels`);
- :mod:`~rexdecl.stamp.pages` reads a page's boxes and size, :mod:`~rexdecl.stamp.geometry`
  where its content lies and the free space below it;
- :mod:`~rexdecl.stamp.block` makes the statement block (view, HTML, PDF), through
  :mod:`~rexdecl.stamp.renderer`, stamp's one door to :mod:`rexdecl.documents`;
- :mod:`~rexdecl.stamp.writer` draws the block as a Form XObject on the last page or on added
  pages, and :mod:`~rexdecl.stamp.pdfa` keeps a PDF/A document PDF/A.

The original content is never changed or covered; the result is checked with ``rexdecl
lint`` before it is written; the same inputs give the same bytes. Importing this package
loads neither pypdf nor WeasyPrint.
"""

from rexdecl.stamp.block import StampRow, StampView, build_stamp_view, render_block_html
from rexdecl.stamp.document import OpenedPdf, check_invoice_number, open_pdf
from rexdecl.stamp.geometry import FreeSpace, free_space, painted_boxes
from rexdecl.stamp.outcome import StampRefused, StampResult
from rexdecl.stamp.pages import usual_size
from rexdecl.stamp.stamping import default_output, output_path, stamp_pdf

__all__ = [
    "FreeSpace",
    "OpenedPdf",
    "StampRefused",
    "StampResult",
    "StampRow",
    "StampView",
    "build_stamp_view",
    "check_invoice_number",
    "default_output",
    "free_space",
    "open_pdf",
    "output_path",
    "painted_boxes",
    "render_block_html",
    "stamp_pdf",
    "usual_size",
]
