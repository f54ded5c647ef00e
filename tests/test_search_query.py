"""The query language, the reference evaluator and the compilers: pure, no Django.

The FTS5 tests use a real SQLite FTS5 table in memory (Python's sqlite3 module) to check that
every compiled query is valid and finds exactly what the reference evaluator finds.
"""

import re
import sqlite3

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from articles.search import compile as compile_module
from articles.search.compile import (
    FTS5_FILLER,
    FTS5_TOKENIZE,
    fts5_document,
    fts5_documents,
    to_fts5,
    to_tsquery,
    tsvector_literal,
)
from articles.search.evaluate import (
    MAX_POSITION,
    MAX_POSITIONS_PER_LEXEME,
    layout,
    matches,
    matches_fields,
)
from articles.search.query import MAX_QUERY_TOKENS, All, Any, Phrase, Term, parse
from articles.search.text import tokens

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True)
def plain_static_files():
    """Overrides the Django-settings fixture of tests/conftest.py: these tests need no Django."""


def tree(q):
    return parse(q).tree


def finds(q, text):
    return matches(parse(q).tree, tokens(text))


# --- words, phrases, OR, exclusion ----------------------------------------------------------


def test_words_all_must_match():
    assert tree("civilians Mosul") == All((Term("civilian"), Term("mosul")))
    assert finds("civilians Mosul", "Civilians fled Mosul")
    assert not finds("civilians Mosul", "Civilians fled Raqqa")


def test_words_are_stemmed_so_attacks_finds_attack():
    assert finds("attacks", "the attack on Baiji")


def test_case_and_accents_are_ignored_in_queries():
    assert tree("CAFÉ Hasakah") == tree("cafe Ḥasakah")


def test_a_quoted_phrase_is_its_tokens_in_order():
    assert tree('"air strikes"') == All((Phrase(("air", "strike")),))
    assert finds('"air strikes"', "Russian air strikes hit Aleppo")
    assert not finds('"air strikes"', "strikes from the air")


def test_stop_words_inside_a_phrase_are_dropped():
    assert tree('"Syrian Observatory for Human Rights"') == All(
        (Phrase(("syrian", "observatori", "human", "right")),)
    )


def test_phrase_adjacency_ignores_stop_words_on_both_sides():
    assert finds('"Observatory for Human Rights"', "the Observatory of Human Rights said")
    assert finds('"Observatory Human Rights"', "Observatory for the Human Rights")


def test_a_phrase_that_normalises_to_one_token_is_a_term():
    assert tree('"the Kurds"') == All((Term("kurd"),))


def test_a_phrase_that_normalises_to_nothing_is_dropped():
    parsed = parse('"to be or not to be" Mosul')
    assert parsed.tree == All((Term("mosul"),))


def test_or_means_either():
    assert tree("Kurdish OR Kurds") == All((Any((Term("kurdish"), Term("kurd"))),))
    assert finds("Kurdish OR Kurds", "Kurds in Sinjar")


def test_or_binds_tighter_than_the_implicit_and():
    assert tree('civilians "air strikes" OR airstrikes') == All(
        (Term("civilian"), Any((Phrase(("air", "strike")), Term("airstrik"))))
    )
    assert finds('civilians "air strikes" OR airstrikes', "airstrikes killed civilians")
    assert not finds('civilians "air strikes" OR airstrikes', "air strikes on the city")


def test_or_groups_before_an_exclusion():
    assert tree("Kurdish OR Kurds -Turkey") == All(
        (Any((Term("kurdish"), Term("kurd"))),), (Term("turkey"),)
    )
    assert finds("Kurdish OR Kurds -Turkey", "Kurdish fighters")
    assert not finds("Kurdish OR Kurds -Turkey", "Kurds and Turkey")


def test_a_chain_of_ors_is_one_group():
    assert tree("a1 OR b1 OR c1") == All((Any((Term("a1"), Term("b1"), Term("c1"))),))


def test_minus_word_excludes():
    assert tree("Mosul -Turkey") == All((Term("mosul"),), (Term("turkey"),))


