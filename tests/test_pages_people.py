"""/people/ and /people/<slug>/: who is quoted, and every quote of theirs."""

import datetime

import pytest

from tests.builders import make_article, make_person, make_source


@pytest.fixture
def quoted(tree):
    hashimi = make_person("Hisham al-Hashimi", description="Iraqi analyst who monitors ISIS")
    balanche = make_person("Fabrice Balanche", description="French geographer")
    make_article("Later", published_on=datetime.date(2016, 5, 1), quotes=[(hashimi, "Later words.")])
    make_article("Earlier", published_on=datetime.date(2015, 5, 1),
                 quotes=[(hashimi, "First words."), (balanche, "His words."), (hashimi, "Second words.")])
    make_article("Draft", status="draft", published_on=None, quotes=[(hashimi, "Unpublished words.")])
    return {"hashimi": hashimi, "balanche": balanche}


def test_the_list_counts_published_quotes_and_sorts_by_name_or_count(client, quoted):
    page = client.get("/people/").content.decode()
    assert page.index("Fabrice Balanche") < page.index("Hisham al-Hashimi")
    assert row(page, "hisham-al-hashimi") == "3"
    assert row(page, "fabrice-balanche") == "1"
    by_count = client.get("/people/?sort=quotes").content.decode()
    assert by_count.index("Hisham al-Hashimi") < by_count.index("Fabrice Balanche")


def test_a_person_page_lists_every_published_quote_oldest_first(client, quoted):
    page = client.get("/people/hisham-al-hashimi/").content.decode()
    assert "Iraqi analyst who monitors ISIS" in page
    assert "Quotes in articles 1–2 of the 2 articles quoting Hisham al-Hashimi" in page
    assert page.index("First words.") < page.index("Second words.") < page.index("Later words.")
    assert "Unpublished words." not in page
    assert '<a href="/articles/70' in page and '<time datetime="2015-05-01">1 May 2015</time>' in page
    assert '<rect class="bar"' in page


def test_a_quote_given_to_an_outlet_says_so(client, tree):
    person = make_person("Fabrice Balanche")
    article = make_article("Told", quotes=[(person, "Words.")])
    article.quotes.update(given_to=make_source("AFP", kind="agency"))
    assert 'Told <a href="/sources/afp/">AFP</a>, in' in client.get("/people/fabrice-balanche/").content.decode()


def test_someone_quoted_only_in_drafts_stays_private(client, tree):
    make_article("Draft", status="draft", published_on=None, quotes=[(make_person("Secret Source"), "Hush.")])
    assert client.get("/people/secret-source/").status_code == 404
    assert "Secret Source" not in client.get("/people/").content.decode()
    assert client.get("/people/nobody/").status_code == 404


def test_names_in_arabic_script_or_with_diacritics_display_sort_and_filter(client, tree):
    arabic = make_person("هشام الهاشمي", description="محلل عراقي")
    accented = make_person("Élise Dupont")
    plain = make_person("Eli Cohen")
    make_article("Quoted", quotes=[(arabic, "كلمات."), (accented, "Mots."), (plain, "Words.")])
    people = client.get("/people/").content.decode()
    assert "<bdi>هشام الهاشمي</bdi>" in people
    assert people.index("Eli Cohen") < people.index("Élise Dupont") < people.index("هشام الهاشمي")
    page = client.get(arabic.get_absolute_url()).content.decode()
    assert "<h1><bdi>هشام الهاشمي</bdi></h1>" in page and "محلل عراقي" in page and "كلمات." in page
    listing = client.get("/articles/", {"person": arabic.slug}).content.decode()
    assert "Showing 1–1 of 1 article" in listing
    assert f'<option value="{arabic.slug}" selected>هشام الهاشمي</option>' in listing


def row(page, slug):
    after = page[page.index(f'href="/people/{slug}/"'):]
    return after.split('<td class="number">', 1)[1].split("</td>", 1)[0]
