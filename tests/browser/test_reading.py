"""A reader's way through the archive, in Chromium, on a live server."""

import re

import pytest

from tests.browser.conftest import LIVE_DB, DESKTOP, PHONE, axe_violations, csp_violations, dump, page_types

pytestmark = [pytest.mark.browser, LIVE_DB]


def test_home_to_region_to_article_to_person_and_back(open_page, newsroom):
    page = open_page("/")
    page.get_by_role("link", name="Iraq", exact=True).first.click()
    assert page.locator("h1").inner_text() == "Iraq"
    page.get_by_role("link", name="Fighting near Baiji, day 12").click()
    assert page.locator("h1").inner_text() == "Fighting near Baiji, day 12"
    assert "Middle East › Iraq › Saladin Governorate › Baiji" in page.locator(".places").inner_text()
    page.get_by_role("link", name="Hisham al-Hashimi").first.click()
    assert page.locator("h1").inner_text() == "Hisham al-Hashimi"
    assert "Quotes in articles 1–12 of the 12 articles quoting Hisham al-Hashimi" in page.content()
    page.go_back()
    assert page.locator("h1").inner_text() == "Fighting near Baiji, day 12"
    page.go_back()
    assert page.locator("h1").inner_text() == "Iraq"
    assert csp_violations(page) == []


def test_filter_the_listing_by_region_and_date_then_follow_the_pages(open_page, newsroom):
    page = open_page("/articles/", viewport=PHONE)
    page.select_option("#filter-region", "iraq")
    page.fill("#filter-date_from", "2015-10-03")
    page.fill("#filter-date_to", "2015-12-31")
    page.get_by_role("button", name="Show articles").click()
    assert re.search(r"region=iraq", page.url) and "date_from=2015-10-03" in page.url
    assert "Showing 1–5 of 10 articles" in page.locator(".count").first.inner_text()
    page.get_by_role("link", name="Next").click()
    assert "page=2" in page.url and "region=iraq" in page.url and "date_to=2015-12-31" in page.url
    assert "Showing 6–10 of 10 articles" in page.locator(".count").first.inner_text()
    assert page.locator("#filter-region").input_value() == "iraq"
    assert page.locator("#filter-date_from").input_value() == "2015-10-03"
    assert csp_violations(page) == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_page_type_passes_axe_light_and_dark_without_csp_violations(open_page, live_server, newsroom, viewport):
    problems = {}
    page = open_page("/", viewport=viewport)
    for name, path in page_types(newsroom).items():
        page.console_errors.clear()
        page.emulate_media(color_scheme="light")
        page.goto(live_server.url + path)
        found = axe_violations(page) + csp_violations(page)
        page.emulate_media(color_scheme="dark")
        found += [f"dark: {v}" for v in axe_violations(page, load=False)]
        if name not in ("bad-filter", "not-found"):
            found += page.console_errors
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"]:
            found.append(f"the page is {width} px wide: it scrolls sideways")
        if found:
            problems[name] = found
    assert problems == {}, dump(problems)


def test_json_ld_is_data_the_policy_lets_be(open_page, newsroom):
    page = open_page(newsroom["articles"][0].get_absolute_url())
    data = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
    assert data["@type"] == "NewsArticle" and data["identifier"]["value"] == str(newsroom["articles"][0].media_id)
    assert csp_violations(page) == []


def test_the_region_tree_folds_without_javascript(open_page, newsroom):
    page = open_page("/regions/")
    saladin = page.get_by_role("link", name="Saladin Governorate")
    assert not saladin.is_visible()
    page.get_by_text("1 place in Iraq").click()
    assert saladin.is_visible()
