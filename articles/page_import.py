"""Importing captured pages (`manage.py import_pages`): the database side of `articles.pages`.

`articles.pages` reads a capture and knows nothing of the database. This module resolves what
it found against the archive and writes it through the JSON Lines importer
(`articles.importing.Importer`), so that a page becomes an article exactly as an imported
line does: the same checks, the same `NameBook`s for sources and people (a speaker or an
agency already known by name or alias is never created twice, and a speaker's description
is stored on the person when they have none), history records and search indexing.

What the issue left open, decided here:

- A page is the same page again by its media ID; without one, by its original URL; without
  that, by a hash of its folded publication, title and body, which survives a re-capture
  with other menus, spacing or typography (`PageCapture.key`). A re-capture is looked up
  under every key it has, so one that now shows a media ID or a URL still finds its draft.
- A page without a media ID still needs the archive's public number: it gets the next free
  one from `ASSIGNED_MEDIA_IDS_FROM` up, and the note says so; a later capture showing the
  page's own media ID gives the draft that number instead.
- Editors' changes: `PageCapture.fingerprint` hashes the article as the import wrote it
  (fields, status, publication, credits, places, quotes). An article whose fingerprint has
  moved on was edited or published since, and a re-import skips it unless forced. Edits to
  people or sources are not the article's and do not count.
- Spans stay in `PageCapture.extraction` (title, header fields, sources, quotes, places, each
  with its character span in `PageCapture.text` and its paragraph), not on `Quote`: the quote
  rows are the editors' to change, the extraction is the record of what the page said.
- A place mention with several candidates is resolved as the contract resolves names (the one
  below all the others: "Aleppo" the city), else by context (the one candidate lying inside
  a place the article names unambiguously: "Tripoli" in an article naming Lebanon), else it
  is kept as a doubt for the review queue and not added to the article.
- A forced re-import puts the article back into the review queue as a draft. A date the
  page does not give is never guessed, but one an editor already entered is kept.
"""

import glob
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone

from .gazetteer import most_specific
from .importing import LIMITS, BadLine, FileReport, Importer, validate_url
from .models import Article, PageCapture, Quote
from .names import fold_name
from .pages import FLAG_NO_MEDIA_ID, UnreadablePage, extract

ASSIGNED_MEDIA_IDS_FROM = 9_000_000_001
# A directory stands for the captures in it; anything else is named on the command line.
CAPTURE_SUFFIXES = {"", ".txt", ".text", ".htm", ".html", ".xhtml"}

CREATED, UPDATED, UNCHANGED, SKIPPED, UNREADABLE, REFUSED = (
    "created", "updated", "unchanged", "skipped", "unreadable", "refused",
)


@dataclass
class PageOutcome:
    file: str
    outcome: str
    reason: str = ""
    media_id: int | None = None
    title: str = ""
    notes: list = field(default_factory=list)

    @property
    def failed(self):
        """Unreadable or refused: the page could not become an article."""
        return self.outcome in (UNREADABLE, REFUSED)

    def summary(self):
        if self.outcome in (CREATED, UPDATED, UNCHANGED):
            notes = f" ({'; '.join(self.notes)})" if self.notes else ""
            return f"{self.file}: {self.outcome} draft {self.media_id} “{self.title}”{notes}"
        if self.outcome == UNREADABLE:
            return f"{self.file}: skipped, unreadable: {self.reason}"
        return f"{self.file}: skipped, {self.reason}"


def totals(outcomes):
    counts = {kind: sum(o.outcome == kind for o in outcomes) for kind in (CREATED, UPDATED, UNCHANGED)}
    skipped = sum(o.outcome in (SKIPPED, UNREADABLE, REFUSED) for o in outcomes)
    unreadable = sum(o.failed for o in outcomes)
    line = (
        f"{len(outcomes)} page(s): {counts[CREATED]} created, {counts[UPDATED]} updated, "
        f"{counts[UNCHANGED]} unchanged, {skipped} skipped"
    )
    return line + (f" ({unreadable} unreadable or refused)" if unreadable else "")


def capture_paths(arguments):
    """Files named by FILE, DIR or GLOB arguments, in order: (name, Path or None, problem)."""
    found = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            files = sorted(
                p for p in path.iterdir()
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in CAPTURE_SUFFIXES
            )
            found += [(str(p), p, None) for p in files]
            if not files:
                found.append((argument, None, "no captures (.txt, .html) in this folder"))
        elif path.is_file():
            found.append((argument, path, None))
        elif glob.has_magic(argument):
            files = sorted(Path(p) for p in glob.glob(argument, recursive=True) if Path(p).is_file())
            found += [(str(p), p, None) for p in files]
            if not files:
                found.append((argument, None, "no file matches"))
        else:
            found.append((argument, None, "no such file or folder"))
    return found


