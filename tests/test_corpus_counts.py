"""A generated archive comes with its counts: its rows go in by COPY, past the index's
incremental counting, so generate_corpus counts them all at the end."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article, Person, Region
from articles.search import counts


@pytest.mark.django_db
def test_generate_corpus_leaves_exact_counts():
    call_command("generate_corpus", articles=150, seed=2, batch_size=100, workers=1, stdout=io.StringIO())
    published = Article.objects.published()
    assert counts.total() == published.count() == 150
    assert counts.per_month() == published.per_month()
    people = counts.totals("p")
    assert people == {p.pk: n for p in Person.objects.filter(pk__in=people) if (n := published.quoting(p).count())}
    regions = counts.totals("r")
    sample = Region.objects.filter(pk__in=list(regions)[:40])
    assert {r.pk: regions[r.pk] for r in sample} == {r.pk: published.in_region(r).count() for r in sample}
