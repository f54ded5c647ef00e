"""The index's sample, from which a broad search's counts are estimated: it holds exactly the
entries of the articles whose id is a multiple of facets.SAMPLE, whoever writes them, and the
search page says when its counts come from it."""

import datetime
import importlib
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict

from articles import search
from articles.filters import ArticleFilter
from articles.importing import BulkLoad
from articles.models import Article
from articles.search import facets as facet_module
from articles.search.documents import indexed_articles
from articles.search.facets import SAMPLE, Criteria, FacetCounts
from tests.builders import make_article, make_person, make_source


@pytest.fixture(autouse=True)
def no_planner_estimate(monkeypatch):
    """The samples are followed from the sparsest, as without an estimate: the planner's
    guesses for a few dozen articles would choose where to start differently from one run to
    the next. The test of the estimate gives its own."""
    monkeypatch.setattr(type(search.backend()), "estimated_matches_of", lambda self, criteria: None)


@pytest.fixture
def many(tree):
    """48 articles in a row, so that three ids are multiples of 16, with varied places,
    sources, people and months."""
    people = [make_person("Hisham al-Hashimi"), make_person("Fabrice Balanche")]
    sources = [make_source("Asharq Al-Awsat"), make_source("The Levant Times")]
    places = [tree["baiji"], tree["aleppo"], tree["iraq"], tree["saladin-governorate"]]
    for n in range(48):
        make_article(
            f"Attack {n}" + (" and siege" if n % 3 else ""),
            regions=[places[n % 4], places[n % 3]],
            publication=sources[n % 2],
            quotes=[(people[n % 2], "Words.")] if n % 5 else [],
            published_on=datetime.date(2014 + n % 3, 1 + n % 12, 1),
        )
    return tree


def criteria(query):
    filters = ArticleFilter(QueryDict(query))
    assert filters.is_valid(), filters.errors
    return Criteria.of(filters), filters.qs


def counted(articles):
    """FacetCounts of these articles, counted here from what indexing them makes."""
    counts = FacetCounts()
    for entry in indexed_articles([a.pk for a in articles]):
        for kind, values in (("regions", entry.regions), ("sources", entry.sources), ("people", entry.people)):
            for value in values:
                getattr(counts, kind)[value] = getattr(counts, kind).get(value, 0) + 1
        month = entry.published_on.replace(day=1)
        counts.months[month] = counts.months.get(month, 0) + 1
    return counts


def sampled(articles):
    return [a for a in articles if a.pk % SAMPLE == 0]


QUERIES = ["q=attack", "q=siege&region=iraq", "q=attack -siege", "region=syria", "date_from=2015-01-01", "q=zzz"]


@pytest.mark.parametrize("query", QUERIES)
def test_the_sample_counts_exactly_the_sampled_articles(many, query):
    found, articles = criteria(query)
    expected = counted(sampled(articles))
    assert search.backend().facets(found, sample=SAMPLE) == expected
    if query == "q=attack":  # every article: the three sampled ones
        assert expected.total == 3


def test_the_sample_follows_edits_and_deletions(many):
    in_sample = sampled(Article.objects.order_by("pk"))
    first, second = in_sample[0], in_sample[1]
    first.title = "Ceasefire holds"
    first.save()
    second.delete()
    found, articles = criteria("q=attack")
    assert search.backend().facets(found, sample=SAMPLE) == counted(sampled(articles))
    found, articles = criteria("q=ceasefire")
    assert search.backend().facets(found, sample=SAMPLE).total == 1


def convoys():
    """Give the three sampled articles a word of their own: 3 matches, estimated at 48."""
    for article in sampled(Article.objects.all()):
        article.title = f"Convoy {article.pk}"
        article.save()


def test_a_broad_search_shows_estimated_counts_and_says_so(many, client, monkeypatch, settings):
    monkeypatch.setattr(facet_module, "ESTIMATE_FROM", 1)
    monkeypatch.setattr(facet_module, "LEVELS", (SAMPLE,))  # a sparser one may hold an id too
    settings.ARCHIVE_PAGE_SIZE = 100
    convoys()
    response = client.get("/search/?q=convoy")
    assert response.status_code == 200 and response.context["estimated"]
    assert response.context["count"] == 3 * SAMPLE
    page = response.content.decode()
    assert "of about 48 articles" in page and "estimated from a fixed sample of one article in 16" in page
    assert "≈" in page and "(estimated)" in page
    # The timeline's caption and its months say their figures as the page says the count:
    # about, to two figures.
    assert "about 48 in all" in page
    assert re.search(r"<td>\u2248\u202f16</td>", page)
    # The listing itself is never estimated: it holds every match, and only those.
    assert sorted(a.pk for a in response.context["page"].object_list) == sorted(a.pk for a in sampled(Article.objects.all()))


