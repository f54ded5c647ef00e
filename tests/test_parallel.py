"""A search page finds its ids on a second database connection while it counts the facets
(articles/parallel.py): where that is safe, and with the page it would make on one."""

import datetime
import threading

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.urls import get_script_prefix, set_script_prefix

from articles import parallel
from articles.models import Article
from tests.builders import COMMITTED, make_article, make_person


def test_work_runs_at_once_when_parallel_queries_are_off(settings):
    settings.ARCHIVE_PARALLEL_QUERIES = False
    assert parallel.submit(threading.current_thread).result() is threading.current_thread()


def test_an_error_reaches_whoever_asks_for_the_result(settings):
    settings.ARCHIVE_PARALLEL_QUERIES = False
    with pytest.raises(ZeroDivisionError):
        parallel.submit(lambda: 1 / 0).result()


@pytest.mark.django_db
def test_inside_a_transaction_work_stays_on_its_connection(tree):
    # Another connection would not see this test's uncommitted rows.
    make_article("Attack on the refinery", regions=[tree["baiji"]])
    assert connection.in_atomic_block
    assert parallel.submit(threading.current_thread).result() is threading.current_thread()
    assert parallel.submit(Article.objects.count).result() == 1


def separate_connections():
    """Whether this database lets a second connection see the first one's rows."""
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


@COMMITTED
def test_committed_work_runs_on_a_thread_with_its_own_connection(committed, tree):
    make_article("Attack on the refinery", regions=[tree["baiji"]])
    thread = parallel.submit(threading.current_thread).result()
    if separate_connections():
        assert thread is not threading.current_thread() and thread.name.startswith("archive-db")
    else:  # an in-memory SQLite database is this connection's alone
        assert thread is threading.current_thread()
    assert parallel.submit(Article.objects.count).result() == 1


@COMMITTED
def test_a_search_page_is_the_same_found_in_parallel_or_not(committed, tree, client, settings):
    hashimi = make_person("Hisham al-Hashimi")
    for n in range(30):
        make_article(
            f"Attack {n} on the refinery" + (" and a siege" if n % 4 else ""),
            body="Fighting near the refinery went on. " * (n % 5 + 1),
            regions=[tree["baiji"] if n % 2 else tree["aleppo"]],
            quotes=[(hashimi, "The siege will last.")] if n % 3 else [],
            published_on=datetime.date(2015, 1, 1) + datetime.timedelta(days=17 * n),
        )
    settings.ARCHIVE_PAGE_SIZE = 7
    pages = {}
    for parallel_queries in (True, False):
        settings.ARCHIVE_PARALLEL_QUERIES = parallel_queries
        caches["pages"].clear()
        cache.clear()
        pages[parallel_queries] = [
            client.get(f"/search/?q={q}&page={n}").content
            for q in ("refinery", "siege -attack", "refinery&region=iraq", "refinery&sort=oldest") for n in (1, 2, 9)
        ]
    assert pages[True] == pages[False]
    assert b"Attack 1 " in b"".join(pages[True])  # the pages hold results


@COMMITTED
def test_a_search_page_reads_its_articles_on_the_second_connection_too(committed, tree, client, settings):
    from django.test.utils import CaptureQueriesContext

    if not separate_connections():
        pytest.skip("an in-memory SQLite database has one connection: everything runs on it")
    for n in range(5):
        make_article(f"Attack {n} on the refinery", regions=[tree["baiji"]])
    settings.ARCHIVE_PARALLEL_QUERIES = True
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/?q=refinery")
    assert response.status_code == 200 and b"Attack 4 on the" in response.content
    # This request's connection counted the facets; the page's ids and articles (with their
    # places, sources and quotes) were read on the other one meanwhile.
    read_here = " ".join(q["sql"] for q in queries.captured_queries)
    assert "articles_search" in read_here or "articles_search_facets" in read_here
    assert '"articles_article"."id" IN (' not in read_here  # the articles, by id
    assert '"articles_quote"."article_id" IN (' not in read_here  # and their quotes


@COMMITTED
def test_a_search_page_makes_its_snippets_on_the_second_connection_too(committed, tree, client, settings, monkeypatch):
    from articles import results

    if not separate_connections():
        pytest.skip("an in-memory SQLite database has one connection: everything runs on it")
    for n in range(5):
        make_article(f"Attack {n} on the refinery", body="Fighting near the refinery went on.", regions=[tree["baiji"]])
    settings.ARCHIVE_PARALLEL_QUERIES = True
    threads = []
    real = results.snippet

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(results, "snippet", spy)
    response = client.get("/search/?q=refinery")
    # While this request's thread counted the facets, the page's snippets were made on
    # the thread that read its articles: all five of them, once each.
    assert response.content.count(b"<mark>refinery</mark> went on") == 5
    assert len(threads) == 5 and all(t.name.startswith("archive-db") for t in threads)


