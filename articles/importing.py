"""Importing articles from JSON Lines, the archive's exchange format (see DESIGN.md).

A file goes in whole or not at all: lines are checked and written in batches inside one
transaction, and the first bad line turns the rest of the run into a check that names
every bad line before everything is rolled back. With `keep_going`, good lines are kept.
"""

import collections
import contextlib
import datetime
import functools
import itertools
import json
import multiprocessing
import re
import struct
import threading
import typing
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import search
from .gazetteer import AmbiguousName, Directory, UnknownName, region_directory
from .models import Article, Person, Quote, Source, article_slug
from .search.documents import IndexedArticle, region_closure
from .search.compile import PROMINENT_WEIGHT, labelled_positions
from .search.evaluate import MAX_POSITION, MAX_POSITIONS_PER_LEXEME
from .search.text import tokens

BATCH_SIZE = 1000

LIMITS = {
    "title": 500,
    "summary": 10_000,
    "body": 1_000_000,
    "section": 120,
    "byline": 300,
    "original_url": 1000,
    "language": 12,
    "name": 200,
    "description": 500,
    "quote": 20_000,
    "regions": 200,
    "credits": 50,
    "quotes": 1000,
}
MAX_MEDIA_ID = 2**63 - 1
TEXT_FIELDS = ["title", "summary", "body", "section", "byline", "original_url", "language"]
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
validate_url = URLValidator(schemes=["http", "https"])


class BadLine(ValueError):
    pass


@dataclass
class Rejection:
    file: str
    line: int
    reason: str

    def __str__(self):
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class FileReport:
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list = field(default_factory=list)
    rolled_back: bool = False

    def summary(self):
        outcome = " (nothing imported: the file has bad lines)" if self.rolled_back else ""
        return (
            f"{self.file}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.rejected)} rejected{outcome}"
        )


@dataclass
class CheckedLine:
    """A line checked as far as it can be without the sources and people, which change as
    lines are imported: what worker processes hand on."""

    media_id: int
    fields: dict
    publication: str | None
    credits: list  # names
    regions: list  # ids
    quotes: list  # (person name, description, text, given_to name)
    slug: str
    tokens: list | None = None  # text.tokens of title, summary, body and each quote's text
    document: tuple | None = None  # or the index's binary tsvectors (_tsvectors), with the speakers they were made with


@dataclass
class ArticleRecord:
    line: int
    media_id: int
    fields: dict
    publication: object
    credits: list
    regions: list
    quotes: list  # (person, text, given_to)
    slug: str
    tokens: list | None = None  # as CheckedLine.tokens, when worked out ahead
    document: tuple | None = None  # as CheckedLine.document


@dataclass
class Archived:
    """An article as the archive holds it, as much as an import compares with a line."""

    pk: int
    publication_id: int | None
    fields: dict
    credits: set  # source ids
    regions: set  # region ids
    quotes: list  # (person id, text, given-to source id), in order


class _Written(typing.NamedTuple):
    """An article written by COPY, as far as the rest of its writing needs it."""

    pk: int


def _article_row(columns, pk, record, now):
    """The values of an article's `columns` (attnames) for a record written as a new article."""
    values = {
        **record.fields, "id": pk, "media_id": record.media_id, "slug": record.slug,
        "publication_id": record.publication.pk if record.publication else None, "created": now, "updated": now,
    }
    return [values[name] for name in columns]


class NameBook:
    """Sources and people by name; a name nobody answers to yet becomes a new record,
    saved with the batch that first needs it."""

    def __init__(self, model, kind):
        self.model, self.kind = model, kind
        records = list(model.objects.all())
        self.directory = Directory(kind, records)
        self.slugs = {r.slug for r in records}
        self.unsaved = []

    def get(self, name, **defaults):
        try:
            return self.directory.resolve(name)
        except UnknownName:
            pass
        record = self.model(name=name, **defaults)
        record.slug = self._free_slug(name)
        self.directory.add(record)
        self.unsaved.append(record)
        return record

    def check(self, name):
        """Raise AmbiguousName now, before anything is created for the line."""
        try:
            self.directory.resolve(name)
        except UnknownName:
            pass

    def _free_slug(self, name):
        base = slugify(name)[:80].strip("-") or self.kind
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            slug = f"{base[:75]}-{n}"
        self.slugs.add(slug)
        return slug

    def save_new(self):
        if self.unsaved:
            self.model.objects.bulk_create(self.unsaved, batch_size=500)
            self.unsaved = []


def _string(data, key, limit, *, required=False):
    value = data.get(key)
    if value is None:
        if required:
            raise BadLine(f"missing {key}")
        return ""
    if not isinstance(value, str):
        raise BadLine(f"{key} must be a string, not {type(value).__name__}")
    _check_text(key, value)
    if len(value) > limit:
        raise BadLine(f"{key} is {len(value):,} characters long; the limit is {limit:,}")
    if required and not value.strip():
        raise BadLine(f"{key} is empty")
    return value


