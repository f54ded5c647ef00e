"""The search query language: ``parse(q)`` turns what a researcher typed into a query tree.

The language (DESIGN.md, "Search semantics"):

- ``civilians attack``: words, all must match (implicit AND).
- ``"air strikes"``: a phrase, its words adjacent and in order in the token stream.
- ``Kurdish OR Kurds``: either. OR binds tighter than the implicit AND:
  ``civilians "air strikes" OR airstrikes`` is civilians AND ("air strikes" OR airstrikes);
  ``Kurdish OR Kurds -Turkey`` is (Kurdish OR Kurds) AND NOT Turkey.
- ``-Turkey``, ``-"air strikes"``: exclude.

Everything else is plain text and never an error. The rules, in the order they apply:

1. **Chunks.** The query is read left to right. Whitespace (any Unicode space) separates chunks.
   A quote character (any of ``QUOTES``: ``"`` and the typographic ``“ ” „ « »``, any of which
   closes any other) opens a phrase that runs to the next quote character; a quote with no later
   quote is plain text (a separator). Quotes also end a chunk: ``Syria"air strikes"`` is
   ``Syria`` and the phrase.
2. **Exclusion.** A chunk that starts with exactly one ``-`` at the start of the query or right
   after whitespace excludes: ``-Turkey`` (the ``-`` must be followed by a letter or digit), or
   ``-"air strikes"`` (the ``-`` directly followed by a phrase that is closed). Any other ``-`` is
   plain text: a hyphen inside a word (``al-Bab``), a lone ``-``, ``--x``, ``"a"-b``.
3. **Words.** Each chunk or phrase is normalised with ``text.words``/``text.token``: case and
   accents folded, split at anything that is not a letter or digit, stop words dropped, stemmed.
   A chunk of several words is a phrase: ``al-Bab`` is the phrase ``al bab`` (and ``Bab`` alone
   finds ``al-Bab``, which is indexed as the words ``al``, ``bab``); ``U.S.`` is ``u`` (``s`` is a
   stop word). Whatever normalises to one token is a ``Term``, to two or more a ``Phrase``, to
   none (stop words only, punctuation only, a lone ``-``) is dropped as if it had not been typed.
   Other engines' operators are words like any other: ``AND``/``NOT`` are stop words, ``NEAR`` is
   the word near, ``*`` and ``:`` separate words, ``title:Iraq`` is the phrase ``title iraq``.
4. **Limit.** Only the first ``MAX_QUERY_TOKENS`` (64) tokens are used, so a 10,000-character
   query stays cheap: a phrase that crosses the limit keeps its first words and everything after
   it is ignored (``truncated`` is set).
5. **OR.** A chunk that is exactly ``OR`` (uppercase) between two operands joins them; a chain
   ``a OR b OR c`` is one group. Operands that normalised to nothing are already gone, so
   ``Kurds OR the Kurdish`` is Kurds OR Kurdish. Any other ``OR`` (leading, trailing, doubled:
   ``a OR OR b`` is a AND b) is plain text: the stop word ``or``, dropped. Lowercase ``or`` is
   always the stop word.
6. **Exclusion inside OR.** An operand that is part of an OR group is never an exclusion: its
   ``-`` is plain text (``a OR -b`` is ``a OR b``; ``ignored_exclusions`` lists these so the page
   can say so). "a, or anything without b" is not a useful research query, and it keeps every
   group positive, which FTS5's binary NOT needs.
7. **Tree.** ``All(include, exclude)``: include holds ``Term``, ``Phrase`` and ``Any`` (the OR
   groups, of ``Term``s and ``Phrase``s); exclude holds ``Term`` and ``Phrase``. Duplicates are
   removed, first occurrence kept. There are no parentheses, so there is no deeper nesting.

A query with nothing left is ``is_empty``; with exclusions only, ``only_exclusions``: the
compilers return None for both (there is nothing positive to look up) and the page explains.

No Django imports here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Union

from .text import token as _token
from .text import word_spans

__all__ = [
    "MAX_LEXEME_BYTES",
    "MAX_QUERY_TOKENS",
    "QUOTES",
    "All",
    "Any",
    "Node",
    "ParsedQuery",
    "Phrase",
    "Term",
    "parse",
]

MAX_QUERY_TOKENS = 64
# PostgreSQL's limit for one lexeme (a tsquery rejects longer ones). Tokens from the normaliser
# are at most text.MAX_TOKEN_BYTES; this bound only matters for hand-built trees.
MAX_LEXEME_BYTES = 2046
QUOTES = "\"\u201c\u201d\u201e\u00ab\u00bb"  # " “ ” „ « »

_BAD_TOKEN_CHAR = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def _check_token(token: object) -> str:
    """Tokens are what the normaliser makes; the tree refuses what no compiler could quote."""
    if not isinstance(token, str) or not token:
        raise ValueError(f"a token must be a non-empty string, not {token!r}")
    if _BAD_TOKEN_CHAR.search(token):
        raise ValueError(f"a token has no whitespace or control characters: {token!r}")
    try:
        size = len(token.encode("utf-8"))
    except UnicodeEncodeError:
        raise ValueError(f"a token must be encodable as UTF-8: {token!r}") from None
    if size > MAX_LEXEME_BYTES:
        raise ValueError(f"a token has at most {MAX_LEXEME_BYTES} UTF-8 bytes")
    return token


@dataclass(frozen=True, slots=True)
class Term:
    """One token, anywhere in the document."""

    token: str

    def __post_init__(self) -> None:
        _check_token(self.token)


@dataclass(frozen=True, slots=True)
class Phrase:
    """Two or more tokens, adjacent and in order within one field."""

    tokens: tuple[str, ...]

    def __post_init__(self) -> None:
        tokens = tuple(self.tokens) if not isinstance(self.tokens, str) else None
        if tokens is None or len(tokens) < 2:
            raise ValueError("a phrase has two or more tokens (one token is a Term)")
        object.__setattr__(self, "tokens", tuple(_check_token(t) for t in tokens))


@dataclass(frozen=True, slots=True)
class Any:
    """OR: at least one child matches. (Named as in the issue; not ``typing.Any``.)"""

    children: tuple[Union[Term, Phrase], ...]

    def __post_init__(self) -> None:
        children = tuple(self.children)
        if not children or not all(isinstance(c, (Term, Phrase)) for c in children):
            raise ValueError("an Any holds one or more Terms and Phrases")
        object.__setattr__(self, "children", children)


@dataclass(frozen=True, slots=True)
class All:
    """The top of every tree: every ``include`` matches and no ``exclude`` does."""

    include: tuple[Union[Term, Phrase, Any], ...] = ()
    exclude: tuple[Union[Term, Phrase], ...] = ()

    def __post_init__(self) -> None:
        include, exclude = tuple(self.include), tuple(self.exclude)
        if not all(isinstance(n, (Term, Phrase, Any)) for n in include):
            raise ValueError("All.include holds Terms, Phrases and Anys")
        if not all(isinstance(n, (Term, Phrase)) for n in exclude):
            raise ValueError("All.exclude holds Terms and Phrases")
        object.__setattr__(self, "include", include)
        object.__setattr__(self, "exclude", exclude)


Node = Union[Term, Phrase, Any, All]


@dataclass(frozen=True)
class ParsedQuery:
    """A parsed query: the tree, and what the page needs to explain it."""

    text: str
    tree: All
    dropped_stop_words: tuple[str, ...] = ()  # as typed, in order, each once (case-insensitive)
    ignored_exclusions: tuple[str, ...] = ()  # labels of '-' operands searched positively (rule 6)
    truncated: bool = False  # the query was cut after MAX_QUERY_TOKENS tokens
    labels: dict = field(default_factory=dict, compare=False, repr=False)  # node -> user's words

    @property
    def is_empty(self) -> bool:
        """Nothing to search for: an empty query, or only stop words and punctuation."""
        return not self.tree.include and not self.tree.exclude

    @property
    def only_exclusions(self) -> bool:
        """Only ``-word``/``-"phrase"`` operands: nothing positive to look up."""
        return not self.tree.include and bool(self.tree.exclude)

    @property
    def is_searchable(self) -> bool:
        """There is something positive to look up (the compilers return a query)."""
        return bool(self.tree.include)

    def label(self, node: Node) -> str:
        """How ``node`` reads in the user's own words: ``"air strikes"``, ``Kurds OR Kurdish``."""
        if node in self.labels:
            return self.labels[node]
        if isinstance(node, Term):
            return node.token
        if isinstance(node, Phrase):
            return '"' + " ".join(node.tokens) + '"'
        if isinstance(node, Any):
            return " OR ".join(self.label(child) for child in node.children)
        return _describe(node, self.label)

    def describe(self) -> str:
        """The query as understood, in the user's words, e.g.
        ``civilians AND ("air strikes" OR airstrikes)`` or ``(Kurdish OR Kurds) AND NOT Turkey``.
        Stop words and punctuation are left out; empty for an empty query."""
        return _describe(self.tree, self.label)

    def notes(self) -> list[str]:
        """Plain-English notes for the page about what was ignored or cannot be run."""
        notes = []
        if self.dropped_stop_words:
            notes.append("Common words are ignored: " + ", ".join(self.dropped_stop_words) + ".")
        if self.ignored_exclusions:
            notes.append(
                "A minus sign inside an OR group is ignored; searched for: "
                + ", ".join(self.ignored_exclusions)
                + "."
            )
        if self.truncated:
            notes.append(f"The query is too long: only its first {MAX_QUERY_TOKENS} words are used.")
        if self.only_exclusions:
            notes.append("The query only excludes words: add a word or phrase to search for.")
        elif self.is_empty and self.text.strip():
            notes.append("The query has no words to search for.")
        return notes


