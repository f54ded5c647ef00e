"""The reader's pages: each view reads its input, asks the QuerySets, renders."""

import datetime

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError, connection
from django.db.models import Max, Min
from django.http import Http404, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition

from . import exporting, results
from .caching import cached, cached_page
from .filters import ArticleFilter, Facet, listing_url
from .listing import IndexedArticles
from .models import Article, Person, Region, Source
from .querysets import by_name, month_span, outline
from .search import counts
from .search.facets import Criteria
from .timeline import Timeline, per_year

PEOPLE_PER_PAGE = 100
ARTICLES_PER_PERSON_PAGE = 25
# /regions/ shows world regions, countries and what lies directly in a country; each
# region's page lists the places in it, so the tree page stays small on a phone.
TREE_DEPTH = 2
SOURCE_KINDS = {
    Source.Kind.PUBLICATION: "Publications", Source.Kind.AGENCY: "News agencies",
    Source.Kind.BROADCASTER: "Broadcasters", Source.Kind.OTHER: "Other sources",
}


def page_of(request, items, per_page=None):
    """The page `?page=` asks for; a page that is not there is a 404 that says why."""
    paginator = Paginator(items, per_page or settings.ARCHIVE_PAGE_SIZE)
    number = request.GET.get("page", "1")
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        raise Http404(f"“{number[:40]}” is not a page number.")
    except EmptyPage:
        raise Http404(f"There is no page {number[:40]} here: pages run from 1 to {paginator.num_pages}.")


def twelve_months_to(last):
    """The twelve calendar months that end with the month of `last`."""
    return datetime.date(last.year - (last.month < 12), last.month % 12 + 1, 1), last


@cached_page
def home(request):
    return render(request, "articles/home.html", {
        "latest": IndexedArticles(Criteria(), "newest")[:10],
        **overview(),
    })


def overview():
    """Figures over the whole archive: cached until the archive next changes."""
    return cached("home", lambda: archive_overview(Article.objects.published()))


def archive_overview(published):
    """Figures over the whole archive, from the counts the search index keeps."""
    span = {"count": counts.total(), **published.order_by().aggregate(first=Min("published_on"), last=Max("published_on"))}
    window = twelve_months_to(span["last"]) if span["last"] else (None, None)
    dates = {"date_from": window[0], "date_to": window[1]}
    regions, people = [], []
    if span["last"]:
        countries = Region.objects.filter(kind=Region.Kind.COUNTRY).values_list("pk", flat=True)
        regions = Region.objects.counted_between(*window, within=countries)[:10]
        people = Person.objects.quoted_most_between(*window, limit=10)
    return {
        "span": span,
        "years": per_year(counts.per_month()),
        "window": window,
        "regions": [
            Facet(r.name, r.article_count, listing_url(region=r.slug, **dates), r.get_absolute_url()) for r in regions
        ],
        "people": people_facets(people, **dates),
    }


def people_facets(rows, **params):
    """`people_counts()` rows as counts that link to the articles they count."""
    return [
        Facet(row["name"], row["count"], listing_url(person=row["slug"], **params),
              reverse("articles:person", args=[row["slug"]]), row["description"])
        for row in rows
    ]


@cached_page
def article_list(request):
    filters = ArticleFilter(request.GET)
    problems = filters.messages()
    # A bad value lists nothing (never silently everything): its message says why.
    articles = filters.qs.none() if problems else IndexedArticles(Criteria.of(filters), filters.order())
    page = page_of(request, articles)
    return render(request, "articles/article_list.html", {
        "filters": filters, "choices": filters.choices(), "problems": problems, "page": page,
        "feed_url": _with_query(reverse("articles:feed-articles"), request.GET),
    }, status=400 if problems else 200)


def _article_last_modified(request, media_id, slug=None):
    return Article.objects.published().filter(media_id=media_id).values_list("updated", flat=True).first()


# Kept pages come with their Last-Modified header, which ConditionalGetMiddleware answers
# conditional requests from: a kept article costs no query at all.
@cached_page
@condition(last_modified_func=_article_last_modified)
def article(request, media_id, slug=None):
    try:
        article = Article.objects.published().for_reading(media_id=media_id)
    except Article.DoesNotExist:
        raise Http404("No published article has this media ID.") from None
    if slug != article.slug:
        return redirect(article, permanent=True)
    regions, quotes = article.places, article.quoted
    related = Article.objects.published().related_to(
        article, [r.pk for r in regions], {q.person_id for q in quotes}
    ).select_related("publication")[:5]
    return render(request, "articles/article.html", {
        "article": article, "quotes": quotes, "places": Region.objects.lineages(regions), "related": related,
        "canonical": request.build_absolute_uri(article.get_absolute_url()),
    })


@cached_page
def region_list(request):
    roots = Region.objects.counted_tree(depth=TREE_DEPTH)
    return render(request, "articles/region_list.html", {"regions": outline(roots)})


