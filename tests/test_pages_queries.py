"""Each page runs a fixed number of queries, whatever the page size and the data."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders import make_article, make_person, make_source

# The most queries each page may run.
PAGES = {
    "/": 12,  # the latest ten (their ids from the index, then the articles), and the overview
    # of the whole archive, which is cached until the archive changes (eight)
    "/articles/": 10,
    "/articles/?region=iraq&source=afp&person=hisham-al-hashimi&date_from=2015-01-01": 13,  # with the form's choices
    # Its last change (Last-Modified), the article, its places, sources and quotes in one
    # query; the related-articles candidate pools: one query per place and speaker of the
    # article (three places and two people here), then the candidates' shared places and
    # speakers (two; on SQLite their dates too), then the five chosen.
    "ARTICLE": 13,
    "/regions/": 5,  # one per level of the tree shown (three), its depth, its regions
    "/regions/iraq/": 13,
    "/people/": 3,  # the people, then their quotes counted: all of them, those in drafts
    "/people/hisham-al-hashimi/": 6,  # the page's articles from the index, then their quotes
    "/sources/": 4,
    "/sources/afp/": 7,
    "/archive/2015/": 1,
    "/archive/2015/12/": 6,
    # A feed: the archive's last change (Last-Modified), what it follows, its entries' ids
    # from the index, then their articles (and a person's quotes in them).
    "/feeds/latest/": 3,
    "/feeds/regions/iraq/": 4,
    "/feeds/people/hisham-al-hashimi/": 5,
    "/feeds/sources/afp/": 4,
    "/feeds/articles/?region=iraq": 5,
    "/sitemap.xml": 7,
    "/sitemap-articles.xml": 2,
    "/sitemap-regions.xml": 2,
}


def archive(tree, size):
    hashimi = make_person("Hisham al-Hashimi")
    afp = make_source("AFP", kind="agency")
    for n in range(size):
        make_article(
            f"Article {n}", regions=[tree["iraq"], tree["baiji"], tree["aleppo"]], credits=[afp],
            publication=make_source(f"Paper {n}"), published_on=datetime.date(2015, 12, 1 + n % 28),
            quotes=[(hashimi, "Words."), (make_person(f"Person {n}"), "More words.")],
        )


def count_queries(client, urls):
    from django.core.cache import cache, caches

    counts = {}
    for url in urls:
        # Each page on its own: nothing kept from the pages before (one page's ids can be
        # another's, the home page's latest ten and a listing of ten, say).
        cache.clear()
        caches["pages"].clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(captured)
    return counts


def test_every_page_runs_a_fixed_number_of_queries_whatever_the_page_size(client, tree, settings):
    from articles.models import Article

    archive(tree, 2)
    article = Article.objects.earliest("media_id").get_absolute_url()
    urls = [article if url == "ARTICLE" else url for url in PAGES]
    settings.ARCHIVE_PAGE_SIZE = 2
    few = count_queries(client, urls)
    archive(tree, 12)
    settings.ARCHIVE_PAGE_SIZE = 10
    many = count_queries(client, urls)
    assert many == few
    limits = {article if url == "ARTICLE" else url: most for url, most in PAGES.items()}
    assert {url: n for url, n in many.items() if n > limits[url]} == {}


def test_listings_leave_the_bodies_unread_and_search_results_read_them(client, tree):
    from django.core.cache import cache, caches

    archive(tree, 3)
    # A card shows the summary: the bodies (most of an article's bytes, stored apart) are
    # read only where a snippet is cut from them.
    for url, reads_bodies in [
        ("/", False), ("/articles/", False), ("/articles/?region=iraq", False), ("/regions/iraq/", False),
        ("/sources/afp/", False), ("/archive/2015/12/", False), ("/search/?q=words", True),
    ]:
        cache.clear()
        caches["pages"].clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200 and b"Article 1" in response.content, url
        assert any('"articles_article"."body"' in q["sql"] for q in captured) is reads_bodies, url
