"""The statutory texts as lint compares them: token templates of every enabled scheme's
statement (through :func:`rexdecl.legal.schemes`, never a copy) and of the known statements of
other agreements (``data/other-statements.toml``), and what lint derives from them.

Everything derived from the data is computed once and cached here, in this module (a test
that changes the data clears these caches).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, fields, replace
from functools import cache
from importlib import resources

from rexdecl import legal
from rexdecl.lint.report import OTHER_SCHEME
from rexdecl.lint.text import TOKEN, fold, word_key


@dataclass(frozen=True)
class TemplateToken:
    """A word of a statutory text, or one of its blanks."""

    text: str
    key: str
    start: int  # offsets in the template's display text (blanks shown as "…")
    end: int
    slot: str | None = None  # exporter | rex | country | criterion
    bracket: bool = False  # part of the registration bracket, which may be left out as a whole


@dataclass(frozen=True)
class Template:
    """A statutory text of one scheme and language as words and blanks."""

    scheme: legal.Scheme
    language: str
    texts: legal.SchemeText
    display: str  # the statutory text with every blank shown as "…"
    tokens: tuple[TemplateToken, ...]
    # A text of other agreements (data/other-statements.toml): recognised, never checked.
    others: tuple[OtherStatement, ...] = ()

    def slot_index(self, name: str) -> int | None:
        return next((i for i, t in enumerate(self.tokens) if t.slot == name), None)

    @property
    def body(self) -> tuple[int, ...]:
        """Indices of the fixed words outside the bracket."""
        return tuple(i for i, t in enumerate(self.tokens) if not t.slot and not t.bracket)

    def words(self, low: int, high: int) -> str:
        """The statutory text from token ``low`` to token ``high`` (exclusive), as printed."""
        low, high = max(0, low), min(len(self.tokens), high)
        if low >= high:
            return ""
        return self.display[self.tokens[low].start : self.tokens[high - 1].end]

    def around(self, low: int, high: int, words: int = 3) -> str:
        """Tokens ``low:high`` with ``words`` words either side (brackets not counted)."""
        for _step in range(words):
            low -= 1
            while low > 0 and self.tokens[low].text in "()":
                low -= 1
            high += 1
            while high < len(self.tokens) and self.tokens[high - 1].text in "()":
                high += 1
        return self.words(low, high)

    def bracket(self, number: str = "…") -> str:
        indices = [i for i, t in enumerate(self.tokens) if t.bracket]
        if not indices:
            return ""
        return self.words(indices[0], indices[-1] + 1).replace("…", number)


_SLOT = re.compile(r"\{(\w+)\}")


def _template(scheme: legal.Scheme, language: str, texts: legal.SchemeText) -> Template:
    bracket_at = texts.statement.find("{rex_bracket}")
    expanded = texts.statement.replace("{rex_bracket}", texts.rex_bracket)
    bracket_end = bracket_at + len(texts.rex_bracket) if bracket_at >= 0 else -1
    display = ""
    tokens: list[TemplateToken] = []
    position = 0  # in ``expanded``
    for index, part in enumerate(_SLOT.split(expanded)):
        in_bracket = bracket_at <= position < bracket_end
        if index % 2 == 0:
            for match in TOKEN.finditer(part):
                in_bracket = bracket_at <= position + match.start() < bracket_end
                start = len(display) + match.start()
                word = match.group()
                tokens.append(TemplateToken(word, word_key(word), start, start + len(word), None, in_bracket))
            display += part
            position += len(part)
        else:
            at = len(display)
            tokens.append(TemplateToken("", "\x00" + part, at, at + 1, part, in_bracket))
            display += "…"
            position += len(part) + 2
    return Template(scheme, language, texts, display, tuple(tokens))


@cache
def scheme_templates() -> tuple[Template, ...]:
    return tuple(
        _template(scheme, language, texts)
        for scheme in legal.schemes().values()
        if scheme.enabled
        for language, texts in scheme.texts.items()
    )


@dataclass(frozen=True)
class OtherStatement:
    """A statement on origin of an agreement rexdecl does not check (other-statements.toml)."""

    id: str
    agreement: str
    short_name: str
    legal_basis: str
    language: str
    statement: str
    rex_bracket: str
    quoted: str
    number: str
    mark: str
    source: str


@cache
def other_statements() -> tuple[OtherStatement, ...]:
    """The known statements of other agreements, with source and evidence mark."""
    raw = tomllib.loads(resources.files("rexdecl.data").joinpath("other-statements.toml").read_text(encoding="utf-8"))
    names = [f.name for f in fields(OtherStatement)]
    return tuple(OtherStatement(**{name: entry.get(name, "") for name in names}) for entry in raw.get("statement", ()))


@cache
def other_templates() -> tuple[Template, ...]:
    """One template per distinct text of other-statements.toml: agreements sharing a wording
    (EU–Japan EPA, EU–UK TCA) cannot be told apart, and are named together."""
    groups: dict[tuple[str, str, str], list[OtherStatement]] = {}
    for entry in other_statements():
        groups.setdefault((entry.language, entry.statement, entry.rex_bracket), []).append(entry)
    out = []
    for (language, statement, bracket), entries in groups.items():
        texts = legal.SchemeText(
            statement=statement, rex_bracket=bracket, item="", items="", not_originating="", cumulation={}
        )
        scheme = legal.Scheme(
            id=OTHER_SCHEME,
            name="; ".join(e.agreement for e in entries),
            legal_basis="; ".join(legal.with_mark(e.legal_basis, e.mark) for e in entries),
            source="; ".join(e.source for e in entries),
            languages=(language,),
            identifier="rex",
            texts={language: texts},
        )
        out.append(replace(_template(scheme, language, texts), others=tuple(entries)))
    return tuple(out)


@cache
def all_templates() -> tuple[Template, ...]:
    """The statutory texts of the schemes, then the texts of other agreements."""
    return scheme_templates() + other_templates()


@cache
def distinctive_words() -> frozenset[str]:
    """Words that only some statutory texts of a language have ("Union", "Norway",
    "Trading"): finding one counts double when choosing the scheme."""
    out: set[str] = set()
    for language in {t.language for t in scheme_templates()}:
        keys = [{t.key for t in template.tokens} for template in scheme_templates() if template.language == language]
        out |= set[str]().union(*keys) - keys[0].intersection(*keys[1:])
    return frozenset(out)


@cache
def bracket_words() -> frozenset[str]:
    """The words of every registration bracket of the texts ("number", "registered",
    "customs", "reference", "no"…) and of the obsolete declaration's."""
    words = {t.key for template in all_templates() for t in template.tokens if t.bracket and not t.slot}
    words.update(word_key(w) for w in ("customs", "authorization", "authorisation", "autorisation", "autorizacion"))
    return frozenset(words - {"(", ")"})


