"""``rexdecl demo``: a workshop (bimtek) walk-through on the shipped examples.

Copies the examples into a folder, checks and generates each with commentary a trainer can
read aloud, shows one deliberately broken shipment and its findings, and ends with the paths
of the PDFs. Offline and deterministic: dates are fixed by ``as_of``.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from rexdecl.errors import OutputError, UsageError
from rexdecl.i18n import N_, _, format_day
from rexdecl.paths import display_path, stat_or_none
from rexdecl.pipeline import Checked, GenerateOptions, check_workbook, render_documents, write_documents
from rexdecl.rules import CheckOptions

if TYPE_CHECKING:
    from rexdecl.documents.pdf import Renderer

DEMO_AS_OF = dt.date(2026, 11, 22)
BROKEN_NAME = "broken-batik.xlsx"

# What the trainer says about each example, in the interface language (translated at use).
STORIES = {
    "batik-pekalongan.xlsx": N_(
        "A batik producer in Pekalongan, registered in REX, sells sarongs (HS 6214) and batik fabric "
        "(HS 5208) to the Netherlands. Two criteria: W 6214 and W 5208, each with its item numbers."
    ),
    "jepara-teak.xlsx": N_(
        "A teak furniture maker in Jepara invoices in US dollars and lists its bill of materials: "
        "rexdecl checks the product-specific rule of chapter 94 (change of heading, or at most 70 % "
        "non-originating materials)."
    ),
    "kotagede-silver-unregistered.xlsx": N_(
        "A small silversmith in Kotagede has no REX number: allowed while the originating products stay "
        "at or below EUR 6,000. The statement is in French and has no REX bracket; one line is not "
        "originating and is excluded."
    ),
    "cirebon-rattan-60-lines.xlsx": N_(
        "A rattan exporter ships 60 lines to Spain: the documents run over several pages, the table "
        "header repeats, and the statement (in Spanish) stands on the last page."
    ),
}


@dataclass
class DemoStep:
    """One thing to show: a sentence, a check report, or files written."""

    kind: str  # "say" | "report" | "wrote"
    text: str = ""
    checked: Checked | None = None
    paths: list[Path] = field(default_factory=list)


def example_files() -> list[Path]:
    folder = resources.files("rexdecl.examples")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".xlsx"))


def _break_example(source: Path, target: Path) -> None:
    """Three classic mistakes: a space in the REX number, a W heading that is not the
    product's, an amount typed wrong."""
    from openpyxl import load_workbook

    workbook = load_workbook(source)
    shipment = workbook["Shipment"]
    for row in shipment.iter_rows(min_row=1):
        if row[0].value == "exporter_rex":
            row[1].value = "IDREX EXAMPLE0000001"
        if row[0].value == "invoice_number":
            row[1].value = "BCP/INV/2026/118-BROKEN"
    items = workbook["Items"]
    header = [c.value for c in items[1]]
    criterion_col = header.index("origin_criterion")
    amount_col = header.index("amount")
    items.cell(row=4, column=criterion_col + 1, value="W 5207")
    items.cell(row=3, column=amount_col + 1, value=1590)
    workbook.save(target)


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """An OSError while writing the demo's files (a read-only disk, a full one) is the
    user's environment: exit 2 with the file and the reason, never an internal error."""
    try:
        yield
    except OSError as error:
        raise OutputError(
            _("{path}: the demo files cannot be written ({reason}); name another folder").format(
                path=display_path(path), reason=error.strerror or error
            )
        ) from None


def _check_folder(folder: Path, force: bool) -> None:
    found = stat_or_none(folder)
    if found is None:
        return
    if not folder.is_dir():
        raise UsageError(
            _("{path} is a file, not a folder; expected a folder for the demo files (FOLDER)").format(
                path=display_path(folder)
            )
        )
    with _writing(folder):
        empty = not any(folder.iterdir())
    if not empty and not force:
        raise UsageError(
            _(
                "{path} already exists and is not empty; nothing was written (use --force to "
                "replace the demo files, or name another folder)"
            ).format(path=display_path(folder))
        )


def run_demo(folder: Path, as_of: dt.date, force: bool, renderer_factory: Callable[[], Renderer]) -> Iterator[DemoStep]:
    """The demo as a sequence of steps; the caller prints them. Raises UsageError (FOLDER is
    a file, or holds files without ``force``) and OutputError (the files cannot be written)."""
    _check_folder(folder, force)
    with _writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
    examples = example_files()
    yield DemoStep(
        "say",
        _("Copying {count} example shipments (fictitious exporters) to {folder}. Run date fixed at {date}.").format(
            count=len(examples), folder=folder, date=format_day(as_of)
        ),
    )
    for source in examples:
        with _writing(folder / source.name):
            shutil.copyfile(source, folder / source.name)
    registration = resources.files("rexdecl.examples").joinpath("registration.toml")
    with _writing(folder / "registration.toml"):
        (folder / "registration.toml").write_bytes(registration.read_bytes())
    renderer = renderer_factory()
    written_all: list[Path] = []
    options = CheckOptions(as_of=as_of)
    out = folder / "documents"
    for source in examples:
        workbook = folder / source.name
        story = STORIES.get(source.name)
        yield DemoStep("say", "")
        yield DemoStep("say", _("== {name} ==").format(name=source.name))
        if story:
            yield DemoStep("say", _(story))
        checked = check_workbook(workbook, options)
        yield DemoStep("report", checked=checked)
        if checked.report.errors:
            continue
        documents = render_documents(checked, GenerateOptions(out_dir=out, force=True), renderer)
        paths = write_documents(documents, overwrite=True)
        written_all += paths
        yield DemoStep("wrote", paths=paths)
    broken = folder / BROKEN_NAME
    with _writing(broken):
        _break_example(folder / "batik-pekalongan.xlsx", broken)
    yield DemoStep("say", "")
    yield DemoStep("say", _("== {name} ==").format(name=BROKEN_NAME))
    yield DemoStep(
        "say",
        _(
            "The same batik invoice with three classic mistakes: a space in the REX number, "
            "criterion W 5207 on a line of heading 5208, and an amount typed wrong. rexdecl "
            "refuses to write documents and names each cell to fix."
        ),
    )
    checked = check_workbook(broken, options)
    yield DemoStep("report", checked=checked)
    yield DemoStep("say", "")
    yield DemoStep("say", _("Documents written ({count} PDF files):").format(count=len(written_all)))
    yield DemoStep("wrote", paths=written_all)
