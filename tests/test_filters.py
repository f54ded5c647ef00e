import datetime

from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from articles.filters import ArticleFilter
from tests.builders import make_article, make_person, make_source


def query(data):
    """The filter values as a request's query string carries them."""
    return QueryDict(urlencode(data, doseq=True))


def titles(data):
    return [a.title for a in ArticleFilter(query(data)).qs]


@pytest.mark.django_db
def test_no_filter_lists_published_articles_newest_first():
    make_article("Old", published_on=datetime.date(2012, 1, 1))
    make_article("New", published_on=datetime.date(2016, 1, 1))
    make_article("Draft", status="draft", published_on=None)
    assert titles({}) == ["New", "Old"]
    assert titles({"sort": "oldest"}) == ["Old", "New"]


@pytest.mark.django_db
def test_several_values_of_one_parameter_mean_or_and_parameters_mean_and(tree):
    make_article("Baiji", regions=[tree["baiji"]], publication=make_source("Asharq Al-Awsat"))
    make_article("Aleppo", regions=[tree["aleppo"]], publication=make_source("Tigris Daily"))
    make_article("Both", regions=[tree["aleppo"], tree["baiji"]], publication=make_source("Tigris Daily"))
    assert sorted(titles({"region": ["baiji", "aleppo"]})) == ["Aleppo", "Baiji", "Both"]
    assert sorted(titles({"region": ["iraq"], "source": ["tigris-daily"]})) == ["Both"]


@pytest.mark.django_db
def test_region_filter_includes_sub_regions_and_person_filter_finds_quotes(tree):
    hashimi = make_person("Hisham al-Hashimi")
    make_article("Quoted in Baiji", regions=[tree["baiji"]], quotes=[(hashimi, "Words.")])
    make_article("Elsewhere", regions=[tree["aleppo"]])
    assert titles({"region": "iraq"}) == ["Quoted in Baiji"]
    assert titles({"person": "hisham-al-hashimi"}) == ["Quoted in Baiji"]


@pytest.mark.django_db
def test_date_range_is_inclusive():
    for day in (1, 2, 3):
        make_article(f"Day {day}", published_on=datetime.date(2015, 12, day))
    assert titles({"date_from": "2015-12-02", "date_to": "2015-12-03"}) == ["Day 3", "Day 2"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, message",
    [
        ({"region": "atlantis"}, "There is no region “atlantis” in the archive."),
        ({"source": "nobody"}, "There is no source “nobody” in the archive."),
        ({"date_from": "2015-02-30"}, "Give the start date as YYYY-MM-DD, a real date."),
        ({"date_to": "yesterday"}, "Give the end date as YYYY-MM-DD, a real date."),
        ({"date_from": "2016-01-01", "date_to": "2015-01-01"}, "The end date is before the start date."),
        ({"sort": "bogus"}, "Order by relevance, newest or oldest."),
    ],
)
def test_a_bad_value_gives_a_clear_message_and_no_results(tree, data, message):
    make_article("Any", regions=[tree["baiji"]])
    filters = ArticleFilter(query(data))
    assert list(filters.qs) == []
    assert message in filters.messages()
