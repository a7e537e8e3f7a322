"""What a logo may cost: each bound refuses the smallest file that shows it, before rendering.

Every case runs ``rexdecl generate --logo FILE`` and asserts exit status 2, the message
(naming the file, what was found and the limit) and that nothing was written. The files are
made here, byte by byte: PNG and JPEG headers that declare what they would decode to, and
small SVG documents whose references multiply what they draw.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from click.testing import Result
from conftest import AS_OF, make_workbook, run_cli, write_registration

from rexdecl import limits
from rexdecl.documents.files import check_logo
from rexdecl.documents.pdf import Renderer
from rexdecl.errors import RenderError, UsageError

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="60" height="20">'


@pytest.fixture
def good(tmp_path: Path) -> Path:
    workbook = make_workbook(tmp_path / "in", name="good.xlsx")
    write_registration(tmp_path / "in" / "registration.toml")
    return workbook


def generate(good: Path, logo: Path) -> Result:
    return run_cli(["generate", good, "--out", good.parent / "out", "--as-of", "2026-11-22", "--logo", logo])


def refused(good: Path, logo: Path) -> str:
    """The message of a refused logo; nothing was written."""
    result = generate(good, logo)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not (good.parent / "out").exists()
    return result.output


def png(width: int, height: int, depth: int = 8, colour: int = 6, pixels: bool = True) -> bytes:
    """A PNG; with ``pixels=False`` only its header (what the check reads)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour, 1)
    body = b""
    if pixels:
        row = b"\0" + b"\x80" * (width * channels * depth // 8)
        body = chunk(b"IDAT", zlib.compress(row * height))
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + body + chunk(b"IEND", b"")


def jpeg_header(width: int, height: int, precision: int = 8) -> bytes:
    """The start of a JPEG file: SOI, an APP0 (JFIF) segment, then a baseline frame header."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 17, precision, height, width, 3)
    frame += b"".join(bytes((component, 0x11, 0)) for component in (1, 2, 3))
    return b"\xff\xd8" + app0 + frame + b"\xff\xd9"


def write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


# -- PNG and JPEG: the header is read, no pixel decoded ---------------------------------------


def test_png_with_too_many_pixels(tmp_path: Path, good: Path) -> None:
    # 20,000 x 20,000 pixels would decode to 1.6 GB; the header alone says so (33 bytes + IEND).
    logo = write(tmp_path, "logo.png", png(20_000, 20_000, pixels=False))
    assert (
        f"rexdecl: {logo}: the logo is 20,000 x 20,000 pixels (400,000,000 pixels); expected at most "
        "8,000,000 pixels: printed at most 60 mm wide, a logo needs about 1,500 pixels across; save it smaller"
    ) in refused(good, logo)


def test_pixel_limit_is_the_boundary(tmp_path: Path) -> None:
    at_limit = write(tmp_path, "at.png", png(4_000, 2_000, pixels=False))
    assert check_logo(at_limit) == at_limit.resolve()
    over = write(tmp_path, "over.png", png(4_000, 2_001, pixels=False))
    with pytest.raises(UsageError, match="4,000 x 2,001 pixels"):
        check_logo(over)


def test_png_with_16_bits_per_channel(tmp_path: Path, good: Path) -> None:
    logo = write(tmp_path, "logo.png", png(1, 1, depth=16))
    assert (
        f"rexdecl: {logo}: the logo has 16 bits per colour channel; expected at most 8: save it as an 8-bit image"
    ) in refused(good, logo)


def test_png_with_a_damaged_header(tmp_path: Path, good: Path) -> None:
    logo = write(tmp_path, "logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    assert (
        f"rexdecl: {logo}: the logo is a damaged PNG image (no image header); expected a PNG, JPEG or SVG file"
    ) in refused(good, logo)
    logo = write(tmp_path, "colour.png", png(1, 1, depth=8, colour=5, pixels=False))  # no colour type 5
    assert "the logo is a damaged PNG image (invalid image header)" in refused(good, logo)


def test_jpeg_with_too_many_pixels(tmp_path: Path, good: Path) -> None:
    logo = write(tmp_path, "logo.jpg", jpeg_header(10_000, 10_000))
    assert f"rexdecl: {logo}: the logo is 10,000 x 10,000 pixels (100,000,000 pixels)" in refused(good, logo)


def test_jpeg_with_12_bit_samples(tmp_path: Path, good: Path) -> None:
    logo = write(tmp_path, "logo.jpg", jpeg_header(100, 100, precision=12))
    assert f"rexdecl: {logo}: the logo has 12 bits per colour channel; expected at most 8" in refused(good, logo)


def test_jpeg_without_a_frame_header(tmp_path: Path, good: Path) -> None:
    logo = write(tmp_path, "logo.jpg", b"\xff\xd8\xff\xdb" + struct.pack(">H", 4) + b"\0\0\xff\xd9")
    assert f"rexdecl: {logo}: the logo is a damaged JPEG image (no image header)" in refused(good, logo)


def test_a_small_png_logo_is_printed(tmp_path: Path, good: Path) -> None:
    logo = write(tmp_path, "logo.png", png(300, 100))
    result = generate(good, logo)
    assert result.exit_code == 0, result.output
    assert len(list((good.parent / "out").glob("*.pdf"))) == 2


# -- SVG -------------------------------------------------------------------------------------


def use_bomb(levels: int, fan: int = 10) -> str:
    """Each group uses the previous one ``fan`` times: fan ** levels rectangles."""
    groups = '<g id="g0"><rect width="1" height="1"/></g>'
    for level in range(1, levels + 1):
        groups += f'<g id="g{level}">' + f'<use xlink:href="#g{level - 1}"/>' * fan + "</g>"
    return f'{SVG_OPEN}<defs>{groups}</defs><use xlink:href="#g{levels}"/></svg>'


TOO_MANY = (
    "the SVG logo would draw more than 10,000 elements once its references (<use>, patterns, "
    "markers, clip paths, masks) are followed; expected at most 10,000: simplify the drawing, or use a PNG logo"
)


def test_svg_use_bomb(tmp_path: Path, good: Path) -> None:
    # 1.2 KB that would draw 10,000 rectangles (one more level: 100,000, a minute and 0.5 GB).
    logo = write(tmp_path, "logo.svg", use_bomb(4))
    assert logo.stat().st_size < 1_200
    assert f"rexdecl: {logo}: {TOO_MANY}" in refused(good, logo)


def test_svg_with_fewer_uses_is_printed(tmp_path: Path, good: Path) -> None:
    logo = write(tmp_path, "logo.svg", use_bomb(2))  # 100 rectangles
    result = generate(good, logo)
    assert result.exit_code == 0, result.output


def test_svg_with_too_many_elements(tmp_path: Path, good: Path) -> None:
    logo = write(tmp_path, "logo.svg", SVG_OPEN + "<rect/>" * limits.MAX_LOGO_SVG_ELEMENTS + "</svg>")
    assert f"rexdecl: {logo}: {TOO_MANY}" in refused(good, logo)


def test_svg_pattern_inherited_by_many_shapes(tmp_path: Path, good: Path) -> None:
    # fill is inherited: every one of the 101 rectangles draws the pattern's 100 again.
    pattern = '<pattern id="p" width="1" height="1">' + "<rect/>" * 100 + "</pattern>"
    logo = write(tmp_path, "logo.svg", f'{SVG_OPEN}<defs>{pattern}</defs><g fill="url(#p)">{"<rect/>" * 101}</g></svg>')
    assert f"rexdecl: {logo}: {TOO_MANY}" in refused(good, logo)
    # The same shapes filled with a gradient: painted, nothing drawn again.
    gradient = '<linearGradient id="p"><stop offset="0"/><stop offset="1"/></linearGradient>'
    logo = write(tmp_path, "ok.svg", f'{SVG_OPEN}<defs>{gradient}</defs><g fill="url(#p)">{"<rect/>" * 101}</g></svg>')
    assert check_logo(logo) == logo.resolve()


def test_svg_marker_at_every_vertex(tmp_path: Path, good: Path) -> None:
    marker = '<marker id="m">' + "<circle r='1'/>" * 100 + "</marker>"
    points = " ".join(f"{i},{i}" for i in range(60))
    logo = write(
        tmp_path, "logo.svg", f'{SVG_OPEN}<defs>{marker}</defs><polyline points="{points}" marker-mid="url(#m)"/></svg>'
    )
    assert f"rexdecl: {logo}: {TOO_MANY}" in refused(good, logo)


def test_svg_style_sheet_references_are_followed(tmp_path: Path, good: Path) -> None:
    pattern = '<pattern id="p" width="1" height="1">' + "<rect/>" * 100 + "</pattern>"
    style = "<style>.s { fill: url(#p) }</style>"
    shapes = '<rect class="s"/>' * 101
    logo = write(tmp_path, "logo.svg", f"{SVG_OPEN}{style}<defs>{pattern}</defs>{shapes}</svg>")
    assert f"rexdecl: {logo}: {TOO_MANY}" in refused(good, logo)


def test_svg_reference_loop(tmp_path: Path, good: Path) -> None:
    logo = write(tmp_path, "logo.svg", f'{SVG_OPEN}<g id="a"><use xlink:href="#a"/></g></svg>')
    assert (
        f"rexdecl: {logo}: the SVG logo has a reference loop (through the element with id 'a'); "
        "expected references that end"
    ) in refused(good, logo)


def test_svg_nested_too_deep(tmp_path: Path, good: Path) -> None:
    depth = limits.MAX_LOGO_SVG_DEPTH
    logo = write(tmp_path, "logo.svg", SVG_OPEN + "<g>" * depth + "</g>" * depth + "</svg>")
    assert (
        f"rexdecl: {logo}: the SVG logo's elements nest more than 100 levels deep once its references "
        "are followed; expected at most 100"
    ) in refused(good, logo)


def test_svg_use_chain_too_deep(tmp_path: Path, good: Path) -> None:
    # Shallow in the file, deep when drawn: each group uses the previous one once.
    groups = '<g id="g0"/>' + "".join(f'<g id="g{i}"><use xlink:href="#g{i - 1}"/></g>' for i in range(1, 60))
    logo = write(tmp_path, "logo.svg", f'{SVG_OPEN}<defs>{groups}</defs><use xlink:href="#g59"/></svg>')
    assert "nest more than 100 levels deep once its references are followed" in refused(good, logo)


@pytest.mark.parametrize(
    "content, shown",
    [
        ('<image xlink:href="file:///etc/passwd" width="1" height="1"/>', "file:///etc/passwd"),
        ('<image href="http://127.0.0.1:9/logo.png" width="1" height="1"/>', "http://127.0.0.1:9/logo.png"),
        ('<image href="data:image/png;base64,AAAA" width="1" height="1"/>', "data:image/png;base64,AAAA"),
        ('<use xlink:href="other.svg#logo"/>', "other.svg#logo"),
        ('<rect fill="url(http://127.0.0.1:9/p.svg#p)"/>', "http://127.0.0.1:9/p.svg#p"),
        ('<rect style="fill: url(other.svg#p)"/>', "other.svg#p"),
        ("<style>@import url(http://127.0.0.1:9/x.css);</style>", "@import url(http://127.0.0.1:9/x.css)"),
        ("<style>.a { mask: url('file:///etc/passwd') }</style>", "file:///etc/passwd"),
    ],
    ids=["file", "http", "data", "use-file", "fill-url", "style-attribute", "import", "style-sheet"],
)
def test_svg_reference_outside_the_file(tmp_path: Path, good: Path, content: str, shown: str) -> None:
    logo = write(tmp_path, "logo.svg", f"{SVG_OPEN}{content}</svg>")
    assert (
        f"rexdecl: {logo}: the SVG logo refers to something outside the file ({shown}); expected a "
        "self-contained drawing (references only to its own elements, as #id)"
    ) in refused(good, logo)


ENTITIES = (
    "the SVG logo declares entities (refused as a defence against entity expansion and external "
    "files); expected an SVG file without entity declarations (export it again as plain SVG)"
)


def test_svg_billion_laughs(tmp_path: Path, good: Path) -> None:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    logo = write(
        tmp_path, "logo.svg", f'<?xml version="1.0"?><!DOCTYPE svg [{entities}]>{SVG_OPEN}<text>&i;</text></svg>'
    )
    assert f"rexdecl: {logo}: {ENTITIES}" in refused(good, logo)


def test_svg_external_entity(tmp_path: Path, good: Path) -> None:
    logo = write(
        tmp_path,
        "logo.svg",
        f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>{SVG_OPEN}<text>&x;</text></svg>',
    )
    assert f"rexdecl: {logo}: {ENTITIES}" in refused(good, logo)


def test_svg_not_well_formed(tmp_path: Path, good: Path) -> None:
    logo = write(tmp_path, "logo.svg", f"{SVG_OPEN}<g></svg>")
    assert f"rexdecl: {logo}: the logo cannot be read as SVG (mismatched tag: line 1" in refused(good, logo)
    logo = write(tmp_path, "html.svg", "<html><svg/></html>")
    assert (
        f"rexdecl: {logo}: the logo cannot be read as SVG (the document is not an <svg> element); "
        "expected a well-formed SVG file"
    ) in refused(good, logo)


def test_an_ordinary_svg_logo_is_printed(tmp_path: Path, good: Path) -> None:
    # As drawing programs export them: a DOCTYPE without entities, a style sheet with classes,
    # a gradient, a clip path made of a <use>, a link.
    logo = write(
        tmp_path,
        "logo.svg",
        '<?xml version="1.0" encoding="utf-8"?>'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        f"{SVG_OPEN}<style>.st0{{fill:url(#grad)}} .st1{{clip-path:url(#clip)}}</style>"
        '<defs><linearGradient id="grad"><stop offset="0" stop-color="#036"/><stop offset="1" stop-color="#fc0"/>'
        '</linearGradient><rect id="box" width="60" height="20"/><clipPath id="clip"><use xlink:href="#box"/>'
        '</clipPath></defs><a href="https://example.com/"><g class="st1"><rect class="st0" width="60" height="20"/>'
        '<circle cx="10" cy="10" r="8" fill="#fff"/></g></a></svg>',
    )
    result = generate(good, logo)
    assert result.exit_code == 0, result.output


def test_the_renderer_checks_the_logo_it_reads(tmp_path: Path, good: Path) -> None:
    # A logo swapped after the command's check (or a library caller that never checked):
    # the renderer refuses what it reads, before drawing it.
    from rexdecl.documents.viewmodel import build_views
    from rexdecl.pipeline import check_workbook
    from rexdecl.rules import CheckOptions

    checked = check_workbook(good, CheckOptions(as_of=AS_OF))
    invoice, _packing = build_views(checked.facts, with_statement=True)
    logo = write(tmp_path, "logo.svg", use_bomb(5))
    with pytest.raises(RenderError, match="would draw more than 10,000 elements"):
        Renderer().pdf(invoice, logo_path=logo.resolve())