def _check_text(key, value):
    if "\x00" in value:
        raise BadLine(f"{key} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadLine(f"{key} contains an unpaired surrogate escape") from None


def _name_list(data, key, limit):
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadLine(f"{key} must be a list of names")
    if len(value) > limit:
        raise BadLine(f"{key} lists {len(value)} names; the limit is {limit}")
    names = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise BadLine(f"{key} must hold non-empty names, not {item!r}")
        _check_text(key, item)
        if len(item) > LIMITS["name"]:
            raise BadLine(f"a name in {key} is longer than {LIMITS['name']} characters")
        names.append(item.strip())
    return names


def _media_id(data):
    if "media_id" not in data or data["media_id"] is None:
        raise BadLine("missing media_id")
    value = data["media_id"]
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadLine(f"media_id must be a whole number, not {json.dumps(value)[:40]}")
    if not 1 <= value <= MAX_MEDIA_ID:
        raise BadLine(f"media_id {value} is out of range (1 to {MAX_MEDIA_ID})")
    return value


def _date(data):
    value = data.get("published_on")
    if value is None:
        return None
    if not isinstance(value, str) or not DATE.match(value):
        raise BadLine(f"published_on must be a date as YYYY-MM-DD or null, not {json.dumps(value)[:40]}")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadLine(f"published_on {value} is not a real date") from None


def _quoted(tokens_of, speakers, said):
    """The quotes field of an index entry: each quote's speaker's words, then its own."""
    quoted = []
    for speaker, text_tokens in zip(speakers, said):
        quoted += tokens_of(speaker)
        quoted += text_tokens
    return quoted


def _line_tokens(fields, quote_texts):
    """text.tokens of a line's title, summary, body and each quote's text, for its index entry."""
    return [tokens(fields["title"]), tokens(fields["summary"]), tokens(fields["body"]), *map(tokens, quote_texts)]


class Importer:
    def __init__(self, *, keep_going=False, progress=None):
        self.keep_going = keep_going
        self.progress = progress
        self.regions = region_directory()
        self.regions_by_pk = {region.pk: region for region in self.regions.slugs.values()}
        self.closure = None  # region id -> it and the regions above it, when first needed
        self.name_tokens = {}  # a person's name -> its tokens: people are quoted again and again
        self.copying = False  # write new articles by COPY: a big load on PostgreSQL
        self.all_new = False  # every line is a new article: the archive held none at the start
        self.load = None  # the BulkLoad of the file being imported
        self._load_names()

    def _load_names(self):
        # Reloaded after a rollback: records made for the file never reached the database.
        self.sources = NameBook(Source, "source")
        self.people = NameBook(Person, "person")
        self.people_described = set()

    # Checking one line ------------------------------------------------------------

    @staticmethod
    def read(raw):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadLine(f"not valid UTF-8 (byte {exc.start + 1} of the line)") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadLine(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        except RecursionError:
            raise BadLine("not valid JSON (nested too deeply)") from None
        if not isinstance(data, dict):
            raise BadLine(f"an article must be a JSON object, not {type(data).__name__}")
        return data

    def check(self, number, data):
        return self.resolve(number, self.check_line(data))

    def check_line(self, data):
        """Everything about a line that does not depend on the lines before it: pure enough
        for a worker process (the gazetteer does not change during an import)."""
        media_id = _media_id(data)
        fields = {key: _string(data, key, LIMITS[key], required=key == "title") for key in TEXT_FIELDS}
        fields["title"] = " ".join(fields["title"].split())
        fields["body"] = fields["body"].replace("\r\n", "\n")
        fields["language"] = fields["language"] or "en"
        if not LANGUAGE_TAG.match(fields["language"]):
            raise BadLine(f"language {fields['language']!r} is not a language tag such as 'en' or 'ar'")
        if fields["original_url"]:
            try:
                validate_url(fields["original_url"])
            except ValidationError:
                raise BadLine(f"original_url {fields['original_url'][:80]!r} is not an http(s) URL") from None
        fields["published_on"] = _date(data)
        status = data.get("status", "published" if fields["published_on"] else "draft")
        if status not in ("draft", "published"):
            raise BadLine(f"status must be 'draft' or 'published', not {json.dumps(status)[:40]}")
        if status == "published" and fields["published_on"] is None:
            raise BadLine("a published article needs published_on; import it as a draft until its date is known")
        fields["status"] = status

        publication = data.get("publication")
        if publication is not None and (not isinstance(publication, str) or not publication.strip()):
            raise BadLine("publication must be a name or null")
        if publication is not None:
            _check_text("publication", publication)
            if len(publication) > LIMITS["name"]:
                raise BadLine(f"publication is longer than {LIMITS['name']} characters")
        credits = _name_list(data, "credits", LIMITS["credits"])
        region_names = _name_list(data, "regions", LIMITS["regions"])
        quotes = self._check_quotes(data.get("quotes"))

        regions = []
        for name in region_names:
            try:
                region = self.regions.resolve(name)
            except UnknownName:
                raise BadLine(f"unknown region {name!r} (regions come from the gazetteer; see load_regions)") from None
            except AmbiguousName as exc:
                raise BadLine(str(exc)) from None
            if region.pk not in regions:
                regions.append(region.pk)
        return CheckedLine(media_id, fields, publication, credits, regions, quotes, article_slug(fields["title"]))

    def resolve(self, number, line):
        """The line's sources and people, found or made: in line order, in one process."""
        publication, credits, quotes = line.publication, line.credits, line.quotes
        # Only now, with the line otherwise sound, may new sources and people be made.
        try:
            for name in [publication, *credits, *(q[3] for q in quotes)]:
                if name:
                    self.sources.check(name)
            for person, *_ in quotes:
                self.people.check(person)
        except AmbiguousName as exc:
            raise BadLine(str(exc)) from None
        source = self.sources.get(publication.strip()) if publication else None
        credited = []
        for name in credits:
            agency = self.sources.get(name, kind=Source.Kind.AGENCY)
            if agency not in credited:
                credited.append(agency)
        resolved_quotes = []
        for person_name, description, text, given_to in quotes:
            person = self.people.get(person_name, description=description)
            if description and not person.description:
                person.description = description
                if person.pk:
                    self.people_described.add(person)
            agency = self.sources.get(given_to, kind=Source.Kind.AGENCY) if given_to else None
            resolved_quotes.append((person, text, agency))
        regions = [self.regions_by_pk[pk] for pk in line.regions]
        return ArticleRecord(
            number, line.media_id, line.fields, source, credited, regions, resolved_quotes, line.slug, line.tokens,
            line.document,
        )

    def _check_quotes(self, value):
        if value is None:
            return []
        if not isinstance(value, list):
            raise BadLine("quotes must be a list")
        if len(value) > LIMITS["quotes"]:
            raise BadLine(f"{len(value)} quotes; the limit is {LIMITS['quotes']}")
        quotes = []
        for n, quote in enumerate(value, 1):
            if not isinstance(quote, dict):
                raise BadLine(f"quote {n} must be an object")
            try:
                person = _string(quote, "person", LIMITS["name"], required=True).strip()
                text = _string(quote, "text", LIMITS["quote"], required=True).strip()
                description = _string(quote, "description", LIMITS["description"]).strip()
                given_to = _string(quote, "given_to", LIMITS["name"]).strip() or None
            except BadLine as exc:
                raise BadLine(f"quote {n}: {exc}") from None
            quotes.append((person, description, text, given_to))
        return quotes

    # Writing ------------------------------------------------------------------------

    def write(self, records, report):
        self.sources.save_new()
        self.people.save_new()
        if self.people_described:
            Person.objects.bulk_update(list(self.people_described), ["description"])
            self.people_described.clear()
        archived = {} if self.all_new else self._archived(records)
        fresh, differing = [], []
        for record in records:
            found = archived.get(record.media_id)
            if found is None:
                fresh.append(record)
            elif self._same(found, record):
                report.unchanged += 1
            else:
                differing.append(record)
        # Only the articles to update are read as model instances, for their history.
        instances = Article.objects.in_bulk([archived[r.media_id].pk for r in differing])
        changed = [(instances[archived[r.media_id].pk], r) for r in differing]
        now = timezone.now()
        if (fresh or changed) and self.load is not None:
            self.load.writing()
        if fresh and self.copying:
            # No model instances: the rows go straight from the records (a tenth of this
            # process's time went into making Articles only to read their fields back).
            new = [(_Written(pk), r) for pk, r in zip(self._copy_new(fresh, now), fresh)]
            instances = changed
        else:
            new = [(Article(media_id=r.media_id), r) for r in fresh]
            instances = new + changed
        for article, record in instances:
            for key, value in record.fields.items():
                setattr(article, key, value)
            article.slug = record.slug
            article.publication = record.publication
            article.updated = now
        if new and not self.copying:
            bulk_create_with_history([a for a, _ in new], Article, batch_size=500)
        if changed:
            fields = [*TEXT_FIELDS, "published_on", "status", "publication", "slug", "updated"]
            bulk_update_with_history([a for a, _ in changed], Article, fields, batch_size=500)
            ids = [a.pk for a, _ in changed]
            Article.credits.through.objects.filter(article_id__in=ids).delete()
            Article.regions.through.objects.filter(article_id__in=ids).delete()
            Quote.objects.filter(article_id__in=ids).delete()
        written = new + changed
        links = [
            (Article.credits.through, ("article_id", "source_id"), [(a.pk, s.pk) for a, r in written for s in r.credits]),
            (Article.regions.through, ("article_id", "region_id"), [(a.pk, g.pk) for a, r in written for g in r.regions]),
            (
                Quote,
                ("article_id", "person_id", "text", "given_to_id", "position"),
                [(a.pk, p.pk, t, g.pk if g else None, n) for a, r in written for n, (p, t, g) in enumerate(r.quotes, 1)],
            ),
        ]
        for model, names, rows in links:
            if self.copying:
                copy_rows(model, names, rows)
            else:
                model.objects.bulk_create([model(**dict(zip(names, row))) for row in rows], batch_size=2000)
        report.created += len(new)
        report.updated += len(changed)
        ids = [a.pk for a, _ in written]
        self._reindex(written, ids, [a.pk for a, _ in changed])
        return ids

    @staticmethod
    def _copy_new(records, now):
        """bulk_create_with_history by COPY, for a big load on PostgreSQL, of the records'
        new articles; returns their ids, drawn from the articles' sequence. The articles and
        their history rows are made as bulk_create_with_history makes them (history type
        "+", no user, no reason): a test holds the two together."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Article._meta.db_table, len(records)],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
        columns = [field.attname for field in Article._meta.concrete_fields]
        rows = [_article_row(columns, pk, record, now) for pk, record in zip(ids, records)]
        encoded = encode_rows(rows, copy_types(Article, columns))
        copy_data(connection, Article._meta.db_table, _columns(Article, columns), binary_copy_data(encoded, len(columns)))
        historical = Article.history.model  # each `Article.history` makes a manager class
        tracked = [field.attname for field in historical.tracked_fields]
        extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
        if tracked == columns:
            # A history row is its article's row and four fields that are the same for all:
            # each article's fields encoded once (the text twice was a tenth of this process).
            same = encode_rows([(now, None, "+", None)], copy_types(historical, extra))[0]
            data = binary_copy_data(encoded, len(columns) + len(extra), same)
            copy_data(connection, historical._meta.db_table, _columns(historical, [*tracked, *extra]), data)
        else:
            at = [columns.index(name) for name in tracked]
            copy_rows(historical, [*tracked, *extra], ([*(row[i] for i in at), now, None, "+", None] for row in rows))
        return ids

    def _reindex(self, written, ids, changed_ids):
        """`search.reindex(ids)`, with the entries made from the records just written rather
        than read back and worked out again (a test holds the two to the same entries). A big
        load on PostgreSQL copies them in, and has the counts made once at the end."""
        from .caching import changed as archive_changed

        if self.closure is None:
            self.closure = region_closure()
        entries = [self._entry(article, record) for article, record in written if record.fields["status"] == "published"]
        if self.copying:
            if changed_ids:
                search.backend().write([], replace=changed_ids)
            copy_search_rows(entries, self.load)
        else:
            search.backend().write(entries, replace=ids)
        archive_changed()

    def _entry(self, article, record):
        sources = {source.pk for source in record.credits}
        if record.publication:
            sources.add(record.publication.pk)
        entry = IndexedArticle(
            article_id=article.pk,
            media_id=record.media_id,
            published_on=record.fields["published_on"],
            fields=None,
            regions=sorted({r for g in record.regions for r in self.closure.get(g.pk, [g.pk])}),
            sources=sorted(sources),
            people=sorted({person.pk for person, _, _ in record.quotes}),
        )
        if record.document and self._said_by(record.quotes, record.document[1]):
            entry.document = record.document[0]  # made by a worker: see _check_lines
            return entry
        title, summary, body, *said = record.tokens or _line_tokens(record.fields, [t for _, t, _ in record.quotes])
        entry.fields = [title, summary, body, _quoted(self._name_tokens, [p.name for p, _, _ in record.quotes], said)]
        return entry

    def _said_by(self, quotes, speakers):
        """Whether the quotes' people have the words of these names (the names as the line
        gives them: a person found by an alias may go by other words)."""
        tokens_of = self._name_tokens
        return all(tokens_of(person.name) == tokens_of(name) for (person, _, _), name in zip(quotes, speakers))

    def _name_tokens(self, name):
        found = self.name_tokens.get(name)
        if found is None:
            found = self.name_tokens[name] = tokens(name)
        return found

    @staticmethod
    def _archived(records):
        """{media_id: Archived} of the records' articles that the archive holds, read as plain
        values: a file imported again compares every line with what it wrote before, and
        model instances with their credits, places and quotes took most of that time."""
        fields = list(records[0].fields)  # the same keys on every line (check_line)
        found = {
            media_id: Archived(pk, publication_id, dict(zip(fields, values)), set(), set(), [])
            for pk, media_id, publication_id, *values in Article.objects.filter(
                media_id__in=[r.media_id for r in records]
            ).values_list("pk", "media_id", "publication_id", *fields)
        }
        by_pk = {article.pk: article for article in found.values()}
        links = [(Article.credits.through, "source_id", "credits"), (Article.regions.through, "region_id", "regions")]
        for model, column, name in links:
            for article_id, value in model.objects.filter(article_id__in=by_pk).values_list("article_id", column):
                getattr(by_pk[article_id], name).add(value)
        quotes = Quote.objects.filter(article_id__in=by_pk).order_by("article_id", "position", "pk")
        for article_id, *quote in quotes.values_list("article_id", "person_id", "text", "given_to_id"):
            by_pk[article_id].quotes.append(tuple(quote))
        return found

    @staticmethod
    def _same(archived, record):
        if any(archived.fields[k] != v for k, v in record.fields.items()):
            return False
        if archived.publication_id != (record.publication.pk if record.publication else None):
            return False
        if archived.credits != {s.pk for s in record.credits} or archived.regions != {g.pk for g in record.regions}:
            return False
        return archived.quotes == [(p.pk, t, g.pk if g else None) for p, t, g in record.quotes]

    # One file -------------------------------------------------------------------------

    # A file of this many lines or more is checked by worker processes, two by default:
    # decoding, checking and working out the words of a line is most of an import's work
    # in Python, and needs nothing of the lines before it.
    WORKER_LINES = 5_000
    WORKERS = 2
    # Lines go to the workers in chunks, and this many chunks are out at a time: three
    # batches' worth, so that the workers go on checking while this process writes a batch.
    # With one batch's worth (4 chunks) they stood idle meanwhile: 100,000 lines took 40.5
    # s of writing against 36.8-37.6 with 12 chunks out (24 gave no more).
    CHUNK_LINES = 250
    AHEAD = 3 * BATCH_SIZE // CHUNK_LINES

    def import_lines(self, name, lines, expected=0):
        """Import the lines (bytes) of one file; returns its FileReport. `expected`: how many
        lines the file has, when known, so that a big file is checked by worker processes and
        loaded as one (see BulkLoad)."""
        report = FileReport(name)
        seen = {}
        batch = []
        try:
            self.load = load = BulkLoad.of(expected, history=True)
            self.copying = load.big and connection.vendor == "postgresql"
            with self._checker(expected) as checker, load.atomic(lazily=True):
                # Into an empty archive every line is new (a file's media IDs are checked to
                # be its own): nothing to read back and compare. A tenth of a big load's time
                # in this process went into asking. Another import writing the same media
                # IDs meanwhile makes this one fail on the key, and change nothing.
                self.all_new = not Article.objects.exists()
                for number, checked in checker.ordered(_check_lines, self._chunks(lines), ahead=self.AHEAD):
                    try:
                        if isinstance(checked, BadLine):
                            raise checked
                        record = self.resolve(number, checked)
                        if record.media_id in seen:
                            raise BadLine(f"media_id {record.media_id} already appears on line {seen[record.media_id]}")
                    except BadLine as exc:
                        report.rejected.append(Rejection(name, number, str(exc)))
                        continue
                    seen[record.media_id] = number
                    if report.rejected and not self.keep_going:
                        continue  # Only checking now: the file will not go in.
                    batch.append(record)
                    if len(batch) >= BATCH_SIZE:
                        self.write(batch, report)
                        batch = []
                if report.rejected and not self.keep_going:
                    raise _RollBack
                if batch:
                    self.write(batch, report)
                # Entries copied in went past the index's counting.
                load.finish(recount=self.copying and load.aside)
        except _RollBack:
            report.rolled_back = True
            report.created = report.updated = report.unchanged = 0
            self._load_names()
        except DatabaseError as exc:
            report.rolled_back = True
            report.created = report.updated = report.unchanged = 0
            report.rejected.append(Rejection(name, 0, f"the database refused the file, nothing imported: {exc}"))
            self._load_names()
        finally:
            self.copying, self.all_new, self.load = False, False, None
        return report

    def _chunks(self, lines):
        """The file's non-blank lines, numbered, in chunks for the checkers."""
        chunk = []
        for number, raw in enumerate(lines, 1):
            if self.progress:
                self.progress(len(raw))
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if raw.strip():
                chunk.append((number, raw))
                if len(chunk) == self.CHUNK_LINES:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk

    def _checker(self, expected):
        global _checking
        _checking = self  # what _check_lines checks with, here or in the workers forked now
        if expected < self.WORKER_LINES or self.WORKERS < 2 or connection.in_atomic_block:
            return Inline()
        # Forked workers must not share Django's open connection (they never use it).
        connection.close()
        return OrderedPool(self.WORKERS)


# The importer that workers check lines with, set before they fork.
_checking = None


def _check_lines(chunk):
    """[(line number, CheckedLine with its tokens, or the BadLine)] of a chunk of raw lines."""
    importer, results = _checking, []
    for number, raw in chunk:
        try:
            line = importer.check_line(importer.read(raw))
        except BadLine as exc:
            results.append((number, exc))
            continue
        if line.fields["status"] == "published":  # only these are indexed
            tokens = _line_tokens(line.fields, [text for _, _, text, _ in line.quotes])
            if importer.copying:
                # The search table's document, here rather than in the one importing process.
                # It takes the speakers by the names the line gives them; the importer checks
                # the people it finds go by the same words, else makes it again.
                title, summary, body, *said = tokens
                speakers = [name for name, _, _, _ in line.quotes]
                quoted = _quoted(importer._name_tokens, speakers, said)
                line.document = (_tsvectors(list(zip([title, summary, body, quoted], "ABCC"))), speakers)
            else:
                line.tokens = tokens
        results.append((number, line))
    return results


class _RollBack(Exception):
    pass


# Bulk loads ---------------------------------------------------------------------------------


class BulkLoad:
    """How to write many articles in one transaction fast: `of()`, then the rows inside
    `with load.atomic():` (the load's transaction), and `finish()` after the last of them.

    A load that is big, and at least as big as what the archive holds already, also has the
    written tables' plain indexes (and on PostgreSQL their foreign keys) set aside, and made
    again at the end: an index built once from all its rows costs a fraction of keeping it up
    to date row by row (the search table's RUM or GIN index above all: kept up to date, the
    RUM index made a 100,000-article load ten times slower), and one check of a foreign key
    over a table replaces a check per row queued for the commit. Constraints that keep rows
    unique stay, as they must hold while loading, and so do indexes that lead with
    article_id: loaders read rows back by article (an import reindexes each batch), and
    keeping an index in order on ever-growing ids costs little. Rebuilding covers the old
    rows too, hence "at least as big". Setting aside locks the tables until the commit:
    readers wait. On PostgreSQL, a big load into an empty search index (the first import, a
    generated archive, a rebuild) writes it on a second connection, in a table that is
    indexed there while this transaction finishes the rest, then swapped in
    (_StagedSearchTable).

    An import cannot tell before reading a file whether its lines are new: `atomic(lazily=True)`
    leaves the setting aside to `writing()`, which it calls before its first write. A file
    whose every line the archive holds already (imported again) then rebuilds no index.
    """

    MIN_ARTICLES = 20_000

    def __init__(self, articles, *, history=False, search_only=False):
        from .search.postgres import POSTINGS, SAMPLE_TABLE
        from .search.postgres import TABLE as SEARCH_TABLE
        from .search.sqlite import FACETS

        search_tables = [SEARCH_TABLE, SAMPLE_TABLE, POSTINGS] if connection.vendor == "postgresql" else [FACETS]
        self.search_only = search_only
        if search_only:
            # The search index written again from the articles (search.rebuild): its tables
            # are emptied first, so the load is as big as what they will hold.
            self.tables = search_tables
            self.big = articles >= self.MIN_ARTICLES
        else:
            self.tables = [
                Article._meta.db_table, Article.regions.through._meta.db_table,
                Article.credits.through._meta.db_table, Quote._meta.db_table, *search_tables,
            ]
            if history:
                self.tables.append(Article.history.model._meta.db_table)
            self.big = articles >= self.MIN_ARTICLES and articles >= Article.objects.count()
        self.indexes, self.keys = [], []
        self.aside = False  # whether the indexes are set aside (made again at the end)
        self.waiting = False  # big, and to set them aside at the first write

    def begin(self, *, lazily=False):
        """Inside the transaction, before the first row: set the indexes aside now if the load
        is big, or with `lazily` at the first `writing()`."""
        with connection.cursor() as cursor:
            self.prepare(cursor)
            if self.big and lazily:
                self.waiting = True
            elif self.big:
                self.set_aside(cursor)
                self.aside = True

    def writing(self):
        """Rows are about to be written: set the indexes aside if `begin` left it to now."""
        if self.waiting:
            self.waiting = False
            with connection.cursor() as cursor:
                self.set_aside(cursor)
            self.aside = True

    @staticmethod
    def of(articles, *, history=False, search_only=False):
        """The load of this many articles (into the search tables alone, with `search_only`);
        `begin()` it inside the transaction."""
        return (_PostgresBulkLoad if connection.vendor == "postgresql" else _SQLiteBulkLoad)(
            articles, history=history, search_only=search_only
        )

    @contextlib.contextmanager
    def atomic(self, *, lazily=False):
        """The load's transaction (`transaction.atomic()`), begun (see `begin`); whatever the
        load set up outside it is cleared away once it has ended, committed or not."""
        try:
            with transaction.atomic():
                self.begin(lazily=lazily)
                yield self
        finally:
            self.close()

    def close(self):
        """After the load's transaction: nothing to clear away here (see _PostgresBulkLoad)."""

    def copy_search(self, data):
        """Binary COPY data of search rows (SEARCH_COLUMNS), into PostgreSQL's search table."""
        from .search.postgres import TABLE

        copy_data(connection, TABLE, SEARCH_COLUMNS, data)

    def finish(self, *, analyze=None, recount=False):
        """Restore what `begin` changed; `analyze` (default: when the indexes were set aside)
        refreshes the planner's statistics of the written tables. SQLite keeps none until
        asked: without them, a freshly loaded archive of 100,000 articles took 2-5 s per
        article page (its planner chose to walk the facets table), 10-116 ms with them.
        `recount`: count the search index again, for entries written past its counting."""
        with connection.cursor() as cursor:
            self.end(cursor)
            if self.aside if analyze is None else analyze:
                self.analyze(cursor, self.tables)
        if recount:
            search.backend().recount()

    @staticmethod
    def analyze(cursor, tables):
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f'ANALYZE "{table}"')


