"""A server computes the archive-wide figures before its first request (gunicorn.conf.py)."""

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from django.db import connection, connections
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from articles.filters import ArticleFilter
from articles.results import faceted_regions
from articles.search.text import _unicode_tables
from articles.views import overview
from articles import parallel
from articles.caching import _key
from articles.models import Person
from articles.warmup import on_every_thread, open_connections, render_pages, warm
from tests.builders import COMMITTED, make_article


@pytest.mark.django_db
def test_warming_leaves_the_figures_in_memory(tree):
    make_article("Fighting near Baiji", regions=[tree["baiji"]])
    warm()
    with CaptureQueriesContext(connection) as captured:
        ArticleFilter(QueryDict()).choices()
        figures = overview()
        regions = faceted_regions()
    assert len(captured) == 0
    assert figures["span"]["count"] == 1 and tree["iraq"].pk in regions


@pytest.mark.django_db
def test_warming_builds_the_tables_for_folding_accents(tree):
    _unicode_tables.cache_clear()
    warm()
    assert _unicode_tables.cache_info().currsize == 1


@pytest.mark.django_db
def test_warming_learns_the_words_of_the_newest_articles(tree, monkeypatch):
    from articles.search import text

    make_article("Fighting near Baiji", summary="Sandstorms slowed the convoys.", body="Refineries burned.")
    monkeypatch.setattr(text, "_BYTE_TOKENS", text._ByteTokens())  # ASCII text's words
    warm()
    learnt = len(text._BYTE_TOKENS)
    assert text.tokens("Fighting near Baiji; Sandstorms slowed the convoys. Refineries burned.")
    assert len(text._BYTE_TOKENS) == learnt > 0  # every word known already


@pytest.mark.django_db
def test_warming_compiles_the_templates(tree, settings):
    from django.template import engines

    loader = engines["django"].engine.template_loaders[0]  # the cached loader: tests run without DEBUG
    loader.reset()
    warm()
    assert any(name.endswith("articles/article.html") or name == "articles/article.html"
               for name in loader.get_template_cache)


def kept_page(path):
    return caches["pages"].get(_key(f"page:{hashlib.sha256(path.encode()).hexdigest()}"))


@pytest.mark.django_db
def test_warming_renders_a_page_of_each_kind_and_keeps_none(tree):
    analyst = Person.objects.create(name="Hisham al-Hashimi", slug="hisham-al-hashimi")
    article = make_article("Refinery retaken near Baiji", regions=[tree["baiji"]], quotes=[(analyst, "They withdrew.")])
    statuses = render_pages(article)
    assert statuses == {
        "/": 200, "/articles/": 200, "/regions/": 200, article.get_absolute_url(): 200,
        tree["baiji"].get_absolute_url(): 200, analyst.get_absolute_url(): 200, "/search/?q=Refinery": 200,
    }
    # A kept page holds links made with the host it was asked for: none is kept.
    assert all(kept_page(path) is None for path in statuses)


def test_each_thread_of_a_pool_runs_the_work_once():
    ran, pool = [], ThreadPoolExecutor(max_workers=4)
    try:
        on_every_thread(pool.submit, 4, lambda: ran.append(threading.get_ident()))
    finally:
        pool.shutdown()
    assert len(ran) == len(set(ran)) == 4


@COMMITTED  # connections opened on other threads see the rows
def test_a_new_worker_opens_every_thread_s_connections_before_its_first_request(committed, tree, settings):
    settings.ARCHIVE_PARALLEL_QUERIES = True
    make_article("Refinery retaken near Baiji", regions=[tree["baiji"]])
    pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="request")
    opened = []
    barrier = threading.Barrier(3)

    def connected():
        barrier.wait()
        opened.append(connection.connection is not None)

    try:
        open_connections(pool.submit, 3)
        for future in [pool.submit(connected) for _ in range(3)]:
            future.result()
        pooled = threading.Barrier(parallel.THREADS)

        def pooled_connected():
            pooled.wait()
            connected = connection.connection is not None
            connections.close_all()
            return connected

        in_pool = [f.result() for f in [parallel._executor().submit(pooled_connected) for _ in range(parallel.THREADS)]]
    finally:
        for future in [pool.submit(lambda: (barrier.wait(), connections.close_all())) for _ in range(3)]:
            future.result()
        pool.shutdown()
        parallel.shutdown()
    assert opened == [True, True, True]
    # The threads that take a request's second query, where there are any (not on an
    # in-memory SQLite database, which a second connection would not see).
    assert in_pool == [parallel._can_run_apart()] * parallel.THREADS


def test_a_worker_starts_even_when_its_connections_cannot_be_opened(monkeypatch):
    import runpy
    from pathlib import Path

    from articles import warmup

    hooks = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    warnings = []

    def unreachable(submit, threads):
        raise OSError("connection refused")

    class Worker:
        tpool = ThreadPoolExecutor(max_workers=1)
        cfg = type("Config", (), {"threads": 1})()
        log = type("Log", (), {"warning": lambda self, message, *args: warnings.append(message % args)})()

    monkeypatch.setattr(warmup, "open_connections", unreachable)
    hooks["post_worker_init"](Worker())
    Worker.tpool.shutdown()
    assert warnings == ["Database connections not opened ahead (connection refused); threads will open them."]
