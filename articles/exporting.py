"""Articles out as JSON Lines records, in the exact shape `import_articles` reads back."""

import csv
import itertools
import json

from django.db import connection
from django.urls import reverse

from .gazetteer import Directory
from .models import Article, Person, Quote, Region, Source


class ExportNames:
    """How an export names regions, sources and people: by name, or by slug where the
    name alone would be ambiguous, so that a re-import finds the same record."""

    def __init__(self):
        records = {model: list(model.objects.all()) for model in (Region, Source, Person)}
        self.regions = Directory("region", records[Region])
        self.sources = Directory("source", records[Source])
        self.people = Directory("person", records[Person])
        self.by_id = {model: {record.pk: record for record in found} for model, found in records.items()}
        self._cache = {}

    def __call__(self, record):
        key = (type(record), record.pk)
        if key not in self._cache:
            directory = {Region: self.regions, Source: self.sources, Person: self.people}[type(record)]
            self._cache[key] = directory.export_name(record)
        return self._cache[key]

    def of(self, model, pk):
        """The export name of the record of `model` with this id."""
        return self(self.by_id[model][pk])


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


ARTICLE_FIELDS = ("pk", "media_id", "title", "published_on", "publication_id", "section", "byline",
                  "original_url", "language", "summary", "body", "status")


def jsonl_lines(articles, chunk_size=1000):
    """One line of text per article, in constant memory however many there are.

    Read as plain values a chunk at a time (three queries a chunk for credits, places and
    quotes), never as model instances: building and prefetching instances cost 1.3 ms an
    article, and an export may hold hundreds of thousands. The records are exactly
    `article_record`'s (a test checks it)."""
    name = ExportNames()
    by_id = name.by_id
    for chunk in _chunks(_rows(articles.values_list(*ARTICLE_FIELDS), chunk_size), chunk_size):
        ids = [row[0] for row in chunk]
        credits = _grouped(Article.credits.through.objects.filter(article_id__in=ids).values_list("article_id", "source_id"))
        places = _grouped(Article.regions.through.objects.filter(article_id__in=ids).values_list("article_id", "region_id"))
        quotes = _grouped(
            Quote.objects.filter(article_id__in=ids).order_by("article", "position", "pk")
            .values_list("article_id", "person_id", "text", "given_to_id")
        )
        for pk, media_id, title, published_on, publication, section, byline, url, language, summary, body, status in chunk:
            record = {
                "media_id": media_id,
                "title": title,
                "published_on": published_on.isoformat() if published_on else None,
                "publication": name.of(Source, publication) if publication else None,
                "credits": sorted(name.of(Source, s) for s in credits.get(pk, ())),
                "section": section,
                "byline": byline,
                "original_url": url,
                "language": language,
                "summary": summary,
                "body": body,
                "regions": [name(r) for r in sorted((by_id[Region][r] for r in places.get(pk, ())), key=lambda r: r.path)],
                "quotes": [
                    {
                        "person": name.of(Person, person),
                        "description": by_id[Person][person].description,
                        "text": text,
                        "given_to": name.of(Source, given_to) if given_to else None,
                    }
                    for person, text, given_to in quotes.get(pk, ())
                ],
                "status": status,
            }
            yield json.dumps(record, ensure_ascii=False) + "\n"


CSV_COLUMNS = ["media_id", "published_on", "title", "publication", "credits", "regions", "people", "url"]
# A spreadsheet runs a cell that starts with one of these as a formula (or strips the tab or
# carriage return and then does): such cells go out with a leading apostrophe, as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """What csv.writer writes to: it hands each line back instead of keeping it."""

    def write(self, line):
        return line


def csv_lines(articles, absolute_url, chunk_size=1000):
    """The CSV export, a line at a time in constant memory: a byte order mark and the header
    (so that spreadsheets read UTF-8), then one row per article. Several credits, regions or
    people share a cell, separated by "; ". `absolute_url(path)` makes a path absolute
    (`request.build_absolute_uri`).

    Rows are read as plain values, a chunk at a time with three queries per chunk for the
    names: no model instances, since a large export is hundreds of thousands of rows."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    url = _article_url(absolute_url)
    rows = articles.values_list("pk", "media_id", "published_on", "title", "slug", "publication__name")
    for chunk in _chunks(_rows(rows, chunk_size), chunk_size):
        ids = [row[0] for row in chunk]
        credits = _grouped(Article.credits.through.objects.filter(article_id__in=ids)
                           .order_by("source__name").values_list("article_id", "source__name"))
        regions = _grouped(Article.regions.through.objects.filter(article_id__in=ids)
                           .order_by("region__path").values_list("article_id", "region__name"))
        people = _grouped(Quote.objects.filter(article_id__in=ids)
                          .order_by("position", "pk").values_list("article_id", "person__name"))
        for pk, media_id, published_on, title, slug, publication in chunk:
            row = [
                media_id, published_on.isoformat() if published_on else "", title, publication or "",
                "; ".join(credits.get(pk, ())), "; ".join(regions.get(pk, ())),
                "; ".join(dict.fromkeys(people.get(pk, ()))), url(media_id, slug),
            ]
            yield writer.writerow([spreadsheet_text(cell) for cell in row])


def _rows(queryset, chunk_size):
    """The rows of `queryset`, by a server-side cursor a chunk at a time (constant memory).

    On PostgreSQL outside a transaction, Django declares that cursor WITH HOLD, which runs
    the whole query before the first row comes; but the planner plans a cursor for its first
    tenth (cursor_tuple_fraction), and chose to walk the whole article table in media ID
    order. Planned for every row: a rare word's export at a million, 450 -> 235 ms to its
    first line."""
    rows = queryset.iterator(chunk_size=chunk_size)
    if connection.vendor != "postgresql":
        return rows
    with connection.cursor() as cursor:
        cursor.execute("SET cursor_tuple_fraction = 1")
    try:
        first = next(rows, None)  # declared and planned now
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET cursor_tuple_fraction")
    return rows if first is None else itertools.chain([first], rows)


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _grouped(rows):
    """{first value: [the rest]} of (key, value) pairs or longer rows, in their order."""
    grouped = {}
    for key, *rest in rows:
        grouped.setdefault(key, []).append(rest[0] if len(rest) == 1 else tuple(rest))
    return grouped


def _article_url(absolute_url):
    """media ID, slug -> the article's absolute URL, as Article.get_absolute_url() gives it,
    without reversing the URL once per row."""
    marker = "999999999999999999/url-marker"
    media_id, slug = marker.split("/")
    head, tail = absolute_url(reverse("articles:article", args=[int(media_id), slug])).rsplit(marker, 1)
    return lambda media_id, slug: f"{head}{media_id}/{slug}{tail}"
