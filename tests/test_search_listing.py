"""Listings read from the search index (articles/listing.py) and the counts kept beside it
(articles/search/counts.py) agree with the article tables, on both databases."""

import datetime
import random

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.http import QueryDict

from articles import search
from articles.filters import ArticleFilter
from articles.listing import IndexedArticles
from articles.models import Article, Person, Region, Source
from articles.querysets import by_name
from articles.search import counts
from articles.search.facets import Criteria
from tests.builders import make_article, make_person, make_source

WORDS = "refinery attack Mosul siege oil civilians strikes air Kurdish talks the of".split()


@pytest.fixture
def newsroom(tree):
    """Forty articles over three places, two sources, three people and two years."""
    rng = random.Random(3)
    people = [make_person(name) for name in ("Hisham al-Hashimi", "Fabrice Balanche", "Lina Khatib")]
    sources = [make_source("Asharq Al-Awsat"), make_source("AFP", kind="agency")]
    places = [tree["baiji"], tree["aleppo"], tree["iraq"]]
    for n in range(40):
        words = lambda k: " ".join(rng.choice(WORDS) for _ in range(k))  # noqa: E731
        make_article(
            words(3), body=words(rng.randint(3, 12)), media_id=5000 + n,
            published_on=datetime.date(2014, 1, 1) + datetime.timedelta(days=rng.randint(0, 700)),
            regions=rng.sample(places, rng.randint(0, 2)), publication=sources[0],
            credits=[sources[1]] if n % 3 == 0 else [],
            quotes=[(person, words(4)) for person in rng.sample(people, rng.randint(0, 2))],
        )
    make_article("A draft about the refinery", status="draft", published_on=None, regions=[tree["baiji"]])
    return {"people": people, "sources": sources}


QUERIES = [
    "", "q=refinery", "q=refinery&sort=newest", "q=refinery&sort=oldest", "q=attack OR siege -Mosul",
    'q="air strikes"', "region=iraq", "region=aleppo&q=oil", "person=hisham-al-hashimi&sort=oldest",
    "source=afp&date_from=2014-06-01&date_to=2015-03-31", "q=-Mosul", "q=the", "q=refinery&region=syria&region=baiji",
]


def reference(filters):
    """The same listing from the article tables: the way the archive listed before the index.
    A RUM index ranks by its own distance (1 / ts_rank, but phrases score differently), so on
    PostgreSQL with RUM the reference order of relevance is by that distance."""
    ids = list(filters.qs.values_list("pk", flat=True))
    if filters.order() == "relevance" and connection.vendor == "postgresql":
        from articles.search.compile import to_tsquery
        from articles.search.postgres import PostgresSearch

        if PostgresSearch.ranks_with_index():
            query = to_tsquery(Criteria.of(filters).include)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT article_id FROM articles_search WHERE article_id = ANY(%s)"
                    " ORDER BY document <=> %s::tsquery, published_on DESC, media_id DESC",
                    [ids, query],
                )
                return [row[0] for row in cursor.fetchall()]
    return ids


@pytest.mark.django_db
def test_every_page_of_the_index_listing_is_the_article_tables_listing(newsroom):
    for query in QUERIES:  # one archive for all of them: building it is the slow part
        filters = ArticleFilter(QueryDict(query))
        assert filters.is_valid()
        listing = IndexedArticles(Criteria.of(filters), filters.order())
        expected = reference(filters)
        assert listing.count() == len(expected), query
        paged = []
        for start in range(0, len(expected) + 7, 7):
            paged.extend(article.pk for article in listing[start : start + 7])
        assert paged == expected, query


def live_totals():
    """Counts from the article tables: region (with everything below), source, person, month."""
    published = Article.objects.published()
    regions = {
        region.pk: n for region in Region.objects.all()
        if (n := published.in_region(region).count())
    }
    sources = {source.pk: n for source in Source.objects.all() if (n := published.from_source(source).count())}
    people = {person.pk: n for person in Person.objects.all() if (n := published.quoting(person).count())}
    return regions, sources, people, published.per_month()