def eu_scheme() -> legal.Scheme:
    """The default scheme of the data (the EU GSP): its texts stand in for the obsolete
    declaration and for a document without a statement."""
    from rexdecl.schemes import default_scheme

    default = default_scheme()
    return legal.schemes().get(default.id, default)


def needed_words(template: Template) -> int:
    """Statutory words a candidate must match in order to be a statement, however badly copied:
    about a third of the text's fixed words, at least 8."""
    return max(8, len(template.body) * 3 // 10)


@dataclass(frozen=True)
class Profile:
    """The words of a template, counted: what its alignment with some words can score at most."""

    scored: tuple[tuple[str, int, int], ...]  # key, occurrences, weight in the score (fixed words)
    body: tuple[tuple[str, int], ...]  # key, occurrences (fixed words outside the bracket)
    needed: int


@cache
def template_profiles() -> tuple[Profile, ...]:
    """One profile per template of :func:`all_templates`, in the same order."""
    distinctive = distinctive_words()
    out = []
    for template in all_templates():
        fixed = Counter(t.key for t in template.tokens if not t.slot)
        body = Counter(template.tokens[i].key for i in template.body)
        scored = tuple((key, count, 2 if key in distinctive else 1) for key, count in fixed.items())
        out.append(Profile(scored, tuple(body.items()), needed_words(template)))
    return tuple(out)


@cache
def statutory_grams() -> frozenset[tuple[str, ...]]:
    """Runs of four fixed statutory words (outside blanks and brackets) of every text."""
    return frozenset(
        tuple(t.tokens[i + k].key for k in range(4))
        for t in all_templates()
        for i in range(len(t.tokens) - 3)
        if not any(t.tokens[i + k].slot or t.tokens[i + k].bracket for k in range(4))
    )


@cache
def item_list_run() -> re.Pattern[str]:
    """What a criterion's item lists are made of, in any statement language, to the first
    other word: "(items 1, 5, 9), W 9403 (items 2, 6" -- numbers, separators, brackets, the
    item words, a criterion (P, W and a heading)."""
    words = {w for s in legal.schemes().values() for t in s.texts.values() for w in (t.item, t.items)}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w)
    return re.compile(
        rf"(?:[\s\d,;&()–-]+|\b(?:{alternatives}|and|et|y|to|n[o°º])\b\.?|\bW\s*\d{{4}}\b|\bP\b)*",
        re.IGNORECASE,
    )


@cache
def item_list_pattern() -> re.Pattern[str]:
    """ "items 1, 2, 4" in any statement language (the words come from schemes.toml)."""
    words = {fold(w) for s in legal.schemes().values() for t in s.texts.values() for w in (t.item, t.items)}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    number = r"\d+[a-z]?"
    separator = r"\s*(?:,|;|-|–|&|and|et|y|to|à|a)\s*"
    label = rf"(?:{alternatives})\.?\s*(?:n[o°º]\.?\s*)?"
    return re.compile(rf"{label}{number}(?:{separator}{number})*", re.IGNORECASE)
