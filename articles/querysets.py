"""Queries in the newsroom's words: `Article.objects.published().in_region(iraq)`."""

import datetime
from collections import Counter

from django.apps import apps
from django.db import connection, models
from django.db.models import Case, Count, Exists, F, Max, Min, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth

from .names import fold_name


def _model(name):
    return apps.get_model("articles", name)


def by_name(records):
    """Sorted as a reader expects whatever the database's collation: case, accents and
    punctuation ignored ("al-Hashimi" beside "Balanche"), Arabic after Latin."""
    return sorted(records, key=lambda r: (fold_name(r.name), r.name))


class RegionQuerySet(models.QuerySet):
    def below(self, *regions, include_self=True):
        """The given regions and everything under them, at any depth."""
        if not regions:
            return self.none()
        condition = Q()
        for region in regions:
            condition |= Q(path__startswith=region.path)
        qs = self.filter(condition)
        if not include_self:
            qs = qs.exclude(pk__in=[r.pk for r in regions])
        return qs

    def above(self, *regions):
        """Every region the given ones lie in, from the top of the tree down, in one query."""
        slugs = {slug for region in regions for slug in region.path.strip("/").split("/")[:-1]}
        return self.filter(slug__in=slugs).order_by("depth")

    def named_in(self, articles, depth=None):
        """The regions `articles` name and every region above them, as a tree (see `grow`),
        down to `depth` if given."""
        named = self.filter(pk__in=_links(articles).values("region_id"))
        if depth is not None:
            # A place deeper down brings in the region it lies in at `depth`.
            deeper = named.filter(depth__gt=depth).values_list("path", flat=True)
            paths = {"/".join(path.split("/")[: depth + 2]) + "/" for path in deeper}
            named = self.filter(Q(pk__in=named.filter(depth__lte=depth)) | Q(path__in=paths))
        named = list(named)
        return grow(named + list(self.above(*named).exclude(pk__in=[r.pk for r in named])))

    def lineages(self, regions):
        """`regions`, each with its `lineage`: the regions it lies in, from the top down.
        One query for all of them."""
        above = {r.slug: r for r in self.above(*regions)}
        for region in regions:
            region.lineage = [above[s] for s in region.path.strip("/").split("/")[:-1] if s in above]
        return sorted(regions, key=lambda r: [fold_name(n.name) for n in [*r.lineage, r]])

    def with_articles(self):
        """These regions that have published articles in them or anywhere below them: every
        region a published article names and every region above it (from the counts the
        search index keeps)."""
        return self.filter(pk__in=_counted("r"))

    def counted(self):
        """These regions that have published articles, each with `article_count` (in it or
        anywhere below it), most first: from the counts the search index keeps."""
        from .search import counts

        totals = counts.totals("r", self.values_list("pk", flat=True))
        regions = list(self.filter(pk__in=totals))
        for region in regions:
            region.article_count = totals[region.pk]
        return sorted(by_name(regions), key=lambda r: -r.article_count)

    def counted_between(self, date_from, date_to, within):
        """The regions among the ids `within` with published articles in the months from
        `date_from` to `date_to` (whole months), each with `article_count`, most first."""
        from .search import counts

        totals = counts.between("r", date_from, date_to, values=within)
        regions = list(self.filter(pk__in=totals))
        for region in regions:
            region.article_count = totals[region.pk]
        return sorted(by_name(regions), key=lambda r: -r.article_count)

    def counted_tree(self, depth=None):
        """Every region with published articles (in it or below it), with `article_count`,
        as a tree (see `grow`) down to `depth`: from the counts the search index keeps."""
        from .search import counts

        totals = counts.totals("r")
        regions = self.filter(pk__in=totals)
        if depth is not None:
            regions = regions.filter(depth__lte=depth)
        regions = list(regions)
        for region in regions:
            region.article_count = totals[region.pk]
        return grow(regions)


def grow(regions):
    """The roots of a tree of `regions`, each region with its `branches` by name.
    A region whose parent is not among them is a root."""
    by_pk = {r.pk: r for r in regions}
    roots = []
    for region in regions:
        region.branches = []
    for region in by_name(regions):
        parent = by_pk.get(region.parent_id)
        (parent.branches if parent else roots).append(region)
    return roots


def walk(roots, level=0):
    """Every region of a tree, depth first, with its level below the roots."""
    for region in roots:
        yield region, level
        yield from walk(region.branches, level + 1)