def test_minus_phrase_excludes_the_phrase():
    assert tree('Aleppo -"air strikes"') == All((Term("aleppo"),), (Phrase(("air", "strike")),))
    assert finds('Aleppo -"air strikes"', "Aleppo: strikes from the air")
    assert not finds('Aleppo -"air strikes"', "air strikes on Aleppo")


def test_duplicate_operands_count_once():
    assert tree("attack attacks Kurds OR Kurds") == All((Term("attack"), Term("kurd")))


# --- hyphens, scripts -----------------------------------------------------------------------


def test_a_hyphenated_query_word_is_a_phrase_of_its_parts():
    assert tree("al-Bab") == All((Phrase(("al", "bab")),))
    assert finds("al-Bab", "fighting in al Bab")


def test_one_part_of_a_hyphenated_word_finds_it():
    assert finds("Bab", "the battle for al-Bab")


def test_arabic_script_queries_find_arabic_text_with_or_without_vowel_marks():
    assert tree("الباب") == All((Term("الباب"),))
    assert finds("الْبَاب", "معركة الباب")


def test_arabic_indic_digits_find_ascii_digits():
    assert finds("٢٠١٥", "in 2015")


def test_a_curly_quoted_phrase_is_a_phrase():
    assert tree("“air strikes”") == tree('"air strikes"')


# --- plain text, never an error -------------------------------------------------------------


@pytest.mark.parametrize("word", ["AND", "NOT", "and", "not"])
def test_and_and_not_are_plain_stop_words(word):
    assert tree(f"Kurds {word} Turks") == All((Term("kurd"), Term("turk")))


def test_near_is_a_plain_word():
    assert tree("Kurds NEAR Mosul") == All((Term("kurd"), Term("near"), Term("mosul")))


def test_star_and_colon_are_plain_punctuation():
    assert tree("attack* title:Iraq") == All((Term("attack"), Phrase(("titl", "iraq"))))


def test_other_punctuation_is_plain_text():
    assert tree("(Kurds | Turks) && !Mosul ~ ^ [x] {y} \\ ;") == All(
        (Term("kurd"), Term("turk"), Term("mosul"), Term("x"), Term("y"))
    )


def test_an_unbalanced_quote_is_plain_text():
    assert tree('"air strikes') == All((Term("air"), Term("strike")))
    assert tree('Kurds "air strikes" Mosul"') == All((Term("kurd"), Phrase(("air", "strike")), Term("mosul")))


def test_quotes_pair_left_to_right_and_the_odd_one_out_is_plain():
    assert tree('"a1 b1" "c1') == All((Phrase(("a1", "b1")), Term("c1")))


def test_an_empty_phrase_is_nothing():
    assert parse('""').is_empty


def test_a_lone_minus_is_plain_text():
    assert tree("Kurds - Turks") == All((Term("kurd"), Term("turk")))
    assert parse("-").is_empty


def test_a_minus_not_after_whitespace_is_plain_text():
    assert tree('"air strikes"-Turkey') == All((Phrase(("air", "strike")), Term("turkey")))
    assert tree("Kurds--Turks") == All((Phrase(("kurd", "turk")),))


def test_a_double_minus_is_plain_text():
    assert tree("--Turkey") == All((Term("turkey"),))


def test_a_minus_before_an_unbalanced_quote_is_plain_text():
    assert tree('Kurds -"Turkey') == All((Term("kurd"), Term("turkey")))


def test_a_lone_or_is_plain_text():
    parsed = parse("OR")
    assert parsed.is_empty and parsed.dropped_stop_words == ("OR",)


def test_leading_trailing_and_double_or_are_plain_text():
    assert tree("OR Kurds") == tree("Kurds OR") == All((Term("kurd"),))
    assert tree("Kurds OR OR Turks") == All((Term("kurd"), Term("turk")))


def test_lowercase_or_is_a_stop_word():
    assert tree("Kurds or Turks") == All((Term("kurd"), Term("turk")))


def test_or_skips_over_a_dropped_stop_word():
    assert tree("Kurds OR the Turks") == All((Any((Term("kurd"), Term("turk"))),))


