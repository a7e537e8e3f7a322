"""Origin criteria as the exporter types them, and as the statement prints them.

Input forms (workbook-format.md, statement-on-origin.md): ``P``; ``W`` (heading taken from
the HS code); ``W 6214``, ``W6214``, ``W 96.18``, ``"W" 9618``; ``eu-cumulation``,
``norway-cumulation``, ``switzerland-cumulation``, ``turkey-cumulation``,
``regional-cumulation``, ``extended-cumulation:XX``; ``no`` = not originating.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["P", "W", "cumulation", "no"]

CUMULATIONS = ("eu", "norway", "switzerland", "turkey", "regional", "extended")
# Where each cumulation's materials may originate (besides the country of origin itself).
CUMULATION_PARTNERS = {"norway": ("NO",), "switzerland": ("CH",), "turkey": ("TR",)}

_W = re.compile(r"^[\"'“”]?W[\"'“”]?\s*([\d.\s]*)$", re.IGNORECASE)
_CUMULATION = re.compile(r"^(eu|norway|switzerland|turkey|regional)[\s_-]*cumulation$", re.IGNORECASE)
_EXTENDED = re.compile(r"^extended[\s_-]*cumulation\s*[:\s]\s*([A-Za-z]{2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Criterion:
    kind: Kind
    heading: str | None = None  # W: the 4-digit heading as typed (or from the HS code)
    heading_given: bool = False  # W: whether the exporter typed the heading
    cumulation: str | None = None  # one of CUMULATIONS
    partner: str | None = None  # extended cumulation: the country XX

    @property
    def originating(self) -> bool:
        return self.kind != "no"

    def key(self) -> str:
        """A stable identity for grouping lines that share a criterion."""
        if self.kind == "W":
            return f"W {self.heading}"
        if self.kind == "cumulation":
            return f"{self.cumulation}:{self.partner or ''}"
        return self.kind


def is_ascii_digits(text: str) -> bool:
    """0-9 only: ``str.isdigit`` also accepts full-width and other scripts' digits, which are
    not an HS code or heading as customs reads it."""
    return text.isascii() and text.isdigit()


def parse_criterion(text: str | None, hs_code: str | None) -> Criterion | None:
    """The criterion in ``text``, or ``None`` when it is not a recognised form."""
    if text is None:
        return None
    value = " ".join(text.split())
    if value.upper() == "P":
        return Criterion("P")
    if value.lower() in ("no", "non", "none", "not originating", "tidak"):
        return Criterion("no")
    if match := _W.match(value):
        digits = re.sub(r"[.\s]", "", match[1])
        if not digits:
            heading = _heading_of(hs_code)
            return Criterion("W", heading, heading_given=False)
        if len(digits) == 4 and is_ascii_digits(digits):
            return Criterion("W", digits, heading_given=True)
        return None
    if match := _CUMULATION.match(value):
        return Criterion("cumulation", cumulation=match[1].lower())
    if match := _EXTENDED.match(value):
        return Criterion("cumulation", cumulation="extended", partner=match[1].upper())
    return None


def _heading_of(hs_code: str | None) -> str | None:
    if not hs_code:
        return None
    digits = re.sub(r"[.\s]", "", hs_code)
    return digits[:4] if len(digits) >= 4 and is_ascii_digits(digits[:4]) else None
