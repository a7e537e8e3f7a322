"""Temporary, for the merge: the names ``rexdecl.stamp`` and ``rexdecl.stamp_pdfa`` still
import from here, re-exported from their modules. Delete this file once stamp imports them
from :mod:`~rexdecl.documents.assets`, :mod:`~rexdecl.documents.cost`,
:mod:`~rexdecl.documents.engine` and :mod:`~rexdecl.documents.html`."""

from rexdecl.documents.assets import templates_dir
from rexdecl.documents.cost import check_printable
from rexdecl.documents.engine import engine
from rexdecl.documents.html import GENERATOR, environment

__all__ = ["GENERATOR", "check_printable", "engine", "environment", "templates_dir"]