def kept_totals():
    return counts.totals("r"), counts.totals("s"), counts.totals("p"), counts.per_month()


def pairs_match():
    published = Article.objects.published()
    for region in Region.objects.all():
        expected = {
            row["slug"]: row["count"] for row in published.in_region(region).people_counts()
        }
        kept = {row["slug"]: row["count"] for row in Person.objects.most_quoted_in(region, limit=100)}
        assert kept == expected, region.slug


def postings_match():
    """PostgreSQL's postings (migration 0010) hold each entry once per value of its arrays."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, value, published_on, media_id, article_id FROM articles_search_postings ORDER BY 1, 2, 3, 4, 5")
        kept = cursor.fetchall()
        cursor.execute(
            "SELECT v.kind, v.value, s.published_on, s.media_id, s.article_id FROM articles_search s,"
            " LATERAL (SELECT 'r' AS kind, unnest(s.regions) AS value UNION ALL SELECT 's', unnest(s.sources)"
            " UNION ALL SELECT 'p', unnest(s.people)) v ORDER BY 1, 2, 3, 4, 5"
        )
        assert kept == cursor.fetchall() and kept
    assert len(set(kept)) == len(kept)  # each value of an entry once


@pytest.mark.django_db
def test_the_counts_follow_every_kind_of_write(newsroom, tree):
    assert kept_totals() == live_totals()
    pairs_match()
    postings_match()

    article = Article.objects.published().filter(regions=tree["baiji"]).first()
    article.regions.add(tree["aleppo"])
    article.published_on = datetime.date(2019, 7, 1)
    article.save()
    article.quotes.first() and article.quotes.first().delete()
    Article.objects.published().exclude(pk=article.pk).first().delete()
    unpublished = Article.objects.published().last()
    unpublished.status = "draft"
    unpublished.save()
    draft = Article.objects.drafts().get(title="A draft about the refinery")
    draft.published_on, draft.status = datetime.date(2016, 2, 2), "published"
    draft.save()
    # A region moved to another country moves its articles' counts with it.
    baiji = Region.objects.get(slug="baiji")
    baiji.parent = Region.objects.get(slug="syria")
    baiji.save()

    kept, live = kept_totals(), live_totals()
    for name, k, l in zip(("regions", "sources", "people", "months"), kept, live):
        assert k == l, name
    pairs_match()
    postings_match()
    before = kept_totals()
    counts.recount()
    assert kept_totals() == before


@pytest.mark.django_db
def test_a_region_page_reads_its_totals_timeline_and_people_from_the_counts(client, newsroom, tree):
    page = client.get("/regions/iraq/").content.decode()
    iraq = Article.objects.published().in_region(tree["iraq"])
    assert f"{iraq.count()} article" in page
    top = iraq.people_counts(limit=1)[0]
    assert top["name"] in page


def criteria_of(query):
    filters = ArticleFilter(QueryDict(query))
    assert filters.is_valid()
    return Criteria.of(filters)


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranking by a RUM index or a capped set is PostgreSQL's"
)


def ranked_reference(criteria):
    """Every match in relevance order, each scored with ts_rank: the textbook way."""
    from articles.search.compile import to_tsquery

    backend = search.backend()
    where, params = backend._where(criteria)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article_id, ts_rank(document, %s::tsquery) FROM articles_search WHERE {where}"
            " ORDER BY 2 DESC, published_on DESC, media_id DESC",
            [to_tsquery(criteria.include), *params],
        )
        return cursor.fetchall()


@needs_postgres
@pytest.mark.django_db
def test_with_rum_pages_follow_relevance_then_newest_and_never_overlap(newsroom, monkeypatch):
    from articles.search import postgres
    from articles.search.compile import to_tsquery

    if not postgres.PostgresSearch.ranks_with_index():
        pytest.skip("this PostgreSQL has no rum extension (make install adds it): the capped ranking is tested below")
    # A lookahead of one row: equally relevant matches past it must be read in more rounds.
    monkeypatch.setattr(postgres, "RANK_LOOKAHEAD", 1)
    criteria = criteria_of("q=refinery OR attack")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT article_id, document <=> %s::tsquery FROM articles_search WHERE document @@ %s::tsquery"
            " ORDER BY 2, published_on DESC, media_id DESC",
            [to_tsquery(criteria.include)] * 2,
        )
        reference = cursor.fetchall()
    assert len({distance for _, distance in reference}) < len(reference)  # ties to break
    backend = search.backend()
    paged = [pk for start in range(0, len(reference) + 3, 3) for pk in backend.page(criteria, "relevance", start, 3)]
    assert paged == [pk for pk, _ in reference]


@needs_postgres
@pytest.mark.django_db
def test_without_rum_the_newest_matches_are_ranked_and_older_ones_follow_newest_first(newsroom, monkeypatch):
    from articles.search import postgres

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no index is built with checks pending
        cursor.execute("DROP INDEX IF EXISTS articles_search_rank")
        cursor.execute("CREATE INDEX IF NOT EXISTS articles_search_document ON articles_search USING gin (document)")
    # Asked once per connection; the next test asks again (the index comes back with the rollback).
    monkeypatch.setattr(connection.connection, "archive_rum_indexes", None, raising=False)
    assert not postgres.PostgresSearch.ranks_with_index()
    monkeypatch.setattr(postgres, "RANK_CAP", 6)
    assert_the_newest_are_ranked(criteria_of("q=refinery OR attack"), cap=6)


def assert_the_newest_are_ranked(criteria, cap):
    """Pages in relevance order rank the newest `cap` matches, then the rest, newest first,
    and the search says so (from the planner's estimate, which needs statistics)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_search")
    assert not search.ranks_every_match(criteria)
    newest = search.backend().page(criteria, "newest", 0, 1000)
    assert len(newest) > cap
    rank = dict(ranked_reference(criteria))
    candidates = newest[:cap]
    expected = sorted(candidates, key=lambda pk: -rank[pk]) + newest[cap:]
    paged = [pk for start in range(0, len(newest), 4) for pk in search.backend().page(criteria, "relevance", start, 4)]
    assert [rank[pk] for pk in paged[:cap]] == [rank[pk] for pk in expected[:cap]]
    assert sorted(paged[:cap]) == sorted(candidates) and paged[cap:] == newest[cap:]


@needs_postgres
@pytest.mark.django_db
def test_with_rum_words_in_most_of_a_big_archive_rank_the_newest_matches(newsroom, monkeypatch, client):
    from articles.search import postgres

    if not postgres.PostgresSearch.ranks_with_index():
        pytest.skip("this PostgreSQL has no rum extension (make install adds it): the capped ranking is tested above")
    criteria = criteria_of("q=refinery OR attack")
    assert search.ranks_every_match(criteria)  # a few dozen articles: far below the limit
    page = client.get("/search/?q=refinery+OR+attack").content.decode()
    assert "relevance ranks only the newest" not in page
    # Words the planner expects in more articles than RANK_ALL_UP_TO: the newest are ranked.
    monkeypatch.setattr(postgres, "RANK_ALL_UP_TO", 5)
    monkeypatch.setattr(postgres, "RANK_CAP", 6)
    cache.clear()  # the choice is kept until the archive changes
    caches["pages"].clear()
    assert_the_newest_are_ranked(criteria, cap=6)
    page = client.get("/search/?q=refinery+OR+attack").content.decode()
    assert "relevance ranks only the newest 6 of them; older matches follow, newest first" in page
    # Filters that leave no more than six: the newest six are every match, and nothing is said.
    narrowed = criteria_of("q=refinery OR attack&source=afp&region=baiji")
    assert 0 < search.count(narrowed) <= 6 and not search.ranks_every_match(narrowed)
    page = client.get("/search/?q=refinery+OR+attack&source=afp&region=baiji").content.decode()
    assert "relevance ranks only the newest" not in page
    # Words in only a few articles are still ranked in full.
    assert search.ranks_every_match(criteria_of("q=zzzunknown"))


@pytest.mark.django_db
def test_equally_relevant_matches_go_newest_first_across_page_boundaries(tree):
    # Twelve articles with the same words score the same; two others score better.
    for n in range(12):
        make_article("Refinery siege", body="Fighting at the refinery.", media_id=7000 + n,
                     published_on=datetime.date(2016, 1, 1) + datetime.timedelta(days=(n * 5) % 12))
    make_article("Refinery refinery refinery", body="The refinery.", media_id=7100, published_on=datetime.date(2010, 1, 1))
    make_article("Refinery attack", body="The refinery refinery.", media_id=7101, published_on=datetime.date(2011, 1, 1))
    criteria = criteria_of("q=refinery")
    everything = search.backend().page(criteria, "relevance", 0, 100)
    paged = [pk for start in range(0, 14, 3) for pk in search.backend().page(criteria, "relevance", start, 3)]
    assert paged == everything and len(everything) == 14
    tied = Article.objects.filter(media_id__lt=7100)
    newest_first = list(tied.order_by("-published_on", "-media_id").values_list("pk", flat=True))
    assert [pk for pk in everything if pk in set(newest_first)] == newest_first


@pytest.fixture
def refinery_reports(tree):
    """Sixty reports of a refinery fire: "refinery" in the title of one in three (twenty),
    sometimes again in the summary and body; in the others, up to eight times in the body:
    more often than in a title, never first."""
    rng = random.Random(12)
    for n in range(60):
        in_title = n % 3 == 0
        make_article(
            ("Refinery fire " if in_title else "Fire ") + f"report {n}",
            summary="refinery " * rng.randint(0, 2) + "summary",
            body=" ".join(["refinery"] * rng.randint(0 if in_title else 1, 8) + ["pipeline"] * (n % 4 == 1) + ["words"] * 5),
            published_on=datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randint(0, 3)),
            regions=[tree["baiji"]] if n % 2 else [tree["aleppo"]],
        )