def test_a_minus_inside_an_or_group_is_plain_text():
    parsed = parse("Kurds OR -Turks")
    assert parsed.tree == All((Any((Term("kurd"), Term("turk"))),))
    assert parsed.ignored_exclusions == ("-Turks",)


def test_control_characters_are_plain_text():
    assert tree("Kurds\x00\x07 Turks\x1b[31m") == All((Term("kurd"), Phrase(("turk", "31m"))))


@pytest.mark.parametrize(
    "q",
    [
        "x" * 10_000,
        '"' * 10_000,
        "-" * 10_000,
        "OR " * 3_333,
        "a-" * 5_000,
        "\x00" * 10_000,
        "الباب " * 1_666,
        " ".join(f"w{i}" for i in range(2_000))[:10_000],
        '"' + "word " * 1_999 + '"',
    ],
    ids=["word", "quotes", "minuses", "ors", "hyphens", "nuls", "arabic", "words", "phrase"],
)
def test_a_10000_character_query_parses_within_the_token_limit(q):
    parsed = parse(q)
    size = sum(len(n.tokens) if isinstance(n, Phrase) else 1 for n in _leaves(parsed.tree))
    assert size <= MAX_QUERY_TOKENS
    assert to_tsquery(parsed.tree) is None or len(to_tsquery(parsed.tree)) < 10_000


def _leaves(node):
    if isinstance(node, (Term, Phrase)):
        return [node]
    if isinstance(node, Any):
        return list(node.children)
    return [leaf for n in (*node.include, *node.exclude) for leaf in _leaves(n)]


def test_only_the_first_64_tokens_are_used_and_the_query_says_so():
    parsed = parse(" ".join(f"w{i}" for i in range(100)))
    assert parsed.tree.include == tuple(Term(f"w{i}") for i in range(64))
    assert parsed.truncated and any("64" in note for note in parsed.notes())


def test_a_phrase_crossing_the_limit_keeps_its_first_words():
    parsed = parse(" ".join(f"v{i}" for i in range(60)) + ' "a1 b1 c1 d1 e1 f1" z1')
    assert parsed.tree.include[-1] == Phrase(("a1", "b1", "c1", "d1"))
    assert parsed.truncated


# --- what the page can explain --------------------------------------------------------------


def test_an_empty_query_is_empty_without_notes():
    parsed = parse("   ")
    assert parsed.is_empty and not parsed.only_exclusions and not parsed.is_searchable
    assert parsed.notes() == [] and parsed.describe() == ""


def test_a_query_of_only_stop_words_is_empty_and_lists_them():
    parsed = parse("The of AND")
    assert parsed.is_empty
    assert parsed.dropped_stop_words == ("The", "of", "AND")
    assert parsed.notes() == ["Common words are ignored: The, of, AND.", "The query has no words to search for."]


def test_a_query_of_only_exclusions_says_so_and_compiles_to_nothing():
    parsed = parse('-Turkey -"air strikes"')
    assert parsed.only_exclusions and not parsed.is_empty and not parsed.is_searchable
    assert to_tsquery(parsed.tree) is None and to_fts5(parsed.tree) is None
    assert parsed.describe() == 'NOT Turkey AND NOT "air strikes"'


def test_stop_words_are_listed_once_as_typed():
    assert parse("The war of the Kurds").dropped_stop_words == ("The", "of")


def test_one_letter_stop_words_from_apostrophes_are_not_listed():
    assert parse("ISIS’s").dropped_stop_words == ()


def test_describe_uses_the_users_words_and_shows_the_grouping():
    assert parse('civilians "air strikes" OR airstrikes').describe() == 'civilians AND ("air strikes" OR airstrikes)'
    assert parse("Kurdish OR Kurds -Turkey").describe() == "(Kurdish OR Kurds) AND NOT Turkey"
    assert parse("Kurdish OR Kurds").describe() == "Kurdish OR Kurds"


