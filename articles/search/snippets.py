"""Snippets: the passage of an article that best matches a query, with the matches marked.

The words of the text are found and normalised exactly as the index sees them
(``text.located_tokens``, as ``text.word_spans`` + ``text.token``), so a word is marked when its token is one the query
looks for: ``attacks`` marks ``attack`` and ``Attacked``; a phrase is marked where its tokens
follow each other (stop words in between, as the index skips them: ``"Observatory for Human
Rights"`` marks ``Observatory for Human Rights``). Exclusions are never marked.

Every piece of article text is escaped with ``django.utils.html.escape``; the only markup in
a snippet is the ``<mark>`` this module adds. No HTML from the database is ever trusted.

No database access here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import All, Any, Phrase, Term
from .text import located_tokens

__all__ = ["WINDOW", "Wanted", "highlight", "snippet", "wanted"]

WINDOW = 35  # words in a snippet
LEAD = 8  # words of context before the first match, where the text has them
SCAN = 100_000  # characters of a field that are looked at: enough for any real article

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class Wanted:
    """The tokens and phrases a query looks for: everything it includes, nothing it excludes."""

    terms: frozenset = frozenset()
    phrases: tuple = ()

    def __bool__(self):
        return bool(self.terms or self.phrases)


def wanted(tree: All | None) -> Wanted:
    terms, phrases = set(), []
    for node in tree.include if tree is not None else ():
        for child in node.children if isinstance(node, Any) else (node,):
            if isinstance(child, Term):
                terms.add(child.token)
            elif isinstance(child, Phrase) and child.tokens not in phrases:
                phrases.append(child.tokens)
    return Wanted(frozenset(terms), tuple(phrases))


@dataclass
class _Field:
    text: str
    tokens: list  # the token (None for a stop word) of every word
    spans: Sequence  # spans[i]: (start, end) of word i in the text
    matches: list  # (first word index, last word index, key), key a token or a phrase
    cut: bool  # the text goes on beyond what was read

    @classmethod
    def read(cls, text: str, looking_for: Wanted) -> _Field:
        cut, text = len(text) > SCAN, text[:SCAN]
        found, spans = located_tokens(text)
        return cls(text, found, spans, _matches(found, looking_for) if looking_for else [], cut)


def _matches(found: list, looking_for: Wanted) -> list:
    # Most of a page's texts hold nothing the query looks for (a rare word's): told by sets.
    present = set(found)
    terms = looking_for.terms & present
    phrases = [phrase for phrase in looking_for.phrases if present.issuperset(phrase)]
    matches = [(i, i, tok) for i, tok in enumerate(found) if tok in terms] if terms else []
    if not phrases:
        return matches
    # Phrases are adjacent in the token stream, which has no stop words: work on that.
    content = [i for i, tok in enumerate(found) if tok is not None]
    stream = [found[i] for i in content]
    for phrase in phrases:
        size = len(phrase)
        for j in range(len(stream) - size + 1):
            if stream[j] == phrase[0] and tuple(stream[j : j + size]) == phrase:
                matches.append((content[j], content[j + size - 1], phrase))
    return sorted(matches, key=lambda m: (m[0], -m[1]))


def _merged(matches: list) -> list:
    """Word ranges to mark, overlapping matches joined."""
    ranges: list[list[int]] = []
    for first, last, _ in matches:
        if ranges and first <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], last)
        else:
            ranges.append([first, last])
    return ranges


def _clean(text: str) -> str:
    return _SPACE.sub(" ", _CONTROL.sub("", text))


def _render(field: _Field, first: int, last: int) -> str:
    """Words `first`..`last` of the field (the whole field's text if they reach its ends),
    escaped, with the matches inside marked."""
    spans, text = field.spans, field.text
    start = 0 if first == 0 else spans[first][0]
    end = len(text) if last == len(spans) - 1 else spans[last][1]
    parts = [_ELLIPSIS + " "] if start > 0 else []
    position = start
    for a, b in _merged([m for m in field.matches if m[0] >= first and m[1] <= last]):
        parts.append(escape(_clean(text[position : spans[a][0]])))
        parts.append("<mark>" + escape(_clean(text[spans[a][0] : spans[b][1]])) + "</mark>")
        position = spans[b][1]
    parts.append(escape(_clean(text[position:end])))
    if end < len(text) or field.cut:
        parts.append(" " + _ELLIPSIS)
    return "".join(parts).strip()


def _best_window(field: _Field, size: int) -> tuple[tuple, int, int]:
    """(score, first, last) of the best window of `size` words: most different things the
    query looks for, then most matches, then the earliest."""
    best = None
    for first_word, _, _ in field.matches:
        first = max(0, min(first_word - LEAD, len(field.tokens) - size))
        last = min(first + size, len(field.tokens)) - 1
        inside = [m for m in field.matches if m[0] >= first and m[1] <= last]
        score = (len({m[2] for m in inside}), len(inside))
        if best is None or score > best[0]:
            best = (score, first, last)
    return best


def snippet(tree: All | None, *, summary: str = "", body: str = "", quotes=(), size: int = WINDOW) -> SafeString:
    """The best passage of about `size` words, as safe HTML.

    Looks in the summary, the body and each quote (``quotes``: ``(speaker, text)`` pairs, shown
    as ``Speaker: “text”``), in that order of preference among equally good passages. Without
    a match anywhere (a query of only exclusions, or a match only in the title), the start of
    the summary, else of the body."""
    looking_for = wanted(tree)
    texts = [summary, body, *(f"{speaker}: \u201c{text}\u201d" for speaker, text in quotes)]
    best = None
    if looking_for:
        for text in texts:
            if not text:
                continue
            field = _Field.read(text, looking_for)
            if field.matches:
                score, first, last = _best_window(field, size)
                if best is None or score > best[0]:
                    best = (score, field, first, last)
    if best is not None:
        _, field, first, last = best
        return mark_safe(_render(field, first, last))
    for text in (summary, body):
        field = _Field.read(text, Wanted())
        if field.tokens:
            return mark_safe(_render(field, 0, min(size, len(field.tokens)) - 1))
    return mark_safe("")


def highlight(tree: All | None, text: str) -> SafeString:
    """All of `text` (a title), escaped, with what the query looks for marked."""
    field = _Field.read(text, wanted(tree))
    if not field.tokens:
        return mark_safe(escape(_clean(text)))
    return mark_safe(_render(field, 0, len(field.tokens) - 1))