@pytest.fixture
def columns(monkeypatch):
    """The columns whose RUM index ranked, in order, as the backend ranks (a lookahead of one
    row, so that ties past a page's end are read in rounds)."""
    from articles.search import postgres

    if not postgres.PostgresSearch.ranks_with_index():
        pytest.skip("this PostgreSQL has no rum extension (make install adds it): without it nothing is ranked this way")
    monkeypatch.setattr(postgres, "RANK_LOOKAHEAD", 1)
    ranked, used = postgres.PostgresSearch._ranked, []

    def spy(*args, column="document", **kwargs):
        used.append(column)
        return ranked(*args, column=column, **kwargs)

    monkeypatch.setattr(postgres.PostgresSearch, "_ranked", staticmethod(spy))
    return used


def ranked_by_index(criteria):
    """The ids of every match of `criteria`, ranked by the RUM index in one go."""
    from articles.search.compile import to_tsquery

    where, params = search.backend()._where(criteria)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article_id FROM articles_search WHERE {where}"
            " ORDER BY document <=> %s::tsquery, published_on DESC, media_id DESC",
            [*params, to_tsquery(criteria.include)],
        )
        return [pk for (pk,) in cursor.fetchall()]


@needs_postgres
@pytest.mark.django_db
def test_a_word_s_pages_ranked_from_where_it_is_prominent_are_those_of_ranking_every_match(refinery_reports, columns):
    """A page of a one-word search is ranked among the articles with the word in their title
    while there are enough of them, and is the page that ranking every match gives, filters
    and exclusions included; past them, every match is ranked."""
    backend = search.backend()
    for query, prominent in (("q=refinery", 20), ("q=refinery -pipeline", 15), ("q=refinery&region=baiji", 10)):
        criteria = criteria_of(query)
        every = ranked_by_index(criteria)
        assert len(every) > prominent
        for offset, limit in ((0, 4), (4, 3), (0, prominent), (prominent - 2, 4), (prominent + 1, 5)):
            columns.clear()
            assert backend.page(criteria, "relevance", offset, limit) == every[offset : offset + limit], (query, offset)
            # Within the prominent articles, from their index alone; else ranking every match.
            assert columns == (["prominent"] if offset + limit <= prominent else ["prominent", "document"]), (query, offset)


