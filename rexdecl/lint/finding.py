"""Finding the statements in a document's words.

Statements start where a statutory text starts ("The exporter", "L'exportateur", "El
exportador"), or, when those words were changed, at the paragraph holding a distinctive run
of statutory words. Each candidate is aligned with the statutory texts that its words could
match best; the best alignment names the scheme and language. The known statements of other
agreements take part too: one that matches more of the words telling it apart from the best
scheme text is named, never checked. The statement ends at the end of the sentence that
carries the criterion. The passages aligned are counted (``limits.MAX_LINT_ALIGNMENTS``).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from rexdecl import limits
from rexdecl.lint.aligning import Alignment, align
from rexdecl.lint.templates import (
    Template,
    all_templates,
    bracket_words,
    item_list_run,
    needed_words,
    other_templates,
    statutory_grams,
    template_profiles,
)
from rexdecl.lint.text import Document, Token


def without_name_brackets(tokens: list[Token]) -> list[Token]:
    """The tokens without the brackets of a name such as "ABC (PRIVATE) LIMITED" or "(PVT) LTD":
    one to three words in brackets, no digit, none of the words of a registration bracket and
    no REX. Kept, they would be read as the statement's registration bracket."""
    words = bracket_words()
    dropped: set[int] = set()
    for i, token in enumerate(tokens):
        if token.text != "(" or i + 2 >= len(tokens) or tokens[i + 1].text in "()[]":
            continue
        close = i + 2
        while close < min(i + 5, len(tokens)) and tokens[close].text not in "()[]":
            close += 1
        if close >= len(tokens) or tokens[close].text != ")":
            continue
        inside = tokens[i + 1 : close]
        if all(not any(c.isdigit() for c in t.text) and t.key not in words and "rex" not in t.key for t in inside):
            dropped.update((i, close))
    return [t for i, t in enumerate(tokens) if i not in dropped] if dropped else tokens


_SLOT_ROOM = {"exporter": 25, "rex": 12, "country": 6, "criterion": 30}
_WINDOW = 150


def _last_reliable(alignment: Alignment) -> tuple[int, int] | None:
    """The last exact match reached without a long unexplained gap (so that words of the
    following text matched by chance do not stretch the statement)."""
    tokens = alignment.template.tokens
    previous: tuple[int, int] | None = None
    for i, j in sorted(alignment.matched.items()):
        if previous is not None:
            room = 8 + sum(_SLOT_ROOM.get(t.slot or "", 0) for t in tokens[previous[0] + 1 : i])
            if j - previous[1] - 1 > room:
                break
        previous = (i, j)
    return previous


def _sentence_end(text: str, start: int, limit: int, need_content: bool) -> int:
    """Where the statement's sentence ends: a full stop (not inside "96.18", not "…"), or a
    line break after the criterion that does not continue it; never beyond ``limit``."""
    depth = 0
    seen = not need_content
    i = start
    while i < limit:
        char = text[i]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif char == "." and depth == 0:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            # The closing quote of a statement printed in quotes ends it too: '… is P."'.
            following = text[i + 2] if i + 2 < len(text) else ""
            quoted = after in "\"'" and (not following or following.isspace())
            if (
                before != "."
                and after != "."
                and not (before.isdigit() and after.isdigit())
                and (not after or after.isspace() or quoted)
            ):
                return i
        elif char == "\n" and depth == 0 and seen:
            line_start = text.rfind("\n", start, i) + 1
            before_line = text[max(line_start, start) : i].rstrip()
            next_line = text[i + 1 : i + 40].lstrip()
            continues = (
                re.search(r"(?:[,(&–-]|\b(?:W|and|et|y|is|est|es))$", before_line, re.IGNORECASE) is not None
                or re.match(r"(?:\(|[a-zà-ÿ]|(?:and|et|y)\b)", next_line) is not None
            )
            if not continues or text[i + 1 : i + 2] == "\n":
                return i
        if not char.isspace():
            seen = True
        i += 1
    return limit


