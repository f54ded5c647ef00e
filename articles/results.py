"""What the search page shows around its list of articles: the query as understood, snippets,
facet counts, the timeline of matches and, when nothing matches, why and what to try.

Every link here is a search URL built from the page's own parameters, so each one is a
permalink that keeps the query and the other filters. A facet count links to a page that
lists exactly the articles it counts: within one parameter several values mean OR, so a
facet of a parameter that is already filtered on replaces the values rather than adding
one, and is offered only where that narrows exactly (a region at or below a chosen region,
one of the chosen sources or people).
"""

import datetime
from dataclasses import dataclass, replace
from functools import cached_property, partial
from urllib.parse import quote_plus, urlencode

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from . import search
from .filters import Facet
from .caching import cached
from .listing import IndexedArticles
from .models import Article, Person, Region, Source, link
from .search.facets import Criteria
from .search.query import All
from .search.snippets import highlight, snippet
from .templatetags.cards import search_result
from .timeline import Timeline, about

FACET_LENGTH = 15  # the most values a facet lists; its counts stay exact
SUGGESTIONS = 8  # the most "without ..." counts a page without results runs
PARAMETERS = ("q", "region", "source", "person", "date_from", "date_to", "sort")
FILTER_NAMES = {"region": "the region", "source": "the source", "person": "the person quoted"}
LISTS = {"region": "regions", "source": "sources", "person": "people"}  # Criteria's names


def search_page(filters, query):
    """The context of the search page for `filters` (an ArticleFilter of `query`, the
    request's QueryDict) and its status: 400 for bad filter values, 404 for a page that
    is not there; the page says why in both cases."""
    parsed = filters.parsed_query
    problems = filters.messages()
    context = {
        "filters": filters, "choices": filters.choices(), "problems": problems, "asked": asked(query),
        "understood": understood(parsed), "links": links(query),
    }
    if problems or not context["asked"]:
        return context, 400 if problems else 200
    criteria = Criteria.of(filters)
    articles = IndexedArticles(criteria, filters.order(), load=partial(Article.objects.cards, body=True, quotes=True),
                               prepare=lambda page: mark(page, parsed))
    number, status, page = query.get("page", "1"), 200, None
    size = settings.ARCHIVE_PAGE_SIZE
    # Ranking the page and counting the facets each take up to a few hundred ms on a broad
    # query: the page's ids are found on a second connection meanwhile.
    articles.prefetch_page(number, size)
    # Kept per query until the archive changes: even estimated, a broad query's counts read
    # tens of thousands of index rows.
    counts = cached(f"facets:{criteria.key()}", lambda: search.facet_counts(criteria))
    # The facets' pass over the index has counted the matches already (tests check that it
    # equals counting the listing): no second count. An estimated count pages as far as it
    # says; a page past the real last one says so below.
    articles.count_from(counts.total)
    # The facets' names and the timeline's links need only the counts: made while the
    # second connection is still finding the page (5-10 ms of a first-time page).
    shown_facets, line = facets(counts, filters, query), timeline(counts, filters, query)
    paginator = Paginator(articles, size)
    try:
        page = paginator.page(number)
    except PageNotAnInteger:
        problems, status = [f"“{number[:40]}” is not a page number."], 404
    except EmptyPage:
        problems, status = [f"There is no page {number[:40]} of these results: they run from page 1 to "
                            f"{paginator.num_pages}."], 404
    if page is not None and not page.object_list and counts.estimated:
        page, status = None, 404
        problems = [f"There is no page {number[:40]} of these results: the number of matches was estimated, "
                    "and they end before it."]
    ranks_some = filters.order() == "relevance" and not search.ranks_every_match(criteria)
    title_first = ranks_some and search.ranks_title_first(criteria)
    rank_cap = search.rank_cap(criteria) if ranks_some else None  # only PostgreSQL ever ranks fewer
    context.update({
        "searched": True, "problems": problems, "page": page, "count": paginator.count,
        "estimated": counts.estimated, "sample": counts.sample, "shown_count": about(paginator.count),
        # Said only when matches went unranked: the capped way ranks the newest rank_cap
        # of what the filters leave, which is every match when they leave no more.
        "ranked_newest": ranks_some and paginator.count > rank_cap and not title_first,
        "ranked_title_first": title_first,
        "rank_cap": rank_cap,
        "articles": page.object_list if page else [],
        "facets": shown_facets,
        "timeline": line,
        "suggestions": why_nothing(filters, query) if not paginator.count else [],
    })
    return context, status


def links(query):
    """Where the same search goes as a feed (newest first: what a feed reader follows) and as
    exports."""
    feed = query.copy()
    feed.pop("page", None)
    feed["sort"] = "newest"
    exports = query.copy()
    exports.pop("page", None)
    exports.pop("sort", None)  # exports list every match by media ID
    encoded = f"?{exports.urlencode()}" if exports else ""
    return {
        "feed": reverse("articles:feed-articles") + f"?{feed.urlencode()}",
        "csv": reverse("articles:search-export-csv") + encoded,
        "jsonl": reverse("articles:search-export-jsonl") + encoded,
        "first": search_url(query),
    }


