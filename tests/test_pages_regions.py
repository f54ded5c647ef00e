"""/regions/ and /regions/<slug>/: the tree with counts that include everything below."""

import datetime

import pytest

from tests.builders import make_article, make_person, make_region


@pytest.fixture
def placed(tree):
    hashimi = make_person("Hisham al-Hashimi", description="Iraqi analyst")
    make_article("Iraq and Baiji", regions=[tree["iraq"], tree["baiji"]], quotes=[(hashimi, "One.")],
                 published_on=datetime.date(2015, 1, 10))
    make_article("Baiji again", regions=[tree["baiji"]], quotes=[(hashimi, "Two."), (hashimi, "Three.")],
                 published_on=datetime.date(2015, 3, 10))
    make_article("Aleppo and Baiji", regions=[tree["aleppo"], tree["baiji"]], published_on=datetime.date(2015, 3, 11))
    make_article("Draft in Syria", regions=[tree["syria"]], status="draft", published_on=None)
    make_region("Empty Province", "province", tree["iraq"])
    return tree


def test_the_tree_counts_each_article_once_in_every_region_above_its_places(client, placed):
    page = client.get("/regions/").content.decode()
    assert counted(page, "middle-east") == "3"
    assert counted(page, "iraq") == "3"
    assert counted(page, "saladin-governorate") == "3"
    assert counted(page, "syria") == "1"
    assert counted(page, "aleppo-governorate") == "1"
    assert "Empty Province" not in page


def test_the_tree_stops_at_what_lies_directly_in_a_country_and_region_pages_go_on(client, placed):
    assert "/regions/baiji/" not in client.get("/regions/").content.decode()
    page = client.get("/regions/saladin-governorate/").content.decode()
    assert '<a href="/regions/baiji/">Baiji</a> <span class="count">3 articles</span>' in page


def test_the_tree_folds_below_the_top_without_javascript(client, placed):
    page = client.get("/regions/").content.decode()
    assert page.count("<details open>") == 1  # the world region, open on its countries
    assert page.count("<details>") == 2  # Iraq and Syria, folded on their provinces
    assert page.count("<details") == page.count("</details>")
    assert page.count("<ul") == page.count("</ul>") and page.count("<li>") == page.count("</li>")
    assert "<script" not in page


def test_a_region_page_has_breadcrumbs_places_below_people_and_its_articles(client, placed):
    page = client.get("/regions/iraq/").content.decode()
    assert '<li><a href="/regions/middle-east/">Middle East</a></li>\n    <li aria-current="page">Iraq</li>' in page
    assert '<a href="/regions/saladin-governorate/">Saladin Governorate</a> <span class="count">3 articles</span>' in page
    assert "Empty Province" not in page
    assert '<a class="count" href="/articles/?person=hisham-al-hashimi&amp;region=iraq">2 articles</a>' in page
    assert "Showing 1–3 of 3 articles" in page
    assert "Draft in Syria" not in page
    assert 'type="application/atom+xml" title="Articles about Iraq (Atom)" href="/feeds/regions/iraq/"' in page


def test_a_region_page_draws_articles_per_month_with_svg_attributes_and_a_table(client, placed):
    page = client.get("/regions/iraq/").content.decode()
    timeline = page[page.index('<div class="timeline">'):page.index("</details>", page.index('<div class="timeline">'))]
    assert timeline.count('<rect class="bar"') == 2  # January and March; February is an empty slot
    assert "style" not in timeline
    assert '<a href="/articles/?region=iraq&amp;date_from=2015-03-01&amp;date_to=2015-03-31">March 2015</a></th><td>2</td>' in timeline
    assert "February 2015" not in timeline


def test_an_empty_region_still_has_a_page(client, placed):
    response = client.get("/regions/empty-province/")
    assert response.status_code == 200
    assert "No published articles about this place yet." in response.content.decode()


def test_an_unknown_region_is_a_404(client, placed):
    assert client.get("/regions/atlantis/").status_code == 404


def test_the_region_pages_paginate(client, placed, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    assert "Showing 3–3 of 3 articles" in client.get("/regions/iraq/?page=2").content.decode()
    assert client.get("/regions/iraq/?page=3").status_code == 404


def counted(page, slug):
    """The count shown beside a region of the tree."""
    marker = f'<a href="/regions/{slug}/">'
    after = page[page.index(marker):]
    return after.split('<span class="count">', 1)[1].split("</span>", 1)[0]