@COMMITTED
def test_a_search_page_draws_its_results_on_the_second_connection_as_the_request_would(committed, tree, client, settings, monkeypatch):
    """The cards are drawn where the articles are read, with what the request's thread has
    set for itself: a site served under a path prefix links its articles and places there."""
    from articles import results

    if not separate_connections():
        pytest.skip("an in-memory SQLite database has one connection: everything runs on it")
    article = make_article("Attack on the refinery", body="Fighting near the refinery went on.", regions=[tree["baiji"]])
    settings.ARCHIVE_PARALLEL_QUERIES = True
    threads = []
    real = results.search_result

    def spy(article):
        threads.append(threading.current_thread())
        return real(article)

    monkeypatch.setattr(results, "search_result", spy)
    set_script_prefix("/archive/")  # as a WSGI server does for a site served under /archive
    try:
        page = client.get("/search/?q=refinery").content.decode()
    finally:
        set_script_prefix("/")
    assert threads and all(t.name.startswith("archive-db") for t in threads)
    assert f'<h3><a href="/archive/articles/{article.media_id}/' in page
    assert '<a href="/archive/regions/baiji/">Baiji</a>' in page
    # And the thread is left as it was found, for the next request it serves.
    assert parallel.submit(get_script_prefix).result() == "/"


@COMMITTED
def test_an_article_page_weighs_its_speakers_on_the_second_connection(committed, tree, client, settings):
    if not separate_connections():
        pytest.skip("an in-memory SQLite database has one connection: everything runs on it")
    hashimi = make_person("Hisham al-Hashimi")
    articles = [
        make_article(f"Attack {n} near the refinery", regions=[tree["baiji"] if n % 2 else tree["aleppo"]],
                     quotes=[(hashimi, "The siege will last.")] if n % 3 else [],
                     published_on=datetime.date(2015, 1, 1) + datetime.timedelta(days=n))
        for n in range(12)
    ]
    pages, read_here = both_ways(settings, lambda: client.get(articles[5].get_absolute_url()).content)
    # The same related articles either way (those sharing the place and the speaker first)...
    assert pages[True] == pages[False]
    assert b"Attack 11 near the refinery" in pages[True]
    # ...the speakers' links read on the other connection when it may be used.
    assert "DISTINCT article_id, person_id" in read_here[False]
    assert "DISTINCT article_id, person_id" not in read_here[True]
    assert "DISTINCT article_id, region_id" in read_here[True]


@COMMITTED
def test_a_region_page_makes_its_cards_on_the_second_connection(committed, tree, client, settings):
    if not separate_connections():
        pytest.skip("an in-memory SQLite database has one connection: everything runs on it")
    hashimi = make_person("Hisham al-Hashimi")
    for n in range(9):
        make_article(f"Attack {n} near the refinery", regions=[tree["baiji"]], quotes=[(hashimi, "The siege will last.")],
                     published_on=datetime.date(2015, 1, 1) + datetime.timedelta(days=n))
    settings.ARCHIVE_PAGE_SIZE = 4
    pages, read_here = both_ways(settings, lambda: [client.get(f"/regions/iraq/?page={n}") for n in ("1", "3", "4", "x")])
    assert [r.status_code for r in pages[True]] == [200, 200, 404, 404]
    assert [r.content for r in pages[True]] == [r.content for r in pages[False]]
    assert b"Attack 8 near the refinery" in pages[True][0].content and b"Attack 0 near" in pages[True][1].content
    # The articles of a page, and their places, sources and quotes, read on the other
    # connection while the region's people and timeline are read on this one.
    assert '"articles_article"."id" IN (' in read_here[False]
    assert '"articles_article"."id" IN (' not in read_here[True]


def both_ways(settings, request):
    """{parallel queries on or off: what `request()` gives} and {on or off: the SQL this
    request's own connection ran}, each from empty caches."""
    from django.test.utils import CaptureQueriesContext

    pages, read_here = {}, {}
    for parallel_queries in (True, False):
        settings.ARCHIVE_PARALLEL_QUERIES = parallel_queries
        caches["pages"].clear()
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            pages[parallel_queries] = request()
        read_here[parallel_queries] = " ".join(q["sql"] for q in queries.captured_queries)
    return pages, read_here
