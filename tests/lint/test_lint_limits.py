"""``rexdecl lint`` on hostile input ("Hostile input and faults", items 3 and 4): what is not a
regular file, files beyond the size, page, operation and text limits, PDFs whose text costs
more than any invoice, quadratic HTML, unknown stream filters, deep nesting; and the fuzz
target (bench/fuzz_lint.py) run briefly.

Each refusal is exit status 2 with the file, the part and the limit in the message, and no
traceback. Speed is measured by bench/fuzz_lint.py, not asserted here; the limits are lowered
with monkeypatch where the real ones would only make a test slower.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import textwrap
import zlib
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from test_lint import EN, _lines_pdf, codes

import rexdecl.cli
import rexdecl.cli.lint
from rexdecl import limits
from rexdecl.errors import UnreadableInput
from rexdecl.lint import lint_file, lint_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def group() -> click.Group:
    g = rexdecl.cli.make_cli()
    rexdecl.cli.lint.register(g)
    return g


def run(group: click.Group, path: Path) -> Result:
    return CliRunner().invoke(group, ["lint", str(path)])


def refused(group: click.Group, path: Path) -> str:
    """The message of a refusal, after checking it is one (exit 2, nothing on stdout)."""
    result = run(group, path)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert result.stderr.startswith(f"rexdecl: the input cannot be used:\n  - {path}")
    return result.stderr


def raw_pdf(contents: list[bytes], filters: bytes = b"/FlateDecode") -> bytes:
    """A minimal PDF written by hand (one page per content stream, Helvetica as /F1)."""
    objects: list[bytes] = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for content in contents:
        data = zlib.compress(content) if filters == b"/FlateDecode" else content
        objects.append(b"<< /Length %d /Filter %s >>\nstream\n%s\nendstream" % (len(data), filters, data))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % len(objects)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# -- not a regular file, too large ------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_device_is_refused(group: click.Group) -> None:
    message = refused(group, Path("/dev/zero"))
    assert "/dev/zero: found a character device, not a regular file; expected a PDF or a text file" in message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_fifo_is_refused_without_waiting_for_a_writer(group: click.Group, tmp_path: Path) -> None:
    fifo = tmp_path / "statement.pdf"
    os.mkfifo(fifo)
    assert "statement.pdf: found a named pipe (FIFO), not a regular file" in refused(group, fifo)


def test_file_above_the_size_limit_is_refused_before_reading(group: click.Group, tmp_path: Path) -> None:
    big = tmp_path / "scan.pdf"
    with big.open("wb") as stream:  # sparse: 200 MB that take no disk space
        stream.write(b"%PDF-1.4\n")
        stream.truncate(200 * 1024 * 1024)
    message = refused(group, big)
    assert "scan.pdf: the file is 200 MB, more than lint's limit of 50 MB" in message
    assert "hint: lint only the pages that hold the statement on origin" in message


def test_text_above_the_text_limit_is_refused(group: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text((EN + "\n") * (limits.MAX_LINT_TEXT // len(EN) + 1), encoding="utf-8")
    message = refused(group, path)
    assert f"characters long, more than lint's limit of {limits.MAX_LINT_TEXT:,} characters" in message


def test_limits_are_written_in_the_interface_languages_style(group: click.Group, tmp_path: Path) -> None:
    """Under --lang id a count reads 1.200.000 (the English grouping would misread)."""
    path = tmp_path / "long.txt"
    path.write_text((EN + "\n") * (limits.MAX_LINT_TEXT // len(EN) + 1), encoding="utf-8")
    result = CliRunner().invoke(group, ["--lang", "id", "lint", str(path)])
    assert result.exit_code == 2, result.output
    english = f"{limits.MAX_LINT_TEXT:,}"
    assert english.replace(",", ".") in result.stderr and english not in result.stderr


# -- PDFs that cost more than any invoice -------------------------------------------------------------


def test_pdf_with_more_pages_than_the_limit(group: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "pages.pdf"
    path.write_bytes(raw_pdf([b"BT /F1 10 Tf 50 700 Td (page) Tj ET"] * (limits.MAX_LINT_PAGES + 1)))
    limit = limits.MAX_LINT_PAGES
    expected = f"pages.pdf: the PDF has {limit + 1:,} pages, more than lint's limit of {limit:,} pages"
    assert expected in refused(group, path)


def test_small_pdf_with_many_text_objects_is_refused_quickly(group: click.Group, tmp_path: Path) -> None:
    """The shape of the 49 KB PDF that took 63 s: tens of thousands of small text objects on
    one page, compressed to a few KB (pypdf's text extraction grows quadratically with them)."""
    path = tmp_path / "objects.pdf"
    path.write_bytes(raw_pdf([b"BT /F1 10 Tf 50 700 Td (Invoice line 17) Tj ET\n" * 60_000]))
    assert path.stat().st_size < 50_000
    message = refused(group, path)
    assert (
        "objects.pdf, page 1: the page holds more drawing operations than lint's limit of "
        "100,000 operators and operands a page"
    ) in message


def test_page_with_more_text_than_any_page_holds(group: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "text.pdf"
    line = b"BT /F1 4 Tf 20 700 Td (" + b"Invoice line with many words " * 4 + b") Tj ET\n"
    path.write_bytes(raw_pdf([line * 1_000]))
    message = refused(group, path)
    assert "text.pdf, page 1: the text of the page is longer than lint's limit of 100,000 characters a page" in message


def test_pdf_with_more_operations_than_the_limit(
    group: click.Group, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_LINT_PDF_TOKENS", 2_000)
    path = tmp_path / "drawing.pdf"
    path.write_bytes(raw_pdf([b"BT /F1 10 Tf 50 700 Td (Total) Tj ET", b"0 0 m 10 10 l S\n" * 1_000]))
    message = refused(group, path)
    assert "drawing.pdf, page 2: the content up to page 2 holds more drawing operations than lint's limit of 2,000" in (
        message
    )


@pytest.mark.parametrize("pypdf_log_level", [logging.NOTSET, logging.CRITICAL])
def test_operations_inside_a_form_xobject_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, pypdf_log_level: int
) -> None:
    """pypdf catches what goes wrong inside a form: the limit is still enforced, also in a
    program that silenced pypdf's logger (lint learns of the limit from its log)."""
    from reportlab.pdfgen import canvas

    pypdf_log = logging.getLogger("pypdf")
    request.addfinalizer(lambda level=pypdf_log.level: pypdf_log.setLevel(level))
    pypdf_log.setLevel(pypdf_log_level)  # setLevel, not the attribute: it empties logging's cache
    monkeypatch.setattr(limits, "MAX_LINT_PDF_TOKENS", 3_000)
    path = tmp_path / "form.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.beginForm("lines")
    for row in range(1_000):
        pdf.drawString(50, 800 - row % 700, "line")
    pdf.endForm()
    pdf.doForm("lines")
    pdf.showPage()
    pdf.save()
    with pytest.raises(UnreadableInput) as caught:
        lint_file(path)
    problem = caught.value.problems[0]
    assert problem.location.part == "page 1"
    assert "more drawing operations than lint's limit of 3,000" in problem.message


def test_pdf_text_of_all_pages_above_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_LINT_TEXT", 2_000)
    lines = textwrap.wrap(EN, 90)
    path = _lines_pdf(tmp_path / "pages.pdf", [lines] * 10)
    with pytest.raises(UnreadableInput) as caught:
        lint_file(path)
    problem = caught.value.problems[0]
    page = int((problem.location.part or "").removeprefix("page "))
    assert 2 <= page <= 10
    assert problem.message.startswith(f"the text of pages 1 to {page} is 2,")
    assert "more than lint's limit of 2,000 characters for a document" in problem.message


def test_stream_beyond_the_decompression_limit(group: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "bomb.pdf"
    path.write_bytes(raw_pdf([b"BT /F1 10 Tf (" + b"a" * (limits.MAX_LINT_PDF_STREAM_BYTES + 1) + b") Tj ET"]))
    assert path.stat().st_size < 50_000
    message = refused(group, path)
    assert "bomb.pdf, page 1: a part of the PDF is beyond the PDF reader's safety limits" in message


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (b"/Foo", "found a damaged PDF (NotImplementedError: Unsupported filter /Foo"),
        (b"[/FlateDecode /Foo]", "found a damaged PDF ("),
        (b"/JBIG2Decode", "found a "),  # a program pypdf calls; or damaged data when it is there
        (b"1", "found a damaged PDF ("),
    ],
)
def test_unknown_or_unusual_stream_filter_exits_2(
    group: click.Group, tmp_path: Path, filters: bytes, expected: str
) -> None:
    """63 of 7,600 fuzzed lint inputs ended as internal errors on such filters."""
    path = tmp_path / "filter.pdf"
    path.write_bytes(raw_pdf([b"BT /F1 10 Tf 50 700 Td (text) Tj ET"], filters=filters))
    assert f"filter.pdf, page 1: {expected}" in refused(group, path)


def test_deeply_nested_content_is_a_damaged_pdf(group: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "nested.pdf"
    path.write_bytes(raw_pdf([b"[" * 5_000 + b"]" * 5_000 + b" BT /F1 10 Tf (x) Tj ET"]))
    assert "nested.pdf, page 1: found a damaged PDF (RecursionError" in refused(group, path)


# -- text that costs more than any invoice ----------------------------------------------------------------


@pytest.mark.parametrize(
    "content", ["<" * 100_000, "<script" * 20_000, "<!--" * 25_000], ids=["lt", "script", "comment"]
)
def test_html_of_nothing_but_tag_openings(tmp_path: Path, content: str) -> None:
    path = tmp_path / "page.html"
    path.write_text(content, encoding="utf-8")
    assert codes(lint_file(path)) == ["LINT-NO-STATEMENT"]


def test_unclosed_script_keeps_the_text_after_it(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(f"<html><script>var a = 1;\n<p>{EN}</p></html>", encoding="utf-8")
    assert lint_file(path).findings == ()


def test_statutory_phrases_over_and_over_reach_the_comparison_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_LINT_ALIGNMENTS", 50)
    with pytest.raises(UnreadableInput) as caught:
        lint_text("of the products covered by this document " * 2_000, "phrases.txt")
    problem = caught.value.problems[0]
    assert problem.location.file == "phrases.txt" and problem.location.part == "line 1"
    assert problem.message.startswith(
        "the text holds more passages resembling a statement on origin than lint's limit of 50 comparisons"
    )


def test_a_hundred_statements_stay_within_the_limits() -> None:
    report = lint_text("\n\n".join([EN] * 100), "many.txt")
    assert len(report.statements) == 100 and report.findings == ()


def test_footnote_markers_by_the_thousand(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("(1) " * 100_000 + "\n" + EN, encoding="utf-8")
    assert codes(lint_file(path)) == []


# -- the fuzz target ---------------------------------------------------------------------------------------


def load_fuzzer() -> Any:
    module = sys.modules.get("fuzz_lint")
    if module is None:
        spec = importlib.util.spec_from_file_location("fuzz_lint", ROOT / "bench" / "fuzz_lint.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["fuzz_lint"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return module


def test_fuzz_seeds_and_mutations_are_deterministic() -> None:
    fuzzer = load_fuzzer()
    first, second = fuzzer.seeds(), fuzzer.seeds()
    assert [s.data for s in first] == [s.data for s in second]

    def cases(seed: int) -> list[bytes]:
        rng = fuzzer.random.Random(seed)
        return [fuzzer.mutate(rng, rng.choice(first))[0] for _ in range(30)]

    assert cases(3) == cases(3)
    assert cases(3) != cases(4)


def test_fuzz_seeds_lint_as_expected(tmp_path: Path) -> None:
    fuzzer = load_fuzzer()
    for seed in fuzzer.seeds():
        path = tmp_path / seed.name
        path.write_bytes(seed.data)
        expected = "exit 1" if seed.name == "other-agreement.pdf" else "exit 0"
        assert fuzzer.run_lint(path, 30).outcome == expected, seed.name


def test_fuzzed_documents_never_crash_or_hang() -> None:
    fuzzer = load_fuzzer()
    result = fuzzer.fuzz(80, seed=11, timeout=30.0)
    counts = result["counts"]
    assert sum(counts.values()) == 80
    assert counts["exit 2"] > 0 and counts["exit 0"] + counts["exit 1"] > 0  # it reached both
    assert (counts["CRASH"], counts["HANG"]) == (0, 0), result["problems"][:5]
