"""/search/: ranked results with snippets and the exact count, every filter of the contract,
what the parser understood, why nothing matched, and no server error for any input."""

import datetime
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import search
from tests.builders import make_article, make_person, make_region, make_source


@pytest.fixture
def archive(tree):
    hashimi, balanche = make_person("Hisham al-Hashimi"), make_person("Fabrice Balanche")
    afp = make_source("AFP", kind="agency")
    make_article("Air strikes hit Mosul", summary="Coalition air strikes on Mosul.", regions=[tree["iraq"]],
                 credits=[afp], published_on=datetime.date(2015, 6, 1))
    make_article("Fighting near Baiji", body="The refinery is under attack.\n\nMore fighting.", regions=[tree["baiji"]],
                 quotes=[(hashimi, "ISIS is on the defensive in Baiji.")], published_on=datetime.date(2015, 12, 1))
    make_article("Aleppo under siege", body="Attacks on Aleppo.", regions=[tree["aleppo"]],
                 quotes=[(balanche, "The regime gains.")], published_on=datetime.date(2016, 2, 3))
    make_article("Kurds hold al-Bab", body="Kurdish forces, not Turkey.", regions=[tree["syria"]],
                 published_on=datetime.date(2016, 3, 1))
    return tree


def titles(response):
    return [a.title for a in response.context["articles"]]


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def test_the_bare_page_shows_the_form_and_how_to_search(client, archive):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "How to search" in response.content.decode() and "articles" not in response.context
    assert 'name="q"' in response.content.decode()


def test_results_come_ranked_with_marked_titles_and_snippets(client, archive):
    response = client.get("/search/?q=Mosul")
    assert titles(response) == ["Air strikes hit Mosul"]
    html = response.content.decode()
    assert "Air strikes hit <mark>Mosul</mark>" in html
    assert "Coalition air strikes on <mark>Mosul</mark>." in html


def test_title_matches_rank_above_body_matches(client, archive):
    make_article("Attack on the refinery", published_on=datetime.date(2010, 1, 1))
    assert titles(client.get("/search/?q=attack"))[0] == "Attack on the refinery"


