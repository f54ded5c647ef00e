"""Articles out as JSON Lines records, in the exact shape `import_articles` reads back."""

import json

from .gazetteer import Directory
from .models import Person, Region, Source


class ExportNames:
    """How an export names regions, sources and people: by name, or by slug where the
    name alone would be ambiguous, so that a re-import finds the same record."""

    def __init__(self):
        self.regions = Directory("region", Region.objects.all())
        self.sources = Directory("source", Source.objects.all())
        self.people = Directory("person", Person.objects.all())
        self._cache = {}

    def __call__(self, record):
        key = (type(record), record.pk)
        if key not in self._cache:
            directory = {Region: self.regions, Source: self.sources, Person: self.people}[type(record)]
            self._cache[key] = directory.export_name(record)
        return self._cache[key]


def article_record(article, name):
    """The JSON Lines record of an article whose publication, credits, regions and quotes
    (with person and given_to) are already fetched."""
    return {
        "media_id": article.media_id,
        "title": article.title,
        "published_on": article.published_on.isoformat() if article.published_on else None,
        "publication": name(article.publication) if article.publication else None,
        "credits": sorted(name(s) for s in article.credits.all()),
        "section": article.section,
        "byline": article.byline,
        "original_url": article.original_url,
        "language": article.language,
        "summary": article.summary,
        "body": article.body,
        "regions": [name(r) for r in sorted(article.regions.all(), key=lambda r: r.path)],
        "quotes": [
            {
                "person": name(q.person),
                "description": q.person.description,
                "text": q.text,
                "given_to": name(q.given_to) if q.given_to else None,
            }
            for q in article.quotes.all()
        ],
        "status": article.status,
    }


def for_export(articles):
    return articles.select_related("publication").prefetch_related(
        "credits", "regions", "quotes__person", "quotes__given_to"
    )


def jsonl_lines(articles, chunk_size=1000):
    """One line of text per article, in constant memory however many there are."""
    name = ExportNames()
    for article in for_export(articles).iterator(chunk_size=chunk_size):
        yield json.dumps(article_record(article, name), ensure_ascii=False) + "\n"