def search_url(query, **changes):
    """/search/ with the parameters of `query` (a QueryDict), changed: a value replaces,
    a list replaces with several values, None removes. The page number always goes.

    A page with a timeline and facets makes hundreds of these, so no copy of the QueryDict:
    pairs in the query's order, a changed parameter where it was, a new one at the end."""
    def values(name):
        value = changes[name]
        return [] if value is None else value if isinstance(value, list) else [value]

    pairs = []
    for name, given in query.lists():
        if name != "page":
            pairs.extend((name, v) for v in (values(name) if name in changes else given))
    pairs.extend((name, v) for name in changes if name not in query for v in values(name))
    encoded = urlencode(pairs)
    return _search_path() + (f"?{encoded}" if encoded else "")


def search_urls(query, *parameters, plain=False):
    """`(value, ...) -> search_url(query, parameter=value, ...)`, for the many links of a
    page that differ in the values of the same parameters (a facet's, a timeline month's
    dates): the page's URL encoded once, each value put in its place (20 us a link to under
    1), quoted unless the caller says they are `plain` (ISO dates need no quoting). A
    parameter of the page's own that holds a marker (junk the form never sees) makes them
    encoded link by link instead."""
    markers = [f"\x00{parameter}\x00" for parameter in parameters]
    template = search_url(query, **dict(zip(parameters, markers)))
    quoted = [quote_plus(marker) for marker in markers]
    if any(template.count(mark) != 1 for mark in quoted):
        return lambda *values: search_url(query, **dict(zip(parameters, values)))

    def url(*values):
        filled = template
        for mark, value in zip(quoted, values):
            filled = filled.replace(mark, value if plain else quote_plus(value))
        return filled

    return url


def _search_path():
    return link("articles:search")  # kept per process: a page makes 250 of these links


def asked(query):
    """Whether the URL asks for anything: the bare /search/ shows the form and its help."""
    return any(value.strip() for name in PARAMETERS if name != "sort" for value in query.getlist(name))


def mark(articles, parsed):
    """Give each article of a page its `marked_title` and `snippet`, and its `card`: the
    result as the page shows it (safe HTML). Made where the page's articles are found, on
    the second connection's thread while the facets are counted."""
    tree = parsed.tree if parsed is not None else None
    for article in articles:
        article.marked_title = highlight(tree, article.title)
        quotes = [(quote.person.name, quote.text) for quote in article.quoted]
        article.snippet = snippet(tree, summary=article.summary, body=article.body, quotes=quotes)
        article.card = search_result(article)
    return articles


def understood(parsed):
    """The query as read, and notes on what was left out: [sentences]."""
    if parsed is None:
        return []
    lines = []
    if parsed.is_searchable:
        lines.append(f"Searched for: {parsed.describe()}.")
    elif parsed.only_exclusions:
        lines.append("Showing every article without " + " and without ".join(map(parsed.label, parsed.tree.exclude)) + ".")
    else:
        lines.append("Showing every article that the other filters allow.")
    return lines + parsed.notes()


@dataclass
class Facets:
    countries: list
    provinces: list
    sources: list
    people: list
    years: list
    more: dict  # facet -> how many more values it has than it lists
    estimated: bool = False  # counted in a sample: each count is shown "≈ 1,200"

    def __bool__(self):
        return any([self.countries, self.provinces, self.sources, self.people, self.years])

    @cached_property
    def items(self):
        """{list's name: its <li>s, safe HTML}. Made here rather than looped over in the
        template: the template language took 5 ms of a search page for 75 links and counts.
        Names and links are escaped; the rest is numbers."""
        approx = "\u2248\u202f" if self.estimated else ""
        return {
            name: mark_safe("".join(
                f'<li><a href="{escape(f.url)}">{escape(f.name)}</a> <span class="count">{approx}{f.count:,}</span></li>'
                for f in getattr(self, name)
            ))
            for name in ("countries", "provinces", "sources", "people", "years")
        }

    def draw(self):
        """Make the lists' HTML now rather than when the template first asks (as Timeline)."""
        return self.items


