"""Archive-wide figures worked out before a server takes its first request.

The filter form's choices, the home page's overview and the region facets' names are
computed once per archive generation and kept per process (caching.py), the tables for
folding non-ASCII text and the compiled templates once per process. At a million articles they take about 0.3 s; a new
gunicorn worker would make its first readers wait for them. gunicorn.conf.py calls `warm()` in the master process, which has loaded Django
(preload_app) and is about to fork its workers: they start with the figures in memory.
"""

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
    finally:
        # No database connection may cross the fork into the workers.
        connections.close_all()
