"""Public pages are kept until the archive changes; editors always get fresh ones."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders import make_article


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.django_db
def test_an_article_page_is_rendered_once_until_the_archive_changes(client, tree):
    article = make_article("Fighting near Baiji", regions=[tree["baiji"]])
    url = article.get_absolute_url()
    first, page = queries(client, url)
    again, same = queries(client, url)
    assert same == page and again == 0 < first
    article.title = "Fighting near Baiji ends"
    article.save()
    _, changed = queries(client, article.get_absolute_url())
    assert "Fighting near Baiji ends" in changed


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/regions/iraq/", "/articles/?region=iraq"])
def test_a_listing_follows_a_new_article(client, tree, url):
    make_article("First", regions=[tree["baiji"]])
    assert "Second" not in queries(client, url)[1]
    make_article("Second", regions=[tree["baiji"]])
    assert "Second" in queries(client, url)[1]


@pytest.mark.django_db
def test_a_reader_with_a_session_gets_a_fresh_page(client, tree, settings):
    article = make_article("Fighting near Baiji")
    queries(client, "/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "x"
    assert queries(client, "/")[0] > 1
    assert queries(client, article.get_absolute_url())[0] > 1


@pytest.mark.django_db
def test_a_search_is_run_once_until_the_archive_changes(client, tree):
    make_article("Fighting near Baiji", regions=[tree["baiji"]])
    url = "/search/?q=fighting&region=iraq"
    first, page = queries(client, url)
    again, same = queries(client, url)
    assert same == page and again == 0 < first
    make_article("Fighting resumes in Baiji", regions=[tree["baiji"]])
    _, changed = queries(client, url)
    assert "resumes in Baiji" in changed



@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-regions.xml"])
def test_the_sitemap_is_built_once_until_the_archive_changes(client, tree, url):
    make_article("Fighting near Baiji", regions=[tree["baiji"]], media_id=81000001)
    first, sitemap = queries(client, url)
    again, same = queries(client, url)
    assert same == sitemap and again == 0 < first
    make_article("Talks in Aleppo", regions=[tree["aleppo"]], media_id=81000002)
    _, changed = queries(client, url)
    assert changed != sitemap
