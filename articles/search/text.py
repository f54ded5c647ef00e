"""The one text normaliser of the archive's search.

The same code turns an article into the token stream that is indexed and a query into the
tokens that are looked up, on every database backend. Pipeline:

1. ``fold``: Unicode NFKD; drop every non-spacing and enclosing mark (categories Mn and Me:
   Latin accents, Arabic harakat and hamza marks...); drop the invisible characters that sit
   *inside* words (soft hyphen U+00AD, zero-width non-joiner and joiner U+200C/U+200D, word
   joiner U+2060, BOM U+FEFF, Arabic tatweel U+0640); map the decimal digits of every script to
   ASCII (Arabic-Indic ``٢٠١٥`` is ``2015``); ``str.casefold``.
2. ``words``: the runs of letters and digits (``str.isalnum``, any script, plus the spacing
   marks Mc that are part of Indic words) of the folded text. Everything else separates words:
   whitespace, punctuation, hyphens (``al-Bab`` is ``al``, ``bab``), apostrophes (``ISIS’s`` is
   ``isis``, ``s``), underscores, symbols, control characters.
3. ``tokens``: the words minus the stop words (``STOP_WORDS``, PostgreSQL's ``english.stop``,
   checked on the folded word before stemming), each cut to ``MAX_TOKEN_BYTES`` UTF-8 bytes,
   then stemmed with the Snowball ``english`` stemmer (the ``snowballstemmer`` package, which
   uses PyStemmer's C code when installed). That is the algorithm of PostgreSQL's
   ``english_stem``; the 3.x packages implement Snowball 3, which stems a few word families
   differently from PostgreSQL 15's Snowball 2 (``international``: ``internat``, not ``intern``;
   see tests/test_search_pg_compile.py). The database never stems: it stores and queries the
   tokens made here, so the backends agree either way. Changing this pipeline or the stemmer's
   version changes tokens: stored vectors must then be rebuilt.

The token stream is what phrases are adjacent in: stop words are gone from it on both sides, so
``"Syrian Observatory for Human Rights"`` is the phrase ``syrian observatori human right``.

Speed: text is cut at ASCII non-alphanumeric characters (which are separators before and after
folding, and barriers to NFKD reordering) into runs; each run's tokens are cached, so a run is
folded, split and stemmed once per process. The tests check this equals the plain pipeline.

No Django imports here: the module is used by indexing code, the query parser and pure tests.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from typing import Sequence

import snowballstemmer

__all__ = [
    "MAX_TOKEN_BYTES",
    "STOP_WORDS",
    "fold",
    "located_tokens",
    "stem",
    "token",
    "tokens",
    "word_spans",
    "words",
]

# PostgreSQL's share/tsearch_data/english.stop (the stop words of its `english`
# configuration), copied verbatim and in the file's order: 127 words.
_ENGLISH_STOP = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that
these those am is are was were be been being have has had having do does did doing a an the and
but if or because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further then once here
there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now
"""
STOP_WORDS: frozenset[str] = frozenset(_ENGLISH_STOP.split())

# A token is at most this many UTF-8 bytes: a longer word is cut (at a character boundary)
# before stemming, in documents and queries alike, so long words still find each other.
# Why 60: a PostgreSQL tsvector must stay under 1 MB, counted as, per lexeme, its length
# rounded up to even + 2 bytes + 2 bytes per position. A document indexes at most 16,383
# positions (evaluate.MAX_POSITION), so at worst 16,383 distinct lexemes: 16,383 x (60 + 2 + 2)
# = 1,048,512 <= 1,048,575. Real words are far shorter; this only bites on junk like base64.
MAX_TOKEN_BYTES = 60

# Runs of characters that may belong to a word: ASCII letters and digits, and anything
# non-ASCII. ASCII punctuation, whitespace and controls always separate words.
_RUN = re.compile(r"[A-Za-z0-9\x80-\U0010FFFF]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_ASCII_RUN = re.compile(r"[A-Za-z0-9]+")
_INVISIBLE_IN_WORDS = "\u00ad\u200c\u200d\u2060\ufeff\u0640"
_RUN_CACHE_SIZE = 200_000  # runs are words with their punctuation: about 50 MB when full


def _char_class(code_points: list[int]) -> str:
    """A regex character class body with consecutive code points merged into ranges."""
    ranges: list[list[int]] = []
    for cp in sorted(code_points):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges
    )


