"""The invoice and the packing list of a checked shipment: the view-model (values only:
``viewmodel``, ``views``, the statement text in ``statement``), HTML from the Jinja templates
(``html``), PDF/A-3 with WeasyPrint (``pdf`` over the process's ``engine``, its confined
``fetcher`` and bundled ``fonts``, the ``assets`` folder), the printing cost bounds (``cost``),
the logo check (``logo``) and the files written (``files``)."""