def test_a_page_past_the_last_match_of_an_estimate_says_why(many, client, monkeypatch, settings):
    monkeypatch.setattr(facet_module, "ESTIMATE_FROM", 1)
    monkeypatch.setattr(facet_module, "LEVELS", (SAMPLE,))
    settings.ARCHIVE_PAGE_SIZE = 1
    convoys()
    assert client.get("/search/?q=convoy&page=3").status_code == 200
    response = client.get("/search/?q=convoy&page=4")
    assert response.status_code == 404
    assert "the number of matches was estimated" in response.content.decode()


@pytest.mark.parametrize("query", ["q=attack", "q=siege", "region=iraq"])
def test_a_sparser_sample_counts_exactly_its_articles(many, query):
    found, articles = criteria(query)
    every_second = [a for a in articles if a.pk % (2 * SAMPLE) == 0]
    assert search.backend().facets(found, sample=2 * SAMPLE) == counted(every_second)


def test_the_sparsest_sample_holding_enough_matches_gives_the_estimate(many, monkeypatch):
    found, articles = criteria("q=attack")
    levels = {n: [a for a in articles if a.pk % n == 0] for n in (SAMPLE, 2 * SAMPLE)}
    monkeypatch.setattr(facet_module, "LEVELS", (2 * SAMPLE, SAMPLE))
    # Enough in the sparser sample: its counts, times 32.
    monkeypatch.setattr(facet_module, "ESTIMATE_FROM", 1)
    estimate = search.facet_counts(found)
    assert levels[2 * SAMPLE]  # 48 ids in a row hold a multiple of 32
    assert estimate.estimated and estimate == counted(levels[2 * SAMPLE]).scaled(2 * SAMPLE)
    # Too few there, enough in the sample of one in 16: those, times 16.
    monkeypatch.setattr(facet_module, "ESTIMATE_FROM", len(levels[2 * SAMPLE]) + 1)
    assert len(levels[SAMPLE]) >= len(levels[2 * SAMPLE]) + 1  # 3 sampled, at most 2 of them even
    assert search.facet_counts(found) == counted(levels[SAMPLE]).scaled(SAMPLE)
    # Too few anywhere: exact.
    monkeypatch.setattr(facet_module, "ESTIMATE_FROM", len(levels[SAMPLE]) + 1)
    exact = search.facet_counts(found)
    assert not exact.estimated and exact == counted(articles)


def test_a_sample_too_small_for_an_estimate_is_not_read(many, monkeypatch):
    found, articles = criteria("q=attack")
    monkeypatch.setattr(facet_module, "LEVELS", (2 * SAMPLE, SAMPLE))
    # 48 articles: one in 32 cannot hold 2 matches however broad the query; one in 16 can.
    monkeypatch.setattr(facet_module, "ESTIMATE_FROM", 2)
    read = []
    facets = type(search.backend()).facets
    monkeypatch.setattr(type(search.backend()), "facets", lambda self, c, sample=None: read.append(sample) or facets(self, c, sample))
    assert search.facet_counts(found) == counted(sampled(articles)).scaled(SAMPLE)
    assert read == [SAMPLE]


def test_a_sample_the_sparser_one_shows_too_small_is_not_read_and_the_counts_are_exact(many, monkeypatch):
    found, articles = criteria("q=attack")
    in_sparser = len([a for a in articles if a.pk % (2 * SAMPLE) == 0])
    assert in_sparser  # 48 ids in a row hold a multiple of 32
    monkeypatch.setattr(facet_module, "LEVELS", (2 * SAMPLE, SAMPLE))
    # The one in 16 should hold about twice the one in 32: even three standard deviations
    # more would be less than it needs.
    monkeypatch.setattr(facet_module, "ESTIMATE_FROM", int(2 * (in_sparser + 3 * in_sparser**0.5)) + 1)
    monkeypatch.setattr(search, "count", lambda criteria: 10**9)  # an archive big enough for both
    read = []
    facets = type(search.backend()).facets
    monkeypatch.setattr(type(search.backend()), "facets", lambda self, c, sample=None: read.append(sample) or facets(self, c, sample))
    exact = search.facet_counts(found)
    assert read == [2 * SAMPLE, None]
    assert not exact.estimated and exact == counted(articles)


