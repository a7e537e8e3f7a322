"""The invoice and the packing list: view-model (values only), the statement text, HTML (Jinja) and PDF (WeasyPrint), the files written."""
