"""The e-SKA export of the register: the data an exporter enters in e-SKA for each DAB, one row
per originating line of the current version of each statement, as CSV a spreadsheet opens
without running any cell (README, "The register of issued statements")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from rexdecl.output import csv_text

if TYPE_CHECKING:
    from rexdecl.register.store import Register

__all__ = ["ESKA_COLUMNS", "eska_csv", "eska_rows"]

ESKA_COLUMNS = (
    "invoice_number",
    "invoice_date",
    "rex_number",
    "exporter",
    "consignee_name",
    "consignee_address",
    "consignee_country",
    "destination_country",
    "line",
    "hs_code",
    "description",
    "quantity",
    "unit",
    "value",
    "currency",
    "origin_criterion",
)
# Columns of the e-SKA export that hold numbers: a plain number there is kept as it is.
_ESKA_NUMERIC = frozenset({"line", "quantity", "value"})
# One row per originating line of the current version of every statement; documents written
# without a statement are left out.
_QUERY = (
    "SELECT s.invoice_number, s.invoice_date, s.rex_number, s.exporter_name, "
    "s.consignee_name, s.consignee_address, s.consignee_country, s.destination, "
    "l.line_no, l.hs_code, l.description, l.quantity, l.unit, l.amount, s.currency, "
    "l.criterion "
    "FROM statements s JOIN lines l ON l.statement_id = s.id "
    "WHERE s.superseded_by IS NULL AND s.statement_text IS NOT NULL AND l.originating = 1 "
    "ORDER BY s.id, l.position"
)


def eska_rows(register: Register) -> Iterator[dict[str, str]]:
    """The e-SKA export (:data:`ESKA_COLUMNS`): one row per originating line of the current
    version of every statement (documents written without a statement are left out)."""
    for row in register.select(_QUERY):
        values = dict(zip(ESKA_COLUMNS, row, strict=True))
        values["value"] = _money(values["value"], values["currency"])
        yield {name: "" if value is None else str(value) for name, value in values.items()}


def _money(amount: str | None, currency: str | None) -> str | None:
    """A line amount rounded half-up to the currency's minor unit, without grouping."""
    if amount is None:
        return None
    from rexdecl.amounts import minor_digits
    from rexdecl.input.parsing import round_half_up

    digits = minor_digits(currency) if currency and re.fullmatch(r"[A-Za-z]{3}", currency) else 2
    return format(round_half_up(Decimal(amount), digits), "f")


def eska_csv(register: Register) -> str:
    """The e-SKA export as CSV text (header row, then :func:`eska_rows`); a text cell that a
    spreadsheet would take for a formula is neutralised (:func:`rexdecl.output.csv_text`)."""
    return csv_text(ESKA_COLUMNS, eska_rows(register), numeric=_ESKA_NUMERIC)