def test_a_sample_the_sparser_one_shows_too_small_is_skipped_for_a_denser_one(many, monkeypatch):
    found, articles = criteria("q=attack")
    monkeypatch.setattr(facet_module, "LEVELS", (4 * SAMPLE, 2 * SAMPLE, SAMPLE))
    # 48 ids in a row hold at most one multiple of 64, always three of 16.
    monkeypatch.setattr(facet_module, "ESTIMATE_FROM", 2)
    monkeypatch.setattr(search, "count", lambda criteria: 10**9)  # an archive big enough for all
    # What the one in 64 shows: the one in 32 cannot hold enough, the one in 16 may.
    monkeypatch.setattr(search, "_at_most", lambda sparser, found, sample: 0 if sample == 2 * SAMPLE else 10**6)
    read = []
    facets = type(search.backend()).facets
    monkeypatch.setattr(type(search.backend()), "facets", lambda self, c, sample=None: read.append(sample) or facets(self, c, sample))
    assert search.facet_counts(found) == counted(sampled(articles)).scaled(SAMPLE)
    assert read == [4 * SAMPLE, SAMPLE]


def test_the_first_sample_read_is_the_sparsest_the_database_expects_to_hold_enough(many, monkeypatch):
    found, articles = criteria("q=attack")
    monkeypatch.setattr(facet_module, "LEVELS", (4 * SAMPLE, 2 * SAMPLE, SAMPLE))
    monkeypatch.setattr(facet_module, "ESTIMATE_FROM", 2)
    monkeypatch.setattr(search, "count", lambda criteria: 10**9)  # an archive big enough for all
    read = []
    facets = type(search.backend()).facets
    monkeypatch.setattr(type(search.backend()), "facets", lambda self, c, sample=None: read.append(sample) or facets(self, c, sample))
    # About 40 entries expected: two in the one in 16, not in the sparser ones. Read at once.
    monkeypatch.setattr(type(search.backend()), "estimated_matches_of", lambda self, c: 40)
    assert search.facet_counts(found) == counted(sampled(articles)).scaled(SAMPLE)
    assert read == [SAMPLE]
    # An estimate that is wrong costs time, never the counts: expected in the one in 64,
    # too few there, then as without an estimate.
    monkeypatch.setattr(type(search.backend()), "estimated_matches_of", lambda self, c: None)
    unestimated = search.facet_counts(found)
    read.clear()
    monkeypatch.setattr(type(search.backend()), "estimated_matches_of", lambda self, c: 10**6)
    assert search.facet_counts(found) == unestimated
    assert read[0] == 4 * SAMPLE
    # Expected nowhere: the sparsest first, as without an estimate, and exact in the end.
    read.clear()
    monkeypatch.setattr(facet_module, "ESTIMATE_FROM", 10)
    monkeypatch.setattr(type(search.backend()), "estimated_matches_of", lambda self, c: 3)
    assert search.facet_counts(found) == counted(articles)
    assert read[0] == 4 * SAMPLE and read[-1] is None


@pytest.mark.django_db
def test_a_phrase_s_exact_counts_come_from_the_matches_its_pages_read(tree, monkeypatch):
    """With RUM, a phrase's few matches are read once, for its pages and its exact counts:
    checking a phrase in the index costs hundreds of ms for common words at a million."""
    for n in range(12):
        make_article(f"Report {n}", body="An air strike on the town." if n % 4 else "A strike from the air.",
                     published_on=datetime.date(2015, 1 + n, 1), regions=[tree["baiji"]])
    found, articles = criteria('q="air strike"&region=iraq')
    assert len(articles) == 9
    backend = search.backend()
    ran, rum = [], connection.vendor == "postgresql" and backend.ranks_with_index()
    if rum:
        fetch = type(backend)._fetch
        monkeypatch.setattr(type(backend), "_fetch", lambda self, c, sql, params: ran.append(sql) or fetch(self, c, sql, params))
    assert search.facet_counts(found) == counted(articles)
    if rum:
        assert len([sql for sql in ran if "LIMIT %s" in sql]) == 1  # the matches, read once...
        assert "article_id = ANY(%s)" in ran[-1]  # ...and counted from their ids
        ran.clear()
        assert backend.page(found, "relevance", 0, 20) and not [sql for sql in ran if "LIMIT %s" in sql]
        # More matches than are ranked, few enough to count exactly: counted from their ids too.
        from articles.search import postgres

        monkeypatch.setattr(postgres, "PHRASE_RANK_ALL_UP_TO", 3)
        cache.clear()
        ran.clear()
        assert search.facet_counts(found) == counted(articles)
        assert backend._phrase_plan(found)[0] == "newest" and "article_id = ANY(%s)" in ran[-1]
    words, with_words = criteria("q=air strike")  # no phrase: counted the usual way
    assert search.facet_counts(words) == counted(with_words)


