"""What an install needs: the dependency floors of pyproject.toml, the lock file CI and the
README install from, the message when WeasyPrint is too old (not "install Pango"), and the
cryptography package pypdf needs to open AES-encrypted PDFs."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from conftest import make_workbook, run_cli, write_registration

from rexdecl.documents.engine import WEASYPRINT_NEEDED

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CONSTRAINTS = ROOT / "constraints.txt"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _floor(requirement: str) -> tuple[int, ...]:
    match = re.search(r">=\s*([0-9.]+)", requirement)
    assert match, f"{requirement}: every dependency has a floor (>=)"
    return tuple(int(part) for part in match.group(1).split("."))


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text.split("+")[0])[:4])


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, version = line.partition("==")
        assert version and re.fullmatch(r"[A-Za-z0-9._-]+", name), f"constraints.txt: {line!r} is not NAME==VERSION"
        key = name.lower().replace("_", "-")
        assert key not in pins, f"constraints.txt pins {name} twice"
        pins[key] = version
    return pins


DEPENDENCIES = PYPROJECT["project"]["dependencies"]
TEST_DEPENDENCIES = PYPROJECT["project"]["optional-dependencies"]["test"]


def test_weasyprint_floor_is_the_one_render_names() -> None:
    (weasyprint,) = [r for r in DEPENDENCIES if _name(r) == "weasyprint"]
    assert _floor(weasyprint) == (int(WEASYPRINT_NEEDED),)


def test_cryptography_is_a_runtime_dependency() -> None:
    assert "cryptography" in {_name(r) for r in DEPENDENCIES}


# Import name of each runtime dependency; cryptography is not imported by rexdecl: pypdf
# needs it to decrypt AES (see test_aes_encrypted_pdf_opens).
IMPORTS = {
    "click": "click",
    "jinja2": "jinja2",
    "weasyprint": "weasyprint",
    "openpyxl": "openpyxl",
    "python-dateutil": "dateutil",
    "babel": "babel",
    "pycountry": "pycountry",
    "pypdf": "pypdf",
    "defusedxml": "defusedxml",
    "cryptography": None,
}


def test_each_runtime_dependency_is_used() -> None:
    """A runtime dependency only while the code imports it (defusedxml went with the
    openpyxl reader and came back with the SVG logo check)."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "rexdecl").rglob("*.py"))
    names = {_name(r) for r in DEPENDENCIES}
    assert names == set(IMPORTS)
    for name, module in IMPORTS.items():
        if module:
            assert re.search(rf"^\s*(from|import) {module}\b", source, flags=re.M), f"{name} is not imported"


@pytest.mark.parametrize("requirement", DEPENDENCIES + TEST_DEPENDENCIES)
def test_lock_file_pins_each_dependency_at_or_above_its_floor(requirement: str) -> None:
    pins = _pins()
    name = _name(requirement)
    assert name in pins, f"constraints.txt does not pin {name}"
    if ">=" in requirement:
        assert _version(pins[name]) >= _floor(requirement), f"{name}=={pins[name]} is below {requirement}"


def test_lock_file_pins_what_rexdecl_needs_transitively() -> None:
    """The lock holds the whole tree: WeasyPrint's own dependencies too, not only ours."""
    pins = _pins()
    for name in ("pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fonttools", "pillow", "cffi", "et-xmlfile"):
        assert name in pins, f"constraints.txt does not pin {name} (a dependency of a dependency)"


@pytest.mark.parametrize("command", [0, 1])
def test_readme_setup_blocks(command: int) -> None:
    """The two first commands of the README set up a fresh Debian/Ubuntu machine: the venv
    module, Pango and HarfBuzz, and the locked versions."""
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    block = blocks[command]
    assert "python3-venv" in block
    assert "libpango-1.0-0" in block and "libharfbuzz-subset0" in block
    assert "python3 -m venv .venv" in block and ". .venv/bin/activate" in block
    assert "-c constraints.txt" in block
    assert ("rexdecl generate examples/" in block) if command == 0 else ("pytest" in block)


