"""The fast ways of the bulk loaders write what the plain ways write.

generate_corpus and a big import_articles set indexes aside, copy rows in binary, make the
search index's rows themselves and count once at the end; an import checks its lines in
worker processes. None of that may change a row, a count or a message. (How fast they are
is measured and written down, not asserted: see the bulk loaders' issue notes.)
"""

import io
import random
import struct

import numpy as np
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from articles import search
from articles.corpus import _Lookup
from articles.importing import BulkLoad, Importer, _StagedSearchTable, _tsvectors
from articles.models import Article, Person, Quote
from articles.search.compile import tsvector_literal, tsvector_literals
from articles.search.evaluate import MAX_POSITION, MAX_POSITIONS_PER_LEXEME
from tests.builders import COMMITTED, clear_archive, jsonl, record


def postgres_only(reason="binary COPY is PostgreSQL's: SQLite's loaders write plain rows (the other tests here)"):
    if connection.vendor != "postgresql":
        pytest.skip(reason)


# --- pieces ---------------------------------------------------------------------------------


def test_the_word_lookup_answers_as_searchsorted_does():
    rng = np.random.default_rng(5)
    weights = 1 / np.arange(1, 20_001) ** 1.07
    cumulative = np.cumsum(weights) / weights.sum()
    u = np.concatenate([rng.random(200_000), cumulative[:1000], np.nextafter(cumulative[:1000], 0), [0.0, 1 - 2**-53]])
    u = u[u < 1]
    assert np.array_equal(_Lookup(cumulative)(u), np.searchsorted(cumulative, u, side="right"))


def decode_tsvector(data):
    """{lexeme: [(position, weight)]} of a binary tsvector with its length prefix, and the
    lexemes in their order."""
    (length,) = struct.unpack_from(">i", data)
    assert length == len(data) - 4
    (count,) = struct.unpack_from(">i", data, 4)
    offset, lexemes = 8, {}
    for _ in range(count):
        end = data.index(b"\0", offset)
        lexeme = data[offset:end].decode()
        (npos,) = struct.unpack_from(">H", data, end + 1)
        positions = struct.unpack_from(f">{npos}H", data, end + 3)
        lexemes[lexeme] = [(p & 0x3FFF, "DCBA"[p >> 14]) for p in positions]
        offset = end + 3 + 2 * npos
    assert offset == len(data)
    return lexemes


def parse_literal(literal):
    lexemes = {}
    for part in literal.split(" ") if literal else []:
        quoted, positions = part.rsplit(":", 1)
        lexeme = quoted[1:-1].replace("''", "'").replace("\\\\", "\\")
        lexemes[lexeme] = [(int(p.rstrip("ABC")), p[-1] if p[-1] in "ABC" else "D") for p in positions.split(",")]
    return lexemes


DOCUMENTS = [
    [(["isi", "attack"], "A"), (["the", "attack", "on", "al", "bab"], "B"), ([], "C"), (["x"], "C")],
    [(["it's", "a\\b", "''", "\\"], "A"), (["ünïcode", "кириллица", "z", "é", "e"], "D")],
    [(["filler"] * 300 + ["air", "strike"], "C")],
    [(["w"] * 10_000, "B"), (["late", "words"] * 5_000, "C")],  # past position 16,383
    [([], "A"), ([], "C")],
]


@pytest.mark.parametrize("fields", DOCUMENTS)
def test_the_binary_document_holds_what_the_literal_says(fields):
    document, prominent = map(decode_tsvector, _tsvectors(fields))
    literal, prominent_literal = tsvector_literals(fields)
    assert document == parse_literal(literal) == parse_literal(tsvector_literal(fields))
    assert prominent == parse_literal(prominent_literal)
    # PostgreSQL's order: by bytes, shorter first
    for decoded in (document, prominent):
        assert list(decoded) == sorted(decoded, key=lambda lexeme: lexeme.encode())
    assert all(len(p) <= MAX_POSITIONS_PER_LEXEME and p[-1][0] <= MAX_POSITION for p in document.values())
    # The prominent lexemes: every lexeme whose first position is weighted A, with all of
    # its positions.
    assert prominent == {lexeme: p for lexeme, p in document.items() if p[0][1] == "A"}


