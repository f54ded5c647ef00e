"""A pure-Python name index: match regions, sources and people by name or alias.

Nothing here imports Django. Names are compared after :func:`fold_name`, which makes
matching case-, accent- and punctuation-insensitive ("Kobanî" == "kobani",
"Deir ez-Zor" == "deir ez zor").

>>> idx = NameIndex([("baiji", ["Baiji", "Bayji"]), ("saladin-gov", ["Saladin Governorate"]),
...                  ("saladin", ["Saladin"])])
>>> idx.lookup("BAYJI")
['baiji']
>>> [(m.surface, m.candidates) for m in idx.scan("near Baiji in the Saladin Governorate")]
[('Baiji', ['baiji']), ('Saladin Governorate', ['saladin-gov'])]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["fold_name", "fold_with_offsets", "Mention", "NameIndex"]

T = TypeVar("T")

# Latin letters that NFKD does not decompose but that news spellings drop
# ("Şanlıurfa" -> "sanliurfa", "Łódź" -> "lodz").
_LETTER_FOLDS = {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe", "ŀ": "l"}


def _fold_char(ch: str) -> str:
    """Fold one original character: NFKD, drop marks, casefold, non letter/digit -> space.

    Returns "" when the character disappears entirely (a combining mark) and " " for
    separators; may return several characters ("ß" -> "ss", "ﬁ" -> "fi").
    """
    out = []
    for c in unicodedata.normalize("NFKD", ch):
        cat = unicodedata.category(c)
        if cat[0] == "M":
            continue
        for f in c.casefold():
            # casefold can itself produce decomposable text (rare); normalise again.
            for g in unicodedata.normalize("NFKD", f):
                gcat = unicodedata.category(g)
                if gcat[0] == "M":
                    continue
                if gcat[0] not in "LN" or "\u02b0" <= g <= "\u02ff":
                    # punctuation, symbols, spaces, and modifier letters used as
                    # apostrophes in transliterations ("ʿAyn", "Raqqaʾ")
                    out.append(" ")
                else:
                    out.append(_LETTER_FOLDS.get(g, g))
    return "".join(out)


def fold_name(s: str) -> str:
    """Fold a name for comparison.

    NFKD, combining marks dropped, casefolded, every character that is not a letter or a
    digit becomes a space (so do the modifier letters U+02B0-U+02FF, "ʿ" "ʾ" "ʼ", which
    transliterations use as apostrophes), a few undecomposable Latin letters are
    simplified ("ı" -> "i", "ł" -> "l", "ø" -> "o", "æ" -> "ae"...), runs of spaces collapse, ends stripped. Non-Latin letters
    (Arabic...) are kept; Arabic diacritics (harakat) are marks and are dropped.

    >>> fold_name("Deir ez-Zor"), fold_name("Al-Hasakah"), fold_name("  Kobanî ")
    ('deir ez zor', 'al hasakah', 'kobani')
    """
    if not s:
        return ""
    if s.isascii():  # most names: the same result, many times faster (loading the gazetteer folds ~15,000)
        return " ".join(s.translate(_ASCII_SEPARATORS).lower().split())
    return " ".join("".join(_fold_char(ch) for ch in s).split())


_ASCII_SEPARATORS = str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum()})


@dataclass(frozen=True, slots=True)
class _Token:
    word: str  # folded word (letters/digits only)
    start: int  # character offset in the original text
    end: int  # end offset (exclusive) in the original text


def _tokens(text: str) -> list[_Token]:
    """Folded words of ``text`` with their character spans in the original text.

    A span covers every original character that produced the word, plus any trailing
    combining marks (dropped by folding) so that "Kobani\u0302" spans the whole word.
    """
    tokens: list[_Token] = []
    buf: list[str] = []
    start = -1
    last = -1  # index of the last original char contributing to buf
    n = len(text)

    def flush() -> None:
        nonlocal buf, start
        if buf:
            end = last + 1
            while end < n and unicodedata.category(text[end])[0] == "M":
                end += 1
            tokens.append(_Token("".join(buf), start, end))
        buf = []
        start = -1

    for i, ch in enumerate(text):
        if ch.isascii():  # fast path
            if ch.isalnum():
                if not buf:
                    start = i
                buf.append(ch.lower())
                last = i
            else:
                flush()
            continue
        folded = _fold_char(ch)
        if not folded:  # a combining mark: part of the current word, if any
            continue
        for c in folded:
            if c == " ":
                flush()
            else:
                if not buf:
                    start = i
                buf.append(c)
                last = i
    flush()
    return tokens


def fold_with_offsets(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The folded text (words joined by one space) and each word's original span."""
    toks = _tokens(text)
    return " ".join(t.word for t in toks), [(t.start, t.end) for t in toks]


