"""What lint accepts after the check of the official texts (legal-facts-2026-12.md §5.3):
the official "Generalised" and the older "Generalized"; cumulation mentions in any case; the
symbols of Annex 22-07 fn. 5 ("EU", "CM") in the country blank, not the recalled "XC/XL"."""

from __future__ import annotations

import pytest
from test_lint import EN, codes, lint


@pytest.mark.parametrize("spelling", ["Generalised", "Generalized"])
def test_both_spellings_pass(spelling: str) -> None:
    report = lint(EN.replace("Generalized", spelling).replace("Generalised", spelling))
    assert report.findings == (), [f.message for f in report.findings]


@pytest.mark.parametrize(
    "mention",
    [
        "regional cumulation",
        "Regional cumulation",
        "REGIONAL CUMULATION",
        "extended cumulation with Cambodia",
        "Extended cumulation with Cambodia",
    ],
)
def test_cumulation_mentions_of_either_case_pass(mention: str) -> None:
    report = lint(EN.replace("W 6214", mention))
    assert report.findings == (), [f.message for f in report.findings]


@pytest.mark.parametrize("symbol", ["EU", "CM"])
def test_the_symbols_of_footnote_5_are_a_country(symbol: str) -> None:
    report = lint(EN.replace("of Indonesia preferential", f"of {symbol} preferential"))
    assert report.findings == (), [f.message for f in report.findings]


def test_the_recalled_xc_xl_is_no_country() -> None:
    report = lint(EN.replace("of Indonesia preferential", "of XC/XL preferential"))
    assert codes(report) == ["LINT-COUNTRY"]