def test_the_prominent_lexemes_are_a_title_s_words():
    fields = [(["isi", "attack"], "A"), (["attack", "on", "isi"], "B"), (["bab", "attack"], "C")]
    document, prominent = map(parse_literal, tsvector_literals(fields))
    assert prominent == {"isi": document["isi"], "attack": document["attack"]}
    assert prominent["attack"] == [(2, "A"), (4, "B"), (9, "C")]
    assert tsvector_literals([([], "A"), (["x"], "C")]) == ("'x':1C", "")


def test_random_binary_documents_hold_what_their_literals_say():
    rng = random.Random(8)
    words = ["a", "b'", "c\\d", "it's", "x", "y", "zz", "ñ", "''", "\\", "é", "z", "ab"]
    for _ in range(300):
        fields = [
            ([rng.choice(words) for _ in range(rng.choice([0, 1, 5, 300, 2000]))], rng.choice("ABCD"))
            for _ in range(rng.randint(0, 4))
        ]
        document, prominent = _tsvectors(fields)
        assert decode_tsvector(document) == parse_literal(tsvector_literal(fields))
        assert decode_tsvector(prominent) == parse_literal(tsvector_literals(fields)[1])


@pytest.mark.django_db
@pytest.mark.parametrize("fields", DOCUMENTS)
def test_postgresql_reads_the_binary_document_as_it_parses_the_literal(fields):
    postgres_only()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvectorsend(%s::tsvector), tsvectorsend(%s::tsvector)", tsvector_literals(fields))
        document, prominent = cursor.fetchone()
        assert (bytes(document), bytes(prominent)) == tuple(data[4:] for data in _tsvectors(fields))


# --- generate_corpus --------------------------------------------------------------------------


def index_snapshot():
    """The search index's rows by media ID, and the counts (rows of zero left out)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT a.media_id, s.published_on, s.regions, s.sources, s.people, tsvectorsend(s.prominent),"
                " tsvectorsend(s.document)"
                " FROM articles_search s JOIN articles_article a ON a.id = s.article_id ORDER BY 1"
            )
            rows = [(*row[:-2], bytes(row[-2]), bytes(row[-1])) for row in cursor.fetchall()]
            cursor.execute(
                "SELECT a.media_id, p.kind, p.value, p.published_on, p.media_id FROM articles_search_postings p"
                " JOIN articles_article a ON a.id = p.article_id ORDER BY 1, 2, 3"
            )
            rows += cursor.fetchall()
        else:
            cursor.execute(
                "SELECT a.media_id, f.title, f.summary, f.body, f.quotes FROM articles_search_fts f"
                " JOIN articles_article a ON a.id = f.rowid ORDER BY 1"
            )
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT a.media_id, f.kind, f.value FROM articles_search_facets f"
                " JOIN articles_article a ON a.id = f.article_id ORDER BY 1, 2, 3"
            )
            rows += cursor.fetchall()
        cursor.execute("SELECT kind, value, month, articles FROM articles_search_counts WHERE articles > 0 ORDER BY 1, 2, 3")
        counts = cursor.fetchall()
        cursor.execute("SELECT region, person, articles FROM articles_search_region_people WHERE articles > 0 ORDER BY 1, 2")
        counts += cursor.fetchall()
    return rows, counts


def schema_snapshot():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'articles%%' ORDER BY 1")
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable, condeferred"
                " FROM pg_constraint WHERE conrelid::regclass::text LIKE 'articles%%' ORDER BY 1, 2"
            )
            return indexes + cursor.fetchall()
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY 1")
        return cursor.fetchall()


@pytest.mark.django_db
def test_generate_corpus_writes_the_index_rows_and_counts_that_indexing_writes(monkeypatch):
    monkeypatch.setattr(BulkLoad, "MIN_ARTICLES", 0)  # set indexes aside even for a small load
    call_command("load_regions")
    schema = schema_snapshot()
    call_command("generate_corpus", articles=130, seed=4, batch_size=50, workers=1, stdout=io.StringIO())
    assert schema_snapshot() == schema
    loaded = index_snapshot()
    assert len(loaded[0]) >= 130 and loaded[1]
    search.rebuild()
    search.backend().recount()
    assert index_snapshot() == loaded


def sample_and_triggers():
    """PostgreSQL's sample table (ids) and the search table's triggers, enabled or not."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT article_id FROM articles_search_sample ORDER BY 1")
        sample = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'articles_search'::regclass"
            " AND NOT tgisinternal ORDER BY 1"
        )
        return sample, cursor.fetchall()


