"""Importing articles from JSON Lines, the archive's exchange format (see DESIGN.md).

A file goes in whole or not at all: lines are checked and written in batches inside one
transaction, and the first bad line turns the rest of the run into a check that names
every bad line before everything is rolled back. With `keep_going`, good lines are kept.
"""

import datetime
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import search
from .gazetteer import AmbiguousName, Directory, UnknownName, region_directory
from .models import Article, Person, Quote, Source, article_slug

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
class ArticleRecord:
    line: int
    media_id: int
    fields: dict
    publication: object
    credits: list
    regions: list
    quotes: list  # (person, text, given_to)


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


class Importer:
    def __init__(self, *, keep_going=False, progress=None):
        self.keep_going = keep_going
        self.progress = progress
        self.regions = region_directory()
        self._load_names()

    def _load_names(self):
        # Reloaded after a rollback: records made for the file never reached the database.
        self.sources = NameBook(Source, "source")
        self.people = NameBook(Person, "person")
        self.people_described = set()

    # Checking one line ------------------------------------------------------------

    def parse(self, number, raw):
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
        return self.check(number, data)

    def check(self, number, data):
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
            if region not in regions:
                regions.append(region)

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
        return ArticleRecord(number, media_id, fields, source, credited, regions, resolved_quotes)

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
        existing = {
            a.media_id: a
            for a in Article.objects.filter(media_id__in=[r.media_id for r in records]).prefetch_related(
                "credits", "regions", "quotes"
            )
        }
        now = timezone.now()
        new, changed = [], []
        for record in records:
            article = existing.get(record.media_id)
            if article is not None and self._same(article, record):
                report.unchanged += 1
                continue
            if article is None:
                article = Article(media_id=record.media_id)
                new.append((article, record))
            else:
                changed.append((article, record))
            for key, value in record.fields.items():
                setattr(article, key, value)
            article.slug = article_slug(article.title)
            article.publication = record.publication
            article.updated = now
        if new:
            bulk_create_with_history([a for a, _ in new], Article, batch_size=500)
        if changed:
            fields = [*TEXT_FIELDS, "published_on", "status", "publication", "slug", "updated"]
            bulk_update_with_history([a for a, _ in changed], Article, fields, batch_size=500)
            ids = [a.pk for a, _ in changed]
            Article.credits.through.objects.filter(article_id__in=ids).delete()
            Article.regions.through.objects.filter(article_id__in=ids).delete()
            Quote.objects.filter(article_id__in=ids).delete()
        written = new + changed
        Article.credits.through.objects.bulk_create(
            [Article.credits.through(article_id=a.pk, source_id=s.pk) for a, r in written for s in r.credits],
            batch_size=2000,
        )
        Article.regions.through.objects.bulk_create(
            [Article.regions.through(article_id=a.pk, region_id=g.pk) for a, r in written for g in r.regions],
            batch_size=2000,
        )
        Quote.objects.bulk_create(
            [
                Quote(article_id=a.pk, person_id=p.pk, text=t, given_to_id=g.pk if g else None, position=n)
                for a, r in written
                for n, (p, t, g) in enumerate(r.quotes, 1)
            ],
            batch_size=2000,
        )
        report.created += len(new)
        report.updated += len(changed)
        ids = [a.pk for a, _ in written]
        search.reindex(ids)
        return ids

    @staticmethod
    def _same(article, record):
        if any(getattr(article, k) != v for k, v in record.fields.items()):
            return False
        if article.publication_id != (record.publication.pk if record.publication else None):
            return False
        if {s.pk for s in article.credits.all()} != {s.pk for s in record.credits}:
            return False
        if {g.pk for g in article.regions.all()} != {g.pk for g in record.regions}:
            return False
        have = [(q.person_id, q.text, q.given_to_id) for q in article.quotes.all()]
        want = [(p.pk, t, g.pk if g else None) for p, t, g in record.quotes]
        return have == want

    # One file -------------------------------------------------------------------------

    def import_lines(self, name, lines):
        """Import the lines (bytes) of one file; returns its FileReport."""
        report = FileReport(name)
        seen = {}
        batch = []
        try:
            with transaction.atomic():
                for number, raw in enumerate(lines, 1):
                    if self.progress:
                        self.progress(len(raw))
                    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                        raw = raw[3:]
                    if not raw.strip():
                        continue
                    try:
                        record = self.parse(number, raw)
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
        except _RollBack:
            report.rolled_back = True
            report.created = report.updated = report.unchanged = 0
            self._load_names()
        except DatabaseError as exc:
            report.rolled_back = True
            report.created = report.updated = report.unchanged = 0
            report.rejected.append(Rejection(name, 0, f"the database refused the file, nothing imported: {exc}"))
            self._load_names()
        return report


class _RollBack(Exception):
    pass