def _describe(tree: All, label) -> str:
    many = len(tree.include) + len(tree.exclude) > 1
    parts = [
        f"({label(node)})" if isinstance(node, Any) and many else label(node) for node in tree.include
    ]
    parts.extend(f"NOT {label(node)}" for node in tree.exclude)
    return " AND ".join(parts)


# --- the parser -----------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_QUOTE = re.compile(f"[{QUOTES}]")
_CHUNK = re.compile(rf"[^\s{QUOTES}]+")
_OR = object()  # the marker of an "OR" chunk in the lexer's output


@dataclass
class _Operand:
    tokens: tuple[str, ...]
    surfaces: tuple[str, ...]  # the words as typed, one per token
    negated: bool

    @property
    def node(self) -> Union[Term, Phrase]:
        return Term(self.tokens[0]) if len(self.tokens) == 1 else Phrase(self.tokens)

    @property
    def label(self) -> str:
        words = " ".join(s if len(s) <= _LABEL_WORD else s[: _LABEL_WORD - 1] + "…" for s in self.surfaces)
        return words if len(self.tokens) == 1 else f'"{words}"'

    def cut(self, size: int) -> _Operand:
        return _Operand(self.tokens[:size], self.surfaces[:size], self.negated)


_LABEL_WORD = 40  # a word longer than this is shortened in labels