@pytest.mark.django_db
def test_a_big_rebuild_writes_what_indexing_writes_and_puts_the_tables_back(monkeypatch):
    call_command("load_regions")
    call_command("generate_corpus", articles=130, seed=6, batch_size=50, workers=1, stdout=io.StringIO())
    schema, loaded, sample = schema_snapshot(), index_snapshot(), sample_and_triggers()
    assert len(loaded[0]) >= 130 and loaded[1]
    monkeypatch.setattr(BulkLoad, "MIN_ARTICLES", 0)  # the bulk way, as for 20,000 or more
    backend, written = type(search.backend()), []
    write_bulk = backend.write_bulk
    monkeypatch.setattr(
        backend, "write_bulk", lambda self, entries, load: written.extend(entries) or write_bulk(self, entries, load)
    )
    assert search.rebuild() == Article.objects.published().count() == len(written)
    assert schema_snapshot() == schema
    assert index_snapshot() == loaded  # rows, postings and counts
    assert sample_and_triggers() == sample


def planner_rows(table):
    """How many rows the planner's statistics say the table has; None without statistics."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ANALYZE sets it, seeing this transaction's own rows (no other statistic does).
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        found = cursor.fetchone()
        return int(found[0].split()[0]) if found else None


@pytest.mark.django_db
def test_a_generated_archive_comes_with_the_planner_statistics():
    call_command("load_regions")
    call_command("generate_corpus", articles=30, seed=2, batch_size=30, workers=1, stdout=io.StringIO())
    assert planner_rows("articles_article") == Article.objects.count() == 30
    assert planner_rows("articles_article_regions") == Article.regions.through.objects.count()


@pytest.mark.django_db
def test_the_quoted_people_of_a_generated_article_are_in_its_index_row():
    call_command("load_regions")
    call_command("generate_corpus", articles=40, seed=2, batch_size=40, workers=1, stdout=io.StringIO())
    quote = Quote.objects.select_related("person").filter(article__status="published").first()
    found = search.matching(Article.objects.filter(pk=quote.article_id), search.parse(f'"{quote.person.name}"'))
    assert found.exists(), quote.person.name


# --- import_articles ----------------------------------------------------------------------------


def lines(seed, count, *, changed=()):
    """A file's worth of records: published and draft, quotes by people matched by name, by
    alias or new, credits, places, text with characters that need care."""
    rng = random.Random(seed)
    records = []
    for n in range(count):
        quotes = [
            {
                "person": rng.choice(["Hisham al-Hashemi", "Hisham al-Hashimi", "Fabrice Balanche", f"Speaker {n % 7}"]),
                "description": "analyst",
                "text": rng.choice(["ISIS has turned defensive.", "Tab\there, back\\slash, “quotes” and\nlines."]),
                "given_to": rng.choice(["AFP", None]),
            }
            for _ in range(rng.randint(0, 3))
        ]
        fields = dict(
            media_id=90_000_000 + n,
            title=f"Attack near Baiji {n}" + (" revised" if n in changed else ""),
            summary=rng.choice(["", "Fighting resumed; civilians fled.\r\nAgain."]),
            body=f"First paragraph {n}.\n\nSecond: air strikes, \\N, \t and ünïcode.",
            regions=rng.sample(["Baiji", "Iraq", "Syria", "Aleppo", "Saladin Governorate"], rng.randint(1, 3)),
            credits=rng.choice([["AFP"], [], ["Reuters", "AFP"]]),
            quotes=quotes[:1] if n in changed else quotes,
        )
        if n % 9 == 4:
            fields.update(status="draft", published_on=None)
        records.append(record(**fields))
    return jsonl(*records)


def run_import(path):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", str(path), "--no-progress", stdout=out, stderr=err)
    except CommandError:
        pass
    return out.getvalue(), err.getvalue()


def archive_snapshot():
    articles = list(
        Article.objects.order_by("media_id").values_list(
            "media_id", "title", "slug", "summary", "body", "published_on", "publication__name", "byline",
            "section", "original_url", "language", "status",
        )
    )
    places = sorted(Article.regions.through.objects.values_list("article__media_id", "region__slug"))
    credits = sorted(Article.credits.through.objects.values_list("article__media_id", "source__name"))
    quotes = sorted(
        Quote.objects.values_list("article__media_id", "position", "person__name", "text", "given_to__name")
    )
    history = sorted(
        Article.history.values_list(
            "media_id", "title", "body", "status", "history_type", "history_user_id", "history_change_reason"
        )
    )
    return articles, places, credits, quotes, history, index_snapshot()


def import_twice(tmp_path):
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(lines(1, 60))
    second.write_text(lines(1, 60, changed={3, 10, 11, 25}))
    return run_import(first), run_import(second)


@COMMITTED
def test_a_big_import_writes_what_a_small_one_does(committed, tree, tmp_path, monkeypatch):
    Person.objects.create(name="Hisham al-Hashimi", aliases=["Hisham al-Hashemi"])
    small = import_twice(tmp_path)
    assert "60 created" in small[0][0] and "4 updated" in small[1][0], small
    plain = archive_snapshot()
    # The importer makes index entries from what it wrote rather than reading the articles
    # back: they are the entries that indexing the articles afresh makes.
    search.rebuild()
    search.backend().recount()
    assert index_snapshot() == plain[-1]
    clear_archive()
    # The same files, loaded as big ones: indexes set aside, COPY, lines checked by workers.
    monkeypatch.setattr(BulkLoad, "MIN_ARTICLES", 0)
    monkeypatch.setattr(Importer, "WORKER_LINES", 10)
    big = import_twice(tmp_path)
    assert big == small
    assert archive_snapshot() == plain
    search.rebuild()
    search.backend().recount()
    assert index_snapshot() == plain[-1]


def test_a_big_file_imported_again_sets_no_index_aside_until_a_line_differs(tree, tmp_path, monkeypatch):
    # A file's lines are only known to be in the archive once read: the indexes are set aside
    # at the first write, so that a file imported again rebuilds none of them.
    monkeypatch.setattr(BulkLoad, "MIN_ARTICLES", 0)
    monkeypatch.setattr(Importer, "WORKER_LINES", 10)
    load_type = type(BulkLoad.of(0))
    set_aside, calls = load_type.set_aside, []
    monkeypatch.setattr(load_type, "set_aside", lambda self, cursor: calls.append(1) or set_aside(self, cursor))
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(lines(1, 60))
    second.write_text(lines(1, 60, changed={40}))
    assert "60 created" in run_import(first)[0] and len(calls) == 1
    archive, index = archive_snapshot(), index_snapshot()
    assert "0 created, 0 updated, 60 unchanged" in run_import(first)[0]
    assert len(calls) == 1
    assert (archive_snapshot(), index_snapshot()) == (archive, index)
    # A line that differs, after 40 that do not: set aside then, and written as before.
    assert "1 updated, 59 unchanged" in run_import(second)[0]
    assert len(calls) == 2
    assert Article.objects.get(media_id=90_000_040).title == "Attack near Baiji 40 revised"


@pytest.mark.parametrize("big", [False, True])
def test_an_import_into_an_empty_archive_reads_no_article_back(tree, tmp_path, monkeypatch, big):
    # Every line of a file imported into an empty archive is new (its media IDs are checked
    # to be its own): nothing to read back and compare with. A file imported after it is.
    if big:
        monkeypatch.setattr(BulkLoad, "MIN_ARTICLES", 0)
        monkeypatch.setattr(Importer, "WORKER_LINES", 10)
    archived, asked = Importer._archived, []
    monkeypatch.setattr(Importer, "_archived", staticmethod(lambda records: asked.append(len(records)) or archived(records)))
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(lines(1, 60) + lines(1, 1))  # its last line repeats its first media ID
    second.write_text(lines(1, 60, changed={3, 10}))
    out, err = run_import(first)
    assert "first.jsonl:61: media_id 90000000 already appears on line 1" in err and not Article.objects.exists()
    first.write_text(lines(1, 60))
    assert "60 created" in run_import(first)[0] and asked == []
    assert "2 updated, 58 unchanged" in run_import(second)[0] and asked == [60]
    assert Article.objects.get(media_id=90_000_003).title == "Attack near Baiji 3 revised"


def heap_fetches(sql):
    """How many table rows PostgreSQL read for an index-only scan of `sql`, whose order is
    an index's: with sorting off too, so that the planner cannot prefer another index and
    sort its rows (it did, now and then, on a table this small)."""
    switches = ["enable_seqscan", "enable_bitmapscan", "enable_sort", "enable_incremental_sort"]
    with connection.cursor() as cursor:
        cursor.execute("; ".join(f"SET {switch} = off" for switch in switches))
        try:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0][0]["Plan"]
        finally:
            cursor.execute("; ".join(f"RESET {switch}" for switch in switches))
    while plan["Node Type"] != "Index Only Scan":
        (plan,) = plan["Plans"]
    return plan["Heap Fetches"]


@COMMITTED
def test_a_big_load_is_vacuumed_once_committed(committed, monkeypatch):
    postgres_only("VACUUM sets PostgreSQL's visibility map; SQLite has none")
    call_command("load_regions")
    # A small load leaves the tables as written: index-only scans read the table too.
    call_command("generate_corpus", articles=30, seed=2, batch_size=30, workers=1, stdout=io.StringIO())
    listing = "SELECT published_on, media_id FROM articles_search ORDER BY published_on DESC, media_id DESC"
    assert heap_fetches(listing) > 0
    # A big one is vacuumed after its commit, so its index-only scans stay in the index.
    monkeypatch.setattr(BulkLoad, "MIN_ARTICLES", 0)
    call_command("generate_corpus", articles=60, seed=3, batch_size=30, workers=1, stdout=io.StringIO())
    assert heap_fetches(listing) == 0
    assert heap_fetches("SELECT article_id, region_id FROM articles_article_regions ORDER BY article_id, region_id") == 0


BAD_LINES = [
    b'{"media_id": 1, "title": "x", "published_on": "2015-02-30"}',
    b"not json",
    b'{"media_id": "7", "title": "x"}',
    b'\xff{"media_id": 8}',
    b'{"media_id": 9, "title": "x", "regions": ["Nowhere"]}',
    b'{"media_id": 10, "title": "x", "quotes": [{"person": "", "text": "y"}]}',
    b'{"media_id": 90000003, "title": "again"}',
]


@COMMITTED
def test_a_failed_vacuum_does_not_undo_the_report_of_a_committed_import(committed, tree, tmp_path, monkeypatch):
    postgres_only("only PostgreSQL loads are vacuumed: SQLite keeps no visibility map")
    from django.db import DatabaseError

    from articles.importing import _PostgresBulkLoad

    def refuse(self):
        raise DatabaseError("canceling statement due to statement timeout")

    monkeypatch.setattr(_PostgresBulkLoad, "vacuum", refuse)
    monkeypatch.setattr(BulkLoad, "MIN_ARTICLES", 0)
    path = tmp_path / "file.jsonl"
    path.write_text(lines(5, 12))
    out, err = run_import(path)
    assert "12 created" in out and "nothing imported" not in out + err, (out, err)
    assert Article.objects.count() == 12


@COMMITTED
def test_workers_reject_the_lines_the_importer_rejects(committed, tree, tmp_path, monkeypatch):
    path = tmp_path / "bad.jsonl"
    good = lines(2, 20).encode().splitlines()
    path.write_bytes(b"\n".join(good[:5] + BAD_LINES + good[5:]) + b"\n")
    inline = run_import(path)
    monkeypatch.setattr(Importer, "WORKER_LINES", 10)
    assert run_import(path) == inline
    assert "7 rejected (nothing imported" in inline[0] and "published_on 2015-02-30 is not a real date" in inline[1]
    assert not Article.objects.exists()


# --- the search table staged on a second connection (PostgreSQL) ----------------------------------


def search_table_schema():
    """schema_snapshot, the search table's columns and its triggers as PostgreSQL prints them,
    and the staged tables there are."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull, pg_get_expr(adbin, adrelid)"
            " FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum"
            " WHERE attrelid = 'articles_search'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_triggerdef(oid), tgenabled FROM pg_trigger"
            " WHERE tgrelid = 'articles_search'::regclass AND NOT tgisinternal ORDER BY tgname"
        )
        triggers = cursor.fetchall()
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE 'loading%%' ORDER BY 1")
        return schema_snapshot(), columns, triggers, cursor.fetchall()


