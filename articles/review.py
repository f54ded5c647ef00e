"""The review queue of page imports: what still keeps a draft from being published, and the
captured page with everything extracted from it marked.

Doubts are worked out from the article as it is now, so an editor settles one by settling it
in the article itself: a date given, one of an ambiguous place's candidates added to its
places, a quote entered with its speaker. What an editor decides to leave as it is (an
anonymous source, a mention that is no place) is settled by marking the doubts as checked;
a missing date never is.
"""

from dataclasses import dataclass
from itertools import pairwise

from django.db.models import Prefetch
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .models import Article, Quote, Region
from .names import fold_name

DATE, PUBLICATION, PLACE, SPEAKER = "date", "publication", "place", "speaker"
KINDS = {
    DATE: "needs a date",
    PUBLICATION: "needs a publication",
    PLACE: "doubtful place",
    SPEAKER: "quote without a speaker",
}


@dataclass(frozen=True)
class Doubt:
    kind: str
    message: str

    def __str__(self):
        return self.message


def capture_of(article):
    try:
        return article.page_capture
    except Article.page_capture.RelatedObjectDoesNotExist:
        return None


def open_doubts(article):
    """What keeps a page import from being published; [] for other articles."""
    capture = capture_of(article)
    if capture is None:
        return []
    doubts = []
    if article.published_on is None:
        doubts.append(Doubt(DATE, "needs a date"))
    if capture.doubts_checked_at is not None:
        return doubts
    if article.publication_id is None:
        doubts.append(Doubt(PUBLICATION, "needs a publication"))
    region_ids = {r.pk for r in article.regions.all()}
    seen = set()
    for place in capture.extraction.get("places", []):
        key = fold_name(place["surface"])
        if place["region"] is not None or key in seen:
            continue
        seen.add(key)
        candidates = place["candidates"]
        if region_ids & {c["id"] for c in candidates}:
            continue
        if candidates:
            listed = "; ".join(c["label"] for c in candidates)
            doubts.append(Doubt(PLACE, f"ambiguous place “{place['surface']}”: {listed}"))
        else:
            doubts.append(Doubt(PLACE, f"unmatched place “{place['surface']}”"))
    entered = [fold_name(q.text) for q in article.quotes.all()]
    for quote in capture.extraction.get("quotes", []):
        if quote["speaker"]:
            continue
        words = fold_name(quote["text"])
        if any(words == t or (len(t) > 20 and (t in words or words in t)) for t in entered):
            continue
        doubts.append(Doubt(SPEAKER, f"quote without a speaker: “{_shorten(quote['text'])}”"))
    return doubts


def _shorten(text, limit=80):
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def with_review_data(queryset):
    """`queryset` loaded for `open_doubts` without a query per article."""
    return (
        queryset.select_related("page_capture")
        .defer("page_capture__text")
        .prefetch_related(
            Prefetch("regions", queryset=Region.objects.only("pk")),
            Prefetch("quotes", queryset=Quote.objects.only("pk", "article_id", "text")),
        )
    )


def page_import_drafts(queryset):
    drafts = queryset.filter(status=Article.Status.DRAFT, page_capture__isnull=False)
    return with_review_data(drafts.prefetch_related(None))


def for_review_page(queryset):
    return queryset.select_related("page_capture", "publication").prefetch_related(
        "regions", "credits", "quotes__person", "quotes__given_to"
    )


def in_review(queryset, kind=None):
    """Draft page imports with an open doubt (of `kind`, when given); kind "ready": with none.

    Worked out in Python over the draft page imports alone, which are the queue, not the archive.
    """
    ids = []
    for article in page_import_drafts(queryset):
        kinds = {d.kind for d in open_doubts(article)}
        if (kind == "ready" and not kinds) or (kind is None and kinds) or (kind in kinds):
            ids.append(article.pk)
    return queryset.filter(pk__in=ids)


# The side-by-side view ---------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    css: str
    label: str


def spans(capture):
    """Every extracted item of the capture as a span of its text, with a class and a label."""
    extraction = capture.extraction
    found = []

    def add(span, css, label):
        if span and 0 <= span[0] < span[1] <= len(capture.text):
            found.append(Span(span[0], span[1], css, label))

    add(extraction.get("title", {}).get("span"), "title", "title")
    for name, item in extraction.get("fields", {}).items():
        add(item.get("span"), "field", name.replace("_", " "))
    for source in extraction.get("sources", []):
        add(source.get("span"), "source", f"source: {source['name']}")
    for n, quote in enumerate(extraction.get("quotes", []), 1):
        if quote["speaker"]:
            add(quote["span"], "quote", f"quote {n}: {quote['speaker']}")
        else:
            add(quote["span"], "quote doubtful", f"quote {n}: no speaker")
    for place in extraction.get("places", []):
        region = next((c for c in place["candidates"] if c["id"] == place["region"]), None)
        if region:
            add(place["span"], "place", f"place: {region['label']}")
        else:
            add(place["span"], "place doubtful", f"place: ambiguous, {len(place['candidates'])} candidates")
    return found


def marked_text(capture):
    """The capture's text, escaped, with each extracted item in a <mark>. Where items overlap
    (a place inside a quote), the overlap carries the classes and labels of both."""
    text = capture.text
    items = spans(capture)
    cuts = sorted({0, len(text), *(s.start for s in items), *(s.end for s in items)})
    out = []
    for a, b in pairwise(cuts):
        here = [s for s in items if s.start <= a and b <= s.end]
        if not here:
            out.append(escape(text[a:b]))
            continue
        css = " ".join(dict.fromkeys(c for s in here for c in s.css.split()))
        label = " · ".join(dict.fromkeys(s.label for s in here))
        out.append(format_html('<mark class="{}" title="{}">{}</mark>', css, label, text[a:b]))
    return mark_safe("".join(out))


def extracted(capture):
    """What the extraction found, for the right-hand side of the review: header fields,
    sources, quotes in order, and each place once with what it was resolved to."""
    extraction = capture.extraction
    fields = [("title", extraction.get("title", {}).get("value"))]
    fields += [(name.replace("_", " "), item["value"]) for name, item in extraction.get("fields", {}).items()]
    places = {}
    for place in extraction.get("places", []):
        region = next((c for c in place["candidates"] if c["id"] == place["region"]), None)
        key = (fold_name(place["surface"]), place["region"])
        if key in places:
            places[key]["count"] += 1
            continue
        places[key] = {
            "surface": place["surface"],
            "region": region["label"] if region else None,
            "resolved_by": place["resolved_by"],
            "candidates": [c["label"] for c in place["candidates"]],
            "count": 1,
        }
    quotes = [{"number": n, **quote} for n, quote in enumerate(extraction.get("quotes", []), 1)]
    return {
        "fields": fields,
        "dateline": extraction.get("dateline"),
        "sources": [s["name"] for s in extraction.get("sources", [])],
        "quotes": quotes,
        "places": list(places.values()),
        "flags": capture.flags,
    }
