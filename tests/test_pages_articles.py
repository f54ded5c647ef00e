"""/articles/: the listing with the one filter form."""

import datetime

import pytest

from tests.builders import make_article, make_person, make_source


@pytest.fixture
def forty(db, tree):
    return [
        make_article(f"Article {n:02d}", regions=[tree["baiji"] if n % 2 else tree["aleppo"]],
                     published_on=datetime.date(2015, 1, 1) + datetime.timedelta(days=n))
        for n in range(40)
    ]


def test_it_lists_published_articles_newest_first_with_the_count(client, forty):
    make_article("Draft", status="draft", published_on=None)
    page = client.get("/articles/").content.decode()
    assert "Showing 1–20 of 40 articles" in page
    assert page.index("Article 39") < page.index("Article 38")
    assert "Draft" not in page


def test_next_page_link_carries_every_filter(client, tree, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    for n in range(5):
        make_article(f"Baiji {n}", regions=[tree["baiji"]], published_on=datetime.date(2015, 3, n + 1))
    page = client.get("/articles/", {"region": "iraq", "date_from": "2015-03-01", "sort": "oldest"}).content.decode()
    assert "Showing 1–2 of 5 articles" in page
    assert 'href="?region=iraq&amp;date_from=2015-03-01&amp;sort=oldest&amp;page=2"' in page
    second = client.get("/articles/?region=iraq&date_from=2015-03-01&sort=oldest&page=2").content.decode()
    assert "Showing 3–4 of 5 articles" in second
    assert second.index("Baiji 2") < second.index("Baiji 3")
    assert 'href="?region=iraq&amp;date_from=2015-03-01&amp;sort=oldest"' in second  # back to page 1


def test_the_form_submitted_with_nothing_chosen_lists_everything(client, forty):
    response = client.get("/articles/?region=&source=&person=&date_from=&date_to=&sort=newest")
    assert response.status_code == 200
    assert "Showing 1–20 of 40 articles" in response.content.decode()


def test_the_form_offers_what_published_articles_name_and_keeps_the_choice(client, tree):
    make_article("Baiji", regions=[tree["baiji"]], publication=make_source("Tigris Daily"))
    make_article("Draft", regions=[tree["aleppo"]], status="draft", published_on=None,
                 quotes=[(make_person("Secret Source"), "Hush.")])
    page = client.get("/articles/", {"region": "saladin-governorate"}).content.decode()
    assert '<option value="saladin-governorate" selected>' in page
    assert '<option value="tigris-daily">Tigris Daily</option>' in page
    assert "aleppo" not in page
    assert "Secret Source" not in page


def test_several_values_of_one_parameter_stay_chosen(client, tree):
    make_article("Baiji", regions=[tree["baiji"]])
    make_article("Aleppo", regions=[tree["aleppo"]])
    page = client.get("/articles/?region=baiji&region=aleppo").content.decode()
    assert "Showing 1–2 of 2 articles" in page
    assert '<select id="filter-region" name="region" multiple>' in page
    assert '<option value="baiji" selected>' in page and '<option value="aleppo" selected>' in page


@pytest.mark.parametrize(
    "query, message",
    [
        ("region=atlantis", "There is no region “atlantis” in the archive."),
        ("region=%3Cscript%3Ealert(1)%3C/script%3E", "There is no region “&lt;script&gt;alert(1)&lt;/script&gt;”"),
        ("date_from=2015-02-30", "Give the start date as YYYY-MM-DD, a real date."),
        ("date_from=0000-01-01", "Give the start date as YYYY-MM-DD, a real date."),
        ("date_to=2015-13-01", "Give the end date as YYYY-MM-DD, a real date."),
        ("date_from=2016-01-01&date_to=2015-01-01", "The end date is before the start date."),
        ("sort=sideways", "Order by relevance, newest or oldest."),
        ("region=%00", "Null characters are not allowed."),
    ],
)
def test_a_bad_filter_value_is_a_400_page_with_a_clear_message(client, forty, query, message):
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "No articles match these filters." in page
    assert "<script>alert" not in page


@pytest.mark.parametrize("page, message", [("abc", "“abc” is not a page number."), ("0", "There is no page 0"),
                                            ("99999", "There is no page 99999 here: pages run from 1 to 2."),
                                            ("-1", "There is no page -1"), ("1e9", "is not a page number")])
def test_a_page_that_is_not_there_is_a_404_that_says_why(client, forty, page, message):
    response = client.get("/articles/", {"page": page})
    assert response.status_code == 404
    assert message in response.content.decode()


def test_the_listing_offers_its_own_feed(client, forty):
    page = client.get("/articles/?region=iraq&sort=oldest&page=1").content.decode()
    assert 'href="/feeds/articles/?region=iraq&amp;sort=oldest"' in page