def test_the_count_is_exact_and_says_which_ones_are_shown(client, archive, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    for n in range(3):
        make_article(f"Mosul report {n}", published_on=datetime.date(2014, 1, 1 + n))
    response = client.get("/search/?q=Mosul&page=2")
    assert response.context["count"] == 4
    assert "3–4 of 4 articles" in text(response)


def test_pagination_keeps_every_parameter(client, archive, settings):
    settings.ARCHIVE_PAGE_SIZE = 1
    response = client.get("/search/?q=attack&region=baiji&region=aleppo&date_from=2015-01-01")
    assert response.context["count"] == 2
    assert 'href="?q=attack&amp;region=baiji&amp;region=aleppo&amp;date_from=2015-01-01&amp;page=2"' in response.content.decode()


def test_several_values_of_one_filter_mean_either(client, archive):
    response = client.get("/search/?region=baiji&region=aleppo")
    assert sorted(titles(response)) == ["Aleppo under siege", "Fighting near Baiji"]


def test_a_region_includes_everything_below_it_and_filters_combine(client, archive):
    assert titles(client.get("/search/?region=iraq&sort=oldest")) == ["Air strikes hit Mosul", "Fighting near Baiji"]
    assert titles(client.get("/search/?region=iraq&date_from=2015-07-01")) == ["Fighting near Baiji"]
    assert titles(client.get("/search/?region=iraq&source=afp")) == ["Air strikes hit Mosul"]


def test_quotes_and_speakers_are_searched_and_person_narrows_to_those_quoting_them(client, archive):
    assert titles(client.get("/search/?q=defensive")) == ["Fighting near Baiji"]
    assert titles(client.get("/search/?q=Balanche")) == ["Aleppo under siege"]
    assert titles(client.get("/search/?q=attack&person=hisham-al-hashimi")) == ["Fighting near Baiji"]
    assert "Hisham al-Hashimi: “ISIS is on the <mark>defensive</mark> in Baiji.”" in client.get("/search/?q=defensive").content.decode()


def test_the_page_says_how_it_read_the_query(client, archive):
    page = text(client.get("/search/?q=" + "Kurdish OR Kurds -Turkey the"))
    assert "Searched for: (Kurdish OR Kurds) AND NOT Turkey." in page
    assert "Common words are ignored: the." in page
    assert "A minus sign inside an OR group is ignored" in text(client.get("/search/?q=Kurds OR -Turkey"))
    assert "only its first 64 words are used" in text(client.get("/search/?q=" + "word " * 70))


def test_a_query_of_only_exclusions_lists_every_article_without_them(client, archive):
    response = client.get("/search/?q=-Mosul")
    assert "Showing every article without Mosul." in text(response)
    assert "Air strikes hit Mosul" not in titles(response) and len(titles(response)) == 3


def test_a_query_of_only_common_words_says_so(client, archive):
    page = text(client.get("/search/?q=the+of"))
    assert "The query has no words to search for." in page and "Common words are ignored: the, of." in page


def test_no_results_says_why_and_what_to_try(client, archive):
    response = client.get("/search/?q=Mosul+zzyzx&region=iraq")
    page = text(response)
    assert response.status_code == 200
    assert "No article matches Mosul AND zzyzx with these filters." in page
    assert "Without zzyzx in the query: 1 article" in page
    assert "check the spelling" in page
    (suggestion,) = [s for s in response.context["suggestions"] if s.count]
    assert client.get(suggestion.url).context["count"] == 1


@pytest.mark.parametrize(
    "query, message",
    [
        ("region=narnia", "There is no region “narnia” in the archive."),
        ("source=nobody", "There is no source “nobody” in the archive."),
        ("person=nobody", "There is no person “nobody” in the archive."),
        ("date_from=2015-02-30", "Give the start date as YYYY-MM-DD, a real date."),
        ("date_from=2016-01-01&date_to=2015-01-01", "The end date is before the start date."),
        ("sort=bogus", "Order by relevance, newest or oldest."),
        ("q=a%00b", "Null characters are not allowed."),
        ("q=" + "a" * 10_001, "at most 10000 characters"),
    ],
)
def test_a_bad_value_gives_the_page_with_a_clear_message(client, archive, query, message):
    response = client.get(f"/search/?{query}")
    assert response.status_code == 400
    assert message in text(response)
    assert "search-facets" not in response.content.decode()


@pytest.mark.parametrize("page, message", [
    ("99", "There is no page 99 of these results"), ("abc", "“abc” is not a page number."),
    ("²", "“²” is not a page number."),  # a digit that int() refuses
    ("٢", "There is no page ٢ of these results"),  # an Arabic-Indic two, which it takes
])
def test_a_page_that_is_not_there_says_so(client, archive, page, message):
    response = client.get(f"/search/?q=attack&page={page}")
    assert response.status_code == 404
    assert message in text(response)
    assert response.context["count"] == 2


def test_a_ten_thousand_character_query_is_searched(client, archive):
    response = client.get("/search/?q=" + ("Mosul " * 2000)[:10_000])
    assert response.status_code == 200 and titles(response) == ["Air strikes hit Mosul"]


def test_a_script_in_a_title_never_reaches_the_page_unescaped(client, archive):
    make_article('<script>alert("x")</script> attack', summary="<img src=x onerror=alert(1)> attack")
    html = client.get("/search/?q=attack+alert").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;<mark>alert</mark>" in html


def test_the_page_links_its_atom_feed_and_exports(client, archive):
    html = client.get("/search/?q=Mosul&region=iraq&page=1").content.decode()
    feed = "/feeds/articles/?q=Mosul&amp;region=iraq&amp;sort=newest"
    assert f'<link rel="alternate" type="application/atom+xml" title="This search (Atom)" href="{feed}">' in html
    assert f'<a href="{feed}">Follow this search (Atom feed)</a>' in html
    assert 'href="/search/export.csv?q=Mosul&amp;region=iraq"' in html
    assert 'href="/search/export.jsonl?q=Mosul&amp;region=iraq"' in html
    response = client.get(feed.replace("&amp;", "&"))
    assert response.status_code == 200 and b"Air strikes hit Mosul" in response.content


def test_the_order_shown_is_the_order_applied(client, archive):
    assert '<option value="relevance" selected>' in client.get("/search/?q=attack").content.decode()
    assert '<option value="newest" selected>' in client.get("/search/?region=iraq").content.decode()


def test_the_page_runs_a_fixed_number_of_queries(client, archive, settings):
    def queries(url):
        cache.clear()  # the form's choices are cached: count them every time
        caches["pages"].clear()  # and so is the page
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    # The form's choices (5), the archive's size (1: whether a sample could hold enough
    # matches for an estimate), the facets and the count (2: the sample's first, to see
    # whether the query is broad, then the exact ones), the page's ids from the index (1),
    # the page and what its cards show (4), the names of the facets' values (up to 3); slug
    # lookups for the filters; on PostgreSQL the facet and page queries' planner setting
    # adds a transaction and two statements to each (in a test, four), and ranking asks the
    # planner how many articles the words are in (1); the first search on a connection asks
    # whether a RUM index ranks, not counted. With RUM, a one-word search first ranks the
    # articles with the word in their title, then, when they are too few for the page (as
    # here), every match, in the same transaction: a cursor declared, read and closed (3).
    # With RUM, an OR of words asks the planner how many articles each of its words is in (3)
    # and ranks in parts: the articles holding its rarer words, then the broadest word's
    # titles and, when too few for the page, every article holding it (two cursors more, 6).
    extra = 13 if connection.vendor == "postgresql" else 0
    one_word = 3 if connection.vendor == "postgresql" and search.backend().ranks_with_index() else 0
    either = 3 * one_word
    url = "/search/?q=attack OR Mosul OR siege&region=middle-east&person=hisham-al-hashimi&person=fabrice-balanche"
    queries("/search/?q=attack")  # the connection asks once whether a RUM index ranks
    settings.ARCHIVE_PAGE_SIZE = 1
    few = queries(url)
    settings.ARCHIVE_PAGE_SIZE = 20
    assert queries(url) == few <= 17 + extra + either
    assert queries("/search/?q=attack") <= 15 + extra + one_word


HOSTILE_Q = [
    '"', '""', '"""', "-", "--", "- -", "OR", "OR OR", "a OR", "OR a", '-"', '-"a', '"a', "AND", "NOT", "NEAR(a b)",
    "*", "a*", ":", "title:Iraq", "^a", "(", "((a)", "'", "\\", "%", "_", "\x00", "a\x00b", "\x01\x1f\x7f",
    "\u200b", "\ufeff", "\U0001f4a5", "\u0627\u0644\u0639\u0631\u0627\u0642", "中国", "a" * 10_000, "word " * 3000,
    "-a -b -c", '"the of and"', "the", "'; DROP TABLE articles_article; --", "<script>alert(1)</script>",
    "{{ 7*7 }}", "${jndi:ldap://x}", "a\r\nb", "\t", "NULL", "1e309", "-" * 100, '"' * 101, "\u202eMosul",
    "Mosul OR -", "- OR -", '"-Mosul"', "-\u201cair strikes\u201d", "x" * 70 + " y",
]
HOSTILE_FILTERS = [
    ("region", ""), ("region", "nowhere"), ("region", "a" * 5000), ("region", "../"), ("region", "IRAQ"),
    ("region", "iraq\x00"), ("source", "1"), ("source", "%"), ("person", "' OR 1=1 --"), ("person", "\U0001f4a5"),
    ("date_from", "2015-02-30"), ("date_from", "0000-00-00"), ("date_from", "0001-01-01"), ("date_to", "9999-12-31"),
    ("date_to", "10000-01-01"), ("date_from", "2015-1-1"), ("date_from", "-1"), ("date_to", "2015-12-01T00:00"),
    ("date_to", "\x00"), ("sort", "bogus"), ("sort", ""), ("sort", "RELEVANCE"), ("page", "0"), ("page", "-1"),
    ("page", "abc"), ("page", "9" * 40), ("page", "1.5"), ("page", ""), ("page", "1e3"), ("page", "2"),
]
PATHS = ["/search/", "/articles/", "/search/export.csv", "/search/export.jsonl"]


def fetch(client, path, params):
    response = client.get(path, params)
    if response.streaming:
        b"".join(response.streaming_content)  # an error half way through the stream fails here
    return response.status_code


@pytest.mark.parametrize("path", PATHS)
def test_no_hostile_input_is_a_server_error(client, archive, path):
    statuses = {repr(q)[:40]: fetch(client, path, {"q": q, "region": "iraq"}) for q in HOSTILE_Q}
    statuses.update({f"{k}={v!r}"[:40]: fetch(client, path, {"q": "attack", k: v}) for k, v in HOSTILE_FILTERS})
    statuses["raw bytes"] = fetch(client, path + "?q=%ED%A0%80%C3%28&region=%FF", {})
    statuses["everything"] = fetch(client, path + "?" + "&".join(f"{k}={v}" for k, v in HOSTILE_FILTERS if v), {})
    # Django answers 400 for more than DATA_UPLOAD_MAX_NUMBER_FIELDS; the test client would re-raise.
    statuses["too many parameters"] = fetch(Client(raise_request_exception=False),
                                            path + "?" + "&".join(f"region=r{n}" for n in range(1200)), {})
    assert {key: status for key, status in statuses.items() if status >= 500} == {}


def test_names_from_the_database_are_escaped_in_facets_and_places(client, tree):
    evil = '<script>alert("x")</script>'
    region = make_region(f"Province {evil}", "province", tree["iraq"], slug="evil-province")
    make_article("Attack", regions=[region], publication=make_source(f"Wire {evil}", slug="evil-wire"),
                 quotes=[(make_person(f"Speaker {evil}", slug="evil-speaker"), "Words.")])
    html = client.get("/search/?q=attack").content.decode()
    assert "<script>" not in html and html.count("&lt;script&gt;") >= 4


VNU = Path(__file__).resolve().parent.parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.mark.skipif(not (VNU.exists() and shutil.which("java")), reason="needs Java and node_modules/vnu-jar")
def test_the_search_pages_are_valid_html(client, archive, tmp_path, settings):
    settings.ARCHIVE_PAGE_SIZE = 1
    urls = ["/search/", "/search/?q=attack OR Mosul&region=middle-east&page=2", "/search/?q=zzz Mosul&region=iraq",
            "/search/?q=-Mosul", "/search/?region=narnia&sort=x", "/search/?q=attack&page=9"]
    files = []
    for n, url in enumerate(urls):
        files.append(tmp_path / f"{n}.html")
        files[-1].write_bytes(client.get(url).content)
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                            capture_output=True, text=True, timeout=120)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert [f"{urls[int(Path(m['url']).stem)]}: {m['message']} [{m.get('extract', '')}]" for m in messages] == []


def test_a_long_search_is_kept_under_a_key_any_cache_takes(client, archive, recwarn):
    # memcached takes keys of up to 250 characters without spaces; Django warns of any other.
    url = "/search/?q=" + "Mosul%20" * 400
    first = client.get(url)
    assert first.status_code == 200 and client.get(url).content == first.content
    assert not [w for w in recwarn if "Cache key" in str(w.message)]
