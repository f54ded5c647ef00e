"""Atom feeds: the latest articles, a region (with everything below it), a person, a
source, and any filtered listing (/feeds/articles/ takes the listing's parameters).

Atom titles are plain text, so they go out as typed and the XML writer escapes them.
Summaries are HTML (`type="html"`), so editors' text is escaped once more before it goes
in: a `<script>` in a summary reaches a feed reader as text, never as markup.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks

from .filters import ArticleFilter
from .listing import IndexedArticles
from .models import Article, Person, Quote, Region, Source
from .search.facets import Criteria

FEED_LENGTH = 50


class ArticleFeed(Feed):
    feed_type = Atom1Feed
    title = "Conflict news archive: latest articles"
    subtitle = "The newest articles of the archive."

    def link(self, obj=None):
        return reverse("articles:home")

    def items(self, obj=None):
        # From the search index, as the listings are (listing.IndexedArticles): through the
        # article table, a feed of a broad search took 6 s at a million articles.
        articles = IndexedArticles(self.criteria(obj), self.order(obj), load=self.articles(obj).in_bulk)
        return articles[:FEED_LENGTH]

    def criteria(self, obj):
        """The articles followed (search.facets.Criteria)."""
        return Criteria()

    def order(self, obj):
        return "newest"

    def articles(self, obj):
        """The articles' records, as the feed's entries need them."""
        return Article.objects.select_related("publication")

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        parts = [article.summary] if article.summary else []
        parts += [f"“{quote.text}”" for quote in getattr(article, "feed_quotes", [])]
        return linebreaks(escape("\n\n".join(parts)))

    def item_link(self, article):
        return article.get_absolute_url()

    def item_guid(self, article):
        return f"media-id:{article.media_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, article):
        return datetime.datetime.combine(article.published_on, datetime.time(), datetime.UTC)

    def item_updateddate(self, article):
        return article.updated

    def item_author_name(self, article):
        return article.byline or (article.publication.name if article.publication else None)


class LatestFeed(ArticleFeed):
    pass


class RegionFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Region, slug=slug)

    def title(self, region):
        return f"Conflict news archive: {region.name}"

    def subtitle(self, region):
        return f"The newest articles about {region.name} and the places in it."

    def link(self, region):
        return region.get_absolute_url()

    def criteria(self, region):
        return Criteria(regions=(region.pk,))  # and everything below it: the index holds both


class PersonFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Person.objects.public(), slug=slug)

    def title(self, person):
        return f"Conflict news archive: {person.name}"

    def subtitle(self, person):
        return f"The newest articles quoting {person.name}, with their words."

    def link(self, person):
        return person.get_absolute_url()

    def criteria(self, person):
        return Criteria(people=(person.pk,))

    def articles(self, person):
        theirs = Prefetch("quotes", Quote.objects.filter(person=person), to_attr="feed_quotes")
        return super().articles(person).prefetch_related(theirs)


class SourceFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Source.objects.public(), slug=slug)

    def title(self, source):
        return f"Conflict news archive: {source.name}"

    def subtitle(self, source):
        return f"The newest articles published by {source.name} or crediting it."

    def link(self, source):
        return source.get_absolute_url()

    def criteria(self, source):
        return Criteria(sources=(source.pk,))  # its publication or in its credits


class FilteredFeed(ArticleFeed):
    """Any listing of /articles/, followed: the same parameters, the same FilterSet."""

    title = "Conflict news archive: filtered articles"
    subtitle = "The newest articles matching a filter of the archive."

    def __call__(self, request, *args, **kwargs):
        problems = ArticleFilter(request.GET).messages()
        if problems:
            return render(request, "400.html", {"problems": problems}, status=400)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        filters = ArticleFilter(request.GET)
        filters.is_valid()  # always, by now: __call__ answered bad values with a 400
        return filters

    def link(self, filters):
        query = filters.data.copy()
        query.pop("page", None)
        return reverse("articles:articles") + (f"?{query.urlencode()}" if query else "")

    def criteria(self, filters):
        return Criteria.of(filters)

    def order(self, filters):
        return filters.order()
