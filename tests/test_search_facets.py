"""Facet counts and the timeline of the search page: exact for the query and the filters, on
the database in use, and each a link to exactly the articles it counts."""

import datetime

import pytest
from django.core.cache import caches
from django.http import QueryDict

from articles import search
from articles.filters import ArticleFilter
from articles.models import Article, Person, Region, Source
from articles.search.facets import Criteria
from tests.builders import make_article, make_person, make_source


@pytest.fixture
def archive(tree):
    hashimi, balanche = make_person("Hisham al-Hashimi"), make_person("Fabrice Balanche")
    asharq, levant = make_source("Asharq Al-Awsat"), make_source("The Levant Times")
    afp = make_source("AFP", kind="agency")
    make_article("Fighting near Baiji", body="An attack on the refinery.", regions=[tree["baiji"], tree["saladin-governorate"]],
                 publication=asharq, credits=[afp], quotes=[(hashimi, "ISIS is weak.")], published_on=datetime.date(2015, 12, 1))
    make_article("Attack on Baiji", regions=[tree["baiji"]], publication=asharq,
                 quotes=[(balanche, "A long war.")], published_on=datetime.date(2015, 11, 10))
    make_article("Aleppo under siege after attacks", regions=[tree["aleppo"], tree["iraq"]], publication=levant,
                 credits=[afp], quotes=[(hashimi, "Words."), (balanche, "More.")], published_on=datetime.date(2016, 2, 3))
    make_article("Mosul attack", regions=[tree["iraq"]], publication=asharq, published_on=datetime.date(2014, 6, 10))
    make_article("Quiet day in Aleppo", regions=[tree["aleppo-governorate"]], published_on=datetime.date(2016, 3, 1))
    make_article("Draft attack", status="draft", published_on=None, regions=[tree["iraq"]], quotes=[(hashimi, "x")])
    return tree


QUERIES = [
    "", "q=attack", "q=attack&region=iraq", "region=syria&region=saladin-governorate", "q=attack&source=afp",
    "q=-siege", "person=hisham-al-hashimi&date_from=2015-12-01", "q=attack&date_from=2015-11-15&date_to=2016-02-03",
    "q=weak OR war", "q=zzz",
]


def filtered(query):
    filters = ArticleFilter(QueryDict(query))
    assert filters.is_valid(), filters.errors
    return filters


@pytest.mark.parametrize("query", QUERIES)
def test_facet_counts_equal_a_direct_count_of_the_filtered_articles(archive, query):
    filters = filtered(query)
    articles = filters.qs
    counts = search.backend().facets(Criteria.of(filters))
    assert counts.total == articles.count()
    assert {r.slug: counts.regions.get(r.pk, 0) for r in Region.objects.all()} == {
        r.slug: articles.in_region(r).count() for r in Region.objects.all()
    }
    assert {s.slug: counts.sources.get(s.pk, 0) for s in Source.objects.all()} == {
        s.slug: articles.from_source(s).count() for s in Source.objects.all()
    }
    assert {p.slug: counts.people.get(p.pk, 0) for p in Person.objects.all()} == {
        p.slug: articles.quoting(p).count() for p in Person.objects.all()
    }
    assert counts.per_month() == articles.per_month()
    assert search.backend().per_month(Criteria.of(filters)) == articles.per_month()
    assert search.backend().count(Criteria.of(filters)) == articles.count()


def test_an_article_counts_once_for_each_region_above_its_places(archive):
    counts = search.backend().facets(Criteria.of(filtered("q=refinery")))
    by_slug = {Region.objects.get(pk=pk).slug: n for pk, n in counts.regions.items()}
    assert by_slug == {"baiji": 1, "saladin-governorate": 1, "iraq": 1, "middle-east": 1}


def test_years_add_up_the_months(archive):
    counts = search.backend().facets(Criteria.of(filtered("q=attack")))
    assert counts.years == {2014: 1, 2015: 2, 2016: 1}


def test_the_counts_follow_an_edit_of_an_article(archive):
    article = Article.objects.get(title="Mosul attack")
    article.regions.set([archive["aleppo"]])
    counts = search.backend().facets(Criteria.of(filtered("q=mosul")))
    assert {Region.objects.get(pk=pk).slug for pk in counts.regions} == {"aleppo", "aleppo-governorate", "syria", "middle-east"}
    article.status = "draft"
    article.save()
    assert search.backend().facets(Criteria.of(filtered("q=mosul"))).total == 0


def facet_links(response):
    facets = response.context["facets"]
    return [f for group in (facets.countries, facets.provinces, facets.sources, facets.people, facets.years) for f in group]


@pytest.mark.parametrize("query", ["q=attack", "q=attack&region=iraq", "q=attack&source=afp&source=the-levant-times",
                                   "region=middle-east&date_from=2015-11-15&date_to=2016-02-28"])
def test_each_facet_links_to_exactly_the_articles_it_counts(client, archive, query):
    response = client.get(f"/search/?{query}")
    links = facet_links(response)
    assert links
    for facet in links:
        caches["pages"].clear()  # a facet may link to the page itself, kept: render it again
        assert client.get(facet.url).context["count"] == facet.count, facet