def test_describe_shows_phrases_without_their_stop_words():
    assert parse('"Syrian Observatory for Human Rights" al-Bab').describe() == (
        '"Syrian Observatory Human Rights" AND "al Bab"'
    )


# --- the tree -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: Term(""),
        lambda: Term("a b"),
        lambda: Term("a\x00"),
        lambda: Term("x" * 2047),
        lambda: Phrase(("a",)),
        lambda: Phrase("ab"),
        lambda: Any(()),
        lambda: Any((All(),)),
        lambda: All((All(),)),
        lambda: All((), (Any((Term("a"),)),)),
    ],
)
def test_the_tree_refuses_what_no_compiler_could_express(make):
    with pytest.raises(ValueError):
        make()


def test_tree_nodes_are_frozen_and_hashable():
    node = Phrase(["al", "bab"])
    assert node.tokens == ("al", "bab") and hash(node) == hash(Phrase(("al", "bab")))
    with pytest.raises(AttributeError):
        node.tokens = ()


# --- the evaluator and the layout -----------------------------------------------------------


def test_a_term_matches_in_any_field():
    assert matches_fields(tree("Mosul"), [[], [], tokens("battle for Mosul")])


def test_words_may_be_in_different_fields():
    assert matches_fields(tree("Kurds Mosul"), [tokens("Kurds"), [], tokens("Mosul")])


def test_a_phrase_must_lie_within_one_field():
    fields = [tokens("Russian air"), tokens("strikes on Aleppo")]
    assert not matches_fields(tree('"air strikes"'), fields)
    assert matches_fields(tree('"air strikes"'), [tokens("Russian air strikes")])


def test_layout_leaves_a_gap_between_fields_and_skips_empty_ones():
    assert layout([["a"], [], ["b", "c"]]) == [[("a", 1)], [], [("b", 3), ("c", 4)]]


LONG_BODY = ["filler"] * (MAX_POSITION - 2) + ["air", "strike", "beyond"]  # 16,384 tokens


def test_a_document_is_indexed_up_to_position_16383():
    assert matches(Phrase(("air", "strike")), LONG_BODY)
    assert not matches(Term("beyond"), LONG_BODY)


def test_the_position_limit_counts_all_fields_and_their_gaps():
    fields = [["title"], LONG_BODY[2:]]  # title at 1, gap at 2, body from 3
    assert matches_fields(Phrase(("air", "strike")), fields)
    assert not matches_fields(Term("beyond"), fields)


def test_only_a_tokens_first_256_positions_take_part_in_phrases():
    body = ["isi"] * MAX_POSITIONS_PER_LEXEME + ["attack", "isi", "attack"]
    assert matches(Phrase(("isi", "attack")), body)  # the 256th isi is followed by attack
    late = ["isi"] * MAX_POSITIONS_PER_LEXEME + ["x", "isi", "attack"]
    assert not matches(Phrase(("isi", "attack")), late)
    assert matches(Term("isi"), late) and matches(Term("attack"), late)


def test_a_phrase_may_repeat_a_token():
    assert matches(Phrase(("a", "a")), ["b", "a", "a"])
    assert not matches(Phrase(("a", "a")), ["a", "b", "a"])


def test_only_exclusions_evaluate_to_everything_without_them():
    assert matches(All((), (Term("x"),)), ["y"]) and not matches(All((), (Term("x"),)), ["x"])


# --- the compilers --------------------------------------------------------------------------


def test_tsquery_of_the_precedence_examples():
    assert to_tsquery(tree('civilians "air strikes" OR airstrikes')) == (
        "'civilian' & ( ( 'air' <-> 'strike' ) | 'airstrik' )"
    )
    assert to_tsquery(tree("Kurdish OR Kurds -Turkey")) == "( 'kurdish' | 'kurd' ) & !'turkey'"


def test_tsquery_quotes_and_escapes_every_lexeme():
    assert to_tsquery(All((Term("it's"), Term("a\\b")))) == "'it''s' & 'a\\\\b'"


