"""The PostgreSQL compilers against a real PostgreSQL: tsvector_literal documents in a TEMP
table, to_tsquery queries, the same answers as the reference evaluator.

Plain psycopg, no Django: a connection of its own and temporary tables only. The server is
SEARCH_TEST_PG_DSN, by default the local test server ``host=127.0.0.1 port=5432 user=root
dbname=test``; the module is skipped when nothing answers there.
"""

import importlib
import os
import random

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from articles.search.compile import to_tsquery, tsvector_literal, tsvector_literals
from articles.search.evaluate import MAX_POSITION, MAX_POSITIONS_PER_LEXEME
from articles.search.query import All, Phrase, Term, parse
from articles.search.text import MAX_TOKEN_BYTES, STOP_WORDS, stem, tokens, words
from tests.test_search_query import (
    corpora,
    odd_tokens,
    odd_trees,
    oracle_rows,
    raw_queries,
    searchable_trees,
    token_corpora,
)

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")
DSN = os.environ.get("SEARCH_TEST_PG_DSN", "host=127.0.0.1 port=5432 user=root dbname=test")
try:
    psycopg.connect(DSN, connect_timeout=3).close()
except psycopg.OperationalError:
    pytest.skip(f"no PostgreSQL answers at {DSN}", allow_module_level=True)

FAST = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
WEIGHTS = ("A", "B", "C")


@pytest.fixture(autouse=True)
def plain_static_files():
    """Overrides the Django-settings fixture of tests/conftest.py: these tests need no Django."""


@pytest.fixture(scope="module")
def pg():
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE search_docs (id integer PRIMARY KEY, vector tsvector NOT NULL)")
        yield conn


def pg_rows(pg, docs, tree):
    """Load ``docs`` (lists of title, summary, body token lists) and run ``tree`` on them."""
    with pg.cursor() as cur:
        cur.execute("TRUNCATE search_docs")
        cur.executemany(
            "INSERT INTO search_docs (id, vector) VALUES (%s, %s::tsvector)",
            [(i + 1, tsvector_literal(list(zip(fields, WEIGHTS)))) for i, fields in enumerate(docs)],
        )
        cur.execute("SELECT id FROM search_docs WHERE vector @@ %s::tsquery", (to_tsquery(tree),))
        return {row[0] for row in cur.fetchall()}


# --- the same answers as the evaluator ------------------------------------------------------


@FAST
@given(docs=corpora, q=raw_queries)
def test_postgresql_finds_exactly_what_the_evaluator_finds_for_parsed_queries(pg, docs, q):
    parsed = parse(q)
    assume(parsed.is_searchable)
    assert pg_rows(pg, docs, parsed.tree) == oracle_rows(docs, parsed.tree)


@FAST
@given(docs=token_corpora, tree=searchable_trees)
def test_postgresql_finds_exactly_what_the_evaluator_finds_for_any_tree(pg, docs, tree):
    assert pg_rows(pg, docs, tree) == oracle_rows(docs, tree)


def test_the_precedence_examples_on_postgresql(pg):
    docs = [
        [tokens("Airstrikes kill civilians"), [], []],
        [tokens("Air strikes"), [], tokens("civilians fled")],
        [tokens("Civilians"), tokens("strikes from the air"), []],
        [tokens("Kurdish fighters"), [], []],
        [tokens("Kurds"), [], tokens("Turkey")],
    ]
    assert pg_rows(pg, docs, parse('civilians "air strikes" OR airstrikes').tree) == {1, 2}
    assert pg_rows(pg, docs, parse("Kurdish OR Kurds -Turkey").tree) == {4}


def test_a_phrase_does_not_match_across_fields_on_postgresql(pg):
    docs = [[tokens("Russian air"), tokens("strikes"), []], [[], [], tokens("Russian air strikes")]]
    assert pg_rows(pg, docs, parse('"air strikes"').tree) == {2}


def test_postgresql_agrees_at_the_last_position(pg):
    end = ["filler"] * (MAX_POSITION - 2) + ["air", "strike", "beyond"]
    beyond = ["filler"] * (MAX_POSITION - 1) + ["air", "strike"]
    docs = [[["title"], [], end[2:]], [[], [], beyond]]
    for node in [Phrase(("air", "strike")), Term("strike"), Term("beyond"), Phrase(("filler", "air"))]:
        tree = All((node,))
        assert pg_rows(pg, docs, tree) == oracle_rows(docs, tree), node


def test_postgresql_agrees_beyond_256_positions_of_a_lexeme(pg):
    before = ["isi"] * (MAX_POSITIONS_PER_LEXEME - 1) + ["isi", "attack"]
    after = ["isi"] * MAX_POSITIONS_PER_LEXEME + ["x", "isi", "attack"]
    docs = [[[], [], before], [[], [], after]]
    for node in [Phrase(("isi", "attack")), Term("attack"), Phrase(("isi", "isi"))]:
        tree = All((node,))
        assert pg_rows(pg, docs, tree) == oracle_rows(docs, tree), node


# --- never a syntax error -------------------------------------------------------------------