def test_a_phrase_is_estimated_from_the_densest_sample_where_a_sparser_costs_as_much(tree, monkeypatch):
    for n in range(48):  # 48 ids in a row: three in the sample
        make_article(f"Air strike {n}", published_on=datetime.date(2015, 1 + n % 12, 1), regions=[tree["baiji"]])
    found, articles = criteria('q="air strike"')
    monkeypatch.setattr(facet_module, "LEVELS", (2 * SAMPLE, SAMPLE))
    monkeypatch.setattr(facet_module, "ESTIMATE_FROM", 1)
    monkeypatch.setattr(search, "count", lambda criteria: 10**9)  # an archive big enough for both
    read = []
    facets = type(search.backend()).facets
    monkeypatch.setattr(type(search.backend()), "facets", lambda self, c, sample=None: read.append(sample) or facets(self, c, sample))
    # SQLite finds a sample's matches by its index whatever the sample: the sparser first.
    level = SAMPLE if connection.vendor == "postgresql" else 2 * SAMPLE
    assert search.facet_counts(found) == counted([a for a in articles if a.pk % level == 0]).scaled(level)
    assert read == [level]


def test_a_sample_outside_the_kept_one_is_refused():
    if search.backend().vendor != "postgresql":
        pytest.skip("SQLite samples the index as it reads it; PostgreSQL keeps one sample table")
    with pytest.raises(ValueError, match="not within it"):
        search.backend().facets(Criteria(), sample=SAMPLE + 1)


def test_a_narrow_search_counts_exactly(many, client):
    response = client.get("/search/?q=siege&region=iraq")
    assert not response.context["estimated"]
    assert response.context["count"] == criteria("q=siege&region=iraq")[1].count()
    assert "≈" not in response.content.decode()


def test_the_migration_keeps_the_sample_the_backend_reads():
    migration = importlib.import_module("articles.migrations.0009_search_sample")
    assert migration.SAMPLE == SAMPLE


@pytest.mark.django_db
def test_a_generated_archive_has_its_sample(monkeypatch):
    monkeypatch.setattr(BulkLoad, "MIN_ARTICLES", 0)  # the bulk path: indexes set aside, COPY
    call_command("load_regions")
    call_command("generate_corpus", articles=100, seed=3, batch_size=40, workers=1, stdout=io.StringIO())
    found, articles = criteria("date_from=1990-01-01")
    assert search.backend().facets(found, sample=SAMPLE) == counted(sampled(articles))


def test_an_estimate_from_a_sparser_sample_says_which(many, client, monkeypatch):
    monkeypatch.setattr(facet_module, "ESTIMATE_FROM", 1)
    monkeypatch.setattr(facet_module, "LEVELS", (2 * SAMPLE, SAMPLE))
    page = client.get("/search/?q=attack").content.decode()  # 48 ids in a row: one or two even
    assert "estimated from a fixed sample of one article in 32" in page


def test_a_sample_that_may_hold_enough_is_read():
    # 790 in the one in 128 (a word in 10 % of a million) may mean 1,000 or more in the
    # one in 64; 172 in the one in 64 (a word in 10 % of 100,000) cannot in the one in 16.
    assert search._at_most(128, 790, 64) >= facet_module.ESTIMATE_FROM
    assert search._at_most(64, 172, 16) < facet_module.ESTIMATE_FROM
    assert search._at_most(128, 0, 16) == 0
    # 310 in the one in 128 (a word in 4 % of a million): not 1,000 in the one in 64, but
    # maybe in the one in 16.
    assert search._at_most(128, 310, 64) < facet_module.ESTIMATE_FROM <= search._at_most(128, 310, 16)
