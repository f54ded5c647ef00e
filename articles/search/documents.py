"""What the search index holds for an article, built in bulk for many articles at once.

Fields, in layout order: title (weight A), summary (B), body (C), and what the article
quotes (C): every quote's words and its speaker's name, so that a search can find what
people said and who said it.
"""

from dataclasses import dataclass

from django.db.models import Q

from .text import tokens


@dataclass
class IndexedArticle:
    article_id: int
    media_id: int
    published_on: object
    fields: list  # token lists: title, summary, body, quotes
    regions: list  # the article's regions and every region above them
    sources: list  # publication and credits
    people: list  # everyone quoted


def article_fields(title, summary, body, quotes):
    """`quotes` is a list of (speaker name, text)."""
    quoted = []
    for speaker, text in quotes:
        quoted.extend(tokens(speaker))
        quoted.extend(tokens(text))
    return [tokens(title), tokens(summary), tokens(body), quoted]


def region_closure():
    """Region id -> ids of the region and everything above it, from the materialised paths."""
    from articles.models import Region

    rows = list(Region.objects.values_list("id", "slug", "path"))
    by_slug = {slug: pk for pk, slug, _ in rows}
    return {pk: [by_slug[s] for s in path.strip("/").split("/") if s in by_slug] for pk, _, path in rows}


def indexed_articles(article_ids, closure=None):
    """The published ones among `article_ids`, ready to index; a handful of queries in all."""
    from articles.models import Article, Quote

    articles = list(
        Article.objects.published()
        .filter(pk__in=article_ids)
        .values_list("id", "media_id", "published_on", "title", "summary", "body", "publication_id")
    )
    if not articles:
        return []
    ids = [row[0] for row in articles]
    quotes, people = {}, {}
    for article_id, person_id, name, text in (
        Quote.objects.filter(article_id__in=ids)
        .order_by("article_id", "position", "pk")
        .values_list("article_id", "person_id", "person__name", "text")
    ):
        quotes.setdefault(article_id, []).append((name, text))
        people.setdefault(article_id, set()).add(person_id)
    credits, regions = {}, {}
    for article_id, source_id in Article.credits.through.objects.filter(article_id__in=ids).values_list(
        "article_id", "source_id"
    ):
        credits.setdefault(article_id, set()).add(source_id)
    closure = closure if closure is not None else region_closure()
    for article_id, region_id in Article.regions.through.objects.filter(
        Q(article_id__in=ids)
    ).values_list("article_id", "region_id"):
        regions.setdefault(article_id, set()).update(closure.get(region_id, [region_id]))
    return [
        IndexedArticle(
            article_id=pk,
            media_id=media_id,
            published_on=published_on,
            fields=article_fields(title, summary, body, quotes.get(pk, [])),
            regions=sorted(regions.get(pk, ())),
            sources=sorted(credits.get(pk, set()) | ({publication_id} if publication_id else set())),
            people=sorted(people.get(pk, ())),
        )
        for pk, media_id, published_on, title, summary, body, publication_id in articles
    ]
