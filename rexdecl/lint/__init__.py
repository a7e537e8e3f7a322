"""Lint a statement on origin written elsewhere (``rexdecl lint``).

The statement is looked for in the text of a PDF or a text file, matched word by word
against the statutory texts of ``data/schemes.toml`` (through :func:`rexdecl.legal.schemes`,
never a copy), and every deviation is returned as a finding (rules.md, "Linting statements
made elsewhere"). Nothing here prints or knows about click.

How it works, in order (one module each):

1. :mod:`~rexdecl.lint.reading` reads the file (:mod:`~rexdecl.lint.pdftext` a PDF's pages);
   :mod:`~rexdecl.lint.text` normalises the lines and joins them, every character keeping
   the page and line it came from, and splits the text into words.
2. :mod:`~rexdecl.lint.finding` finds the statements, aligning passages
   (:mod:`~rexdecl.lint.aligning`) with the statutory texts as token templates
   (:mod:`~rexdecl.lint.templates`, other agreements' statements included).
3. :mod:`~rexdecl.lint.checking` checks each statement (:mod:`~rexdecl.lint.checker`): its
   wording (:mod:`~rexdecl.lint.wording`) and what its blanks hold
   (:mod:`~rexdecl.lint.blanks`: exporter, REX number, country
   (:mod:`~rexdecl.lint.countries`), criterion).
4. :mod:`~rexdecl.lint.report` holds the result and its text output;
   :mod:`~rexdecl.lint.linting` runs the steps.

The cost is bounded by the input whatever it holds (``rexdecl.limits``): a regular file of
limited size; for a PDF, pages, content-stream tokens and characters counted while pypdf
extracts the text; the characters of the text; the passages aligned. Each limit reached is
unusable input (exit 2) naming the file, the part and the limit
(:mod:`~rexdecl.lint.refusals`).
"""

from rexdecl.lint.blanks import REX_PATTERN
from rexdecl.lint.countries import is_country
from rexdecl.lint.linting import lint_file, lint_text
from rexdecl.lint.pdftext import read_pdf_text
from rexdecl.lint.reading import TEXT_SUFFIXES
from rexdecl.lint.report import OBSOLETE_SCHEME, OTHER_SCHEME, LintedStatement, LintReport, format_text
from rexdecl.lint.templates import OtherStatement, other_statements
from rexdecl.lint.text import normalise, normalise_line

__all__ = [
    "OBSOLETE_SCHEME",
    "OTHER_SCHEME",
    "REX_PATTERN",
    "TEXT_SUFFIXES",
    "LintReport",
    "LintedStatement",
    "OtherStatement",
    "format_text",
    "is_country",
    "lint_file",
    "lint_text",
    "normalise",
    "normalise_line",
    "other_statements",
    "read_pdf_text",
]
