"""Every public URL of the archive (DESIGN.md, "Public URLs")."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter
from django.views.decorators.http import last_modified

from . import feeds, views
from .caching import cached_page
from .models import Article
from .sitemaps import SITEMAPS


class Year:
    """Four digits: /archive/2015/, never /archive/15/."""

    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class Month(Year):
    regex = "[0-9]{2}"

    def to_url(self, value):
        return f"{int(value):02d}"


class MediaId:
    # Eighteen digits at most, so that no path can ask the database for a number beyond
    # a 64-bit integer (that would be a server error, not a 404).
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(Year, "yyyy")
register_converter(Month, "mm")
register_converter(MediaId, "media_id")


def feeds_last_modified(request, *args, **kwargs):
    # Any change to any article (including one leaving the archive) moves this on, so it
    # is a safe Last-Modified for every feed; an unchanged archive answers 304.
    return Article.objects.last_updated()


def feed(view):
    return last_modified(feeds_last_modified)(view)


app_name = "articles"
SITEMAP_INDEX = {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap-section"}

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="articles"),
    path("articles/<media_id:media_id>/", views.article, name="article-short"),
    path("articles/<media_id:media_id>/<slug:slug>/", views.article, name="article"),
    path("regions/", views.region_list, name="regions"),
    path("regions/<slug:slug>/", views.region, name="region"),
    path("people/", views.person_list, name="people"),
    path("people/<slug:slug>/", views.person, name="person"),
    path("sources/", views.source_list, name="sources"),
    path("sources/<slug:slug>/", views.source, name="source"),
    path("archive/<yyyy:year>/", views.archive_year, name="archive-year"),
    path("archive/<yyyy:year>/<mm:month>/", views.archive_month, name="archive-month"),
    path("search/", views.search, name="search"),
    path("search/export.csv", views.search_export_csv, name="search-export-csv"),
    path("search/export.jsonl", views.search_export_jsonl, name="search-export-jsonl"),
    path("feeds/latest/", feed(feeds.LatestFeed()), name="feed-latest"),
    path("feeds/articles/", feed(feeds.FilteredFeed()), name="feed-articles"),
    path("feeds/regions/<slug:slug>/", feed(feeds.RegionFeed()), name="feed-region"),
    path("feeds/people/<slug:slug>/", feed(feeds.PersonFeed()), name="feed-person"),
    path("feeds/sources/<slug:slug>/", feed(feeds.SourceFeed()), name="feed-source"),
    # Kept like the pages: the index's sections and an article page of 10,000 addresses
    # read counts and rows afresh (the index 200 ms at a million articles, every time).
    path("sitemap.xml", cached_page(sitemap_views.index), SITEMAP_INDEX, name="sitemap"),
    path("sitemap-<slug:section>.xml", cached_page(sitemap_views.sitemap), {"sitemaps": SITEMAPS},
         name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
]
