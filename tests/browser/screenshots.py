"""`make screenshots`: every page type of the demo archive at phone and desktop width, as
PNGs in the folder SCREENSHOTS names (docs/screenshots/). Not a test, so not named test_*:
the suite never collects it; `make screenshots` runs it by path."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count

from articles.models import Article, Person, Region, Source
from tests.browser.conftest import DESKTOP, LIVE_DB, PHONE

pytestmark = [pytest.mark.browser, LIVE_DB]


def demo_pages():
    quoted = Article.objects.published().annotate(quote_count=Count("quotes"), places=Count("regions", distinct=True))
    article = quoted.filter(places__gte=2).order_by("-quote_count", "-published_on").first()
    person = next(iter(Person.objects.public().most_quoted()), None)
    region = Region.objects.get(slug="iraq")
    source = Source.objects.public().with_article_counts()
    source = max(source, key=lambda s: s.article_count)
    last = Article.objects.published().span()["last"]
    return {
        "home": "/",
        "articles": "/articles/?region=syria&date_from=2014-01-01",
        "article": article.get_absolute_url(),
        "regions": "/regions/",
        "region": region.get_absolute_url(),
        "people": "/people/",
        "person": person.get_absolute_url(),
        "sources": "/sources/",
        "source": source.get_absolute_url(),
        "year": f"/archive/{last.year}/",
        "month": f"/archive/{last:%Y/%m}/",
        "not-found": "/articles/?page=999",
    }


def test_screenshots_of_every_page_type(open_page, live_server, live_archive):
    call_command("load_demo", verbosity=0)
    folder = Path(os.environ["SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    pages = demo_pages()
    for viewport in (PHONE, DESKTOP):
        for dark in (False, True):
            page = open_page("/", viewport=viewport, dark=dark)
            for name, path in pages.items():
                if dark and name not in ("home", "article"):
                    continue
                page.goto(live_server.url + path)
                suffix = "-dark" if dark else ""
                page.screenshot(path=folder / f"{name}-{viewport['width']}{suffix}.png", full_page=True)
    assert len(list(folder.glob("*.png"))) >= 2 * len(pages)