@dataclass(slots=True)
class Mention(Generic[T]):
    """A name found in free text: ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str
    candidates: list[T]
    key: str = ""  # the folded name that matched
    extra: dict = field(default_factory=dict)  # free for callers (e.g. a paragraph index)


class NameIndex(Generic[T]):
    """Objects (regions, sources, people...) by every folded name they answer to.

    ``NameIndex([(obj, ["Name", "Alias", ...]), ...])``. Lookups and scans return objects
    in insertion order, without duplicates (objects are compared with ``is`` or ``==``).
    """

    def __init__(self, entries: Iterable[tuple[T, Iterable[str]]] = ()) -> None:
        self._by_name: dict[str, list[T]] = {}
        # first folded word -> {number of words: {tuple of words: folded name}}
        self._by_first: dict[str, dict[int, set[tuple[str, ...]]]] = {}
        self._lengths: dict[str, list[int]] = {}  # first word -> phrase lengths, descending
        for obj, names in entries:
            self.add(obj, names)

    def add(self, obj: T, names: Iterable[str] | str) -> None:
        if isinstance(names, str):
            names = [names]
        for name in names:
            key = fold_name(name or "")
            if not key:
                continue
            objs = self._by_name.get(key)
            if objs is None:
                objs = self._by_name[key] = []
                words = tuple(key.split(" "))
                by_len = self._by_first.setdefault(words[0], {})
                if len(words) not in by_len:
                    by_len[len(words)] = set()
                    self._lengths[words[0]] = sorted(by_len, reverse=True)
                by_len[len(words)].add(words)
            if not any(o is obj or o == obj for o in objs):
                objs.append(obj)

    def lookup(self, name: str) -> list[T]:
        """Every object answering to ``name`` (folded), in insertion order."""
        return list(self._by_name.get(fold_name(name or ""), ()))

    def names(self) -> list[str]:
        """Every folded name in the index."""
        return list(self._by_name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and fold_name(name) in self._by_name

    def __len__(self) -> int:
        return len(self._by_name)

    def scan(
        self,
        text: str,
        min_length: int = 1,
        stopwords: Collection[str] = (),
    ) -> list[Mention[T]]:
        """Every non-overlapping mention of an indexed name in ``text``.

        Left to right; at each word the longest indexed phrase starting there wins
        ("Saladin Governorate" over "Saladin"). Matches are on whole folded words, so
        "Iraqi" does not match "Iraq". Names whose folded form is shorter than
        ``min_length`` characters, or is in ``stopwords`` (compared folded), are ignored.
        Spans are character offsets into the original ``text``.
        """
        if not text or not self._by_name:
            return []
        stop = {fold_name(s) for s in stopwords}
        toks = _tokens(text)
        words = [t.word for t in toks]
        out: list[Mention[T]] = []
        i, n = 0, len(words)
        while i < n:
            lengths = self._lengths.get(words[i])
            matched = 0
            if lengths:
                by_len = self._by_first[words[i]]
                for length in lengths:
                    if i + length > n:
                        continue
                    phrase = tuple(words[i : i + length])
                    if phrase in by_len[length]:
                        key = " ".join(phrase)
                        if len(key) < min_length or key in stop:
                            continue
                        start, end = toks[i].start, toks[i + length - 1].end
                        out.append(
                            Mention(start, end, text[start:end], list(self._by_name[key]), key)
                        )
                        matched = length
                        break
            i += matched or 1
        return out