class _PostgresBulkLoad(BulkLoad):
    staged = None  # the _StagedSearchTable written in the search table's place, if any

    def prepare(self, cursor):
        # Bodies and search vectors are compressed as they are stored: lz4 takes a
        # fraction of pglz's time. For this transaction's writes; any reader reads both.
        cursor.execute("SET LOCAL default_toast_compression = lz4")

    def set_aside(self, cursor):
        from .search.postgres import POSTINGS_TRIGGER
        from .search.postgres import TABLE as SEARCH_TABLE

        if SEARCH_TABLE in self.tables and _StagedSearchTable.suits(cursor, emptied=self.search_only):
            self.staged = _StagedSearchTable(cursor)
        cursor.execute(
            "SELECT i.indrelid::regclass::text, format('%%I', c.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ANY(%s::regclass[])"
            " AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)"
            " AND (SELECT attname FROM pg_attribute WHERE attrelid = i.indrelid AND attnum = i.indkey[0])"
            " IS DISTINCT FROM 'article_id'",
            [self.tables],
        )
        self.indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, format('%%I', conname), pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [self.tables],
        )
        self.keys = cursor.fetchall()
        # A table with foreign-key checks queued (rows written earlier in an enclosing
        # transaction) cannot be altered: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _ in self.keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for _, name, _ in self.indexes:
            cursor.execute(f"DROP INDEX {name}")
        # The postings are filled once at the end: row by row, each entry written would
        # write ten.
        cursor.execute(f"ALTER TABLE {SEARCH_TABLE} DISABLE TRIGGER {POSTINGS_TRIGGER}")

    def copy_search(self, data):
        if self.staged is not None:
            self.staged.copy(data)
        else:
            super().copy_search(data)

    def finish(self, *, analyze=None, recount=False):
        if self.staged is None:
            return super().finish(analyze=analyze, recount=recount)
        from .search import counts
        from .search.postgres import TABLE as SEARCH_TABLE

        # The search table's indexes are built on the second connection while this one
        # builds the others, fills the postings and the sample, and counts the entries.
        self.staged.build()
        with connection.cursor() as cursor:
            self.end(cursor)
            if recount:
                counts.recount(search_table=self.staged.name)
            if analyze is not False:  # the second connection analyzes the search table
                self.analyze(cursor, [table for table in self.tables if table != SEARCH_TABLE])
            self.staged.help(cursor)
            self.staged.join()
            self.staged.swap(cursor)
            self.add_keys(cursor)

    def end(self, cursor):
        from .search.facets import SAMPLE
        from .search.postgres import FILL_POSTINGS, POSTINGS, POSTINGS_TRIGGER, SAMPLE_TABLE
        from .search.postgres import TABLE as SEARCH_TABLE

        staged = self.staged
        if self.aside:
            # PostgreSQL builds no index on a table with foreign-key checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {POSTINGS}")
            cursor.execute(FILL_POSTINGS.format(table=staged.name if staged else SEARCH_TABLE))
            if staged:
                # What the sample's trigger copies from each entry written to the search table.
                columns = "article_id, published_on, regions, sources, people, document"
                cursor.execute(f"INSERT INTO {SAMPLE_TABLE} ({columns}) SELECT {columns} FROM {staged.name}"
                               " WHERE article_id %% %s = 0", [SAMPLE])
            else:
                cursor.execute(f"ALTER TABLE {SEARCH_TABLE} ENABLE TRIGGER {POSTINGS_TRIGGER}")
            # Robust: the load has committed by then, and a VACUUM that fails (a statement
            # timeout, say) must not report it as refused.
            transaction.on_commit(self.vacuum, robust=True)
        for table, _, definition in self.indexes:
            if not (staged and table == SEARCH_TABLE):  # those are built on the staged table
                cursor.execute(definition)
        if not staged:  # else after the swap: keys refer to the search table
            self.add_keys(cursor)

    def add_keys(self, cursor):
        for table, name, definition in self.keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")

    def close(self):
        if self.staged is not None:
            self.staged.close()
            self.staged = None

    def vacuum(self):
        """VACUUM the written tables once the load has committed (it cannot run inside a
        transaction). Until a table is vacuumed, its visibility map is empty and every
        index-only scan reads the table too; autovacuum would get there in time, but may be
        off (as on this project's machines) and waits for its next round. At a million articles
        the newest 100 articles naming a district read 11,842 table rows (31 ms) before, none
        (3.4 ms) after; first-time article pages went from 60 / 193 ms (p50 / p95) to 24 / 34.
        It costs about 3 s at a million articles."""
        from .search.counts import COUNTS, PAIRS

        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {', '.join([*self.tables, COUNTS, PAIRS])}")


