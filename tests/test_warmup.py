"""A server computes the archive-wide figures before its first request (gunicorn.conf.py)."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from articles.filters import ArticleFilter
from articles.results import faceted_regions
from articles.search.text import _unicode_tables
from articles.views import overview
from articles.warmup import warm
from tests.builders import make_article


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
def test_warming_learns_the_words_of_the_newest_articles(tree):
    from articles.search import text

    make_article("Fighting near Baiji", summary="Sandstorms slowed the convoys.", body="Refineries burned.")
    text._run_tokens.cache_clear()
    warm()
    learnt = text._run_tokens.cache_info()
    assert text.tokens("Fighting near Baiji; Sandstorms slowed the convoys. Refineries burned.")
    assert text._run_tokens.cache_info().misses == learnt.misses  # every word known already


@pytest.mark.django_db
def test_warming_compiles_the_templates(tree, settings):
    from django.template import engines

    loader = engines["django"].engine.template_loaders[0]  # the cached loader: tests run without DEBUG
    loader.reset()
    warm()
    assert any(name.endswith("articles/article.html") or name == "articles/article.html"
               for name in loader.get_template_cache)