@FAST
@given(q=st.one_of(st.text(max_size=300), raw_queries))
def test_postgresql_accepts_every_compiled_query(pg, q):
    tsquery = to_tsquery(parse(q).tree)
    assume(tsquery is not None)
    pg.execute("SELECT %s::tsquery", (tsquery,))


@FAST
@given(tree=odd_trees)
def test_postgresql_accepts_queries_of_any_token_text(pg, tree):
    tsquery = to_tsquery(tree)
    assume(tsquery is not None)
    pg.execute("SELECT %s::tsquery", (tsquery,))


@FAST
@given(token=odd_tokens)
def test_any_token_text_round_trips_through_tsvector_and_tsquery(pg, token):
    literal = tsvector_literal([([token, "x"], "A")])
    (found,) = pg.execute("SELECT %s::tsvector @@ %s::tsquery", (literal, to_tsquery(All((Term(token),))))).fetchone()
    assert found


def test_the_largest_document_fits_in_a_tsvector(pg):
    # every position holds a distinct token of the longest allowed length
    body = [f"{i:05d}" + "x" * (MAX_TOKEN_BYTES - 5) for i in range(MAX_POSITION + 100)]
    (size,) = pg.execute("SELECT length(%s::tsvector)", (tsvector_literal([(body, "C")]),)).fetchone()
    assert size == MAX_POSITION


def test_the_empty_document_is_the_empty_tsvector(pg):
    (found,) = pg.execute("SELECT %s::tsvector @@ %s::tsquery", (tsvector_literal([([], "A")]), "'x'")).fetchone()
    assert found is False


# --- the stemmer is PostgreSQL's english_stem -----------------------------------------------

SAMPLE_WORDS = """
attacks attacked attacking airstrikes civilians observatory Kurdish Kurds Turkey governorate
generously skies news dying lying cities offensive fighters militants operations ISIS al-Bab
Baiji Sinjar Mosul Diyala Kirkuk Hasakah Aleppo Homs France analyst analysts monitoring reported
said told according killed wounded displaced refugees humanitarian ceasefire negotiations
sovereignty jihadist jihadists insurgency insurgents commander commanders agreed agreement
happily hopping hoped hoping relational conditional rational valency hesitancy digitizer
conformably radically differently vilely analogously vietnamization predication operator
feudalism decisiveness hopefulness callousness formality sensitivity sensibility triplicate
formative formalize electrical hopeful goodness revival allowance inference airliner gyroscopic
adjustable defensible irritant replacement adjustment dependent adoption communism activate
effective bowdlerize consign consigned consigning consignment consist consisted consistency
consistent consistently generate generates generated generating general generally generic
generically generous arsenic arsenal communal communication commune ski skis idly gently ugly
early only singly sky howe atlas cosmos bias andes inning outing canning herring earring proceed
exceed succeed يوم الباب 2015 3rd covid19 x
added adding archaeologists emergency emergencies internal international interval organization
organize paste pasted universal university
"""

# PostgreSQL 15's english_stem is Snowball 2.x; snowballstemmer/PyStemmer 3.x implement the
# Snowball 3 english algorithm, which changed a few word families. Search stays consistent
# either way (PostgreSQL never stems our text: we store and query our own lexemes); these are
# the words of the sample where the two may differ, with PostgreSQL's stem.
SNOWBALL_3_CHANGES = {
    "added": "ad",
    "adding": "ad",
    "archaeologists": "archaeologist",
    "emergency": "emerg",
    "emergencies": "emerg",
    "internal": "intern",
    "international": "intern",
    "interval": "interv",
    "organization": "organ",
    "organize": "organ",
    "paste": "past",
    "pasted": "past",
    "universal": "univers",
    "university": "univers",
}


def test_stems_equal_postgresqls_english_stem_but_for_snowball_3_changes(pg):
    sample = sorted({w for w in words(SAMPLE_WORDS) if w not in STOP_WORDS})
    rows = pg.execute(
        "SELECT w, ts_lexize('english_stem', w) FROM unnest(%s::text[]) AS w", (sample,)
    ).fetchall()
    differing = {w: lexemes[0] for w, lexemes in rows if lexemes != [stem(w)]}
    assert set(differing) <= set(SNOWBALL_3_CHANGES)
    assert {w: lexemes[0] for w, lexemes in rows if w in SNOWBALL_3_CHANGES} == SNOWBALL_3_CHANGES


def test_the_migration_gives_existing_documents_the_prominent_lexemes_indexing_writes(pg):
    # An archive indexed before the prominent lexemes had a column gets them from its
    # documents, laid out as tsvector_literals lays them out: title (A) first.
    prominent_of = importlib.import_module("articles.migrations.0012_search_prominent").PROMINENT
    rng = random.Random(4)
    vocabulary = ["oil", "refineri", "attack", "it's", "a\\b", "ñ", "x", "mosul"]
    for _ in range(200):
        fields = [([rng.choice(vocabulary) for _ in range(rng.choice([0, 1, 3, 20, 300]))], weight) for weight in "ABCC"]
        document, prominent = tsvector_literals(fields)
        (same,) = pg.execute(
            f"SELECT {prominent_of} = %s::tsvector FROM (SELECT %s::tsvector AS document) d", (prominent, document)
        ).fetchone()
        assert same, fields