@functools.cache
def _unicode_tables() -> tuple[re.Pattern[str], dict[int, int], re.Pattern[str], re.Pattern[str]]:
    """(characters to drop, digit translation, non-ASCII digits, word pattern).

    Built on first use of non-ASCII text, not at import. Only planes 0, 1 and 14 hold marks and
    decimal digits (planes 2-3 are CJK ideographs, 15-16 private use, the rest unassigned); a
    test checks this against every code point.
    """
    drop: list[int] = [ord(c) for c in _INVISIBLE_IN_WORDS]
    spacing_marks: list[int] = []
    digits: dict[int, int] = {}
    for first, last in ((0x80, 0x1FFFF), (0xE0000, 0xE0FFF)):
        for cp in range(first, last + 1):
            category = unicodedata.category(chr(cp))
            if category in ("Mn", "Me"):
                drop.append(cp)
            elif category == "Mc":
                spacing_marks.append(cp)
            elif category == "Nd":
                digits[cp] = ord("0") + unicodedata.decimal(chr(cp))
    return (
        re.compile(f"[{_char_class(drop)}]+"),
        digits,
        re.compile(f"[{_char_class(list(digits))}]"),
        re.compile(rf"(?:[^\W_]|[{_char_class(spacing_marks)}])+"),
    )


def fold(text: str) -> str:
    """``text`` with case, accents and digit scripts folded (see the module docstring)."""
    if text.isascii():
        return text.lower()
    drop, digits, digit_search, _ = _unicode_tables()
    text = drop.sub("", unicodedata.normalize("NFKD", text))
    if digit_search.search(text):
        text = text.translate(digits)
    return text.casefold()


def _words_uncached(text: str) -> list[str]:
    folded = fold(text)
    if folded.isascii():
        return _ASCII_WORD.findall(folded)
    return _unicode_tables()[3].findall(folded)


@functools.lru_cache(maxsize=_RUN_CACHE_SIZE)
def _run_words(run: str) -> tuple[str, ...]:
    return tuple(_words_uncached(run))


def words(text: str) -> list[str]:
    """The folded words of ``text`` in order: stop words kept, nothing stemmed."""
    return list(itertools.chain.from_iterable(map(_run_words, _RUN.findall(text))))


_stemmer = snowballstemmer.stemmer("english")


def stem(word: str) -> str:
    """The Snowball ``english`` stem of a folded word (no stop-word check, no length cut)."""
    return _stemmer.stemWord(word) or word


def _token(word: str) -> str | None:
    if word in STOP_WORDS:
        return None
    if len(word) * 4 > MAX_TOKEN_BYTES:  # might be over the byte limit: check exactly
        encoded = word.encode("utf-8")
        if len(encoded) > MAX_TOKEN_BYTES:
            word = encoded[:MAX_TOKEN_BYTES].decode("utf-8", "ignore")
    return _stemmer.stemWord(word) or word


class _Tokens(dict):
    """word -> its token, kept per process: snippets ask for every word of a page's texts
    (about 2,700 words, 4 ms a page) and the importer for every word of every line, and most
    words come again and again. A plain dict, looked up with ``map(__getitem__)`` by
    `tokens()`: a hit costs less than a call through lru_cache (an article's tokens 0.093 ->
    0.077 ms). Emptied when full, so that an unbounded variety of words cannot fill memory."""

    def __missing__(self, word: str) -> str | None:
        if len(self) >= _RUN_CACHE_SIZE:
            self.clear()
        found = self[word] = _token(word)
        return found


_TOKENS = _Tokens()


class _ByteTokens(dict):
    """An ASCII word's bytes -> its token: `tokens()` splits ASCII text as bytes."""

    def __missing__(self, word: bytes) -> str | None:
        if len(self) >= _RUN_CACHE_SIZE:
            self.clear()
        found = self[word] = _TOKENS[word.decode("ascii")]
        return found


_BYTE_TOKENS = _ByteTokens()
# ASCII letters in lower case, digits kept, every other byte a space: what is left between
# spaces are the words `_ASCII_WORD` finds in the lowered text.
_ASCII_WORDS_ONLY = bytes(
    c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or 48 <= c <= 57 else 32 for c in range(256)
)