@dataclass(frozen=True)
class Candidate:
    """A statement found: its best alignment and where it lies in the document."""

    alignment: Alignment
    start: int  # char offsets in the document text
    end: int  # exclusive; the final full stop is not part of the criterion
    first: int  # token indices in the document
    last: int


class WorkLimit(Exception):
    """More passages compared with the statutory texts than lint's limit allows."""

    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


class _Work:
    """The costly step of finding statements, counted: aligning a passage with a statutory text
    (about a millisecond each). A real document needs a few per statement; a text made of
    statutory phrases over and over would need hundreds of thousands."""

    def __init__(self) -> None:
        self.alignments = 0
        self.hopeless: set[tuple[bool | None, tuple[str, ...]]] = set()  # windows that cannot make a statement

    def align(self, template: Template, tokens: list[Token]) -> Alignment:
        self.alignments += 1
        if self.alignments > limits.MAX_LINT_ALIGNMENTS:
            raise WorkLimit(tokens[0].start if tokens else 0)
        return align(template, tokens)


def _best(tokens: list[Token], work: _Work, others: bool | None = None) -> Alignment | None:
    """The alignment of ``tokens`` with the highest score, the first template winning a tie —
    as ``max(align(t, tokens) for t in templates)``, but a template is aligned only when the
    words of ``tokens`` could give it a winning score. The templates: all (``others`` None),
    the schemes' (False) or the other agreements' (True). None when no template could match the
    words a statement needs (most windows of an invoice's text): then nothing is aligned."""
    templates, profiles = all_templates(), template_profiles()
    indices = [i for i, t in enumerate(templates) if others is None or bool(t.others) == others]
    keys = tuple(t.key for t in tokens)
    if (others, keys) in work.hopeless:
        return None
    counts = Counter(keys)
    if all(sum(min(counts[key], n) for key, n in profiles[i].body) < profiles[i].needed for i in indices):
        work.hopeless.add((others, keys))
        return None
    bounds = {i: sum(weight * min(counts[key], n) for key, n, weight in profiles[i].scored) for i in indices}
    best: Alignment | None = None
    best_index = 0
    for index in sorted(indices, key=lambda i: (-bounds[i], i)):
        # (bound, -index) only decreases along this order: nothing further on can win.
        if best is not None and (bounds[index], -index) <= (best.score, -best_index):
            break
        alignment = work.align(templates[index], tokens)
        if best is None or (alignment.score, -index) > (best.score, -best_index):
            best, best_index = alignment, index
    return best


def _candidate(doc: Document, tokens: list[Token], first: int, stop: int, work: _Work) -> Candidate | None:
    window = tokens[first : min(stop, first + _WINDOW)]
    best = _best(window, work)
    if best is None:
        return None
    reliable = _last_reliable(best)
    if reliable is None:
        return None
    a_index, b_index = reliable
    criterion_at = best.template.slot_index("criterion")
    need_content = criterion_at is not None and a_index >= criterion_at - 1
    bound = tokens[stop].start if stop < len(tokens) else len(doc.text)
    limit = min(bound, window[b_index].end + 400)
    end = _sentence_end(doc.text, window[b_index].end, limit, need_content)
    if end == limit < bound:
        # Cut at the cap inside a long criterion: its item lists (one number for each line of
        # a big shipment) run on; the sentence ends where they do, at most 400 characters on.
        run = item_list_run().match(doc.text, limit)  # never None: the run may be empty
        listed = run.end() if run else limit
        if listed > limit:
            end = _sentence_end(doc.text, window[b_index].end, min(bound, listed + 400), need_content)
            window = tokens[first : bisect.bisect_left(tokens, end, key=lambda t: t.start)]
    cut = [t for t in window if t.start < end]
    best = _identify(cut, work)
    if best is None:
        return None
    return Candidate(best, cut[0].start, end, first, first + len(cut))