@needs_postgres
@pytest.mark.django_db
def test_an_or_s_pages_ranked_in_two_parts_are_those_of_ranking_every_match(refinery_reports, columns):
    """A page of an OR of words ranks the articles holding its rarer words by the whole query
    and the others as its broadest word alone (from their titles while they fill the page),
    and is the page that ranking every match gives, filters and exclusions included."""
    backend = search.backend()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_search")  # which word is the broadest: the planner's estimate
    # "pipeline" is in the bodies of 15 reports, "refinery" in nearly all of them, in the
    # titles of 20; "7" is in the title of report 7 alone.
    for query in ("q=refinery OR pipeline", "q=pipeline OR refinery -7", "q=refinery OR pipeline&region=baiji"):
        criteria = criteria_of(query)
        every = ranked_by_index(criteria)
        assert len(every) > 20
        for offset, limit in ((0, 3), (2, 4), (0, 8), (9, 5), (len(every) - 3, 5)):
            columns.clear()
            assert backend.page(criteria, "relevance", offset, limit) == every[offset : offset + limit], (query, offset)
            # The rarer word's articles by the whole query, then the broadest word's titles,
            # and every article holding the broadest word only when its titles fall short.
            assert columns[:2] == ["document", "prominent"] and len(columns) in (2, 3), (query, offset, columns)
            if offset + limit <= 5:
                assert len(columns) == 2, (query, offset)


