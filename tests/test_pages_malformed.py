"""No address or parameter a client can send makes a page fail with a 500."""

import pytest

from tests.builders import make_article, make_person, make_source

BAD_VALUES = ["", "abc", "0", "-1", "99999", "1e9", "9" * 40, "%00", "%3Cscript%3E", "%C3%28", "%F0%9F%92%A5",
              "2015-13-45", "0000-00-00", "'%20OR%201=1--", "..%2F..%2Fetc%2Fpasswd"]
FILTERS = ["region", "source", "person", "date_from", "date_to", "sort", "q"]
PAGINATED = ["/articles/", "/regions/iraq/", "/people/", "/people/hisham-al-hashimi/", "/sources/afp/",
             "/archive/2015/12/", "/sitemap-articles.xml"]
FILTERED = ["/articles/", "/feeds/articles/", "/people/"]
BAD_PATHS = [
    "/articles/0/", "/articles/99999999999999999999/", "/articles/1/%00/", "/articles/55345953/%E2%80%AE/",
    "/regions/%00/", "/regions/a%20b/", "/people/%F0%9F%92%A5/", "/archive/0000/", "/archive/9999/99/",
    "/archive/2015/13/", "/archive/-1/", "/feeds/regions/nowhere/", "/sitemap-nothing.xml", "/sitemap-articles.xml?p=0",
    "/sitemap-articles.xml?p=abc", "/sitemap-articles.xml?p=99", "/robots.txt?x=%00", "/%00", "/articles/%2e%2e/",
]


@pytest.fixture
def small_archive(tree):
    make_article("Seed", media_id=55345953, regions=[tree["baiji"]], quotes=[(make_person("Hisham al-Hashimi"), "Words.")],
                 credits=[make_source("AFP", kind="agency")])


@pytest.mark.parametrize("value", BAD_VALUES)
def test_no_parameter_value_is_a_server_error(client, small_archive, value):
    # The filters are checked together (a bad one never hides another), so one request
    # can carry them all; the page number is read on its own, after them.
    urls = [f"{path}?page={value}" for path in PAGINATED]
    urls += [f"{path}?" + "&".join(f"{name}={value}&{name}={value}" for name in FILTERS) for path in FILTERED]
    assert [(url, status) for url in urls if (status := client.get(url).status_code) >= 500] == []


@pytest.mark.parametrize("path", BAD_PATHS)
def test_no_malformed_address_is_a_server_error(client, small_archive, path):
    assert client.get(path).status_code < 500
