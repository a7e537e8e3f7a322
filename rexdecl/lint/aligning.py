"""A passage aligned word by word with a statutory text: difflib on the words' keys, the
blanks as wildcards (a small edit-distance table where a blank takes any number of words), a
misspelt word told from another word. The alignment gives the wording diff and the text of
each blank.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from rexdecl.lint.templates import Template, TemplateToken, distinctive_words
from rexdecl.lint.text import Token


@dataclass
class Run:
    """Consecutive template words and document words that do not match."""

    a: list[int] = field(default_factory=list)
    b: list[int] = field(default_factory=list)
    a_pos: int = 0
    b_pos: int = 0


@dataclass
class Alignment:
    """A passage of the document aligned word by word with one statutory text."""

    template: Template
    tokens: list[Token]
    runs: list[Run]
    slots: dict[str, tuple[int, list[int]]]  # slot -> (document position, words it holds)
    matched: dict[int, int]  # template index -> document index, exact matches
    touched: set[int]  # template indices matched or changed

    @property
    def score(self) -> int:
        """Statutory words found in order. On a tie the first text of schemes.toml wins (EU
        GSP), so a statement that lacks the words naming its scheme is read as EU GSP."""
        distinctive = distinctive_words()
        return sum(2 if self.template.tokens[i].key in distinctive else 1 for i in self.matched)

    @property
    def matched_body(self) -> int:
        return sum(1 for i in self.template.body if i in self.matched)


@cache
def _similar(a: str, b: str) -> bool:
    """A misspelling rather than another word ("Preferencies" for "Preferences")."""
    if min(len(a), len(b)) < 3 or abs(len(a) - len(b)) > max(len(a), len(b)) // 3:
        return False
    matcher = difflib.SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= 0.75 and matcher.ratio() >= 0.75


_Step = tuple[str, int | None, int | None]
_RESOLVE_CELLS = 2500


def _resolve(items: Sequence[TemplateToken], words: Sequence[str]) -> list[_Step]:
    """Align a difflib "replace" block that holds a blank: a small edit-distance table where a
    blank takes any number of words almost for free, so fixed words are matched first."""
    n, m = len(items), len(words)
    if n * m > _RESOLVE_CELLS:
        # Nothing alike (another language's text, or no statement): a rough answer will do,
        # the first blank takes the words.
        steps: list[_Step] = []
        for i, token in enumerate(items):
            steps.append(("slotpos" if token.slot else "del", i, None))
        first = next(i for i, token in enumerate(items) if token.slot)
        at = steps.index(("slotpos", first, None)) + 1
        steps[at:at] = [("slot", first, j) for j in range(m)]
        return steps
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[str]] = [[""] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, how = inf, ""
            item = items[i - 1] if i else None
            if item is not None and item.slot:
                if cost[i - 1][j] < best:
                    best, how = cost[i - 1][j], "slotpos"
                # The bracket's blank takes words only when nothing else can (no bracket:
                # the words are the exporter's name).
                take = 0.2 if item.bracket else 0.05
                if j and cost[i][j - 1] + take < best:
                    best, how = cost[i][j - 1] + take, "slot"
            elif item is not None:
                if cost[i - 1][j] + 1.0 < best:
                    best, how = cost[i - 1][j] + 1.0, "del"
                if j:
                    if item.key == words[j - 1]:
                        step = 0.0
                    elif _similar(item.key, words[j - 1]):
                        step = 0.6
                    else:
                        step = 1.5
                    if cost[i - 1][j - 1] + step < best:
                        best, how = cost[i - 1][j - 1] + step, "eq" if step == 0.0 else "sub"
            if j and cost[i][j - 1] + 1.0 < best:
                best, how = cost[i][j - 1] + 1.0, "ins"
            cost[i][j], back[i][j] = best, how
    steps = []
    i, j = n, m
    while i or j:
        how = back[i][j]
        if how in ("eq", "sub"):
            steps.append((how, i - 1, j - 1))
            i, j = i - 1, j - 1
        elif how == "slot":
            steps.append((how, i - 1, j - 1))
            j -= 1
        elif how in ("slotpos", "del"):
            steps.append((how, i - 1, None))
            i -= 1
        else:
            steps.append(("ins", None, j - 1))
            j -= 1
    steps.reverse()
    return steps


def align(template: Template, tokens: list[Token]) -> Alignment:
    """``tokens`` aligned with ``template``: the words matched, the runs that differ and the
    words each blank holds."""
    a = template.tokens
    a_keys = [t.key for t in a]
    b_keys = [t.key for t in tokens]
    steps: list[_Step] = []
    matcher = difflib.SequenceMatcher(None, a_keys, b_keys, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            steps.extend(("eq", i1 + k, j1 + k) for k in range(i2 - i1))
        elif op == "delete":
            steps.extend(("slotpos" if a[i].slot else "del", i, None) for i in range(i1, i2))
        elif op == "insert":
            steps.extend(("ins", None, j) for j in range(j1, j2))
        elif any(a[i].slot for i in range(i1, i2)):
            for how, i, j in _resolve(a[i1:i2], b_keys[j1:j2]):
                steps.append((how, None if i is None else i + i1, None if j is None else j + j1))
        else:
            steps.extend(("del", i, None) for i in range(i1, i2))
            steps.extend(("ins", None, j) for j in range(j1, j2))

    runs: list[Run] = []
    slots: dict[str, tuple[int, list[int]]] = {}
    matched: dict[int, int] = {}
    touched: set[int] = set()
    run: Run | None = None
    a_pos = b_pos = 0
    for how, i, j in steps:
        if how in ("eq", "slotpos", "slot"):
            run = None
        if how == "eq":
            assert i is not None and j is not None
            matched[i] = j
            touched.add(i)
        elif how == "slotpos":
            assert i is not None
            slots[a[i].slot or ""] = (b_pos, [])
        elif how == "slot":
            assert i is not None and j is not None
            slots[a[i].slot or ""][1].append(j)
        else:
            if run is None:
                run = Run(a_pos=a_pos, b_pos=b_pos)
                runs.append(run)
            if i is not None:
                run.a.append(i)
                if how == "sub":
                    touched.add(i)
            if j is not None:
                run.b.append(j)
        if i is not None:
            a_pos = i + 1
        if j is not None:
            b_pos = j + 1
    return Alignment(template, tokens, runs, slots, matched, touched)