def test_fts5_of_the_precedence_examples():
    assert to_fts5(tree('civilians "air strikes" OR airstrikes')) == '"civilian" AND ("air strike" OR "airstrik")'
    assert to_fts5(tree("Kurdish OR Kurds -Turkey")) == '(("kurdish" OR "kurd")) NOT ("turkey")'


def test_fts5_quotes_and_escapes_every_token():
    assert to_fts5(All((Term('say"OR'),))) == '"say""OR"'


def test_compilers_return_none_for_an_empty_query():
    assert to_tsquery(All()) is None and to_fts5(All()) is None


def test_tsvector_literal_has_weighted_positions_and_field_gaps():
    literal = tsvector_literal([(tokens("ISIS attacks"), "A"), (tokens("the attack on al-Bab"), "B"), ([], "C")])
    assert literal == "'isi':1A 'attack':2A,4B 'al':5B 'bab':6B"


def test_tsvector_literal_omits_the_default_weight_d():
    assert tsvector_literal([(["x", "y"], "D")]) == "'x':1 'y':2"


def test_tsvector_literal_of_nothing_is_the_empty_vector():
    assert tsvector_literal([([], "A"), ([], "C")]) == ""


def test_tsvector_literal_escapes_lexemes():
    assert tsvector_literal([(["it's", "a\\b"], "A")]) == "'it''s':1A 'a\\\\b':2A"


def test_tsvector_literal_refuses_an_unknown_weight():
    with pytest.raises(ValueError):
        tsvector_literal([(["x"], "E")])


def test_tsvector_literal_stops_at_position_16383_and_256_positions_per_lexeme():
    literal = tsvector_literal([(LONG_BODY, "C")])
    assert literal.startswith("'filler':1C,2C,3C,") and ",257C" not in literal
    assert literal.endswith("'air':16382C 'strike':16383C")


def literal_from_layout(fields):
    """tsvector_literal's rules written out plainly from evaluate.layout (tokens need no escaping)."""
    entries = {}
    for placed, (_, weight) in zip(layout([tokens_ for tokens_, _ in fields]), fields):
        for tok, position in placed:
            entries.setdefault(tok, [])
            if position is not None:
                entries[tok].append(f"{position}{'' if weight == 'D' else weight}")
    return " ".join(f"'{tok}':" + ",".join(positions) for tok, positions in entries.items())


weighted_documents = st.lists(
    st.tuples(st.lists(st.sampled_from(["a", "b", "الباب", "2015"]), max_size=12), st.sampled_from("ABCD")),
    max_size=4,
)


@FAST
@given(weighted_documents)
def test_tsvector_literal_follows_the_layout(fields):
    assert tsvector_literal(fields) == literal_from_layout(fields)


def test_tsvector_literal_follows_the_layout_at_the_limits():
    fields = [(["t"] * 300, "A"), ([], "B"), (LONG_BODY, "C"), (["after"], "D")]
    assert tsvector_literal(fields) == literal_from_layout(fields)


@FAST
@given(st.lists(st.lists(st.sampled_from(["a", "b", "الباب"]), max_size=12), max_size=4))
def test_fts5_documents_of_short_documents_are_what_the_layout_gives(fields):
    assert fts5_documents(fields) == compile_module._fts5_documents_from_layout(fields)


def test_fts5_document_is_the_tokens_joined_by_spaces():
    assert fts5_document(tokens("ISIS attacks on al-Bab")) == "isi attack al bab"


def test_fts5_documents_isolate_tokens_that_take_no_part_in_phrases():
    body = ["isi"] * MAX_POSITIONS_PER_LEXEME + ["attack", "isi", "attack"]
    (document,) = fts5_documents([body])
    assert document.endswith(f"isi attack {FTS5_FILLER} isi {FTS5_FILLER} attack")


# --- FTS5: a real in-memory table -----------------------------------------------------------


def fts5_table(docs):
    """An in-memory FTS5 table with three columns holding ``docs`` (lists of 3 token lists)."""
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(title, summary, body, tokenize='{FTS5_TOKENIZE}')")
    db.executemany(
        "INSERT INTO t (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
        [(i + 1, *fts5_documents(fields)) for i, fields in enumerate(docs)],
    )
    return db