def staged_swaps(monkeypatch):
    """The staged tables swapped in during the test (their names)."""
    swaps, swap = [], _StagedSearchTable.swap
    monkeypatch.setattr(_StagedSearchTable, "swap", lambda self, cursor: swaps.append(self.name) or swap(self, cursor))
    return swaps


@COMMITTED
def test_big_loads_into_an_empty_index_build_it_aside_and_swap_it_in(committed, monkeypatch):
    postgres_only("the search table is staged on PostgreSQL only")
    call_command("load_regions")
    schema = search_table_schema()
    with connection.cursor() as cursor:
        # Left by a load whose process died: no process has this id (Linux's pid_max).
        cursor.execute("CREATE TABLE loading_articles_search_4194304_1 (article_id bigint)")
    swaps = staged_swaps(monkeypatch)
    monkeypatch.setattr(BulkLoad, "MIN_ARTICLES", 0)
    call_command("generate_corpus", articles=130, seed=4, batch_size=50, workers=1, stdout=io.StringIO())
    assert len(swaps) == 1
    assert search_table_schema() == schema  # the stale staged table is gone too
    generated, sample = index_snapshot(), sample_and_triggers()
    assert len(generated[0]) >= 130 and generated[1] and sample[0]
    # Indexed afresh the plain way (not big: no staged table), the same rows, postings,
    # counts and sample.
    monkeypatch.setattr(BulkLoad, "MIN_ARTICLES", 10**9)
    search.rebuild()
    assert len(swaps) == 1
    assert (index_snapshot(), sample_and_triggers()) == (generated, sample)
    # A big rebuild empties the index itself: staged, and the same again.
    monkeypatch.setattr(BulkLoad, "MIN_ARTICLES", 0)
    search.rebuild()
    assert len(swaps) == 2
    assert (index_snapshot(), sample_and_triggers(), search_table_schema()) == (generated, sample, schema)
    quote = Quote.objects.select_related("person").filter(article__status="published").first()
    assert search.matching(Article.objects.filter(pk=quote.article_id), search.parse(f'"{quote.person.name}"')).exists()