class _StagedSearchTable:
    """PostgreSQL's search table for a big load into an empty search index: written on a
    second connection, in a table of its own, and swapped in at the end.

    Why: the search table's RUM index is the longest step of a load's end (17 of the 81 s of
    a 100,000-line import), and PostgreSQL builds an index on one core, in the transaction
    that wrote its rows, while the other core idles. Rows committed in a table of their own
    are indexed on a second connection while the load's transaction builds the other
    indexes, fills the postings and counts the entries; that transaction then drops the
    search table (empty, as it sees it) and renames this one and its indexes into its place,
    adding its constraints and triggers again. DDL is transactional: readers see the old
    table until the load commits, and a load that fails leaves the archive as it was (the
    staged table is dropped after it: `close`).

    Only for a load in a transaction of its own: inside an enclosing one (a test's), a
    rollback after the load would leave the committed staged table behind. The search
    table's columns, indexes, primary or unique keys, checks and triggers are made again as
    they were; its foreign keys, and those that refer to it, are set aside by every big load
    and added again after the swap. A test holds the schema to what it was."""

    PREFIX = "loading_articles_search_"  # + the loading connection's backend pid + a number
    NAMES = re.compile(r"^loading_articles_search_(\d+)_\d+$")
    _numbers = itertools.count(1)

    @staticmethod
    def suits(cursor, *, emptied):
        """Whether the load may write the search table this way: in a transaction of its
        own, into a search table that is empty (or `emptied` by the load before it writes)."""
        if connection.savepoint_ids:  # an enclosing atomic block
            return False
        if emptied:
            return True
        from .search.postgres import TABLE

        cursor.execute(f"SELECT NOT EXISTS (SELECT FROM {TABLE})")
        return cursor.fetchone()[0]

    def __init__(self, cursor):
        from .search.postgres import TABLE

        cursor.execute("SELECT pg_backend_pid(), format('%%I', nspname) FROM pg_class c"
                       " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = %s::regclass", [TABLE])
        pid, schema = cursor.fetchone()
        self.name = f"{schema}.{self.PREFIX}{pid}_{next(self._numbers)}"
        # What the swap makes again, as the loading transaction sees it. No lock is taken on
        # the search table by the second connection: this one may hold one already.
        cursor.execute(
            "SELECT format('%%I %%s', a.attname, format_type(a.atttypid, a.atttypmod))"
            " || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END"
            " || COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')"
            " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            " WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            [TABLE],
        )
        columns = [column for (column,) in cursor.fetchall()]
        cursor.execute(
            "SELECT format('%%I', c.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass ORDER BY c.relname",
            [TABLE],
        )
        self.indexes = cursor.fetchall()
        cursor.execute(
            "SELECT format('%%I', conname), contype, pg_get_constraintdef(oid),"
            " (SELECT format('%%I', relname) FROM pg_class WHERE oid = conindid)"
            " FROM pg_constraint WHERE conrelid = %s::regclass AND contype <> 'f' ORDER BY conname",
            [TABLE],
        )
        self.constraints = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_triggerdef(oid), format('%%I', tgname), tgenabled FROM pg_trigger"
            " WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY tgname",
            [TABLE],
        )
        self.triggers = cursor.fetchall()
        self.swapped, self.thread, self.failure = False, None, None
        self.other = connection.copy()
        self.other.inc_thread_sharing()  # the index builds run on a thread of their own
        try:
            with self.other.cursor() as other:
                # Left by a load whose process died before it could drop them.
                other.execute("SELECT pid FROM pg_stat_activity")
                alive = {pid for (pid,) in other.fetchall()}
                other.execute("SELECT format('%%I.%%I', nspname, relname), relname FROM pg_class c"
                              " JOIN pg_namespace n ON n.oid = c.relnamespace"
                              " WHERE relkind = 'r' AND starts_with(relname, %s)", [self.PREFIX])
                for stale, name in other.fetchall():
                    found = self.NAMES.match(name)
                    if found and int(found[1]) not in alive:
                        other.execute(f"DROP TABLE IF EXISTS {stale}")
                other.execute(f"CREATE TABLE {self.name} ({', '.join(columns)})")
        except BaseException:
            self.other.dec_thread_sharing()
            self.other.close()
            raise

    def _index_name(self, number):
        return f"{self.name.split('.')[-1]}_i{number}"

    def copy(self, data):
        copy_data(self.other, self.name, SEARCH_COLUMNS, data)

    def build(self):
        """Start building the search table's indexes on the staged table, after an ANALYZE of
        it, on the second connection: the RUM index of documents first, as it takes longest
        (about 80 % of the time). `help` builds the others meanwhile, `join` waits."""
        from .search.postgres import RANK_INDEX

        self.pending = collections.deque(sorted(enumerate(self.indexes), key=lambda item: item[1][0] != RANK_INDEX))
        self.analyzed = threading.Event()
        self.thread = threading.Thread(target=self._build, name="bulk-load-search-indexes")
        self.thread.start()

    def _build(self):
        try:
            with self.other.cursor() as other:
                other.execute(f"ANALYZE {self.name}")
                self.analyzed.set()
                while (index := self._next(self.pending.popleft)) is not None:
                    other.execute(self._definition(*index))
        except BaseException as exc:  # noqa: BLE001 - raised again by join(), in the load's thread
            self.failure = exc
        finally:
            self.analyzed.set()

    def help(self, cursor):
        """Build what the second connection has not begun of the staged table's indexes, in
        the load's transaction, from the last. Only once it has analyzed the table: an
        index built here holds a lock until the commit that its ANALYZE would wait for."""
        self.analyzed.wait()
        while self.failure is None and (index := self._next(self.pending.pop)) is not None:
            cursor.execute(self._definition(*index))

    @staticmethod
    def _next(take):
        try:
            return take()
        except IndexError:
            return None

    def _definition(self, number, index):
        """An index's definition on the search table, as the staged table's index `number`."""
        # CREATE [UNIQUE] INDEX name ON [ONLY] schema.table USING ...
        return re.sub(
            r"^(CREATE (?:UNIQUE )?INDEX )(\S+)( ON (?:ONLY )?)(\S+)",
            lambda m: f"{m[1]}{self._index_name(number)}{m[3]}{self.name}",
            index[1],
        )

    def join(self):
        self.thread.join()
        if self.failure is not None:
            raise self.failure

    def swap(self, cursor):
        """In the load's transaction, once `join` has returned: the staged table becomes the
        search table."""
        from .search.postgres import TABLE

        schema = self.name.split(".")[0]
        cursor.execute(f"DROP TABLE {TABLE}")
        cursor.execute(f"ALTER TABLE {self.name} RENAME TO {TABLE}")
        for number, (name, _) in enumerate(self.indexes):
            cursor.execute(f"ALTER INDEX {schema}.{self._index_name(number)} RENAME TO {name}")
        for name, kind, definition, index in self.constraints:
            if kind in ("p", "u"):
                key = "PRIMARY KEY" if kind == "p" else "UNIQUE"
                cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {key} USING INDEX {index}")
            else:
                cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
        for definition, name, enabled in self.triggers:
            cursor.execute(definition)
            if enabled == "D":
                cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {name}")
        self.swapped = True

    def close(self):
        """After the load's transaction: drop the staged table unless it was swapped in,
        and close the second connection."""
        try:
            if self.thread is not None and self.thread.is_alive():
                self.other.connection.cancel_safe()  # the load failed while its indexes were built
                self.thread.join()
            if not self.swapped:
                with self.other.cursor() as other:
                    other.execute(f"DROP TABLE IF EXISTS {self.name}")
        finally:
            self.other.dec_thread_sharing()
            self.other.close()