def test_readme_says_python_version_and_how_to_come_back() -> None:
    opening = README.split("## Quick start", 1)[0]
    assert "Python 3.11" in opening and "22.04" in opening
    assert "`. .venv/bin/activate`" in opening
    requires = PYPROJECT["project"]["requires-python"]
    assert requires == ">=3.11"


def _generate_with_weasyprint(tmp_path: Path, version: str, urls_api: bool) -> subprocess.CompletedProcess[str]:
    """`rexdecl generate` in a fresh interpreter whose WeasyPrint says it is ``version``;
    without ``urls_api`` its weasyprint.urls has functions only, as up to WeasyPrint 67."""
    workbook = make_workbook(tmp_path)
    write_registration(tmp_path / "registration.toml")
    code = textwrap.dedent(
        f"""
        import sys, types
        import weasyprint
        weasyprint.__version__ = {version!r}
        if not {urls_api!r}:
            urls = types.ModuleType("weasyprint.urls")
            urls.default_url_fetcher = lambda url: None
            sys.modules["weasyprint.urls"] = urls
            weasyprint.urls = urls
        from rexdecl.cli import main
        sys.argv = ["rexdecl", "generate", {str(workbook)!r}, "--out", {str(tmp_path / "out")!r}, "--as-of", "2026-11-22"]
        main()
        """
    )
    env = {**os.environ, "REXDECL_LANG": "en"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


@pytest.mark.parametrize(("version", "urls_api"), [("67.0", False), ("68.1", True), ("69.0", True)])
def test_too_old_weasyprint_is_named_not_pango(tmp_path: Path, version: str, urls_api: bool) -> None:
    """WeasyPrint 67 loads Pango but has no URLFetcher class; 68 and 69 have it but lay
    out no page with rexdecl's user-agent sheet. The message names both versions, with
    exit status 2, no traceback and no file written."""
    result = _generate_with_weasyprint(tmp_path, version, urls_api)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"rexdecl: PDF output needs WeasyPrint 70 or later, but WeasyPrint {version} is installed: "
        'upgrade it (pip install "weasyprint>=70") and run again.',
        "hint: The versions rexdecl is tested with are pinned in constraints.txt (see the README).",
    ]
    assert "Pango" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_weasyprint_without_the_fetcher_api(tmp_path: Path) -> None:
    """A later WeasyPrint that dropped URLFetcher: said so, not "install Pango"."""
    result = _generate_with_weasyprint(tmp_path, "99.0", urls_api=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "rexdecl: WeasyPrint 99.0 lacks the URLFetcher API that PDF output needs: install the version pinned in "
        "constraints.txt (see the README) and run again."
    ]


def _permission_only_pdf(path: Path, algorithm: str) -> Path:
    """A PDF anyone can open (empty user password) with an owner password, as many
    invoicing tools write them, encrypted with ``algorithm``."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    stream = io.BytesIO()
    pdf = canvas.Canvas(stream, invariant=1)
    pdf.drawString(72, 720, "COMMERCIAL INVOICE No. INV-2026-001")
    pdf.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(stream.getvalue())))
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm=algorithm)
    writer.write(path)
    return path


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
def test_aes_encrypted_pdf_opens(tmp_path: Path, algorithm: str) -> None:
    """pypdf decrypts AES only with the cryptography package: without it `rexdecl lint`
    stopped with an internal error (DependencyError, exit 3)."""
    from pypdf import PdfReader

    document = _permission_only_pdf(tmp_path / "invoice.pdf", algorithm)
    reader = PdfReader(document)
    assert reader.is_encrypted and reader.decrypt("")
    assert "INV-2026-001" in reader.pages[0].extract_text()
    result = run_cli(["lint", str(document)])
    assert result.exit_code in (0, 1), result.output
    assert "internal error" not in result.output


def test_licence_file_and_pyproject_agree() -> None:
    """The LICENSE file (which setuptools puts in the wheel's dist-info) and the licence the
    package metadata declares are one: MIT."""
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n\nCopyright (c) 2026 the rexdecl authors\n")
    assert "Permission is hereby granted, free of charge" in licence
    assert PYPROJECT["project"]["license"] == {"text": "MIT"}
