"""Snippets: the passage of an article that best matches a query, with the matches marked.

The words of the text are found and normalised exactly as the index sees them
(``text.word_spans`` + ``text.token``), so a word is marked when its token is one the query
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

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import All, Any, Phrase, Term
from .text import token, tokens, word_spans

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
    words: list  # (start, end, token or None) of every word
    matches: list  # (first word index, last word index, key), key a token or a phrase
    cut: bool  # the text goes on beyond what was read

    @classmethod
    def read(cls, text: str, looking_for: Wanted) -> _Field:
        cut, text = len(text) > SCAN, text[:SCAN]
        words = [(start, end, token(word)) for start, end, word in word_spans(text)]
        return cls(text, words, _matches(words, looking_for) if looking_for else [], cut)


def _matches(words: list, looking_for: Wanted) -> list:
    # Phrases are adjacent in the token stream, which has no stop words: work on that.
    content = [i for i, (_, _, tok) in enumerate(words) if tok is not None]
    stream = [words[i][2] for i in content]
    found = [(content[j], content[j], tok) for j, tok in enumerate(stream) if tok in looking_for.terms]
    for phrase in looking_for.phrases:
        size = len(phrase)
        for j in range(len(stream) - size + 1):
            if stream[j] == phrase[0] and tuple(stream[j : j + size]) == phrase:
                found.append((content[j], content[j + size - 1], phrase))
    return sorted(found, key=lambda m: (m[0], -m[1]))


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
    words, text = field.words, field.text
    start = 0 if first == 0 else words[first][0]
    end = len(text) if last == len(words) - 1 else words[last][1]
    parts = [_ELLIPSIS + " "] if start > 0 else []
    position = start
    for a, b in _merged([m for m in field.matches if m[0] >= first and m[1] <= last]):
        parts.append(escape(_clean(text[position : words[a][0]])))
        parts.append("<mark>" + escape(_clean(text[words[a][0] : words[b][1]])) + "</mark>")
        position = words[b][1]
    parts.append(escape(_clean(text[position:end])))
    if end < len(text) or field.cut:
        parts.append(" " + _ELLIPSIS)
    return "".join(parts).strip()


def _best_window(field: _Field, size: int) -> tuple[tuple, int, int]:
    """(score, first, last) of the best window of `size` words: most different things the
    query looks for, then most matches, then the earliest."""
    best = None
    for first_word, _, _ in field.matches:
        first = max(0, min(first_word - LEAD, len(field.words) - size))
        last = min(first + size, len(field.words)) - 1
        inside = [m for m in field.matches if m[0] >= first and m[1] <= last]
        score = (len({m[2] for m in inside}), len(inside))
        if best is None or score > best[0]:
            best = (score, first, last)
    return best


def _may_match(text: str, looking_for: Wanted) -> bool:
    """Whether the text holds a token the query looks for, or every token of one of its
    phrases: from the token stream, which is cached by runs of text, so that the texts
    without a match (most of a page's, for a rare word) are never split into positioned
    words (1.5 ms an article)."""
    present = set(tokens(text[:SCAN]))
    return bool(looking_for.terms & present) or any(present.issuperset(phrase) for phrase in looking_for.phrases)


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
            if not text or not _may_match(text, looking_for):
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
        if field.words:
            return mark_safe(_render(field, 0, min(size, len(field.words)) - 1))
    return mark_safe("")


def highlight(tree: All | None, text: str) -> SafeString:
    """All of `text` (a title), escaped, with what the query looks for marked."""
    field = _Field.read(text, wanted(tree))
    if not field.words:
        return mark_safe(escape(_clean(text)))
    return mark_safe(_render(field, 0, len(field.words) - 1))