@needs_postgres
@pytest.mark.django_db
@pytest.mark.parametrize("query", ['q="refinery fire"', 'q="fire report"', 'q="fire report" -pipeline',
                                   'q="fire report"&region=baiji', 'q="fire report" pipeline',
                                   'q="report 7" OR pipeline', 'q="refinery fire" OR "fire report 9"'])
def test_a_phrase_s_matches_are_scored_one_by_one_into_the_pages_of_ranking_every_match(refinery_reports, columns,
                                                                                      monkeypatch, client, query):
    """A phrase is never ranked by the RUM index's ordered scan, which returns a phrase's
    matches out of the order of their scores (pages overlapped and skipped): its matches are
    read, up to postgres.PHRASE_RANK_ALL_UP_TO, and scored one by one into the pages that
    ranking every match gives; past that many, the newest that many are ranked and the
    others follow, newest first, and the page says so."""
    from articles.search import postgres

    backend, criteria = search.backend(), criteria_of(query)
    every = ranked_by_index(criteria)  # every match sorted by its score
    assert len(every) > 8, query
    for offset, limit in ((0, 3), (2, 5), (len(every) - 4, 10)):
        assert backend.page(criteria, "relevance", offset, limit) == every[offset : offset + limit], (query, offset)
    assert columns == [] and search.ranks_every_match(criteria)
    # More matches than that: the newest `cap`, ranked, then the others newest first,
    # whether they were all read or the newest were found by date.
    cap = len(every) - 3
    monkeypatch.setattr(postgres, "PHRASE_RANK_ALL_UP_TO", cap)
    newest = backend.page(criteria, "newest", 0, 100)
    distance = dict(scored(criteria, newest))
    expected = sorted(newest[:cap], key=lambda pk: (distance[pk], newest.index(pk))) + newest[cap:]
    ways = {"newest": {}, "date": {"PHRASE_READ_UP_TO": cap + 1}, "date ": {"PHRASE_BY_DATE_FROM": -1}}  # " ": twice
    for way, settings in ways.items():
        for name, value in settings.items():
            monkeypatch.setattr(postgres, name, value)
        cache.clear()
        caches["pages"].clear()
        assert backend._phrase_plan(criteria)[0] == way.strip(), (query, way)
        assert not search.ranks_every_match(criteria) and search.rank_cap(criteria) == cap
        paged = [pk for start in range(0, len(every), 4) for pk in backend.page(criteria, "relevance", start, 4)]
        assert paged == expected, (query, way)
        assert columns == []
        page = client.get("/search/?" + query).content.decode()
        assert f"relevance ranks only the newest {cap} of them" in page
    # By date only where the newest hold that many, or as many as a phrase in more articles
    # than are read would: else its matches are read.
    monkeypatch.setattr(postgres, "PHRASE_READ_UP_TO", 50_000)
    monkeypatch.setattr(postgres, "PHRASE_SCAN_NEWEST", cap - 1)
    cache.clear()
    assert backend._phrase_plan(criteria)[0] == "newest"
    monkeypatch.setattr(postgres, "PHRASE_READ_UP_TO", 1)  # any match among the newest 30 is too many
    monkeypatch.setattr(postgres, "PHRASE_SCAN_NEWEST", 30)  # of 60 reports
    cache.clear()
    ran, fetch = [], postgres.PostgresSearch._fetch
    monkeypatch.setattr(postgres.PostgresSearch, "_fetch", lambda self, c, sql, params: ran.append(sql) or fetch(self, c, sql, params))
    assert backend._phrase_plan(criteria)[0] == "date"
    assert not [sql for sql in ran if "SELECT article_id, published_on, media_id FROM" in sql], query  # none read


