"""The reference evaluator: the search semantics in plain Python.

The tests use it as the oracle for every database backend, so it also defines what exactly is
findable in a document: the *layout* below, which both index builders in ``compile`` use.

Layout. A document is a list of fields (title, summary, body), each a token stream from
``text.tokens``. Positions count from 1 across the fields in order; one empty position separates
two fields, so a phrase never spans fields. PostgreSQL limits what a tsvector holds, and every
backend must give the same answers, so the limits are part of the semantics:

- Only positions up to ``MAX_POSITION`` (16,383, PostgreSQL's largest) are indexed: tokens
  after it (documents of roughly 25,000+ words) are not searchable on any backend. PostgreSQL
  would clamp them all to 16,383, which breaks phrases there (bug #17569) and lets the vector
  outgrow its 1 MB limit; dropping them bounds a vector at 16,383 lexemes of at most
  ``text.MAX_TOKEN_BYTES`` bytes, which always fits.
- Only the first ``MAX_POSITIONS_PER_LEXEME`` (256) positions of a token take part in phrases,
  as PostgreSQL keeps only those; later occurrences still count as the word being present.

Semantics. ``Term``: the token occurs in any field. ``Phrase``: its tokens occupy consecutive
phrase positions (hence within one field). ``Any``: a child matches. ``All``: every ``include``
matches and no ``exclude`` does; with nothing included that is "everything without the
exclusions" (``All((), ())`` matches everything), which the compilers refuse to express:
callers do not run such queries (see ``ParsedQuery.is_searchable``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from .query import All, Any, Node, Phrase, Term

__all__ = [
    "FIELD_GAP",
    "MAX_POSITION",
    "MAX_POSITIONS_PER_LEXEME",
    "Document",
    "layout",
    "matches",
    "matches_fields",
]

MAX_POSITION = 16383  # PostgreSQL's largest tsvector position: later tokens are not indexed
MAX_POSITIONS_PER_LEXEME = 256  # PostgreSQL keeps a lexeme's first 256 positions
FIELD_GAP = 1  # empty positions between two fields: phrase distance across fields is >= 2


def layout(fields: Sequence[Sequence[str]]) -> list[list[tuple[str, int | None]]]:
    """For each field, its indexed tokens, each with its position, or with None when it takes no
    part in phrases (beyond the token's 256th position). Tokens after ``MAX_POSITION`` are left
    out."""
    result: list[list[tuple[str, int | None]]] = []
    position = 1
    seen: dict[str, int] = defaultdict(int)
    for field_tokens in fields:
        placed: list[tuple[str, int | None]] = []
        for tok in field_tokens:
            if position > MAX_POSITION:
                break
            seen[tok] += 1
            placed.append((tok, position if seen[tok] <= MAX_POSITIONS_PER_LEXEME else None))
            position += 1
        if placed:
            position += FIELD_GAP
        result.append(placed)
    return result


class Document:
    """A document prepared for evaluating many queries against it."""

    __slots__ = ("present", "positions")

    def __init__(self, fields: Sequence[Sequence[str]]):
        self.present: set[str] = set()
        self.positions: dict[str, set[int]] = defaultdict(set)
        for placed in layout(fields):
            for tok, position in placed:
                self.present.add(tok)
                if position is not None:
                    self.positions[tok].add(position)

    def matches(self, node: Node) -> bool:
        if isinstance(node, Term):
            return node.token in self.present
        if isinstance(node, Phrase):
            first, rest = node.tokens[0], node.tokens[1:]
            return any(
                all(start + offset in self.positions.get(tok, ()) for offset, tok in enumerate(rest, 1))
                for start in self.positions.get(first, ())
            )
        if isinstance(node, Any):
            return any(self.matches(child) for child in node.children)
        if isinstance(node, All):
            return all(self.matches(n) for n in node.include) and not any(
                self.matches(n) for n in node.exclude
            )
        raise TypeError(f"not a query node: {node!r}")


def matches_fields(tree: Node, fields: Sequence[Sequence[str]]) -> bool:
    """Whether the document made of ``fields`` (token lists, e.g. title, summary, body) matches."""
    return Document(fields).matches(tree)


def matches(tree: Node, doc_tokens: Sequence[str]) -> bool:
    """Whether a one-field document (a token list) matches ``tree``."""
    return Document([doc_tokens]).matches(tree)
