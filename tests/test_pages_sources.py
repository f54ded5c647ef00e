"""/sources/ and /sources/<slug>/: publications and agencies."""

import pytest

from tests.builders import make_article, make_person, make_source


@pytest.fixture
def sourced(db):
    asharq = make_source("Asharq Al-Awsat")
    afp = make_source("AFP", kind="agency")
    make_article("Asharq with AFP", publication=asharq, credits=[afp])
    make_article("Asharq alone", publication=asharq)
    make_article("AFP crediting itself", publication=afp, credits=[afp])
    make_article("Draft", publication=make_source("Secret Wire", kind="agency"), status="draft", published_on=None)
    return {"asharq": asharq, "afp": afp}


def test_the_list_groups_sources_by_kind_with_exact_counts(client, sourced):
    page = client.get("/sources/").content.decode()
    assert page.index("Publications") < page.index("Asharq Al-Awsat") < page.index("News agencies") < page.index(">AFP<")
    assert '<bdi>Asharq Al-Awsat</bdi></a> <span class="count">2 articles</span>' in page
    # Published by AFP and crediting it is still one article.
    assert '<bdi>AFP</bdi></a> <span class="count">2 articles</span>' in page
    assert "Secret Wire" not in page


def test_a_source_page_lists_what_it_published_or_is_credited_in(client, sourced):
    page = client.get("/sources/afp/").content.decode()
    assert "Showing 1–2 of 2 articles" in page
    assert "Asharq with AFP" in page and "AFP crediting itself" in page and "Asharq alone" not in page
    assert 'href="/feeds/sources/afp/"' in page


def test_a_source_only_quotes_were_given_to_has_a_page(client, db):
    article = make_article("Told", quotes=[(make_person(), "Words.")])
    article.quotes.update(given_to=make_source("Reuters", kind="agency"))
    response = client.get("/sources/reuters/")
    assert response.status_code == 200
    assert "No published article names this source" in response.content.decode()


def test_sources_only_drafts_name_are_a_404(client, sourced):
    assert client.get("/sources/secret-wire/").status_code == 404
    assert client.get("/sources/nobody/").status_code == 404