def scored(criteria, ids):
    """(id, the RUM score of `criteria`'s query) of these articles."""
    from articles.search.compile import to_tsquery

    with connection.cursor() as cursor:
        cursor.execute("SELECT article_id, document <=> %s::tsquery FROM articles_search WHERE article_id = ANY(%s)",
                       [to_tsquery(criteria.include), list(ids)])
        return cursor.fetchall()


@needs_postgres
@pytest.mark.django_db
def test_one_word_in_most_of_a_big_archive_ranks_its_titles_then_the_others_newest_first(refinery_reports,
                                                                                        monkeypatch, client):
    from articles.search import postgres
    from articles.search.compile import to_tsquery

    if not postgres.PostgresSearch.ranks_with_index():
        pytest.skip("this PostgreSQL has no rum extension (make install adds it): the capped ranking is tested above")
    # A word the planner expects in more articles than RANK_ALL_UP_TO.
    monkeypatch.setattr(postgres, "RANK_ALL_UP_TO", 5)
    monkeypatch.setattr(postgres, "RANK_LOOKAHEAD", 1)
    cache.clear()  # the choice is kept until the archive changes
    caches["pages"].clear()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_search")  # the planner's statistics of the words
    criteria = criteria_of("q=refinery")
    assert not search.ranks_every_match(criteria) and search.ranks_title_first(criteria)
    word = to_tsquery(criteria.include)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT article_id, prominent @@ %s::tsquery FROM articles_search WHERE document @@ %s::tsquery"
            " ORDER BY document <=> %s::tsquery, published_on DESC, media_id DESC",
            [word] * 3,
        )
        every = cursor.fetchall()
        cursor.execute(
            "SELECT article_id FROM articles_search WHERE document @@ %s::tsquery AND NOT prominent @@ %s::tsquery"
            " ORDER BY published_on DESC, media_id DESC",
            [word] * 2,
        )
        others = [pk for (pk,) in cursor.fetchall()]
    titled = [pk for pk, prominent in every if prominent]
    assert len(titled) == 20 and [pk for pk, _ in every[:20]] == titled  # they rank first anyway
    backend = search.backend()
    for size in (7, 20, 45):
        paged = [pk for start in range(0, 60, size) for pk in backend.page(criteria, "relevance", start, size)]
        assert paged == titled + others, size
    page = client.get("/search/?q=refinery").content.decode()
    assert "relevance ranks those with the word in their title; the others follow, newest first" in page
    assert "relevance ranks only the newest" not in page
    # Several words are ranked the capped way still (tested above), and so is a word in more
    # titles than RANK_TITLES_UP_TO.
    assert not search.ranks_title_first(criteria_of("q=refinery OR fire"))
    monkeypatch.setattr(postgres, "RANK_TITLES_UP_TO", 19)
    cache.clear()
    assert not search.ranks_title_first(criteria) and not search.ranks_every_match(criteria)