def test_the_region_facets_are_countries_and_provinces_by_count(client, archive):
    facets = client.get("/search/?q=attack").context["facets"]
    assert [(f.name, f.count) for f in facets.countries] == [("Iraq", 4), ("Syria", 1)]
    assert [(f.name, f.count) for f in facets.provinces] == [("Saladin Governorate", 2), ("Aleppo Governorate", 1)]


def test_a_region_facet_only_narrows_within_the_chosen_regions(client, archive):
    facets = client.get("/search/?q=attack&region=saladin-governorate").context["facets"]
    assert [f.name for f in facets.countries] == []
    assert [f.name for f in facets.provinces] == ["Saladin Governorate"]


def test_a_facet_link_keeps_the_query_and_the_other_filters(client, archive):
    facets = client.get("/search/?q=attack&date_from=2015-01-01&page=1").context["facets"]
    (afp,) = [f for f in facets.sources if f.name == "AFP"]
    assert afp.url == "/search/?q=attack&date_from=2015-01-01&source=afp"


def test_the_year_facet_keeps_within_the_chosen_dates(client, archive):
    facets = client.get("/search/?q=attack&date_from=2015-11-15").context["facets"]
    assert [(f.name, f.count, f.url) for f in facets.years] == [
        ("2015", 1, "/search/?q=attack&date_from=2015-11-15&date_to=2015-12-31"),
        ("2016", 1, "/search/?q=attack&date_from=2016-01-01&date_to=2016-12-31"),
    ]


def test_the_timeline_counts_matches_per_month_and_each_month_narrows_to_it(client, archive):
    response = client.get("/search/?q=attack&date_from=2015-11-15")
    months = [m for m in response.context["timeline"].months if m.count]
    assert [(m.start, m.count) for m in months] == [(datetime.date(2015, 12, 1), 1), (datetime.date(2016, 2, 1), 1)]
    assert months[0].url == "/search/?q=attack&date_from=2015-12-01&date_to=2015-12-31"
    for month in months:
        assert client.get(month.url).context["count"] == month.count


def test_each_month_links_as_the_search_would_link_to_its_dates(client, archive):
    from articles.results import search_url

    # Made from one encoded link with the dates filled in: the same as encoding each one.
    path = "/search/?sort=newest&q=%22attack%22+-%C3%A9t%C3%A9&date_to=2016-02-10&region=iraq&page=2"
    query = QueryDict(path.split("?", 1)[1])
    response = client.get(path.replace("&page=2", ""))
    months = [m for m in response.context["timeline"].months if m.count]
    assert months
    for month in months:
        start, end = max(month.start, datetime.date(2000, 1, 1)), min(month.end, datetime.date(2016, 2, 10))
        assert month.url == search_url(query, date_from=start.isoformat(), date_to=end.isoformat())
    assert months[-1].url.endswith("&date_to=2016-02-10&region=iraq&date_from=2016-02-01")
    # A parameter the page does not read, holding what the links are made with, stays as given.
    junk = client.get("/search/?q=attack&x=%00start%00").context["timeline"].months
    assert all(m.url.endswith("&x=%00start%00&date_from=" + m.start.isoformat() + "&date_to=" + m.end.isoformat())
               for m in junk if m.count)


def test_the_timeline_is_svg_bars_sized_by_attributes_with_a_table_of_links(client, archive):
    html = client.get("/search/?q=attack").content.decode()
    timeline = html[html.index('<div class="timeline">'):]
    assert "<svg" in timeline and 'class="bar"' in timeline and "style=" not in timeline
    assert '<a href="/search/?q=attack&amp;date_from=2015-12-01&amp;date_to=2015-12-31">December 2015</a>' in timeline


def test_the_facet_lists_are_drawn_escaped_with_their_counts(client, archive):
    """The search page's facet lists are made in Python (results.Facets.items): every name
    and link escaped, each count beside it."""
    odd = make_source("Al <Quds> & Co")
    make_article("An attack in the press", publication=odd, published_on=datetime.date(2016, 4, 1))
    page = client.get("/search/?q=attack").content.decode()
    assert ('<li><a href="/search/?q=attack&amp;source=al-quds-co">Al &lt;Quds&gt; &amp; Co</a>'
            ' <span class="count">1</span></li>') in page
    assert '<li><a href="/search/?q=attack&amp;source=asharq-al-awsat">Asharq Al-Awsat</a> <span class="count">3</span></li>' in page
    assert "<Quds>" not in page


@pytest.mark.parametrize("page", [
    "q=attack&region=iraq&source=afp&page=3", "q=a+b%26c&sort=oldest", "q=%00region%00&region=x",
    "q=x&date_from=%00date_to%00", "",
])
def test_links_made_from_one_template_are_the_links_one_by_one(page):
    from articles.results import search_url, search_urls

    query = QueryDict(page)
    for parameter in ("region", "source", "person"):
        url = search_urls(query, parameter)
        for value in ("syria", "al-quds & co", "a+b", "\x00region\x00", "é"):
            assert url(value) == search_url(query, **{parameter: [value]}), (parameter, value)
    dates = search_urls(query, "date_from", "date_to", plain=True)
    assert dates("2015-03-01", "2015-03-31") == search_url(query, date_from="2015-03-01", date_to="2015-03-31")