def page_keys(page):
    """The keys a page may have been imported under, strongest first: a re-capture that now
    shows a media ID or a URL still finds the draft made from it before."""
    keys = []
    if page.media_id is not None:
        keys.append(f"media-id:{page.media_id}")
    if page.original_url:
        keys.append(f"url:{page.original_url.strip()}")
    folded = "\n".join(fold_name(part or "") for part in (page.publication, page.title, page.body))
    keys.append("text:" + hashlib.sha256(folded.encode()).hexdigest())
    return keys


def fingerprint(article_id):
    """A hash of everything an import writes on an article, read back from the database."""
    values = (
        Article.objects.filter(pk=article_id)
        .values(
            "media_id", "title", "summary", "body", "published_on", "publication_id", "section", "byline",
            "original_url", "language", "status",
        )
        .get()
    )
    values["published_on"] = values["published_on"].isoformat() if values["published_on"] else None
    values["credits"] = sorted(Article.credits.through.objects.filter(article_id=article_id).values_list("source_id", flat=True))
    values["regions"] = sorted(Article.regions.through.objects.filter(article_id=article_id).values_list("region_id", flat=True))
    values["quotes"] = [
        list(q)
        for q in Quote.objects.filter(article_id=article_id)
        .order_by("position", "pk")
        .values_list("person_id", "text", "given_to_id", "position")
    ]
    return hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def resolve_places(mentions):
    """Each mention with the region it means, or None when it stays a doubt, and how."""
    chosen = []
    for mention in mentions:
        candidates = mention.candidates
        if len(candidates) == 1:
            chosen.append((candidates[0], "only candidate"))
        elif (region := most_specific(candidates)) is not None:
            chosen.append((region, "most specific"))
        else:
            chosen.append((None, None))
    named = [region for region, _ in chosen if region is not None]
    for n, mention in enumerate(mentions):
        if chosen[n][0] is not None:
            continue
        inside = [c for c in mention.candidates if any(c.is_below(r) for r in named)]
        if len(inside) == 1:
            chosen[n] = (inside[0], "context")
    return chosen


def _label(region):
    return f"{region.name} [{region.path.strip('/').replace('/', ' > ')}]"


def extraction_record(page, places):
    """Everything extracted, with where it came from, as `PageCapture.extraction` keeps it."""
    origins = page.origins
    header = {
        "media_id": page.media_id,
        "publication": page.publication,
        "published_on": page.published_on.isoformat() if page.published_on else None,
        "byline": page.byline,
        "section": page.section,
        "original_url": page.original_url,
    }
    position = 0
    quotes = []
    for quote in page.quotes:
        if quote.speaker:
            position += 1
        quotes.append({
            "position": position if quote.speaker else None,
            "speaker": quote.speaker,
            "description": quote.description,
            "text": quote.text,
            "given_to": quote.given_to,
            "kind": quote.kind,
            "paragraph": quote.paragraph,
            "span": [quote.start, quote.end],
        })
    return {
        "format": page.format,
        "title": {"value": page.title, "span": list(page.title_span)},
        "fields": {
            name: {"value": value, "span": list(origins[name]) if name in origins else None}
            for name, value in header.items()
            if value is not None
        },
        "dateline": page.dateline,
        "paragraphs": [[p.start, p.end] for p in page.paragraphs],
        "sources": [
            {"name": name, "span": list(origins[f"source:{name}"]) if f"source:{name}" in origins else None}
            for name in page.sources
        ],
        "quotes": quotes,
        "places": [
            {
                "surface": mention.surface,
                "span": [mention.start, mention.end],
                "paragraph": mention.extra.get("paragraph"),
                "in_title": bool(mention.extra.get("in_title")),
                "candidates": [{"id": c.pk, "name": c.name, "label": _label(c)} for c in mention.candidates],
                "region": region.pk if region else None,
                "resolved_by": how,
            }
            for mention, (region, how) in zip(page.place_mentions, places)
        ],
    }


