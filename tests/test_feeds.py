"""Atom feeds: latest, per region (with everything below), per person, per source, per listing."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from tests.builders import make_article, make_person, make_source

ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def fed(tree):
    hashimi = make_person("Hisham al-Hashimi")
    afp = make_source("AFP", kind="agency")
    make_article("Baiji", regions=[tree["baiji"]], quotes=[(hashimi, "Baiji words.")], credits=[afp],
                 published_on=datetime.date(2015, 12, 2), summary="About Baiji.")
    make_article("Aleppo", regions=[tree["aleppo"]], publication=afp, published_on=datetime.date(2015, 12, 1))
    make_article("Draft", regions=[tree["baiji"]], status="draft", published_on=None)
    return tree


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    return [entry.findtext("a:title", namespaces=ATOM) for entry in feed.findall("a:entry", ATOM)]


@pytest.mark.parametrize(
    "url, titles",
    [
        ("/feeds/latest/", ["Baiji", "Aleppo"]),
        ("/feeds/regions/iraq/", ["Baiji"]),
        ("/feeds/regions/middle-east/", ["Baiji", "Aleppo"]),
        ("/feeds/people/hisham-al-hashimi/", ["Baiji"]),
        ("/feeds/sources/afp/", ["Baiji", "Aleppo"]),
        ("/feeds/articles/", ["Baiji", "Aleppo"]),
        ("/feeds/articles/?region=syria", ["Aleppo"]),
        ("/feeds/articles/?region=iraq&region=syria&sort=oldest", ["Aleppo", "Baiji"]),
        ("/feeds/articles/?date_from=2015-12-02&page=7", ["Baiji"]),
    ],
)
def test_each_feed_parses_as_atom_with_its_published_articles(client, fed, url, titles):
    assert entries(client, url) == titles


def test_an_entry_links_to_the_article_and_carries_its_dates_and_summary(client, fed):
    feed = ET.fromstring(client.get("/feeds/regions/baiji/").content)
    entry = feed.find("a:entry", ATOM)
    assert entry.find("a:link", ATOM).get("href").startswith("http://testserver/articles/70")
    assert entry.findtext("a:published", namespaces=ATOM).startswith("2015-12-02T00:00:00")
    assert entry.findtext("a:summary", namespaces=ATOM) == "<p>About Baiji.</p>"
    assert feed.find("a:link[@rel='alternate']", ATOM).get("href") == "http://testserver/regions/baiji/"


def test_a_person_feed_carries_their_words(client, fed):
    feed = ET.fromstring(client.get("/feeds/people/hisham-al-hashimi/").content)
    assert "“Baiji words.”" in feed.find("a:entry", ATOM).findtext("a:summary", namespaces=ATOM)


@pytest.mark.parametrize("url", ["/feeds/regions/atlantis/", "/feeds/people/nobody/", "/feeds/sources/nobody/"])
def test_a_feed_of_something_unknown_is_a_404(client, fed, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("query", ["region=atlantis", "date_from=2015-02-30", "sort=%3Cscript%3E", "person=%00"])
def test_a_feed_with_a_bad_filter_is_a_400_that_says_why(client, fed, query):
    response = client.get(f"/feeds/articles/?{query}")
    assert response.status_code == 400
    assert "<script>" not in response.content.decode()


def test_feeds_answer_conditional_requests(client, fed):
    for url in ["/feeds/latest/", "/feeds/regions/iraq/", "/feeds/articles/?region=iraq"]:
        response = client.get(url)
        assert "ETag" in response and "Last-Modified" in response
        again = client.get(url, headers={"if-modified-since": response["Last-Modified"]})
        assert again.status_code == 304, url
        assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304, url


def test_pages_announce_their_feeds(client, fed):
    assert 'href="/feeds/latest/"' in client.get("/").content.decode()
    assert 'href="/feeds/regions/iraq/"' in client.get("/regions/iraq/").content.decode()
    assert 'href="/feeds/people/hisham-al-hashimi/"' in client.get("/people/hisham-al-hashimi/").content.decode()
    assert 'href="/feeds/sources/afp/"' in client.get("/sources/afp/").content.decode()


def test_a_search_feed_lists_the_newest_matches_from_the_index(client, fed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(60):
        make_article(f"Refinery report {n}", published_on=datetime.date(2014, 1, 1) + datetime.timedelta(days=n))
    with CaptureQueriesContext(connection) as queries:
        titles = entries(client, "/feeds/articles/?q=refinery&sort=newest")
    # The newest 50, from the index's listing, their records then read by id (besides the
    # last update, for conditional requests): the article table is never searched (a broad search's feed took 6 s that way at a million articles).
    assert titles == [f"Refinery report {n}" for n in range(59, 9, -1)]
    read = [q["sql"] for q in queries.captured_queries if '"articles_article"' in q["sql"] and "MAX(" not in q["sql"]]
    assert read and all('"articles_article"."id" IN (' in sql and "SELECT" not in sql.split(" IN (", 1)[1] for sql in read)
