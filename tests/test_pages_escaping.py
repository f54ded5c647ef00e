"""Whatever editors type shows as text on every page and in every feed."""

import xml.etree.ElementTree as ET

import pytest

from tests.builders import make_article, make_person, make_region, make_source

EVIL = '<script>alert("x")</script>'


@pytest.fixture
def hostile(tree):
    region = make_region(f"Place {EVIL}", "city", tree["iraq"], slug="evil-place", aliases=[EVIL])
    person = make_person(f"Speaker {EVIL}", slug="evil-speaker", description=f"Analyst {EVIL}", aliases=[EVIL])
    source = make_source(f"Wire {EVIL}", slug="evil-wire", kind="agency", aliases=[EVIL])
    article = make_article(
        f"Title {EVIL} \"quoted\" & 'single'", summary=f"Summary {EVIL}", body=f"Body {EVIL}\n\nMore {EVIL}",
        byline=f"By {EVIL}", section=f"Section {EVIL}", publication=source, credits=[source],
        regions=[region], quotes=[(person, f"Quote {EVIL}")],
    )
    article.quotes.update(given_to=source)
    make_article("Neighbour", regions=[region], quotes=[(person, "Again.")])
    return article


def pages(article):
    return [
        "/", "/articles/", "/articles/?region=evil-place&person=evil-speaker&source=evil-wire", "/articles/?region=" + EVIL,
        article.get_absolute_url(), "/regions/", "/regions/evil-place/", "/regions/iraq/", "/people/",
        "/people/evil-speaker/", "/sources/", "/sources/evil-wire/", "/archive/2015/", "/archive/2015/12/",
    ]


def test_no_page_lets_a_script_through(client, hostile):
    for url in pages(hostile):
        response = client.get(url)
        assert response.status_code in (200, 400), url
        page = response.content.decode()
        assert "<script>" not in page, url
        assert 'alert("x")' not in page, url
        if "/archive/2015/" != url:  # the only page without editors' text
            assert "&lt;script&gt;" in page, url


def test_no_feed_lets_a_script_through(client, hostile):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for url in ["/feeds/latest/", "/feeds/regions/evil-place/", "/feeds/people/evil-speaker/",
                "/feeds/sources/evil-wire/", "/feeds/articles/?region=evil-place"]:
        content = client.get(url).content
        assert b"<script>" not in content, url
        feed = ET.fromstring(content)
        # Titles are Atom text constructs: a reader shows them as typed, never as markup.
        for title in [feed.find("a:title", ns), *feed.findall("a:entry/a:title", ns)]:
            assert title.get("type", "text") == "text", url
        assert hostile.title in [title.text for title in feed.findall("a:entry/a:title", ns)], url
        # Summaries are HTML: editors' markup arrives escaped, as text.
        for summary in feed.findall("a:entry/a:summary", ns):
            assert summary.get("type") == "html"
            assert "<script>" not in summary.text, url
            if "Summary" in summary.text or "Quote" in summary.text:
                assert "&lt;script&gt;" in summary.text, url
