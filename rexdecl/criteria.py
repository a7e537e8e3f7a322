"""Origin criteria as the exporter types them, and as the statement prints them.

Input forms (workbook-format.md, statement-on-origin.md): ``P``; ``W`` (heading taken from
the HS code); ``W 6214``, ``W6214``, ``W 96.18``, ``"W" 9618``; ``<key>-cumulation`` for each
cumulation a scheme's data provides (``eu-cumulation``, ``regional-cumulation``,
``uk-bilateral-cumulation``…); ``extended-cumulation:XX``; ``no`` = not originating.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

Kind = Literal["P", "W", "cumulation", "no"]

_W = re.compile(r"^[\"'“”]?W[\"'“”]?\s*([\d.\s]*)$", re.IGNORECASE)
_CUMULATION = re.compile(r"^([a-z]+(?:[\s_-][a-z]+)*?)[\s_-]*cumulation$", re.IGNORECASE)
_EXTENDED = re.compile(r"^extended[\s_-]*cumulation\s*[:\s]\s*([A-Za-z]{2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Criterion:
    kind: Kind
    heading: str | None = None  # W: the 4-digit heading as typed (or from the HS code)
    heading_given: bool = False  # W: whether the exporter typed the heading
    cumulation: str | None = None  # a cumulation key of the scheme data ("regional")
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


def cumulation_key(text: str) -> str:
    """``Regional``, ``uk bilateral``, ``UK_bilateral`` → ``regional``, ``uk-bilateral``."""
    return re.sub(r"[\s_-]+", "-", text.strip().lower())


def parse_criterion(
    text: str | None, hs_code: str | None, cumulations: Collection[str] | None = None
) -> Criterion | None:
    """The criterion in ``text``, or ``None`` when it is not a recognised form. ``cumulations``:
    the cumulation keys accepted (default: every key of the scheme data)."""
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
        key = cumulation_key(match[1])
        if cumulations is None:
            from rexdecl.schemes import cumulation_keys

            cumulations = cumulation_keys()
        if key != "extended" and key in cumulations:
            return Criterion("cumulation", cumulation=key)
        return None
    if match := _EXTENDED.match(value):
        return Criterion("cumulation", cumulation="extended", partner=match[1].upper())
    return None


def _heading_of(hs_code: str | None) -> str | None:
    if not hs_code:
        return None
    digits = re.sub(r"[.\s]", "", hs_code)
    return digits[:4] if len(digits) >= 4 and is_ascii_digits(digits[:4]) else None