def token(word: str) -> str | None:
    """The token of one folded word, or None when it is a stop word."""
    return _TOKENS[word]


@functools.lru_cache(maxsize=_RUN_CACHE_SIZE)
def _run_tokens(run: str) -> tuple[str, ...]:
    return tuple(t for t in map(token, _run_words(run)) if t is not None)


def tokens(text: str) -> list[str]:
    """The token stream of ``text``: folded words, stop words dropped, stemmed.

    This is what gets indexed and what queries are made of; phrases are adjacent in it.
    """
    if text.isascii():
        # Every run is one word, the run in lower case: the words of the whole text at
        # once, each word's token kept per process. Split as bytes, every byte that is not
        # a letter or digit made a space: a third faster than a regex over the lowered text
        # (0.051 -> 0.034 ms an article's body), and the importer tokenizes every article
        # (a third of its workers' time). Tokens are never empty: filter drops the stop words.
        return list(filter(None, map(_BYTE_TOKENS.__getitem__, text.encode().translate(_ASCII_WORDS_ONLY).split())))
    return list(itertools.chain.from_iterable(map(_run_tokens, _RUN.findall(text))))


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, word)`` for each of ``words(text)``: where the word is in ``text``.

    ``text[start:end]`` is the word as written (``Café`` for ``cafe``; ``ISIS`` and ``s`` in
    ``ISIS’s``). For the query's labels and for marking matches in snippets. Found by folding
    character by character inside a run; if that ever disagrees with folding the whole run
    (it cannot for NFKD + casefold as of Unicode 15), every word of the run spans the run.
    """
    if text.isascii():
        # Every run is one word, the run in lower case: one pass of the regex engine, three
        # times as fast as run by run (snippets split each matching text of a page).
        return [(m.start(), m.end(), m.group().lower()) for m in _ASCII_RUN.finditer(text)]
    spans: list[tuple[int, int, str]] = []
    for match in _RUN.finditer(text):
        run, base = match.group(), match.start()
        run_words = _run_words(run)
        if not run_words:
            continue
        if run.isascii():  # ASCII letters and digits only: one word, the whole run
            spans.append((base, match.end(), run_words[0]))
            continue
        owner: list[int] = []
        pieces: list[str] = []
        for index, char in enumerate(run):
            piece = fold(char)
            pieces.append(piece)
            owner.extend([index] * len(piece))
        found = [
            (base + owner[m.start()], base + owner[m.end() - 1] + 1, m.group())
            for m in _unicode_tables()[3].finditer("".join(pieces))
        ]
        if tuple(word for _, _, word in found) == run_words:
            spans.extend(found)
        else:  # pragma: no cover - defensive
            spans.extend((base, match.end(), word) for word in run_words)
    return spans


class _LazySpans:
    """``spans[i]``: the ``(start, end)`` of word i of a text, found when first asked for: most
    texts a snippet reads hold no match and are never shown."""

    __slots__ = ("_text", "_count", "_spans")

    def __init__(self, text, count):
        self._text, self._count, self._spans = text, count, None

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        if self._spans is None:
            if self._text.isascii():
                self._spans = [match.span() for match in _ASCII_RUN.finditer(self._text)]
            else:
                self._spans = [(start, end) for start, end, _ in word_spans(self._text)]
        return self._spans[index]


def located_tokens(text: str) -> tuple[list, Sequence[tuple[int, int]]]:
    """``(tokens, spans)`` of ``words(text)``: each word's token (None for a stop word) and,
    as ``spans[i]``, where word i is in ``text``, as ``word_spans`` says. For snippets, which
    look at every word of a page's texts for the best passage: ASCII text in passes of the
    regex engine, with no Python per word, any text placed only if it is shown."""
    if text.isascii():
        found = list(map(_TOKENS.__getitem__, _ASCII_WORD.findall(text.lower())))
    else:
        found = list(map(_TOKENS.__getitem__, words(text)))
    return found, _LazySpans(text, len(found))


def tokens_uncached(text: str) -> list[str]:
    """``tokens`` the plain way, without runs or caches: the reference for the tests."""
    return [t for t in map(token, _words_uncached(text)) if t is not None]
