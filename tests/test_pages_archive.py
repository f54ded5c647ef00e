"""/archive/<yyyy>/ and /archive/<yyyy>/<mm>/: the archive by date."""

import datetime

import pytest

from tests.builders import make_article


@pytest.fixture
def dated(db):
    for day in (1, 15, 31):
        make_article(f"March {day}", published_on=datetime.date(2015, 3, day))
    make_article("May", published_on=datetime.date(2015, 5, 2))
    make_article("New year", published_on=datetime.date(2016, 1, 1))
    make_article("Draft", status="draft", published_on=None)


def test_a_year_counts_its_months_and_links_those_with_articles(client, dated):
    page = client.get("/archive/2015/").content.decode()
    assert "4 articles published in 2015." in page
    assert '<a href="/archive/2015/03/">March</a></th><td class="number">3</td>' in page
    assert '<a href="/archive/2015/05/">May</a></th><td class="number">1</td>' in page
    assert '<th scope="row">April</th><td class="number">0</td>' in page
    assert '<a href="/archive/2016/">2016</a> <span class="count">1</span>' in page


def test_a_month_lists_its_articles_and_leads_to_its_neighbours(client, dated):
    page = client.get("/archive/2015/03/").content.decode()
    assert "Showing 1–3 of 3 articles" in page
    assert page.index("March 31") < page.index("March 15") < page.index("March 1<")
    assert 'rel="next" href="/archive/2015/05/">May 2015 →' in page
    assert 'rel="prev"' not in page


@pytest.mark.parametrize("path", ["/archive/2014/", "/archive/0000/", "/archive/2015/04/", "/archive/2015/13/",
                                  "/archive/2015/00/", "/archive/0000/01/", "/archive/15/", "/archive/2015/3/",
                                  "/archive/99999/", "/archive/2015/03/?page=2", "/archive/2015/03/?page=x"])
def test_dates_without_articles_or_malformed_are_a_404(client, dated, path):
    assert client.get(path).status_code == 404