@cached_page
def region(request, slug):
    region = get_object_or_404(Region, slug=slug)
    # The page's cards (their articles, places, sources and quotes: 7-10 ms the first time
    # at a million) are made on a second connection while the rest is read.
    articles = IndexedArticles(Criteria(regions=(region.pk,)), "newest").prefetch_page(
        request.GET.get("page", "1"), settings.ARCHIVE_PAGE_SIZE
    )
    return render(request, "articles/region.html", {
        "region": region,
        "ancestors": region.ancestors(),
        "subregions": region.children.counted(),
        "people": people_facets(Person.objects.most_quoted_in(region), region=region.slug),
        "timeline": Timeline(counts.per_month("r", region.pk), reverse("articles:articles"), {"region": region.slug}),
        "page": page_of(request, articles),
    })


@cached_page
def person_list(request):
    by_count = request.GET.get("sort") == "quotes"
    people = by_name(Person.objects.public().with_quote_counts())
    if by_count:
        people.sort(key=lambda person: -person.quote_count)
    return render(request, "articles/person_list.html", {
        "page": page_of(request, people, PEOPLE_PER_PAGE), "by_count": by_count,
    })


@cached_page
def person(request, slug):
    person = get_object_or_404(Person.objects.public(), slug=slug)
    # Paged by article, oldest first: a page of quotes is the quotes of a page of articles,
    # which the index finds in date order at any depth of pages.
    articles = IndexedArticles(Criteria(people=(person.pk,)), "oldest",
                               load=Article.objects.select_related("publication").in_bulk)
    page = page_of(request, articles, ARTICLES_PER_PERSON_PAGE)
    return render(request, "articles/person.html", {
        "person": person,
        "page": page,
        "quotes": person.quotes.in_articles(page.object_list),
        "timeline": Timeline(counts.per_month("p", person.pk), reverse("articles:articles"), {"person": person.slug}),
    })


@cached_page
def source_list(request):
    sources = by_name(Source.objects.public().with_article_counts())
    kinds = [(label, [s for s in sources if s.kind == kind]) for kind, label in SOURCE_KINDS.items()]
    return render(request, "articles/source_list.html", {"kinds": [(k, s) for k, s in kinds if s]})


@cached_page
def source(request, slug):
    source = get_object_or_404(Source.objects.public(), slug=slug)
    return render(request, "articles/source.html", {
        "source": source,
        "page": page_of(request, IndexedArticles(Criteria(sources=(source.pk,)), "newest")),
        "timeline": Timeline(counts.per_month("s", source.pk), reverse("articles:articles"), {"source": source.slug}),
    })


@cached_page
def archive_year(request, year):
    months = counts.per_month()
    in_year = {start.month: count for start, count in months if start.year == year}
    if not in_year:
        raise Http404(f"The archive has no articles from {year}.")
    return render(request, "articles/archive_year.html", {
        "year": year,
        "months": [(datetime.date(year, m, 1), in_year.get(m, 0)) for m in range(1, 13)],
        "total": sum(in_year.values()),
        "years": per_year(months),
    })


@cached_page
def archive_month(request, year, month):
    if not 1 <= month <= 12 or year < 1:
        raise Http404("There is no such month.")
    start = datetime.date(year, month, 1)
    months = [m for m, _ in counts.per_month()]
    if start not in months:
        raise Http404(f"The archive has no articles from {start:%B} {year}.")
    at = months.index(start)
    first, last = month_span(year, month)
    return render(request, "articles/archive_month.html", {
        "month": start,
        "page": page_of(request, IndexedArticles(Criteria(date_from=first, date_to=last), "newest")),
        "previous": months[at - 1] if at else None,
        "next": months[at + 1] if at + 1 < len(months) else None,
    })


def robots_txt(request):
    return render(request, "robots.txt", {"sitemap": request.build_absolute_uri(reverse("articles:sitemap"))},
                  content_type="text/plain; charset=utf-8")


def _with_query(url, query):
    query = query.copy()
    query.pop("page", None)
    return f"{url}?{query.urlencode()}" if query else url


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


# --- research search: /search/ and its exports ----------------------------------------------


@cached_page
def search(request):
    filters = ArticleFilter(request.GET)
    context, status = results.search_page(filters, request.GET)
    return render(request, "articles/search.html", context, status=status)


def search_export_jsonl(request):
    """Every match of the search, in the import format (`import_articles` reads it back)."""
    return _search_export(request, "jsonl", "application/x-ndjson; charset=utf-8", exporting.jsonl_lines)


def search_export_csv(request):
    """Every match of the search, one spreadsheet row per article."""
    return _search_export(request, "csv", "text/csv; charset=utf-8",
                          lambda articles: exporting.csv_lines(articles, request.build_absolute_uri))


def _search_export(request, extension, content_type, lines):
    filters = ArticleFilter(request.GET)
    problems = filters.messages()
    if problems:
        # Never an empty file that would read as "no matches".
        return HttpResponseBadRequest("\n".join(problems) + "\n", content_type="text/plain; charset=utf-8")
    # By media ID: a stable order that costs no ranking, whatever the number of matches.
    articles = Article.objects.filter(pk__in=filters.qs.order_by().values("pk")).order_by("media_id")
    response = StreamingHttpResponse(lines(articles), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, results.export_filename(filters, extension))
    return response