def outline(roots):
    """A tree as one flat list for a template to nest without recursion (thousands of
    regions render fast): each region gets its `level` and `closing`, one item per
    branch that ends with it."""
    items = list(walk(roots))
    for i, (region, level) in enumerate(items):
        following = items[i + 1][1] if i + 1 < len(items) else 0
        region.level = level
        region.closing = range(max(0, level - following))
    return [region for region, _ in items]


def _counted(kind):
    """The ids of this kind ('r', 's', 'p') that published articles name, as a subquery."""
    from .search.counts import COUNTS

    return RawSQL(f"SELECT value FROM {COUNTS} WHERE kind = %s AND articles > 0", [kind])


def _links(articles):
    """The article-region links of `articles`."""
    return _model("Article").regions.through.objects.filter(
        article_id__in=articles.order_by().values("pk")
    ).order_by()


class SourceQuerySet(models.QuerySet):
    def public(self):
        """Sources a published article names: as its publication, in its credits or as
        the outlet a quote was given to. Sources only drafts name stay private."""
        # Publications and credits from the counts the search index keeps (reading the
        # article table for them took 0.2 s at 100,000 articles); outlets quotes were given
        # to, looked up per source (there are few sources).
        told = _model("Quote").objects.filter(given_to=OuterRef("pk"), article__status="published")
        return self.filter(Q(pk__in=_counted("s")) | Q(Exists(told)))

    def with_article_counts(self):
        """These sources as a list, each with `article_count`: the published articles it
        published or is credited in, each article once, from the counts the search index
        keeps (its entries name each source once). Counted from the article and credit
        tables, a million articles took 1.7 s."""
        from .search import counts

        sources = list(self)
        totals = counts.totals("s", [source.pk for source in sources])
        for source in sources:
            source.article_count = totals.get(source.pk, 0)
        return sources


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People quoted in at least one published article (from the counts the search
        index keeps)."""
        return self.filter(pk__in=_counted("p"))

    def with_quote_counts(self):
        """These people as a list, each with `quote_count`: their quotes in published
        articles. Every quote counted by person from the person index alone, less those in
        drafts (few, found by their articles' status): counting them through a join with a
        million articles took 11-16 s, this 0.1-0.2 s."""
        Quote = _model("Quote")
        every = Counter(dict(Quote.objects.order_by().values_list("person").annotate(n=Count("pk"))))
        # An article is published or a draft (the check constraint article_status_valid).
        drafted = Quote.objects.filter(article__in=_model("Article").objects.drafts()).order_by()
        every.subtract(dict(drafted.values_list("person").annotate(n=Count("pk"))))
        people = list(self)
        for person in people:
            person.quote_count = every[person.pk]
        return people

    def most_quoted(self):
        return sorted(self.with_quote_counts(), key=lambda person: (-person.quote_count, person.slug))

    def quoted_most(self, limit):
        """The `limit` people quoted in most published articles (then by id): from the
        counts the search index keeps."""
        from .search import counts

        top = counts.ranked("p", limit)
        people = self.in_bulk(top)
        return [people[pk] for pk in top if pk in people]

    def quoted_most_between(self, date_from, date_to, limit=10):
        """As `ArticleQuerySet.people_counts()` of the articles of those months (whole months)."""
        from .search import counts

        return self._counted(list(counts.between("p", date_from, date_to, limit=limit).items()))

    def _counted(self, top):
        people = self.in_bulk([pk for pk, _ in top])
        rows = [
            {"name": people[pk].name, "slug": people[pk].slug, "description": people[pk].description, "count": n}
            for pk, n in top if pk in people
        ]
        return sorted(rows, key=lambda row: (-row["count"], row["slug"]))

    def most_quoted_in(self, region, limit=10):
        """The people quoted in most published articles in `region` (or below it), as
        `ArticleQuerySet.people_counts()` gives them: from the counts the index keeps."""
        from .search import counts

        return self._counted(counts.people_in(region.pk, limit=limit))


class QuoteQuerySet(models.QuerySet):
    def published(self):
        return self.filter(article__status="published")

    def in_articles(self, articles):
        """The quotes among these in `articles` (a list), in the articles' order and then as
        each article gives them; each quote's `article` is the one given, so that a page of
        quotes costs one query."""
        by_id = {article.pk: article for article in articles}
        quotes = list(self.filter(article_id__in=by_id).select_related("given_to").order_by("position", "pk"))
        order = {pk: n for n, pk in enumerate(by_id)}
        for quote in quotes:
            quote.article = by_id[quote.article_id]
        return sorted(quotes, key=lambda quote: order[quote.article_id])

    def in_order(self):
        """Oldest article first, and within an article as it gives them."""
        return self.order_by("article__published_on", "article__media_id", "position", "pk")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

    def drafts(self):
        return self.filter(status="draft")

    def in_region(self, *regions):
        """Articles placed in any of `regions` or anywhere below them, in one query."""
        if not regions:
            return self
        placed = _model("Article").regions.through.objects.filter(
            region__in=_model("Region").objects.below(*regions)
        )
        return self.filter(pk__in=placed.values("article_id"))

    def quoting(self, *people):
        if not people:
            return self
        quotes = _model("Quote").objects.filter(person__in=people)
        return self.filter(pk__in=quotes.values("article_id"))

    def from_source(self, *sources):
        """Published by any of `sources` or crediting one of them."""
        if not sources:
            return self
        credited = _model("Article").credits.through.objects.filter(source__in=sources)
        return self.filter(Q(publication__in=sources) | Q(pk__in=credited.values("article_id")))

    def between(self, date_from=None, date_to=None):
        """Published within the range, both ends inclusive; either end may be open."""
        qs = self
        if date_from:
            qs = qs.filter(published_on__gte=date_from)
        if date_to:
            qs = qs.filter(published_on__lte=date_to)
        return qs

    def newest_first(self):
        return self.order_by("-published_on", "-media_id")

    def oldest_first(self):
        return self.order_by("published_on", "media_id")

    def cards(self, ids, *, body=False, quotes=False):
        """{id: article} of these ids, with what an article card shows (`named`). Not the
        body, unless asked (a search result's snippet is cut from it): it is most of an
        article's bytes, stored apart, and a listing's 20 bodies read from disk took 3-5 ms
        of a first-time page at a million articles."""
        listed = self.select_related("publication")
        found = (listed if body else listed.defer("body")).in_bulk(ids)
        return self.named(found, quotes=quotes)

    def for_reading(self, **lookup):
        """The article these lookups find (get(), so DoesNotExist when none does), with what
        its page shows: its publication and `named` with quotes."""
        article = self.select_related("publication").get(**lookup)
        return self.named({article.pk: article}, quotes=True)[article.pk]

    @staticmethod
    def named(found, *, quotes=False):
        """Give these articles ({id: article}) `places` (their regions, in the tree's order),
        `credited` (their sources, by name as a reader expects it) and, with `quotes`,
        `quoted` (their quotes in their order, each with its `person` and `given_to`);
        returns `found`.

        In one query of plain rows rather than by prefetch_related, whose querysets and a
        model manager per article and relation took 8-10 ms of Python for a page of 20
        cards (three times the database's own time), and 7 ms of an article page."""
        Article, Region, Source, Quote, Person = map(_model, ("Article", "Region", "Source", "Quote", "Person"))
        for article in found.values():
            article.places, article.credited, article.quoted = [], [], []
        if not found:
            return found
        table = {model: model._meta.db_table for model in (Region, Source, Quote, Person)}
        regions, credits = Article.regions.through._meta.db_table, Article.credits.through._meta.db_table
        ids = list(found)
        listed = ", ".join(["%s"] * len(ids))
        # kind, article, id, name, slug, sort key, position, quote: text, speaker's id and
        # description, outlet's id, name and slug.
        none = "CAST(NULL AS TEXT), CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT)"
        parts = [
            f"SELECT 'r', l.article_id, r.id, r.name, r.slug, r.path, 0, {none} FROM {regions} l"
            f" JOIN {table[Region]} r ON r.id = l.region_id WHERE l.article_id IN ({listed})",
            f"SELECT 's', l.article_id, s.id, s.name, s.slug, s.name, 0, {none} FROM {credits} l"
            f" JOIN {table[Source]} s ON s.id = l.source_id WHERE l.article_id IN ({listed})",
        ]
        if quotes:
            parts.append(
                f"SELECT 'q', q.article_id, q.id, p.name, p.slug, '', q.position, q.text, p.id, p.description,"
                f" g.id, g.name, g.slug FROM {table[Quote]} q JOIN {table[Person]} p ON p.id = q.person_id"
                f" LEFT JOIN {table[Source]} g ON g.id = q.given_to_id WHERE q.article_id IN ({listed})"
            )
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), ids * len(parts))
            rows = cursor.fetchall()
        # The models' own orders: regions by path (the tree's), sources by name as a reader
        # expects it (by_name), quotes by position in the article.
        rows.sort(key=lambda row: (row[0], fold_name(row[5]) if row[0] == "s" else row[5], row[5], row[6], row[2]))
        for kind, article_id, pk, name, slug, path, position, text, person, description, outlet, *told in rows:
            article = found[article_id]
            if kind == "r":
                article.places.append(Region(id=pk, name=name, slug=slug, path=path))
            elif kind == "s":
                article.credited.append(Source(id=pk, name=name, slug=slug))
            else:
                given_to = Source(id=outlet, name=told[0], slug=told[1]) if outlet is not None else None
                article.quoted.append(Quote(
                    id=pk, article=article, position=position, text=text, given_to=given_to,
                    person=Person(id=person, name=name, slug=slug, description=description),
                ))
        return found

    def span(self):
        """`count`, `first` and `last` publication dates, in one query."""
        return self.order_by().aggregate(
            count=Count("pk"), first=Min("published_on"), last=Max("published_on")
        )

    def last_updated(self):
        return self.order_by().aggregate(last=Max("updated"))["last"]

    def per_month(self):
        """[(first day of the month, number of articles)], oldest first; months without
        articles are left out."""
        rows = (
            self.exclude(published_on=None)
            .order_by()
            .annotate(month=TruncMonth("published_on"))
            .values("month")
            .annotate(count=Count("pk"))
            .order_by("month")
        )
        return [(_as_date(row["month"]), row["count"]) for row in rows]

    def people_counts(self, limit=None):
        """The people these articles quote, most articles first: dicts with `name`, `slug`,
        `description` and `count` (articles quoting them)."""
        rows = (
            _model("Quote").objects.filter(article_id__in=self.order_by().values("pk"))
            .order_by()
            .values(name=F("person__name"), slug=F("person__slug"), description=F("person__description"))
            .annotate(count=Count("article_id", distinct=True))
            .order_by("-count", "slug")
        )
        return list(rows[:limit] if limit else rows)

    def related_to(self, article, region_ids, person_ids, pool=100, limit=5):
        """The `limit` other articles sharing most places or speakers with `article`, then
        the newest. Only the latest `pool` articles naming its places and the latest `pool`
        quoting its speakers are weighed (the search backend finds them, with their dates): a
        country names a third of the archive, and weighing every one of them made the
        article page slow at scale. They are weighed from the link tables alone, and only
        the chosen ones are read: reading all 200 candidates' rows took 600 pages from disk
        when they were not in memory, at a million articles."""
        from . import search
        from .parallel import submit

        Article, Quote = _model("Article"), _model("Quote")
        candidates = search.backend().related_candidates(article.pk, region_ids, person_ids, pool)
        shared = Counter()
        # Each lookup reads the links of up to 200 candidates, from disk when nobody read
        # them in the last minute (12-14 ms each at a million articles): the speakers' are
        # read on a second connection meanwhile. A place inside one of its places is not a
        # shared place: the links name the article's own places.
        speakers = submit(_naming, Quote._meta.db_table, "person_id", candidates, person_ids)
        shared.update(_naming(Article.regions.through._meta.db_table, "region_id", candidates, region_ids))
        shared.update(speakers.result())
        chosen = sorted(shared, key=lambda pk: (-shared[pk], -candidates[pk][0].toordinal(), -candidates[pk][1]))
        return (
            self.filter(pk__in=chosen[:limit])
            .annotate(shared=Case(*(When(pk=pk, then=Value(shared[pk])) for pk in chosen[:limit]), default=Value(0)))
            .order_by("-shared", "-published_on", "-media_id")
        )


def _naming(table, column, articles, values):
    """The ids of those `articles` whose rows in `table` name any of `values` in `column`,
    once per value named."""
    if not articles or not values:
        return []
    articles, values = list(articles), list(values)
    # "+column" keeps the planner off the column's own index, which SQLite chose: it read
    # every article of a country, or every quote of a busy speaker, to find 200 articles'
    # (17 ms against under 1 by the article's index, which PostgreSQL chose anyway).
    sql = (f"SELECT DISTINCT article_id, {column} FROM {table} WHERE article_id IN ({', '.join(['%s'] * len(articles))})"
           f" AND +{column} IN ({', '.join(['%s'] * len(values))})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*articles, *values])
        return [article_id for article_id, _ in cursor.fetchall()]


def month_span(year, month):
    """The first and last day of a month."""
    start = datetime.date(year, month, 1)
    return start, datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)


def _as_date(value):
    # TruncMonth of a DateField gives a date on PostgreSQL and may give a datetime elsewhere.
    return value.date() if isinstance(value, datetime.datetime) else value