def facets(counts, filters, query):
    """The facets of the page from `counts` (search.facets.FacetCounts): three small
    queries for the names of the values listed."""
    data = filters.form.cleaned_data
    chosen_regions = list(data.get("region") or [])
    chosen_sources = {s.pk for s in data.get("source") or []}
    chosen_people = {p.pk for p in data.get("person") or []}
    more = {}
    shown = about if counts.estimated else int

    regions = [r for pk, r in faceted_regions().items() if pk in counts.regions]
    regions = [r for r in regions if not chosen_regions or any(r.path.startswith(c.path) for c in chosen_regions)]
    by_kind = {}
    region_url = search_urls(query, "region")
    for kind in (Region.Kind.COUNTRY, Region.Kind.PROVINCE):
        of_kind = _top([r for r in regions if r.kind == kind], counts.regions)
        more[kind] = max(0, sum(r.kind == kind for r in regions) - len(of_kind))
        by_kind[kind] = [
            Facet(r.name, shown(counts.regions[r.pk]), region_url(r.slug), r.get_absolute_url())
            for r in of_kind
        ]

    def named(model, counted, chosen, parameter):
        ids = [pk for pk in counted if not chosen or pk in chosen]
        top = sorted(ids, key=lambda pk: -counted[pk])[: FACET_LENGTH * 2]  # names break ties below
        records = _top(list(model.objects.filter(pk__in=top).only("name", "slug")), counted)
        more[parameter] = len(ids) - len(records)
        url = search_urls(query, parameter)
        return [Facet(r.name, shown(counted[r.pk]), url(r.slug), r.get_absolute_url()) for r in records]

    date_from, date_to = data.get("date_from"), data.get("date_to")
    years = [
        Facet(str(year), shown(count), search_url(
            query,
            date_from=max(filter(None, [datetime.date(year, 1, 1), date_from])).isoformat(),
            date_to=min(filter(None, [datetime.date(year, 12, 31), date_to])).isoformat(),
        ))
        for year, count in counts.years.items()
    ]
    listed = Facets(
        countries=by_kind[Region.Kind.COUNTRY],
        provinces=by_kind[Region.Kind.PROVINCE],
        sources=named(Source, counts.sources, chosen_sources, "source"),
        people=named(Person, counts.people, chosen_people, "person"),
        years=years,
        more=more,
        estimated=counts.estimated,
    )
    listed.draw()  # now, while a search page's results are still being found
    return listed


def faceted_regions():
    """{id: region} of the kinds the region facets list, countries and provinces: a few
    hundred, looked up once until the archive changes rather than by the thousands of ids
    a broad search counts."""
    return cached("facet-regions", lambda: {
        r.pk: r for r in Region.objects.filter(kind__in=[Region.Kind.COUNTRY, Region.Kind.PROVINCE])
        .only("name", "slug", "kind", "path")
    })


def _top(records, counted):
    return sorted(records, key=lambda r: (-counted[r.pk], r.name))[:FACET_LENGTH]


def timeline(counts, filters, query):
    """Matches per month; each month links to this search narrowed to that month (within
    the dates already chosen, so that the link lists exactly the month's count)."""
    line = Timeline(counts.per_month())
    if counts.estimated:  # said as the page says its count: "about", to two figures
        line.estimated, line.total, line.busiest = True, about(line.total), about(line.busiest)
    data = filters.form.cleaned_data
    date_from, date_to = data.get("date_from"), data.get("date_to")
    # Encoding each of 180 months' links on its own took 3 ms of a search page.
    month_url = search_urls(query, "date_from", "date_to", plain=True)
    for month in line.months:
        if month.count:
            start = max(filter(None, [month.start, date_from]))
            end = min(filter(None, [month.end, date_to]))
            month.url = month_url(start.isoformat(), end.isoformat())
    line.draw()  # now, while a search page's results are still being found
    return line


@dataclass
class Suggestion:
    text: str
    count: int
    url: str


def why_nothing(filters, query):
    """For a search without results: how many articles it would find without each of its
    conditions (each part of the query, each filter), most first; one count query each."""
    parsed = filters.parsed_query
    criteria = Criteria.of(filters)
    filtered = criteria != Criteria(tree=criteria.tree)
    include, exclude = (parsed.tree.include, parsed.tree.exclude) if parsed is not None else ((), ())
    tries = []
    for node in (*include, *exclude):
        kept_in = tuple(n for n in include if n != node)
        kept_out = tuple(n for n in exclude if n != node)
        if not (kept_in or kept_out or filtered):
            continue  # without it, the search would be the whole archive
        text = " ".join([*map(parsed.label, kept_in), *("-" + parsed.label(n) for n in kept_out)])
        name = parsed.label(node) if node in include else "-" + parsed.label(node)
        tries.append((f"Without {name} in the query", replace(criteria, tree=All(kept_in, kept_out)),
                      search_url(query, q=text or None)))
    for parameter, label in FILTER_NAMES.items():
        if getattr(criteria, LISTS[parameter]):
            tries.append((f"Without {label}", replace(criteria, **{LISTS[parameter]: ()}),
                          search_url(query, **{parameter: None})))
    if criteria.date_from or criteria.date_to:
        tries.append(("Without the dates", replace(criteria, date_from=None, date_to=None),
                      search_url(query, date_from=None, date_to=None)))
    backend = search.backend()
    suggestions = [Suggestion(text, backend.count(changed), url) for text, changed, url in tries[:SUGGESTIONS]]
    return sorted(suggestions, key=lambda s: -s.count)


def export_filename(filters, extension):
    """archive-search-air-strikes-mosul.csv: the query's words, or "all"."""
    parsed = filters.parsed_query
    words = slugify(parsed.text)[:60].strip("-") if parsed is not None else ""
    return f"archive-search-{words or 'all'}.{extension}"