def _operand(text: str, negated: bool, dropped: list[str]) -> _Operand | None:
    """Normalise one chunk or phrase (rule 3); None when nothing is left.

    One-letter stop words (the ``s`` of ``ISIS's``, ``a``) are dropped without a note."""
    tokens: list[str] = []
    surfaces: list[str] = []
    for start, end, word in word_spans(text):
        tok = _token(word)
        if tok is None:
            if len(word) > 1:
                dropped.append(text[start:end])
        else:
            tokens.append(tok)
            surfaces.append(text[start:end])
    if not tokens:
        return None
    return _Operand(tuple(tokens), tuple(surfaces), negated)


def _lex(q: str, dropped: list[str]) -> tuple[list, bool]:
    """Rules 1-4: the operands (``_Operand``) and ``_OR`` markers of ``q``, and whether cut."""
    items: list = []
    budget = MAX_QUERY_TOKENS
    i, n = 0, len(q)
    after_space = True  # at the start of the query or right after whitespace

    def add(text: str, negated: bool) -> bool:
        """Add an operand; False once the token budget is spent (stop lexing)."""
        nonlocal budget
        operand = _operand(text, negated, dropped)
        if operand is None:
            return True
        if len(operand.tokens) > budget:
            if budget:
                items.append(operand.cut(budget))
            return False
        budget -= len(operand.tokens)
        items.append(operand)
        return True

    while i < n:
        space = _SPACE.match(q, i)
        if space:
            i, after_space = space.end(), True
            continue
        if q[i] in QUOTES:
            close = _QUOTE.search(q, i + 1)
            if close is None:  # a stray quote: plain text
                i += 1
            else:
                if not add(q[i + 1 : close.start()], False):
                    return items, True
                i = close.end()
            after_space = False
            continue
        chunk = _CHUNK.match(q, i).group()
        i += len(chunk)
        if chunk == "OR":
            items.append(_OR)
        elif chunk == "-" and after_space and i < n and q[i] in QUOTES and _QUOTE.search(q, i + 1):
            close = _QUOTE.search(q, i + 1)
            if not add(q[i + 1 : close.start()], True):
                return items, True
            i = close.end()
        elif after_space and len(chunk) > 1 and chunk[0] == "-" and word_spans(chunk[1]):
            if not add(chunk[1:], True):
                return items, True
        elif not add(chunk, False):
            return items, True
        after_space = False
    return items, False