@needs_postgres
@pytest.mark.django_db
def test_the_migration_gives_indexed_articles_their_prominent_lexemes(refinery_reports):
    import importlib

    migration = importlib.import_module("articles.migrations.0012_search_prominent")
    snapshot = (
        "SELECT article_id, prominent, (SELECT array_agg(c.relname ORDER BY c.relname) FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'articles_search'::regclass)"
        " FROM articles_search ORDER BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no index is built with checks pending
        cursor.execute(snapshot)
        written = cursor.fetchall()
        cursor.execute("DROP INDEX IF EXISTS articles_search_prominent")
        cursor.execute("ALTER TABLE articles_search DROP COLUMN prominent")
    with connection.schema_editor() as editor:
        migration.forwards(None, editor)
    with connection.cursor() as cursor:
        cursor.execute(snapshot)
        assert cursor.fetchall() == written
    assert len(written) == 60 and all(prominent for _, prominent, _ in written)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reading ahead is a PostgreSQL setting")
@pytest.mark.django_db
def test_searches_read_ahead_unless_someone_chose_how_far(monkeypatch):
    from articles.search.postgres import PREFETCH_PAGES, PostgresSearch

    def read_ahead():
        with connection.cursor() as cursor:
            cursor.execute("SHOW effective_io_concurrency")
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute("SELECT boot_val FROM pg_settings WHERE name = 'effective_io_concurrency'")
        if cursor.fetchone()[0] != "1":
            pytest.skip("this server cannot prefetch (built without posix_fadvise): nothing to ask of it")
    monkeypatch.setattr(connection.connection, "archive_may_prefetch", None, raising=False)
    assert read_ahead() == "1"
    with PostgresSearch._searching():
        assert read_ahead() == str(PREFETCH_PAGES)
    assert read_ahead() == "1"  # for the search's own transaction (here a savepoint) only
    # A value someone chose for the server or the session stands.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL effective_io_concurrency = 3")
    monkeypatch.setattr(connection.connection, "archive_may_prefetch", None, raising=False)
    with PostgresSearch._searching():
        assert read_ahead() == "3"


def test_a_page_of_cards_names_its_places_sources_and_quotes_in_one_query(newsroom, django_assert_num_queries):
    """ArticleQuerySet.cards: the articles, then every name their cards show in one more
    query however many articles, sources, places and quotes; in the models' own orders."""
    ids = list(Article.objects.published().values_list("pk", flat=True))
    with django_assert_num_queries(2):
        cards = Article.objects.cards(ids, body=True, quotes=True)
    assert sorted(cards) == sorted(ids)
    quoted = 0
    for pk in ids:
        card, article = cards[pk], Article.objects.get(pk=pk)
        assert [(r.name, r.get_absolute_url()) for r in card.places] == [
            (r.name, r.get_absolute_url()) for r in article.regions.order_by("path")]
        assert [s.name for s in card.credited] == [s.name for s in by_name(article.credits.all())]
        assert [(q.pk, q.person.name, q.person.slug, q.text, q.given_to_id) for q in card.quoted] == [
            (q.pk, q.person.name, q.person.slug, q.text, q.given_to_id) for q in article.quotes.order_by("position", "pk")]
        quoted += len(card.quoted)
    assert quoted > 10
    # A listing's cards leave the body out and the quotes too; no ids, no query at all.
    listed = Article.objects.cards(ids[:3])
    assert all("body" in a.get_deferred_fields() and a.quoted == [] for a in listed.values())
    with django_assert_num_queries(0):
        assert Article.objects.cards([]) == {}