def fts5_rows(db, tree_):
    return {r for (r,) in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (to_fts5(tree_),))}


def oracle_rows(docs, tree_):
    return {i + 1 for i, fields in enumerate(docs) if matches_fields(tree_, fields)}


def test_python_sqlite_has_fts5():
    fts5_table([])


def test_fts5_keeps_arabic_tokens_digits_and_the_filler_intact():
    docs = [[tokens("معركة الباب"), tokens("in 2015"), ["தமிழ", FTS5_FILLER, "ελλαδα"]]]
    db = fts5_table(docs)
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, row)")
    vocabulary = {term for (term,) in db.execute("SELECT term FROM v")}
    assert vocabulary == {"معركة", "الباب", "2015", "தமிழ", FTS5_FILLER, "ελλαδα"}


def test_fts5_finds_what_the_evaluator_finds_at_the_position_limits():
    many = ["isi"] * MAX_POSITIONS_PER_LEXEME + ["x", "isi", "attack"]
    docs = [[[], [], LONG_BODY], [[], [], many], [["air"], ["strike"], []]]
    db = fts5_table(docs)
    nodes = [Phrase(("air", "strike")), Term("beyond"), Phrase(("isi", "attack")), Term("attack"), Term("isi")]
    assert [oracle_rows(docs, All((node,))) for node in nodes] == [{1}, set(), set(), {2}, {2}]
    for node in nodes:
        query = All((node,))
        assert fts5_rows(db, query) == oracle_rows(docs, query)


# vocabularies small enough that generated queries and documents share words
QUERY_WORDS = [
    "attack", "attacks", "Kurds", "Kurdish", "Turkey", "air", "strikes", "airstrikes", "civilians",
    "al-Bab", "Bab", "al", "the", "of", "or", "OR", "AND", "NOT", "NEAR", "الباب", "٢٠١٥", "2015",
    "Café", "cafe", "ISIS’s", "x*", "a:b",
]
SEPARATORS = [" ", "  ", "-", ", ", "’", '"', " - ", " OR ", ' -"', '" ', "\t", "\x00", " -"]

noisy_queries = st.lists(
    st.one_of(st.sampled_from(QUERY_WORDS), st.sampled_from(SEPARATORS)), max_size=10
).map("".join)
COMMON_WORDS = ["attacks", "Kurds", "air", "strikes", "al-Bab", "Bab", "الباب", "2015", "the"]
query_operands = st.builds(
    "{}{}".format,
    st.sampled_from(["", "", "-"]),
    st.one_of(
        st.sampled_from(COMMON_WORDS),
        st.lists(st.sampled_from(COMMON_WORDS), min_size=1, max_size=3).map(lambda w: '"' + " ".join(w) + '"'),
    ),
)
structured_queries = st.lists(
    st.tuples(query_operands, st.sampled_from([" ", " ", " OR "])), min_size=1, max_size=4
).map(lambda parts: "".join(o + j for o, j in parts))
raw_queries = st.one_of(structured_queries, noisy_queries)
raw_documents = st.lists(
    st.lists(
        st.one_of(st.sampled_from(COMMON_WORDS), st.sampled_from(QUERY_WORDS), st.sampled_from([" ", "-", ". "])),
        max_size=30,
    ).map(
        lambda parts: tokens(" ".join(parts))
    ),
    min_size=3,
    max_size=3,
)
corpora = st.lists(raw_documents, min_size=1, max_size=12)

TOKEN_VOCABULARY = ["a", "b", "الباب", "2015"]
leaf_terms = st.sampled_from(TOKEN_VOCABULARY).map(Term)
leaf_phrases = st.lists(st.sampled_from(TOKEN_VOCABULARY), min_size=2, max_size=3).map(lambda t: Phrase(tuple(t)))
leaves = st.one_of(leaf_terms, leaf_phrases)
positives = st.one_of(leaves, st.lists(leaves, min_size=1, max_size=3).map(lambda c: Any(tuple(c))))
searchable_trees = st.builds(
    All, st.lists(positives, min_size=1, max_size=2).map(tuple), st.lists(leaves, max_size=2).map(tuple)
)
token_documents = st.lists(
    st.lists(st.sampled_from(TOKEN_VOCABULARY), max_size=12), min_size=3, max_size=3
)
token_corpora = st.lists(token_documents, min_size=1, max_size=12)

