"""Pure compilers from a query tree (``query``) and token streams (``text``) to what the two
database backends take. No database access and no Django here.

PostgreSQL
    ``to_tsquery(tree)``: tsquery text, e.g. ``'civilian' & ( ( 'air' <-> 'strike' ) | 'airstrik' )``.
    Use it as a cast of a bound parameter, ``%s::tsquery`` (``CAST(%s AS tsquery)``): the cast
    takes the lexemes verbatim. Do not use ``to_tsquery('simple', ...)`` or another
    configuration: those re-parse every lexeme with PostgreSQL's word parser, whose idea of a
    letter depends on the server's locale and differs from Python's. On the test server
    (C.UTF-8), of the tokens ``a<c>b`` for every non-ASCII character c that our normaliser keeps
    in a word, it splits 1,587 of 124,432: ``'a৴b'`` (৴ is a Bengali numeral sign, a digit to
    Python) becomes ``'a' <-> 'b'``, and the query would no longer match the stored vector.

    ``tsvector_literal([(title_tokens, 'A'), (summary_tokens, 'B'), (body_tokens, 'C')])``:
    tsvector text for the stored, GIN-indexed column, e.g. ``'attack':1A,7C 'isi':2A``, again as
    a bound parameter cast: ``%s::tsvector``. Positions follow ``evaluate.layout``.

SQLite FTS5
    ``to_fts5(tree)``: a MATCH expression, every token a double-quoted string, e.g.
    ``"civilian" AND ("air strike" OR "airstrik")``; exclusions as ``(...) NOT (... OR ...)``.

    ``fts5_documents([title_tokens, summary_tokens, body_tokens])``: one string per column.
    The table must use the ``ascii`` tokenizer (``FTS5_TOKENIZE``), e.g.
    ``CREATE VIRTUAL TABLE article_fts USING fts5(title, summary, body, tokenize='ascii')``:
    it splits only at ASCII non-alphanumerics and keeps every non-ASCII character, so our tokens
    (ASCII letters/digits and non-ASCII letters/digits/marks) survive exactly, whatever Unicode
    version SQLite was built with (``unicode61`` would re-split words containing letters newer
    than its tables and would fold what we already folded). Columns keep phrases within a
    field, as the layout's gaps do in PostgreSQL. Where the layout says a token takes no part in
    phrases, the document has ``FTS5_FILLER`` (U+E000, a private-use character, which the ascii
    tokenizer reads as a token and our normaliser never produces) on both sides of it.

Both query compilers return None when the tree has nothing to include (an empty query, or only
exclusions): FTS5's NOT is binary, and "every article except" is not a search; the page explains
instead (``ParsedQuery.only_exclusions``). For any tree they return, the result is syntactically
valid: tokens are validated by the tree's classes (non-empty, no whitespace or control
characters, at most 2,046 UTF-8 bytes) and are always quoted and escaped.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Sequence

from .evaluate import FIELD_GAP, MAX_POSITION, MAX_POSITIONS_PER_LEXEME, layout
from .query import All, Any, Node, Phrase, Term

__all__ = [
    "FTS5_FILLER",
    "FTS5_TOKENIZE",
    "fts5_document",
    "fts5_documents",
    "to_fts5",
    "to_tsquery",
    "tsvector_literal",
    "tsvector_literals",
]

FTS5_TOKENIZE = "ascii"
FTS5_FILLER = "\ue000"
_WEIGHTS = ("A", "B", "C", "D")  # D is PostgreSQL's default weight and is not written
# A document's prominent lexemes are those whose first position has this weight: with the
# title laid out first and weighted A, the title's words. RUM scores a one-word query by the
# word's occurrences in order, each weighted (A 1.0, B 0.4, C 0.2) and divided by the square
# of its rank among them, over pi^2/6: at least 1.0 / 1.645 = 0.61 when the first occurrence
# is A, at most 0.4 when it is not. So for one word, every article where it is prominent
# outranks every article where it is not, and a page of the first can be ranked from the
# prominent lexemes alone (search/postgres.py).
PROMINENT_WEIGHT = "A"


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_lexeme(token: str) -> str:
    """A quoted tsquery/tsvector lexeme: inside single quotes, ' and \\ are escaped."""
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _pg(node: Node) -> str:
    if isinstance(node, Term):
        return _pg_lexeme(node.token)
    if isinstance(node, Phrase):
        return "( " + " <-> ".join(map(_pg_lexeme, node.tokens)) + " )"
    if isinstance(node, Any):
        return "( " + " | ".join(map(_pg, node.children)) + " )"
    raise TypeError(f"not a query node: {node!r}")


def to_tsquery(tree: Node) -> str | None:
    """PostgreSQL tsquery text for ``tree`` (run it as ``%s::tsquery``), or None when the tree
    includes nothing."""
    if not isinstance(tree, All):
        return _pg(tree)
    if not tree.include:
        return None
    parts = [_pg(node) for node in tree.include]
    parts.extend("!" + _pg(node) for node in tree.exclude)
    return " & ".join(parts)