class _SQLiteBulkLoad(BulkLoad):
    # FTS5 gathers new rows' terms in memory and writes them out as a segment whenever they
    # reach this size; with its default of 1 MB, a big load spends half its search-table time
    # writing and merging small segments.
    FTS_HASH_SIZE = 16 << 20

    def prepare(self, cursor):
        from .search.sqlite import TABLE as FTS

        cursor.execute(f"SELECT v FROM {FTS}_config WHERE k = 'hashsize'")
        found = cursor.fetchone()
        self.hash_size = found[0] if found else 1 << 20  # FTS5's default
        cursor.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES ('hashsize', %s)", [self.FTS_HASH_SIZE])

    def set_aside(self, cursor):
        marks = ", ".join(["%s"] * len(self.tables))
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
            self.tables,
        )
        self.indexes = [(name, sql) for name, sql in cursor.fetchall() if _first_column(cursor, name) != "article_id"]
        for name, _ in self.indexes:
            cursor.execute(f'DROP INDEX "{name}"')

    def end(self, cursor):
        from .search.sqlite import TABLE as FTS

        for _, definition in self.indexes:
            cursor.execute(definition)
        cursor.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES ('hashsize', %s)", [self.hash_size])


def _first_column(cursor, index):
    cursor.execute(f'PRAGMA index_info("{index}")')
    return cursor.fetchone()[2]


