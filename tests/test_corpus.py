import io

import pytest
from django.core.management import call_command

from articles import search
from articles.corpus import CorpusGenerator
from articles.models import Article, Quote
from articles.search.documents import article_fields


def test_generated_tokens_are_what_the_normaliser_makes_of_the_text():
    generator = CorpusGenerator(3, [("a", 1.0), ("b", 2.0)], people=50, tail=500)
    for article in generator.batch(0, 1, 200):
        quotes = [(generator.people[person], text) for person, text, _ in article.quotes]
        assert article.tokens == article_fields(article.title, article.summary, article.body, quotes)


def test_the_same_seed_gives_the_same_archive():
    first = CorpusGenerator(5, [("a", 1.0)], people=20, tail=100).batch(3, 1, 50)
    again = CorpusGenerator(5, [("a", 1.0)], people=20, tail=100).batch(3, 1, 50)
    assert [(a.title, a.body, a.published_on, a.quotes) for a in first] == [
        (a.title, a.body, a.published_on, a.quotes) for a in again
    ]


def test_generated_articles_look_like_news_articles():
    articles = CorpusGenerator(5, [("a", 1.0)], people=20, tail=100).batch(0, 1, 100)
    assert all(150 <= len(a.body.split()) <= 600 for a in articles)
    assert all("\n\n" in a.body for a in articles)
    assert len({a.published_on.year for a in articles}) > 5


@pytest.mark.django_db
def test_generate_corpus_fills_the_archive_and_its_search_index():
    out = io.StringIO()
    call_command("generate_corpus", articles=250, seed=1, batch_size=100, workers=1, stdout=out)
    assert "Generated 250 articles" in out.getvalue()
    assert Article.objects.published().count() == 250
    assert Quote.objects.exists()
    assert Article.objects.filter(regions__isnull=False).distinct().count() == 250
    word = Article.objects.order_by("pk").first().title.split()[0]
    found = search.matching(Article.objects.published(), search.parse(word))
    expected = [
        a.pk for a in Article.objects.order_by("pk").prefetch_related("quotes__person")
        if search.parse(word).tree.include[0].token in sum(
            article_fields(a.title, a.summary, a.body, [(q.person.name, q.text) for q in a.quotes.all()]), []
        )
    ]
    assert sorted(found.values_list("pk", flat=True)) == expected