@COMMITTED
def test_a_big_import_into_an_empty_index_stages_it_and_a_failed_one_leaves_nothing(committed, tree, tmp_path, monkeypatch):
    postgres_only("the search table is staged on PostgreSQL only")
    monkeypatch.setattr(BulkLoad, "MIN_ARTICLES", 0)
    monkeypatch.setattr(Importer, "WORKER_LINES", 10)
    schema, swaps = search_table_schema(), staged_swaps(monkeypatch)
    good = lines(1, 60).encode().splitlines()
    # A bad last line: every entry is in the staged table by then.
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join([*good, b"not json"]) + b"\n")
    out, _ = run_import(path)
    assert "1 rejected (nothing imported" in out and swaps == []
    assert not Article.objects.exists() and index_snapshot() == ([], [])
    assert search_table_schema() == schema
    # An index of the staged table cannot be built, on the second connection (the RUM index
    # is built there first) or on the load's: the database refuses the file.
    build = _StagedSearchTable.build
    path = tmp_path / "good.jsonl"
    path.write_bytes(b"\n".join(good) + b"\n")
    for broken in ("articles_search_rank", "broken"):

        def build_broken(self, broken=broken):
            definition = f"CREATE INDEX {broken} ON public.articles_search (no_such_column)"
            self.indexes = [index for index in self.indexes if index[0] != broken] + [(broken, definition)]
            build(self)

        monkeypatch.setattr(_StagedSearchTable, "build", build_broken)
        out, err = run_import(path)
        assert "the database refused the file, nothing imported" in out + err and "no_such_column" in out + err
        assert not Article.objects.exists() and index_snapshot() == ([], [])
        assert search_table_schema() == schema and swaps == []
    # As it should be: staged, swapped in, the schema as it was, the index as indexing makes it.
    monkeypatch.setattr(_StagedSearchTable, "build", build)
    out, _ = run_import(path)
    assert "60 created" in out and len(swaps) == 1
    assert search_table_schema() == schema
    imported, sample = index_snapshot(), sample_and_triggers()
    monkeypatch.setattr(BulkLoad, "MIN_ARTICLES", 10**9)
    search.rebuild()
    assert (index_snapshot(), sample_and_triggers()) == (imported, sample)