def tsvector_literal(fields: Sequence[tuple[Sequence[str], str]]) -> str:
    """tsvector text of a document's fields, each ``(tokens, weight)`` with weight A-D, e.g.
    ``tsvector_literal([(tokens(title), 'A'), (tokens(summary), 'B'), (tokens(body), 'C')])``.

    Positions follow ``evaluate.layout`` (which the reference evaluator uses too): from 1, one
    empty position between fields, nothing after 16,383, at most 256 positions per lexeme.
    Empty fields give the empty tsvector ``''``. Always within PostgreSQL's limits for tokens
    from ``text.tokens``: at most 16,383 lexemes of at most 60 bytes, which stays under 1 MB.
    """
    return tsvector_literals(fields)[0]


def tsvector_literals(fields: Sequence[tuple[Sequence[str], str]]) -> tuple[str, str]:
    """``(document, prominent)``: ``tsvector_literal(fields)``, and the tsvector text of its
    prominent lexemes alone (see ``PROMINENT_WEIGHT``) with all their positions."""
    # Bulk loads spend much of their time here, hence the ready-made position labels and
    # quoted lexemes.
    entries = labelled_positions(fields, _position_labels)
    quoted, limit = _QUOTED_LEXEMES, MAX_POSITIONS_PER_LEXEME
    # A lexeme keeps its first 256 positions: cutting here is cheaper than counting above.
    parts = [
        quoted[tok] + ",".join(positions if len(positions) <= limit else positions[:limit])
        for tok, positions in entries.items()
    ]
    prominent = [part for part, positions in zip(parts, entries.values()) if positions[0][-1] == PROMINENT_WEIGHT]
    return " ".join(parts), " ".join(prominent)


def labelled_positions(fields, labels_of) -> dict:
    """{token: [its positions' labels]} of fields laid out as `evaluate.layout` lays them
    out (inlined for speed; a test checks they agree); `labels_of(weight)` is a list of the
    label of every position with that weight. A lexeme's positions past the 256th are left
    for the caller to cut."""
    entries: dict = {}
    position = 1
    for field_tokens, weight in fields:
        labels = labels_of(weight)
        if position > MAX_POSITION or not field_tokens:
            continue
        kept = field_tokens[: MAX_POSITION - position + 1]
        for tok, label in zip(kept, labels[position : position + len(kept)]):
            if tok in entries:
                entries[tok].append(label)
            else:
                entries[tok] = [label]
        position += len(kept) + FIELD_GAP
    return entries


_LABELS: dict[str, list[str]] = {}


def _position_labels(weight: str) -> list[str]:
    """``["0A", "1A", ... "16383A"]`` for weight A, made on first use: a string per position
    and weight saves a concatenation per token."""
    labels = _LABELS.get(weight)
    if labels is None:
        if weight not in _WEIGHTS:
            raise ValueError(f"a tsvector weight is one of A, B, C, D, not {weight!r}")
        suffix = "" if weight == "D" else weight
        labels = _LABELS[weight] = [f"{i}{suffix}" for i in range(MAX_POSITION + 1)]
    return labels


class _QuotedLexemes(dict):
    """token -> ``'token':``, quoted once: a vocabulary is far smaller than the text written
    with it. Bounded, so that indexing an unbounded variety of words cannot fill memory."""

    LIMIT = 200_000

    def __missing__(self, token: str) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        quoted = self[token] = _pg_lexeme(token) + ":"
        return quoted


_QUOTED_LEXEMES = _QuotedLexemes()


# --- SQLite FTS5 ----------------------------------------------------------------------------


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts5(node: Node) -> str:
    if isinstance(node, Term):
        return _fts5_string(node.token)
    if isinstance(node, Phrase):
        return _fts5_string(" ".join(node.tokens))
    if isinstance(node, Any):
        return "(" + " OR ".join(map(_fts5, node.children)) + ")"
    raise TypeError(f"not a query node: {node!r}")


def to_fts5(tree: Node) -> str | None:
    """An FTS5 MATCH expression for ``tree``, or None when the tree includes nothing."""
    if not isinstance(tree, All):
        return _fts5(tree)
    if not tree.include:
        return None
    positive = " AND ".join(_fts5(node) for node in tree.include)
    if not tree.exclude:
        return positive
    return f"({positive}) NOT ({' OR '.join(_fts5(node) for node in tree.exclude)})"


def fts5_documents(fields: Sequence[Sequence[str]]) -> list[str]:
    """The text to insert into an FTS5 table's columns, one string per field (see the module
    docstring for the table's tokenizer): the tokens joined by spaces, with ``FTS5_FILLER``
    around every token that the layout keeps out of phrases."""
    if sum(map(len, fields)) + len(fields) <= MAX_POSITION:  # the usual case: short enough,
        counts = Counter(itertools.chain.from_iterable(fields))  # and no token too frequent
        if not counts or max(counts.values()) <= MAX_POSITIONS_PER_LEXEME:
            return [" ".join(field_tokens) for field_tokens in fields]
    return _fts5_documents_from_layout(fields)


def _fts5_documents_from_layout(fields: Sequence[Sequence[str]]) -> list[str]:
    documents = []
    for placed in layout(fields):
        parts: list[str] = []
        previous: int | None = None
        for index, (tok, position) in enumerate(placed):
            if index and (position is None or previous is None or position != previous + 1):
                parts.append(FTS5_FILLER)
            parts.append(tok)
            previous = position
        documents.append(" ".join(parts))
    return documents


def fts5_document(tokens: Sequence[str]) -> str:
    """``fts5_documents`` for a one-field document."""
    return fts5_documents([tokens])[0]
