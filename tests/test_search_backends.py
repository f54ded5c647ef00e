"""Both database backends answer exactly as the reference evaluator does."""

import datetime
import random

import pytest

from articles import search
from articles.models import Article
from articles.search.documents import article_fields
from articles.search.evaluate import matches_fields
from tests.builders import make_article, make_person

VOCABULARY = "air strikes airstrike civilians Kurdish Kurds Turkey al-Bab Bab Mosul oil refinery attack attacks the of for human rights observatory".split()


def corpus(rng, size=60):
    speaker = make_person("Hisham al-Hashimi")
    articles = []
    for n in range(size):
        words = lambda k: " ".join(rng.choice(VOCABULARY) for _ in range(k))  # noqa: E731
        quotes = [(speaker, words(5))] if n % 3 == 0 else []
        articles.append(
            make_article(
                words(4), summary=words(6) if n % 2 else "", body=f"{words(12)}\n\n{words(9)}",
                media_id=1000 + n, published_on=datetime.date(2015, 1, 1) + datetime.timedelta(days=n),
                quotes=quotes,
            )
        )
    make_article("A draft about Mosul", status="draft", published_on=None)
    return articles


def random_query(rng):
    parts = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        word = rng.choice(VOCABULARY)
        if kind < 0.45:
            parts.append(word)
        elif kind < 0.65:
            parts.append(f'"{word} {rng.choice(VOCABULARY)}"')
        elif kind < 0.85:
            parts.append(f"{word} OR {rng.choice(VOCABULARY)}")
        else:
            parts.append(f"-{word}")
    return " ".join(parts)


def documents(articles):
    return {
        a.media_id: article_fields(a.title, a.summary, a.body, [(q.person.name, q.text) for q in a.quotes.all()])
        for a in articles
    }


def expected(documents, parsed):
    return {media_id for media_id, fields in documents.items() if matches_fields(parsed.tree, fields)}


@pytest.mark.django_db
def test_the_backend_finds_exactly_what_the_evaluator_finds():
    rng = random.Random(7)
    fields = documents(corpus(rng))
    for _ in range(150):
        parsed = search.parse(random_query(rng))
        got = set(search.matching(Article.objects.published(), parsed).values_list("media_id", flat=True))
        assert got == expected(fields, parsed), parsed.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q, titles",
    [
        ("attacks", {"Attack on the refinery"}),
        ('"air strikes"', {"Air strikes hit Mosul"}),
        ("civilians \"air strikes\" OR airstrikes", {"Civilians under airstrikes"}),
        ("Kurdish OR Kurds -Turkey", {"Kurds hold al-Bab"}),
        ("Bab", {"Kurds hold al-Bab"}),
        ('"Syrian Observatory for Human Rights"', {"Syrian Observatory Human Rights report"}),
        ("hashimi", {"Attack on the refinery"}),
    ],
)
def test_the_contract_examples(q, titles):
    hashimi = make_person("Hisham al-Hashimi")
    make_article("Attack on the refinery", quotes=[(hashimi, "The group is losing ground.")])
    make_article("Air strikes hit Mosul", body="Strikes from the air.")
    make_article("Civilians under airstrikes", body="Civilians fled.")
    make_article("Civilians flee", body="Strikes in the air over the city.")
    make_article("Kurds hold al-Bab", body="Kurdish fighters.")
    make_article("Kurdish forces and Turkey", body="Talks.")
    make_article("Syrian Observatory Human Rights report", body="Numbers.")
    got = {a.title for a in search.matching(Article.objects.published(), search.parse(q))}
    assert got == titles


@pytest.mark.django_db
def test_an_edit_in_the_shell_or_admin_reaches_the_index():
    article = make_article("Quiet day", body="Nothing happened.")
    assert not search.matching(Article.objects.published(), search.parse("refinery")).exists()
    article.body = "The refinery burned."
    article.save()
    assert search.matching(Article.objects.published(), search.parse("refinery")).exists()
    article.status = "draft"
    article.save()
    assert not search.matching(Article.objects.all(), search.parse("refinery")).exists()


@pytest.mark.django_db
def test_a_renamed_speaker_is_found_by_the_new_name():
    person = make_person("Hisham al-Hashimi")
    make_article("Analysis", quotes=[(person, "Words.")])
    person.name = "Husham al-Hashemi"
    person.save()
    assert search.matching(Article.objects.published(), search.parse("Hashemi")).count() == 1


@pytest.mark.django_db
def test_relevance_puts_the_title_before_the_body():
    make_article("Quiet day", body="The refinery burned.", published_on=datetime.date(2019, 1, 1))
    make_article("Refinery burns", body="Smoke.", published_on=datetime.date(2010, 1, 1))
    ranked = search.ranked(Article.objects.published(), search.parse("refinery"))
    assert [a.title for a in ranked] == ["Refinery burns", "Quiet day"]


@pytest.mark.django_db
def test_rebuild_indexes_every_published_article():
    make_article("Refinery burns")
    make_article("Draft refinery", status="draft", published_on=None)
    search.backend().clear()
    assert search.rebuild() == 1
    assert search.matching(Article.objects.all(), search.parse("refinery")).count() == 1
