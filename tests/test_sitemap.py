"""/sitemap.xml and /robots.txt."""

import xml.etree.ElementTree as ET

import pytest

from tests.builders import make_article, make_person, make_source

SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def mapped(tree):
    make_article("Published", media_id=101, regions=[tree["baiji"]], quotes=[(make_person("Hisham al-Hashimi"), "Yes.")],
                 publication=make_source("Asharq Al-Awsat"))
    make_article("Draft", media_id=102, status="draft", published_on=None, regions=[tree["aleppo"]],
                 quotes=[(make_person("Secret Source"), "Hush.")], publication=make_source("Secret Wire"))


def every_url(client):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    urls = []
    for location in index.findall("s:sitemap/s:loc", SITEMAP):
        response = client.get(location.text.removeprefix("http://testserver"))
        assert response.status_code == 200
        urls += [loc.text.removeprefix("http://testserver") for loc in ET.fromstring(response.content).findall("s:url/s:loc", SITEMAP)]
    return urls


def test_the_sitemap_lists_published_articles_and_what_they_name_only(client, mapped):
    urls = every_url(client)
    assert "/articles/101/published/" in urls
    assert not any(url.startswith("/articles/102/") for url in urls)
    assert {"/regions/middle-east/", "/regions/iraq/", "/regions/saladin-governorate/", "/regions/baiji/"} <= set(urls)
    assert "/regions/aleppo/" not in urls
    assert "/people/hisham-al-hashimi/" in urls and "/people/secret-source/" not in urls
    assert "/sources/asharq-al-awsat/" in urls and "/sources/secret-wire/" not in urls
    assert {"/", "/articles/", "/regions/", "/people/", "/sources/", "/archive/2015/", "/archive/2015/12/"} <= set(urls)


def test_every_url_of_the_sitemap_answers_200(client, mapped):
    for url in every_url(client):
        assert client.get(url).status_code == 200, url


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_article_addresses_in_the_sitemap_are_their_canonical_ones(client, mapped):
    from articles.models import Article

    article = Article.objects.get(media_id=101)
    content = client.get("/sitemap-articles.xml").content.decode()
    assert f"<loc>http://testserver{article.get_absolute_url()}</loc>" in content
