"""Small builders for test data: each test makes exactly what it needs."""

import datetime
import itertools
import json

import pytest
from django.conf import settings

from articles.models import Article, Person, Quote, Region, Source

# Committed rows (the `committed` fixture empties what the flush after the test cannot), for
# what only sees committed rows: worker processes, a second database connection. The flush
# must cascade to the search index, whose table refers to the articles' (the browser tests
# do the same).
COMMITTED = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)

_media_ids = itertools.count(70_000_001)


def make_region(name, kind="city", parent=None, **fields):
    return Region.objects.create(name=name, kind=kind, parent=parent, **fields)


def make_source(name="Asharq Al-Awsat", **fields):
    return Source.objects.get_or_create(name=name, defaults=fields)[0]


def make_person(name="Hisham al-Hashimi", **fields):
    return Person.objects.get_or_create(name=name, defaults=fields)[0]


def make_article(title="ISIS shifts to defense", *, regions=(), quotes=(), credits=(), **fields):
    fields.setdefault("media_id", next(_media_ids))
    fields.setdefault("status", "published")
    fields.setdefault("published_on", datetime.date(2015, 12, 1))
    fields.setdefault("body", "First paragraph.\n\nSecond paragraph.")
    article = Article.objects.create(title=title, **fields)
    article.regions.set(regions)
    article.credits.set(credits)
    for position, (person, text) in enumerate(quotes, 1):
        Quote.objects.create(article=article, person=person, text=text, position=position)
    return article


def record(**fields):
    """A JSON Lines article record, as import_articles reads it."""
    base = {
        "media_id": next(_media_ids),
        "title": "Fighting resumes near Baiji",
        "published_on": "2015-12-01",
        "publication": "Asharq Al-Awsat",
        "credits": ["AFP"],
        "section": "Middle East",
        "byline": "",
        "original_url": "",
        "language": "en",
        "summary": "",
        "body": "One.\n\nTwo.",
        "regions": ["Baiji"],
        "quotes": [],
        "status": "published",
    }
    base.update(fields)
    return base


def jsonl(*records):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def clear_archive():
    Quote.objects.all().delete()
    Article.objects.all().delete()
    Article.history.all().delete()
