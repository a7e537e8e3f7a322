"""``rexdecl explain [CODE]`` and the rule explanations of data/rules.toml, in English and
Bahasa Indonesia."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest

from rexdecl import legal
from rexdecl.catalogue import UnknownRuleCode, close_matches, explain, normalise_code
from rexdecl.i18n import set_language

FIELDS = ("meaning", "meaning_id", "why", "why_id", "example", "fix", "fix_id")
CODES = list(legal.rule_catalogue())
MARK = re.compile(r"\[(?:V2?|R|I)\b")


def _flat(text: str) -> str:
    """Text with its wrapping undone."""
    return " ".join(text.split())


# --- the data ------------------------------------------------------------------------------------


def test_every_rule_explains_itself_in_both_languages() -> None:
    raw = tomllib.loads(resources.files("rexdecl.data").joinpath("rules.toml").read_text(encoding="utf-8"))
    assert [rule["code"] for rule in raw["rule"]] == CODES  # one entry per code of the loaded catalogue
    problems = [
        f"{rule['code']}: {field}" for rule in raw["rule"] for field in FIELDS if not str(rule.get(field, "")).strip()
    ]
    assert not problems, "empty or missing: " + ", ".join(problems)


@pytest.mark.parametrize("code", CODES)
def test_the_indonesian_text_is_a_translation_not_a_copy(code: str) -> None:
    info = legal.rule_catalogue()[code]
    for english, indonesian in (
        (info.meaning, info.meaning_id),
        (info.why, info.why_id),
        (info.fix, info.fix_id),
    ):
        assert english != indonesian
        # The evidence marks ([V2], [R], [I]) say how sure a fact is: both languages carry the same.
        assert sorted(MARK.findall(english)) == sorted(MARK.findall(indonesian))
    assert "\n" not in info.meaning and len(info.meaning) <= 130, "meaning is one short line"


# --- the library ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("REX-FORMAT", "REX-FORMAT"),
        ("rex-format", "REX-FORMAT"),
        (" Rex_Format ", "REX-FORMAT"),
        ("threshold eur 6000", "THRESHOLD-EUR-6000"),
    ],
)
def test_codes_are_case_insensitive(typed: str, code: str) -> None:
    assert normalise_code(typed) == code
    assert explain(typed).code == code


def test_unknown_code_lists_close_matches() -> None:
    with pytest.raises(UnknownRuleCode) as raised:
        explain("REX-FORMT")
    assert raised.value.exit_code == 2
    assert raised.value.suggestions[:2] == ["REX-FORMAT", "LINT-REX-FORMAT"]
    assert close_matches("eska") == ["ESKA-CODE-MISSING"]
    assert close_matches("ZZZZZZ") == []


def test_explanation_follows_the_interface_language() -> None:
    info = legal.rule_catalogue()["GRADUATED-SECTION"]
    assert (explain("GRADUATED-SECTION").why, explain("GRADUATED-SECTION").severity_label) == (
        info.why,
        "warning",
    )
    set_language("id")
    try:
        explained = explain("GRADUATED-SECTION")
    finally:
        set_language("en")
    assert (explained.meaning, explained.why, explained.fix) == (
        info.meaning_id,
        info.why_id,
        info.fix_id,
    )
    assert explained.severity_label == "peringatan"
    assert (explained.reference, explained.example) == (
        info.reference,
        info.example,
    )  # not translated


# --- the command ---------------------------------------------------------------------------------

LABELS = {
    "en": (
        "What it means:",
        "Why it matters:",
        "Legal reference:",
        "Example of a failing cell:",
        "How to fix it:",
    ),
    "id": (
        "Artinya:",
        "Mengapa penting:",
        "Dasar hukum:",
        "Contoh sel yang salah:",
        "Cara memperbaikinya:",
    ),
}


@pytest.mark.parametrize(
    ("lang", "severity", "meaning", "why", "fix"),
    [
        ("en", "error", "meaning", "why", "fix"),
        ("id", "kesalahan", "meaning_id", "why_id", "fix_id"),
    ],
)
@pytest.mark.parametrize("typed", ["REX-FORMAT", "rex-format"])
def test_explain_code(
    cli: Callable[..., Any], lang: str, severity: str, meaning: str, why: str, fix: str, typed: str
) -> None:
    info = legal.rule_catalogue()["REX-FORMAT"]
    result = cli(["--lang", lang, "explain", typed])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"REX-FORMAT ({severity})"
    assert [line for line in lines if line and not line.startswith(" ")][1:] == list(LABELS[lang])
    text = _flat(result.output)
    for label, value in zip(
        LABELS[lang],
        (
            getattr(info, meaning),
            getattr(info, why),
            info.reference,
            info.example,
            getattr(info, fix),
        ),
        strict=True,
    ):
        assert f"{label} {_flat(value)}" in text
    other = LABELS["id" if lang == "en" else "en"]
    assert not [label for label in other if label in result.output]


def test_the_example_is_printed_unwrapped(cli: Callable[..., Any]) -> None:
    """An example holds a cell value: wrapping could hide or invent a space inside it."""
    info = legal.rule_catalogue()["THRESHOLD-EUR-6000"]
    result = cli(["explain", "THRESHOLD-EUR-6000"])
    assert "  " + info.example + "\n" in result.output


@pytest.mark.parametrize(
    ("lang", "stderr"),
    [
        (
            "en",
            "rexdecl: unknown rule code 'REX-FORMT'; close matches: "
            "REX-FORMAT, LINT-REX-FORMAT, HS-FORMAT\n"
            "hint: `rexdecl explain` without a code lists every rule code\n",
        ),
        (
            "id",
            "rexdecl: kode aturan 'REX-FORMT' tidak dikenal; yang mirip: "
            "REX-FORMAT, LINT-REX-FORMAT, HS-FORMAT\n"
            "saran: `rexdecl explain` tanpa kode menampilkan semua kode aturan\n",
        ),
    ],
)
def test_explain_unknown_code(cli: Callable[..., Any], lang: str, stderr: str) -> None:
    result = cli(["--lang", lang, "explain", "REX-FORMT"])
    assert result.exit_code == 2
    assert result.stderr == stderr
    assert result.stdout == ""


def test_explain_unknown_code_without_close_match(cli: Callable[..., Any]) -> None:
    result = cli(["explain", "nonsense"])
    assert result.exit_code == 2
    assert result.stderr == (
        "rexdecl: unknown rule code 'nonsense'\nhint: `rexdecl explain` without a code lists every rule code\n"
    )


@pytest.mark.parametrize(
    ("lang", "title", "field"),
    [
        ("en", f"{len(CODES)} rule codes; `rexdecl explain CODE` explains one of them", "meaning"),
        ("id", f"{len(CODES)} kode aturan; `rexdecl explain CODE` menjelaskan salah satunya", "meaning_id"),
    ],
)
def test_explain_alone_lists_every_code(cli: Callable[..., Any], lang: str, title: str, field: str) -> None:
    result = cli(["--lang", lang, "explain"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:2] == [title, ""]
    assert len(lines) == 2 + len(CODES)
    for line, info in zip(lines[2:], legal.rule_catalogue().values(), strict=True):
        code, meaning = line.split(maxsplit=1)
        assert (code, meaning) == (info.code, getattr(info, field))


def test_explain_help_is_translated(cli: Callable[..., Any]) -> None:
    assert "Explain a rule code" in cli(["explain", "--help"]).output
    result = cli(["--lang", "id", "explain", "--help"])
    assert "Jelaskan satu kode aturan" in result.output
    assert "Cara pakai: rexdecl explain [OPTIONS] [CODE]" in result.output  # click's own text too