class PageImporter:
    """Imports captures one by one, each in its own transaction."""

    def __init__(self, *, force=False):
        self.force = force
        self.importer = Importer()
        self.places = self.importer.regions.index

    def import_file(self, name, path):
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            return PageOutcome(name, REFUSED, reason=f"cannot be read: {exc.strerror or exc}")
        return self.import_capture(name, data)

    def import_capture(self, name, data):
        try:
            page = extract(data, places=self.places, sources=self.importer.sources.directory.index)
        except UnreadablePage as exc:
            return PageOutcome(name, UNREADABLE, reason=str(exc))
        try:
            with transaction.atomic():
                return self._write(name, data, page)
        except BadLine as exc:
            reason = str(exc)
        except DatabaseError as exc:
            reason = f"the database refused it, nothing imported: {exc}"
        # Names made for the page never reached the database.
        self.importer._load_names()
        return PageOutcome(name, REFUSED, reason=reason, media_id=page.media_id, title=page.title)

    def _write(self, name, data, page):
        keys = page_keys(page)
        found = {c.key: c for c in PageCapture.objects.select_related("article").filter(key__in=keys)}
        capture = next((found[k] for k in keys if k in found), None)
        key = keys[0]
        article = capture.article if capture else None
        if article is None and page.media_id is not None:
            article = Article.objects.filter(media_id=page.media_id).first()
            if article is not None and not self.force:
                return PageOutcome(
                    name, SKIPPED, media_id=page.media_id, title=page.title,
                    reason=f"media ID {page.media_id} already belongs to an article not imported from this page "
                    "(--force overwrites it)",
                )
        edited = article is not None and (capture is None or fingerprint(article.pk) != capture.fingerprint)
        if edited and not self.force:
            return PageOutcome(
                name, SKIPPED, media_id=article.media_id, title=article.title,
                reason=f"article {article.media_id} was edited or published since its import (--force overwrites it)",
            )

        notes = []
        if article is not None:
            media_id = article.media_id
            if (
                page.media_id is not None
                and media_id >= ASSIGNED_MEDIA_IDS_FROM
                and not Article.objects.filter(media_id=page.media_id).exists()
            ):
                # A re-capture that shows the page's own media ID: it replaces the archive's number.
                Article.objects.filter(pk=article.pk).update(media_id=page.media_id)
                notes.append(f"media ID {page.media_id} replaces the archive's {media_id}")
                media_id = page.media_id
        elif page.media_id is not None:
            media_id = page.media_id
        else:
            media_id = self._free_media_id()
        if page.media_id is None:
            notes.append(f"the page has no media ID: {media_id} is the archive's own")
        places = resolve_places(page.place_mentions)
        record = self._record(page, media_id, article, places, notes)

        report = FileReport(name)
        self.importer.write([record], report)
        article = Article.objects.get(media_id=media_id)
        values = {
            "key": key,
            "format": page.format,
            "text": page.text,
            "content_hash": hashlib.sha256(data).hexdigest(),
            "extraction": extraction_record(page, places),
            "flags": list(page.flags),
            "fingerprint": fingerprint(article.pk),
        }
        capture = capture or PageCapture.objects.filter(article=article).first()
        outcome = CREATED if report.created else UPDATED if report.updated else UNCHANGED
        if capture is None:
            PageCapture.objects.create(article=article, source_name=name, imported_at=timezone.now(), **values)
        else:
            if any(getattr(capture, k) != v for k, v in values.items() if k != "fingerprint"):
                outcome = UPDATED
            if outcome != UNCHANGED or capture.article_id != article.pk:
                capture.article = article
                capture.imported_at = timezone.now()
                # A new extraction needs looking at again.
                capture.doubts_checked_at, capture.doubts_checked_by = None, None
            for key_, value in values.items():
                setattr(capture, key_, value)
            capture.source_name = name
            capture.save()
        if edited:
            notes.append("overwritten on --force, back to draft")
        notes[:0] = [flag for flag in page.flags if flag != FLAG_NO_MEDIA_ID]
        notes += doubtful_place_notes(page, places)
        return PageOutcome(name, outcome, media_id=media_id, title=article.title, notes=notes)

    def _record(self, page, media_id, article, places, notes):
        data = page.as_record(status="draft")
        data["media_id"] = media_id
        if data["published_on"] is None and article is not None and article.published_on:
            data["published_on"] = article.published_on.isoformat()
        data["regions"] = []
        if page.paragraphs and len(page.paragraphs[0].text) <= LIMITS["summary"]:
            data["summary"] = page.paragraphs[0].text  # the lead paragraph, as the archive's records have it
        if data["original_url"]:
            try:
                validate_url(data["original_url"])
            except ValidationError:
                notes.append(f"original URL {data['original_url'][:80]!r} dropped: not an http(s) URL")
                data["original_url"] = ""
        if len(data["original_url"]) > LIMITS["original_url"]:
            data["original_url"] = ""
        data["title"] = data["title"][: LIMITS["title"]]
        record = self.importer.check(0, data)
        regions = []
        for region, _ in places:
            if region is not None and region not in regions:
                regions.append(region)
        record.regions = regions
        return record

    def _free_media_id(self):
        top = Article.objects.filter(media_id__gte=ASSIGNED_MEDIA_IDS_FROM).aggregate(top=Max("media_id"))["top"]
        return (top + 1) if top else ASSIGNED_MEDIA_IDS_FROM


def doubtful_place_notes(page, places):
    seen, notes = set(), []
    for mention, (region, _) in zip(page.place_mentions, places):
        key = fold_name(mention.surface)
        if region is None and key not in seen:
            seen.add(key)
            notes.append(f"ambiguous place “{mention.surface}” ({len(mention.candidates)} candidates)")
    return notes
