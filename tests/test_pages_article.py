"""/articles/<media_id>/<slug>/: one article, its quotes, places and structured data."""

import json
import re

import pytest
from django.db import connection
from django.utils.http import http_date

from tests.builders import make_article, make_person, make_source


@pytest.fixture
def seed(tree):
    hashimi = make_person("Hisham al-Hashimi", description="Iraqi analyst who monitors ISIS")
    balanche = make_person("Fabrice Balanche", description="French geographer")
    article = make_article(
        "ISIS shifts to defense as it loses ground",
        media_id=55345953,
        summary="The group digs in.",
        body="Baiji fell.\n\nSinjar followed.",
        byline="Baghdad - Hamza Mustafa",
        section="Middle East",
        original_url="https://example.org/55345953",
        publication=make_source("Asharq Al-Awsat"),
        credits=[make_source("AFP", kind="agency")],
        regions=[tree["baiji"], tree["syria"]],
        quotes=[(hashimi, "ISIS is now on the defensive."), (balanche, "The Kurds advance.")],
    )
    article.quotes.filter(person=hashimi).update(given_to=make_source("AFP"))
    return article


def test_it_shows_everything_a_reader_needs(client, seed):
    page = client.get("/articles/55345953/isis-shifts-to-defense-as-it-loses-ground/").content.decode()
    for text in [
        "<h1>ISIS shifts to defense as it loses ground</h1>",
        '<time datetime="2015-12-01">1 December 2015</time>',
        '<a href="/sources/asharq-al-awsat/">Asharq Al-Awsat</a>',
        'with <a href="/sources/afp/">AFP</a>',
        "Baghdad - Hamza Mustafa",
        "· Middle East",
        "<p>Baiji fell.</p><p>Sinjar followed.</p>",
        '<a href="/people/hisham-al-hashimi/">Hisham al-Hashimi</a>, Iraqi analyst who monitors ISIS (told <a href="/sources/afp/">AFP</a>)',
        "<p>The Kurds advance.</p>",
        '<a href="/regions/middle-east/">Middle East</a> › <a href="/regions/iraq/">Iraq</a> › '
        '<a href="/regions/saladin-governorate/">Saladin Governorate</a> › <a href="/regions/baiji/">Baiji</a>',
        "<dt>Media ID</dt><dd>55345953</dd>",
        'href="https://example.org/55345953"',
    ]:
        assert text in page


@pytest.mark.parametrize("path", ["/articles/55345953/", "/articles/55345953/an-old-title/"])
def test_a_missing_or_stale_slug_redirects_permanently_to_the_canonical_address(client, seed, path):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == "/articles/55345953/isis-shifts-to-defense-as-it-loses-ground/"


@pytest.mark.parametrize("path", ["/articles/1/", "/articles/99999999/x/", "/articles/9223372036854775808/",
                                  "/articles/123456789012345678901234567890/", "/articles/-1/", "/articles/abc/"])
def test_an_unknown_media_id_is_a_404(client, seed, path):
    assert client.get(path).status_code == 404


def test_a_draft_is_a_404_to_the_public(client, tree):
    draft = make_article("Unfinished", status="draft", published_on=None)
    assert client.get(f"/articles/{draft.media_id}/").status_code == 404
    assert client.get(f"/articles/{draft.media_id}/unfinished/").status_code == 404


def test_it_carries_canonical_open_graph_and_json_ld(client, seed):
    page = client.get("/articles/55345953/isis-shifts-to-defense-as-it-loses-ground/").content.decode()
    canonical = "http://testserver/articles/55345953/isis-shifts-to-defense-as-it-loses-ground/"
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert f'<meta property="og:url" content="{canonical}">' in page
    assert '<meta property="og:title" content="ISIS shifts to defense as it loses ground">' in page
    data = json_ld(page)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "ISIS shifts to defense as it loses ground"
    assert data["datePublished"] == "2015-12-01"
    assert data["identifier"]["value"] == "55345953"
    assert data["publisher"]["name"] == "Asharq Al-Awsat"
    assert [p["name"] for p in data["contentLocation"]] == ["Baiji", "Syria"]
    assert sorted(p["name"] for p in data["mentions"]) == ["Fabrice Balanche", "Hisham al-Hashimi"]


