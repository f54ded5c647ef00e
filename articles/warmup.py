"""Archive-wide figures worked out before a server takes its first request.

The filter form's choices, the home page's overview and the region facets' names are
computed once per archive generation and kept per process (caching.py), the tables for
folding non-ASCII text and the compiled templates once per process. At a million articles they take about 0.3 s; a new
gunicorn worker would make its first readers wait for them. gunicorn.conf.py calls `warm()` in the master process, which has loaded Django
(preload_app) and is about to fork its workers: they start with the figures in memory.
"""

import importlib
import io
import pkgutil
import threading
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.http import QueryDict
from django.template.loader import get_template


WORDS_FROM = 300  # articles


def warm():
    from .filters import ArticleFilter
    from .models import Article
    from .results import faceted_regions
    from .search.text import _unicode_tables, tokens
    from .views import overview

    # Every module of the app. Many are imported where first used (the search backends,
    # exports, feeds), so a worker forked before that imported them at its first reader's
    # request: an article page's first request in a new worker spent 11 ms importing the
    # search backend, compiling it too where no bytecode is written.
    import articles

    for module in pkgutil.walk_packages(articles.__path__, "articles."):
        if not module.name.startswith(("articles.management", "articles.migrations")):
            importlib.import_module(module.name)
    # The tables for folding non-ASCII text (60 ms, once per process: the first snippet
    # or query with an accent would pay them).
    _unicode_tables()
    # The site's templates, compiled (the cached loader keeps them): each kind of page's
    # first request in a new worker took 20-40 ms more for it.
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(folder).rglob("*.html"):
            get_template(path.relative_to(folder).as_posix())
    try:
        ArticleFilter(QueryDict()).choices()
        overview()
        faceted_regions()
        # The words of the newest articles, as the index sees them: a snippet looks up
        # every word of the texts it reads, and a new worker's first search pages stemmed
        # each word once (a page of 20 long matches at a million articles: 27 ms of Python;
        # 8 ms with the words of 300 articles in memory, which take 60 ms here).
        newest = Article.objects.published().order_by("-published_on", "-media_id")
        for texts in newest.values_list("title", "summary", "body")[:WORDS_FROM]:
            for text in texts:
                tokens(text)
        # Here too, not only in each worker's threads (open_connections): what it does once
        # per process is then shared by every worker forked after it, and the in-process
        # benchmark, which warms as the master does, starts as gunicorn's workers do.
        render_pages(newest.first())
    finally:
        # No database connection may cross the fork into the workers.
        connections.close_all()


def render_pages(article):
    """A page of each kind, around `article` (the newest), rendered through the whole stack
    as a reader asks for it, and kept nowhere; {path: status}. What the first request of a
    kind does once per process (Django's own modules imported on first use, its context
    processors, the locale's formats) is then done before the workers fork: in process, an
    article page's first request took 26 ms against 15 after it."""
    from django.core.handlers.wsgi import WSGIHandler, WSGIRequest

    paths = ["/", "/articles/", "/regions/"]
    if article is not None:
        paths.append(article.get_absolute_url())
        region = article.regions.first()
        quote = article.quotes.select_related("person").first()
        paths.extend(named.get_absolute_url() for named in (region, quote and quote.person) if named is not None)
        word = max(article.title.split(), key=len, default="")
        if word:
            paths.append("/search/?" + QueryDict.fromkeys(["q"], word, mutable=True).urlencode())
    # A host the site answers to: ALLOWED_HOSTS' first ("*" answers any, ".example.org"
    # example.org too). With a session cookie, so that no page is kept (caching.cached_page):
    # a page holds absolute links made with the host it was asked for.
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
    handler, statuses = WSGIHandler(), {}
    for path in paths:
        route, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": route, "QUERY_STRING": query, "SERVER_NAME": host,
            "SERVER_PORT": "443", "HTTP_HOST": host, "wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(),
            "wsgi.errors": io.StringIO(), "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}=warming",
        }
        # Neither started nor closed as a request: their signals would close the caller's
        # database connection where connections are not kept (a test's, the benchmark's).
        statuses[path] = handler.get_response(WSGIRequest(environ)).status_code
    return statuses


def open_connections(submit, threads):
    """In a new gunicorn worker, before its first request: each of its `threads` request
    threads (`submit` is its pool's) renders the pages of `render_pages` on a database
    connection of its own, and each thread they hand database work to (parallel.py) opens
    its connection. Connections are per thread and kept (gunicorn.conf.py), and a new server
    process reads the catalogue of each table, index and operator a query names the first
    time: without this, each thread's first article page took 40-65 ms at a million
    articles over HTTP, against 15-25 after."""
    from . import parallel
    from .models import Article

    newest = Article.objects.published().order_by("-published_on", "-media_id").first()
    connections.close_all()  # this thread serves no request
    on_every_thread(submit, threads, lambda: render_pages(newest))
    parallel.open_connections()


def on_every_thread(submit, threads, work):
    """Run `work` once on each of a pool's `threads` threads (`submit` is the pool's): each
    run waits until all have started, so that no thread takes two."""
    started = threading.Barrier(threads, timeout=10)

    def run():
        started.wait()
        work()

    for future in [submit(run) for _ in range(threads)]:
        future.result()


def connect():
    """Open this thread's database connections, each server process reading the catalogue
    of every table."""
    for alias in connections:
        database = connections[alias]
        with database.cursor() as cursor:
            for table in database.introspection.table_names(cursor):
                cursor.execute(f"SELECT * FROM {database.ops.quote_name(table)} LIMIT 0")
