"""The sitemap: every public page worth indexing, and nothing a draft could reveal.

/sitemap.xml is an index of one sitemap per section, so that a section past 50,000 URLs
(the articles, at a few million) goes on over `?p=2`, `?p=3`... as the protocol wants.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils.functional import cached_property

from .models import Article, Person, Region, Source
from .querysets import grow, walk
from .search import counts


class ArticleSitemap(Sitemap):
    # 10,000 a page rather than the protocol's 50,000: each page stays around a megabyte
    # and a second to build.
    limit = 10_000

    def items(self):
        return Article.objects.published().order_by("media_id").values_list("media_id", "slug", "updated", named=True)

    def location(self, article):
        # The same address as Article.get_absolute_url, without a reverse() per article.
        return f"{self.prefix}{article.media_id}/{article.slug}/"

    @cached_property
    def prefix(self):
        return reverse("articles:article-short", args=[0]).removesuffix("0/")

    def lastmod(self, article):
        return article.updated

    def get_latest_lastmod(self):
        # Sitemap's own would read every article to find the newest change.
        return Article.objects.published().last_updated()


class RegionSitemap(Sitemap):
    def items(self):
        """Regions with articles in them or below them; the rest of the gazetteer is empty."""
        return [region for region, _ in walk(grow(list(Region.objects.with_articles())))]


class PersonSitemap(Sitemap):
    def items(self):
        return Person.objects.public().order_by("slug")


class SourceSitemap(Sitemap):
    def items(self):
        return Source.objects.public().order_by("slug")


class ArchiveSitemap(Sitemap):
    """The archive by date: every year and month that has articles."""

    def items(self):
        months = [start for start, _ in counts.per_month()]
        years = sorted({start.year for start in months})
        return [(year, None) for year in years] + [(m.year, m.month) for m in months]

    def location(self, item):
        year, month = item
        if month is None:
            return reverse("articles:archive-year", args=[year])
        return reverse("articles:archive-month", args=[year, month])


class SectionSitemap(Sitemap):
    """The pages that lead into everything else."""

    def items(self):
        return ["articles:home", "articles:articles", "articles:regions", "articles:people", "articles:sources"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "regions": RegionSitemap,
    "people": PersonSitemap,
    "sources": SourceSitemap,
    "archive": ArchiveSitemap,
}