# Worker processes -----------------------------------------------------------------------------


class OrderedPool:
    """Forked worker processes that apply a function to items, results in order and never
    far ahead: `Pool.imap` runs ahead as fast as the workers can and so fills memory with
    results the database has not taken yet. A function returning a list has it flattened."""

    def __init__(self, workers):
        self.pool = multiprocessing.get_context("fork").Pool(workers)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.pool.terminate()
        return False

    def ordered(self, function, items, ahead):
        pending = collections.deque()
        for item in items:
            pending.append(self.pool.apply_async(function, (item,)))
            if len(pending) >= ahead:
                yield from _flat(pending.popleft().get())
        while pending:
            yield from _flat(pending.popleft().get())


class Inline:
    """OrderedPool's work done in this process."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def ordered(self, function, items, ahead):
        for item in items:
            yield from _flat(function(item))


def _flat(result):
    return result if isinstance(result, list) else [result]


# PostgreSQL binary COPY ---------------------------------------------------------------------
# Binary, not text: PostgreSQL reads a tsvector's binary form several times faster than it
# parses its text (on a search row, 25 against 150 us of the one server process that does
# all of a load's writing), and binary needs no escaping.

COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)  # signature, flags, no extension
COPY_TRAILER = struct.pack(">h", -1)
_NULL = struct.pack(">i", -1)
_LENGTH = struct.Struct(">i")
_INT4 = struct.Struct(">ii")
_INT8 = struct.Struct(">iq")
_DAY_ZERO = datetime.date(2000, 1, 1).toordinal()  # PostgreSQL's epoch
_TIME_ZERO = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


def copy_binary(rows, types):
    """PostgreSQL binary COPY data of `rows`, whose columns have `types` (keys of
    `_ENCODERS`); None is NULL. One flat list joined once, not `binary_copy_data` over
    `encode_rows`: joining each row apart measured 7.3 against 5.5 us a search row, and the
    loaders write millions."""
    encoders = [_ENCODERS[t] for t in types]
    width = struct.pack(">h", len(types))
    parts = [COPY_HEADER]
    for row in rows:
        parts.append(width)
        parts.extend([_NULL if value is None else encode(value) for encode, value in zip(encoders, row)])
    parts.append(COPY_TRAILER)
    return b"".join(parts)


def encode_rows(rows, types):
    """Each row's binary COPY fields (as `copy_binary` writes them, without the count of
    fields): for rows written to two tables, such as an article and its history."""
    encoders = [_ENCODERS[t] for t in types]
    return [b"".join([_NULL if value is None else encode(value) for encode, value in zip(encoders, row)]) for row in rows]


def binary_copy_data(encoded, width, suffix=b""):
    """Binary COPY data of rows encoded by `encode_rows`, each followed by `suffix` (fields
    encoded the same way); `width` counts the fields of both."""
    count = struct.pack(">h", width)
    return b"".join([COPY_HEADER, *[count + row + suffix for row in encoded], COPY_TRAILER])


def _text(value):
    data = value.encode()
    return _LENGTH.pack(len(data)) + data


def _int8_array(values):
    # ndim, has-nulls flag, element type (int8), then the one dimension: length, lower bound
    if not values:
        return _EMPTY_INT8_ARRAY
    return _int8_array_struct(len(values)).pack(20 + 12 * len(values), 1, 0, 20, len(values), 1,
                                                *itertools.chain.from_iterable((8, v) for v in values))


_EMPTY_INT8_ARRAY = struct.pack(">iiii", 12, 0, 0, 20)


@functools.cache
def _int8_array_struct(length):
    return struct.Struct(">iiiiii" + "iq" * length)


def _tsvectors(fields):
    """The binary forms (tsvectorsend's) of a document's tsvector and of its prominent
    lexemes' (compile.PROMINENT_WEIGHT): the lexemes in PostgreSQL's order, each with its
    positions; the same values `tsvector_literals` of these fields parse to, laid out as
    PostgreSQL lays out a parsed one. `fields` as tsvector_literal takes them."""
    entries = labelled_positions(fields, _weighted_positions)
    parts, prominent = [], []
    lexemes, counts, limit, join = _LEXEMES, _POSITION_COUNTS, MAX_POSITIONS_PER_LEXEME, b"".join
    # PostgreSQL orders lexemes by their bytes; UTF-8 keeps the order of code points, which
    # is how Python orders strings. A lexeme's entry made as one bytes object: a quarter
    # faster than gathering its pieces into the document's list.
    for tok in sorted(entries):
        positions = entries[tok]
        if len(positions) > limit:
            positions = positions[:limit]
        entry = lexemes[tok] + counts[len(positions)] + join(positions)
        parts.append(entry)
        if positions[0][0] >= _PROMINENT_BITS:
            prominent.append(entry)
    data, kept = join(parts), join(prominent)
    return (
        _LENGTH.pack(len(data) + 4) + _LENGTH.pack(len(parts)) + data,
        _LENGTH.pack(len(kept) + 4) + _LENGTH.pack(len(prominent)) + kept,
    )


_WEIGHT_BITS = {"A": 3, "B": 2, "C": 1, "D": 0}
_PROMINENT_BITS = _WEIGHT_BITS[PROMINENT_WEIGHT] << 6  # a position's first byte, at least


@functools.cache
def _weighted_positions(weight):
    """Position -> its two bytes with `weight` (A-D) in the top two bits."""
    bits = _WEIGHT_BITS[weight] << 14
    return [struct.pack(">H", bits | position) for position in range(MAX_POSITION + 1)]


class _Lexemes(dict):
    """token -> its UTF-8 and a NUL, made once per vocabulary word."""

    def __missing__(self, token):
        data = self[token] = token.encode() + b"\x00"
        return data


_LEXEMES = _Lexemes()
_POSITION_COUNTS = [struct.pack(">H", n) for n in range(257)]

_ENCODERS = {
    "int4": lambda value: _INT4.pack(4, value),
    "int8": lambda value: _INT8.pack(8, value),
    "text": _text,
    "date": lambda value: _INT4.pack(4, value.toordinal() - _DAY_ZERO),
    "timestamptz": lambda value: _INT8.pack(8, (value - _TIME_ZERO) // _MICROSECOND),
    "int8[]": _int8_array,
    "tsvector": bytes,  # made by _tsvectors, ready to write
}


# The search table's row as PostgresSearch.row makes it, its tsvectors made by `_tsvectors`
# from the fields (title A, summary B, body and quotes C): a test holds the two together.
SEARCH_COLUMNS = ("article_id", "media_id", "published_on", "regions", "sources", "people", "document", "prominent")
SEARCH_TYPES = ("int8", "int8", "date", "int8[]", "int8[]", "int8[]", "tsvector", "tsvector")


def search_row(entry):
    """An entry's row; its tsvectors may come ready-made, as `_tsvectors` makes them."""
    e = entry
    document, prominent = getattr(e, "document", None) or _tsvectors(list(zip(e.fields, "ABCC")))
    return (e.article_id, e.media_id, e.published_on, e.regions, e.sources, e.people, document, prominent)


def copy_search_rows(entries, load):
    """Index entries into PostgreSQL's search table (or what `load` writes in its place) by
    binary COPY, counts left to a recount."""
    load.copy_search(copy_binary(map(search_row, entries), SEARCH_TYPES))


def copy_data(database, table, columns, data):
    """Binary COPY data (copy_binary's) of these columns into a table, on a Django connection."""
    with database.wrap_database_errors, database.cursor() as cursor:
        with cursor.connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT binary)") as copy:
            copy.write(data)


def copy_rows(model, names, rows):
    """COPY rows (the values of the fields `names`, by attname) into `model`'s table: a
    bulk_create without model instances or Django's SQL."""
    copy_data(connection, model._meta.db_table, _columns(model, names), copy_binary(rows, copy_types(model, names)))


def _columns(model, names):
    """The quoted columns of these fields (by attname) of a model."""
    return [connection.ops.quote_name(field.column) for field in _fields(model, names)]


def copy_types(model, names):
    """copy_binary's types of these fields (by attname) of a model, on PostgreSQL."""
    return tuple(_COPY_TYPES[field.db_type(connection).split("(")[0]] for field in _fields(model, names))


def _fields(model, names):
    by_name = {field.attname: field for field in model._meta.concrete_fields}
    return [by_name[name] for name in names]


# PostgreSQL's column types, as Django names them, -> copy_binary's.
_COPY_TYPES = {
    "bigint": "int8", "integer": "int4", "varchar": "text", "text": "text", "date": "date",
    "timestamp with time zone": "timestamptz",
}