def test_a_script_in_the_title_cannot_break_out_of_the_json_ld(client, tree):
    title = 'Breaking </script><script>alert("x")</script> & more'
    article = make_article(title)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert page.count("<script") == 1  # the JSON-LD only
    assert json_ld(page)["headline"] == title


def test_related_articles_share_places_or_people_most_first(client, seed, tree):
    hashimi = seed.quotes.first().person
    make_article("Same place and person", regions=[tree["baiji"]], quotes=[(hashimi, "Again.")])
    make_article("Same place", regions=[tree["syria"]])
    make_article("Unrelated", regions=[tree["aleppo"]])
    make_article("Related draft", regions=[tree["baiji"]], status="draft", published_on=None)
    page = client.get(seed.get_absolute_url()).content.decode()
    related = page[page.index("Related articles"):]
    assert related.index("Same place and person") < related.index("Same place<")
    assert "Unrelated" not in related and "Related draft" not in related


def test_it_answers_conditional_requests_with_last_modified(client, seed):
    response = client.get(seed.get_absolute_url())
    assert response["Last-Modified"] == http_date(seed.updated.timestamp())
    assert "ETag" in response
    again = client.get(seed.get_absolute_url(), headers={"if-modified-since": response["Last-Modified"]})
    assert again.status_code == 304


def json_ld(page):
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_equally_related_articles_go_newest_first_and_a_place_inside_is_not_shared(client, tree):
    import datetime

    article = make_article("Fighting in Iraq", regions=[tree["iraq"]])
    for year in (2012, 2016, 2014):
        make_article(f"Iraq in {year}", regions=[tree["iraq"]], published_on=datetime.date(year, 5, 1))
    make_article("Baiji only", regions=[tree["baiji"]], published_on=datetime.date(2019, 1, 1))
    page = client.get(article.get_absolute_url()).content.decode()
    related = page[page.index("Related articles"):]
    assert related.index("Iraq in 2016") < related.index("Iraq in 2014") < related.index("Iraq in 2012")
    # Baiji is in Iraq, and the newest of all, but names no place the article names.
    assert "Baiji only" not in related


def test_the_candidates_for_related_articles_are_the_newest_naming_each_place_or_quoting_each_person(tree):
    """The newest `pool` articles naming any of the places (or a place inside one) and the
    newest `pool` quoting any of the people, as the article tables say (on SQLite the latest
    added: its index is by article id)."""
    import datetime

    from articles import search
    from articles.models import Article

    hashimi, khatib = make_person("Hisham al-Hashimi"), make_person("Lina Khatib")
    article = make_article("Fighting in Baiji", regions=[tree["baiji"], tree["aleppo"]], quotes=[(hashimi, "Yes.")])
    for n in range(14):
        make_article(f"Report {n}", published_on=datetime.date(2014, 1, 1) + datetime.timedelta(days=(n * 37) % 400),
                     regions=[[tree["baiji"]], [tree["aleppo"]], [tree["iraq"]], []][n % 4],
                     quotes=[[(hashimi, "No.")], [(khatib, "Maybe.")], []][n % 3], media_id=92000 + n)
    newest_first = ("-published_on", "-media_id") if connection.vendor == "postgresql" else ("-pk",)
    published = Article.objects.published().exclude(pk=article.pk).order_by(*newest_first)

    def newest(articles, pool):
        return {a.pk: (a.published_on, a.media_id) for a in articles.distinct()[:pool]}

    places = [tree["baiji"], tree["aleppo"]]
    for pool in (1, 3, 100):
        expected = newest(published.filter(regions__path__regex="^(" + "|".join(p.path for p in places) + ")"), pool)
        expected.update(newest(published.filter(quotes__person=hashimi), pool))
        found = search.backend().related_candidates(article.pk, [p.pk for p in places], [hashimi.pk], pool)
        assert found == expected, pool


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL's postings index")
@pytest.mark.django_db
def test_the_candidates_are_read_from_the_postings_index():
    from articles.search.postgres import RELATED_CANDIDATES

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few test rows: a scan would do
        cursor.execute("EXPLAIN " + RELATED_CANDIDATES, [["r", "p"], [1, 2], 3, 100])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Each value's range of the index, newest first: no scan of the index by value alone
    # and no sort (1.7 s a page at a million when the kinds did not match the column's type).
    assert "Index Cond: ((kind = v.kind) AND (value = v.value))" in plan and "Sort" not in plan
