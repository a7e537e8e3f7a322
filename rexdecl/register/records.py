"""The records the register keeps: a statement with its lines and documents, as written and
as read back; the keys that tell statements apart; and :func:`statement_record`, the record of
a checked shipment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rexdecl.paths import display_path

if TYPE_CHECKING:
    from rexdecl.checked import Checked
    from rexdecl.criteria import Criterion
    from rexdecl.documents.viewmodel import DocumentViews

__all__ = [
    "DocumentFile",
    "LineRecord",
    "Recorded",
    "StatementRecord",
    "StoredStatement",
    "criterion_code",
    "exporter_key",
    "input_key",
    "statement_key",
    "statement_record",
]


@dataclass(frozen=True)
class LineRecord:
    position: int
    line_no: int | None
    description: str | None
    hs_code: str | None
    quantity: str | None
    unit: str | None
    unit_price: str | None
    amount: str | None
    origin_country: str | None
    criterion: str | None
    originating: bool
    origin_note: str | None


@dataclass(frozen=True)
class StatementRecord:
    """What the register keeps of one statement; plain values, so it crosses processes."""

    invoice_number: str
    invoice_date: str | None
    exporter_name: str | None
    exporter_address: str | None
    exporter_country: str | None
    rex_number: str | None
    consignee_name: str | None
    consignee_address: str | None
    consignee_country: str | None
    destination: str | None
    scheme: str | None
    statement_language: str | None
    statement_text: str | None
    origin_country: str | None
    eska_code: str | None
    consignment_ref: str | None
    currency: str | None
    total_amount: str | None
    originating_amount: str | None
    eur_rate: str | None
    originating_value_eur: str | None
    total_packages: str | None
    total_net_kg: str | None
    total_gross_kg: str | None
    warnings: int
    codes: str
    source: str | None
    source_sha256: str | None
    input_hash: str
    issued_on: str
    command: str
    lines: tuple[LineRecord, ...]
    # The workbook's absolute path (as :func:`rexdecl.paths.display_path` shows it): part of
    # the statement's key, stored relative to the register's folder when possible.
    input_path: str | None = None


@dataclass(frozen=True)
class DocumentFile:
    path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class Recorded:
    id: int
    version: int


@dataclass(frozen=True)
class StoredStatement:
    """A statement as read back from the register (``list``, skip decisions)."""

    id: int
    version: int
    superseded_by: int | None
    invoice_number: str
    invoice_date: str | None
    exporter_name: str | None
    rex_number: str | None
    consignee_name: str | None
    destination: str | None
    statement_language: str | None
    originating_value_eur: str | None
    warnings: int
    codes: str
    input_hash: str
    issued_on: str
    recorded_at: str
    documents: tuple[tuple[str, str], ...]  # (path as stored, sha256)
    source: str | None = None  # the workbook, as the command that recorded it named it

    @property
    def superseded(self) -> bool:
        return self.superseded_by is not None


def exporter_key(rex_number: str | None, exporter_name: str | None) -> str:
    """The exporter as the register tells exporters apart: the REX number, else the name."""
    return rex_number or "name:" + " ".join((exporter_name or "").casefold().split())


def statement_key(rex_number: str | None, exporter_name: str | None, invoice_number: str, input_key: str) -> str:
    """Which statement a record is a version of: the same exporter's same invoice made from
    the same workbook (``input_key``, its path as the register stores it)."""
    return f"{exporter_key(rex_number, exporter_name)}|{invoice_number}|{input_key}"


def input_key(folder: Path, input_path: str) -> str:
    """A workbook's absolute path (display form) as a register in ``folder`` stores it:
    relative to that folder, like a document's path (:meth:`rexdecl.register.store.Register.key`)."""
    try:
        return Path(os.path.relpath(input_path, display_path(folder))).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(input_path).as_posix()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def criterion_code(criterion: Criterion | None, typed: str | None) -> str | None:
    """The criterion in its input form, canonical: ``P``, ``W 6214``, ``eu-cumulation``,
    ``extended-cumulation:XX``, ``no``; what was typed when it is not a known form."""
    if criterion is None:
        return typed
    if criterion.kind == "W":
        return f"W {criterion.heading}" if criterion.heading else "W"
    if criterion.kind == "cumulation":
        if criterion.cumulation == "extended":
            return f"extended-cumulation:{criterion.partner}"
        return f"{criterion.cumulation}-cumulation"
    return criterion.kind


def statement_record(checked: Checked, *, views: DocumentViews, input_hash: str, command: str) -> StatementRecord:
    """The register's record of a checked shipment whose documents were written: the
    statement text and the totals are those of ``views``, the documents' view-model; the
    workbook's hash is the one the reader took."""
    from rexdecl.input.parsing import round_half_up
    from rexdecl.rules.notation import digits_only

    ctx = checked.facts
    shipment = ctx.shipment
    options = ctx.options
    totals = views.totals
    eur = ctx.eur_valuation
    converted = eur.converted
    lines = tuple(
        LineRecord(
            position=position,
            line_no=line.item.line,
            description=line.item.description,
            hs_code=digits_only(line.item.hs_code) or None,
            quantity=_text(line.item.quantity),
            unit=line.item.unit,
            unit_price=_text(line.item.unit_price),
            amount=_text(line.amount),
            origin_country=line.origin,
            criterion=criterion_code(line.criterion, line.item.origin_criterion),
            originating=line.originating,
            origin_note=line.item.origin_note,
        )
        for position, line in enumerate(ctx.lines, start=1)
    )
    return StatementRecord(
        invoice_number=shipment.invoice_number or "",
        invoice_date=shipment.invoice_date.isoformat() if shipment.invoice_date else None,
        exporter_name=ctx.exporter_name,
        exporter_address=ctx.exporter_address,
        exporter_country=ctx.exporter_country,
        rex_number=ctx.rex_number,
        consignee_name=shipment.consignee_name,
        consignee_address=shipment.consignee_address,
        consignee_country=shipment.consignee_country,
        destination=ctx.destination,
        scheme=ctx.scheme_id,
        statement_language=ctx.statement_language,
        statement_text=views.statement_text,
        origin_country=ctx.origin_country,
        eska_code=shipment.eska_code,
        consignment_ref=shipment.consignment_ref,
        currency=shipment.currency,
        total_amount=_text(totals.amount),
        originating_amount=_text(totals.originating),
        eur_rate=_text(eur.rate),
        originating_value_eur=_text(round_half_up(converted, 2)) if converted is not None else None,
        total_packages=_text(totals.packages),
        total_net_kg=_text(totals.net_kg),
        total_gross_kg=_text(totals.gross_kg),
        warnings=len(checked.report.warnings),
        codes=";".join(checked.report.codes()),
        source=display_path(ctx.input.path),
        source_sha256=ctx.input.sha256,
        input_hash=input_hash,
        issued_on=options.as_of.isoformat(),
        command=command,
        lines=lines,
        input_path=display_path(Path(ctx.input.path).resolve()),
    )
