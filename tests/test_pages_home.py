import datetime

from tests.builders import make_article, make_person


def test_home_shows_the_archive_span_and_the_latest_articles(client, tree):
    make_article("First of all", published_on=datetime.date(2011, 3, 14))
    for day in range(1, 12):
        make_article(f"December {day}", published_on=datetime.date(2019, 12, day))
    make_article("Not yet", status="draft", published_on=None)
    page = client.get("/").content.decode()
    assert "12 articles, March 2011 – December 2019." in page
    assert "December 11" in page and "December 2" in page
    assert "December 1<" not in page  # ten latest only
    assert "Not yet" not in page
    assert 'href="/archive/2011/">2011</a> <span class="count">1</span>' in page
    assert 'href="/archive/2019/">2019</a> <span class="count">11</span>' in page


def test_home_counts_countries_and_people_over_the_last_twelve_months_and_links_to_them(client, tree):
    hashimi = make_person("Hisham al-Hashimi")
    make_article("Old Baiji", regions=[tree["baiji"]], quotes=[(hashimi, "Old.")], published_on=datetime.date(2014, 12, 31))
    make_article("Iraq and Baiji", regions=[tree["iraq"], tree["baiji"]], quotes=[(hashimi, "A."), (hashimi, "B.")],
                 published_on=datetime.date(2015, 1, 1))
    make_article("Aleppo", regions=[tree["aleppo"]], published_on=datetime.date(2015, 12, 1))
    page = client.get("/").content.decode()
    window = "date_from=2015-01-01&amp;date_to=2015-12-01"
    assert f'href="/articles/?region=iraq&amp;{window}">1 article</a>' in page
    assert f'href="/articles/?region=syria&amp;{window}">1 article</a>' in page
    assert f'href="/articles/?person=hisham-al-hashimi&amp;{window}">1 article</a>' in page
    # The link leads to exactly the articles counted.
    listing = client.get("/articles/", {"region": "iraq", "date_from": "2015-01-01", "date_to": "2015-12-01"})
    assert "Showing 1–1 of 1 article" in listing.content.decode()


def test_an_empty_archive_has_a_home_page(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "no published articles yet" in response.content.decode()