def _unique(nodes: Iterable) -> tuple:
    return tuple(dict.fromkeys(nodes))


def parse(q: str) -> ParsedQuery:
    """Parse a query (any text; never raises for a ``str``) into a ``ParsedQuery``."""
    if not isinstance(q, str):
        raise TypeError("parse() takes the query text as a str")
    dropped: list[str] = []
    items, truncated = _lex(q, dropped)

    # Rule 5: an OR joins the operands right before and after it; other ORs are the stop word.
    groups: list[list[_Operand]] = []
    for k, item in enumerate(items):
        if item is _OR:
            joins = 0 < k < len(items) - 1 and items[k - 1] is not _OR and items[k + 1] is not _OR
            if not joins:
                dropped.append("OR")
            continue
        if k >= 2 and items[k - 1] is _OR and items[k - 2] is not _OR:
            groups[-1].append(item)
        else:
            groups.append([item])

    labels: dict = {}
    include: list = []
    exclude: list = []
    ignored_exclusions: list[str] = []
    for group in groups:
        for operand in group:
            labels.setdefault(operand.node, operand.label)
        if len(group) == 1:
            (include, exclude)[group[0].negated].append(group[0].node)
            continue
        ignored_exclusions.extend("-" + o.label for o in group if o.negated)  # rule 6
        children = _unique(o.node for o in group)
        if len(children) == 1:
            include.append(children[0])
        else:
            node = Any(children)
            labels.setdefault(node, " OR ".join(labels[c] for c in children))
            include.append(node)

    seen: set[str] = set()
    stop_words = []
    for word in dropped:
        if word.casefold() not in seen:
            seen.add(word.casefold())
            stop_words.append(word)
    return ParsedQuery(
        text=q,
        tree=All(_unique(include), _unique(exclude)),
        dropped_stop_words=tuple(stop_words),
        ignored_exclusions=tuple(ignored_exclusions),
        truncated=truncated,
        labels=labels,
    )
