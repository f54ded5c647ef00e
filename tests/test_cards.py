"""An article as listings show it (articles/templatetags/cards.py): what it says, escaped."""

import datetime

from articles.models import Article
from articles.templatetags.cards import card, search_result
from tests.builders import make_article, make_source


def test_a_card_names_its_date_sources_and_places_with_links_and_escapes_every_text(tree):
    agency = make_source("AFP & <Partners>", kind="agency")
    article = make_article(
        'Fighting near "Baiji" <script>', summary="Refinery < 5 km & burning.", media_id=5551,
        publication=make_source("Asharq Al-Awsat"), credits=[agency], regions=[tree["iraq"], tree["baiji"]],
        published_on=datetime.date(2015, 12, 1),
    )
    html = card(Article.objects.published().cards([article.pk])[article.pk])
    assert f'<h3><a href="{article.get_absolute_url()}">Fighting near &quot;Baiji&quot; &lt;script&gt;</a></h3>' in html
    assert ('<p class="meta"><time datetime="2015-12-01">1 December 2015</time> · '
            '<a href="/sources/asharq-al-awsat/">Asharq Al-Awsat</a> with '
            '<a href="/sources/afp-partners/">AFP &amp; &lt;Partners&gt;</a> · Media ID 5551</p>') in html
    assert '<p class="summary">Refinery &lt; 5 km &amp; burning.</p>' in html
    # Places in the tree's order: the country, then the town within it.
    assert '<p class="places">Places: <a href="/regions/iraq/">Iraq</a>, <a href="/regions/baiji/">Baiji</a></p>' in html
    assert "<script>" not in html


def test_a_card_leaves_out_what_the_article_has_not(tree):
    article = make_article("Quiet day", summary="", media_id=5552)
    html = card(Article.objects.published().cards([article.pk])[article.pk])
    assert "summary" not in html and "Places" not in html and "with " not in html
    assert "· Media ID 5552</p>" in html


def test_a_search_result_shows_its_marked_title_and_snippet_and_names_its_sources_without_links(tree):
    article = make_article("Attack near Baiji", media_id=5553, publication=make_source("Asharq & Co"), regions=[tree["baiji"]])
    found = Article.objects.published().cards([article.pk])[article.pk]
    found.marked_title, found.snippet = "<mark>Attack</mark> near Baiji", "An <mark>attack</mark> on the refinery."
    html = search_result(found)
    assert '<article class="card result">' in html
    assert f'<h3><a href="{article.get_absolute_url()}"><mark>Attack</mark> near Baiji</a></h3>' in html
    assert "· Asharq &amp; Co · Media ID 5553</p>" in html
    assert '<p class="snippet">An <mark>attack</mark> on the refinery.</p>' in html
    assert '<p class="places">Places: <a href="/regions/baiji/">Baiji</a></p>' in html