# arbitrary token text: anything a tree accepts (no whitespace or control characters)
odd_tokens = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=8
).filter(lambda t: not any(c.isspace() for c in t))
odd_leaves = st.one_of(
    odd_tokens.map(Term), st.lists(odd_tokens, min_size=2, max_size=3).map(lambda t: Phrase(tuple(t)))
)
odd_trees = st.builds(
    All,
    st.lists(st.one_of(odd_leaves, st.lists(odd_leaves, min_size=1, max_size=3).map(Any)), max_size=3).map(tuple),
    st.lists(odd_leaves, max_size=2).map(tuple),
)


def balanced(text, opening="(", closing=")"):
    depth = 0
    for char in text:
        depth += (char == opening) - (char == closing)
        if depth < 0:
            return False
    return depth == 0


FTS5_STRING = re.compile(r'"(?:[^"]|"")*"')
PG_LEXEME = re.compile(r"'(?:[^'\\]|''|\\.)*'")


def assert_valid_fts5_shape(expression):
    rest = FTS5_STRING.sub("S", expression)
    assert '"' not in rest and balanced(rest)
    assert re.fullmatch(r"(?:S|AND|OR|NOT|\(|\)| )+", rest), rest


def assert_valid_tsquery_shape(expression):
    rest = PG_LEXEME.sub("L", expression)
    assert "'" not in rest and balanced(rest)
    assert re.fullmatch(r"(?:L|&|\||!|<->|\(|\)| )+", rest), rest


@FAST
@given(st.text(max_size=400))
def test_parse_never_raises_on_any_text(q):
    parsed = parse(q)
    parsed.describe()
    parsed.notes()


@FAST
@given(raw_queries)
def test_parse_never_raises_on_operator_heavy_text(q):
    parse(q).describe()


@FAST
@given(st.one_of(st.text(max_size=300), raw_queries))
def test_compiled_queries_are_balanced_and_well_formed(q):
    parsed = parse(q)
    fts5, tsquery = to_fts5(parsed.tree), to_tsquery(parsed.tree)
    assert (fts5 is None) == (tsquery is None) == (not parsed.is_searchable)
    if fts5 is not None:
        assert_valid_fts5_shape(fts5)
        assert_valid_tsquery_shape(tsquery)


@FAST
@given(odd_trees)
def test_compilers_quote_any_token_text_safely(tree_):
    fts5, tsquery = to_fts5(tree_), to_tsquery(tree_)
    if tree_.include:
        assert_valid_fts5_shape(fts5)
        assert_valid_tsquery_shape(tsquery)
        fts5_table([[["x"], [], []]]).execute("SELECT rowid FROM t WHERE t MATCH ?", (fts5,)).fetchall()
    else:
        assert fts5 is None and tsquery is None


@FAST
@given(st.one_of(st.text(max_size=300), raw_queries))
def test_fts5_accepts_every_compiled_query(q):
    parsed = parse(q)
    assume(parsed.is_searchable)
    db = fts5_table([[tokens(q), [], []]])
    db.execute("SELECT rowid FROM t WHERE t MATCH ?", (to_fts5(parsed.tree),)).fetchall()


@FAST
@given(corpora, raw_queries)
def test_fts5_finds_exactly_what_the_evaluator_finds_for_parsed_queries(docs, q):
    parsed = parse(q)
    assume(parsed.is_searchable)
    assert fts5_rows(fts5_table(docs), parsed.tree) == oracle_rows(docs, parsed.tree)


@FAST
@given(token_corpora, searchable_trees)
def test_fts5_finds_exactly_what_the_evaluator_finds_for_any_tree(docs, tree_):
    assert fts5_rows(fts5_table(docs), tree_) == oracle_rows(docs, tree_)