def _identify(tokens: list[Token], work: _Work) -> Alignment | None:
    """Whose statement ``tokens`` are: the best text of the schemes, unless a known text of
    another agreement matches more of the words that tell the two apart ("Exporter Reference
    No" against "Number of Registered Exporter … according to rules of origin"). A tie goes to
    the scheme, so a scheme added to the data with an agreement's wording is linted as such.
    Either must match the words a statement needs."""

    def statement(alignment: Alignment | None) -> Alignment | None:
        return (
            alignment if alignment is not None and alignment.matched_body >= needed_words(alignment.template) else None
        )

    scheme = statement(_best(tokens, work, others=False))
    other = statement(_best(tokens, work, others=True)) if other_templates() else None
    if other is None or scheme is None:
        return scheme or other
    return other if _telling(other, scheme.template) > _telling(scheme, other.template) else scheme


def _telling(alignment: Alignment, rival: Template) -> int:
    """Words of ``alignment``'s text found in the document that ``rival``'s text lacks."""
    keys = {t.key for t in rival.tokens}
    return sum(1 for i in alignment.matched if alignment.template.tokens[i].key not in keys)


def find_statements(doc: Document, tokens: list[Token]) -> list[Candidate]:
    """The statements of the document, in order. Raises WorkLimit beyond lint's limit."""
    work = _Work()
    openings = {(t.tokens[0].key, t.tokens[1].key) for t in all_templates()}
    starts = [j for j in range(len(tokens) - 1) if (tokens[j].key, tokens[j + 1].key) in openings]
    # Another statement's opening bounds a candidate only where a sentence or line starts
    # (not "[name of the exporter]", not "(Name and signature of the exporter)").
    bounds = [
        j for j in starts if j == 0 or re.search(r"(?:[.:;]\s*|\n\s*)$", doc.text[tokens[j - 1].end : tokens[j].start])
    ]
    found: list[Candidate] = []  # sorted by first token, never overlapping
    for start in starts:
        if found and start < found[-1].last:
            continue
        after = bisect.bisect_right(bounds, start)
        stop = bounds[after] if after < len(bounds) else len(tokens)
        candidate = _candidate(doc, tokens, start, stop, work)
        if candidate:
            found.append(candidate)
    # Statements whose opening words were changed: a run of four statutory words outside
    # any statement found starts a candidate at the beginning of its paragraph.
    grams = statutory_grams()
    gram_starts = {gram[0] for gram in grams}
    firsts = [c.first for c in found]
    tried: set[int] = set()
    j = 0
    while j < len(tokens) - 3:
        if tokens[j].key not in gram_starts or tuple(tokens[j + k].key for k in range(4)) not in grams:
            j += 1
            continue
        at = bisect.bisect_right(firsts, j)  # found[at] is the first statement starting after j
        if not (at > 0 and j < found[at - 1].last):
            first = _paragraph_start(doc.text, tokens, j)
            if first in tried:
                j += 1
                continue
            tried.add(first)
            stop = firsts[at] if at < len(firsts) else len(tokens)
            candidate = _candidate(doc, tokens, first, stop, work)
            if candidate is not None:
                place = bisect.bisect_left(firsts, candidate.last)
                if place == 0 or found[place - 1].last <= candidate.first:  # overlaps none
                    found.insert(place, candidate)
                    firsts.insert(place, candidate.first)
                    j = candidate.last
                    continue
        j += 1
    return found


def _paragraph_start(text: str, tokens: list[Token], j: int) -> int:
    """The first token of the paragraph holding token ``j`` (at most 30 tokens back)."""
    first = j
    while first > 0 and j - first < 30:
        gap = text[tokens[first - 1].end : tokens[first].start]
        if "\n\n" in gap or re.search(r"[.:]\s*\n|:\s", gap):
            break
        first -= 1
    return first
