"""Published articles counted ahead of time, kept exact by every index write.

A region page at a million articles would otherwise count a third of the archive on every
request (its total, its timeline, the places in it, the people quoted there). The search
index already holds, per article, its regions with everything above them, its sources, the
people it quotes and its date; the two tables here (migration 0007) add those up:

- `articles_search_counts`: (kind, id, month yyyymm) -> articles, kinds 'r' region (the
  articles in it or anywhere below it, each once), 's' source (publication or credit),
  'p' person quoted, 'a' the whole archive (id 0).
- `articles_search_region_people`: (region, person) -> articles in the region quoting them.

The backends call `add(ids)` after writing entries and `subtract(ids)` before removing
them, inside the same transaction, so that counts and index never disagree; bulk loaders
call `recount()` once at the end instead. Rows that fall to zero stay, and readers skip them.
Reading is the same SQL on both databases.
"""

import datetime
import json

from django.db import connection

COUNTS = "articles_search_counts"
PAIRS = "articles_search_region_people"

_UPSERT = {
    COUNTS: "ON CONFLICT (kind, value, month) DO UPDATE SET articles = {table}.articles + excluded.articles",
    PAIRS: "ON CONFLICT (region, person) DO UPDATE SET articles = {table}.articles + excluded.articles",
}

# What a set of index entries contributes, per database. {entries} is a condition on the
# entries' article ids (or TRUE for all of them); {table}, PostgreSQL's search table (or the
# one a bulk load writes in its place: importing.BulkLoad).
_CONTRIBUTIONS = {
    "postgresql": {
        COUNTS: """
            WITH e AS MATERIALIZED (
                SELECT regions, sources, people,
                    (extract(year FROM published_on) * 100 + extract(month FROM published_on))::integer AS month
                FROM {table} WHERE {entries}
            )
            SELECT 'a', 0::bigint, month, count(*) FROM e GROUP BY month
            UNION ALL SELECT 'r', v, month, count(*) FROM e, unnest(e.regions) v GROUP BY v, month
            UNION ALL SELECT 's', v, month, count(*) FROM e, unnest(e.sources) v GROUP BY v, month
            UNION ALL SELECT 'p', v, month, count(*) FROM e, unnest(e.people) v GROUP BY v, month
        """,
        PAIRS: """
            SELECT r, p, count(*) FROM {table} e, unnest(e.regions) r, unnest(e.people) p
            WHERE {entries} GROUP BY r, p
        """,
    },
    "sqlite": {
        COUNTS: """
            WITH e AS (
                SELECT article_id, value / 100 AS month FROM articles_search_facets WHERE kind = 'd' AND {entries}
            )
            SELECT 'a', 0, month, count(*) FROM e GROUP BY month
            UNION ALL
            SELECT f.kind, f.value, e.month, count(*) FROM e
                JOIN articles_search_facets f ON f.article_id = e.article_id AND f.kind IN ('r', 's', 'p')
                GROUP BY f.kind, f.value, e.month
        """,
        PAIRS: """
            SELECT r.value, p.value, count(*) FROM articles_search_facets r
                JOIN articles_search_facets p ON p.article_id = r.article_id AND p.kind = 'p'
                WHERE r.kind = 'r' AND {entries} GROUP BY r.value, p.value
        """,
    },
}
_COLUMNS = {COUNTS: "kind, value, month, articles", PAIRS: "region, person, articles"}
_KEYS = {COUNTS: 3, PAIRS: 2}
_NAMED = {"r": "articles_region", "s": "articles_source", "p": "articles_person"}


def _entries(vendor, article_ids, column):
    """A condition on the entries of these ids, and its parameters."""
    if article_ids is None:
        return "TRUE", []
    if vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(article_ids)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(article_ids))]


def _apply(article_ids, sign, search_table="articles_search"):
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for table in (COUNTS, PAIRS):
            column = "r.article_id" if vendor == "sqlite" and table == PAIRS else "article_id"
            condition, params = _entries(vendor, article_ids, column)
            names = ", ".join(f"c{i}" for i in range(_KEYS[table]))
            # Through a CTE with named columns (both databases name a compound's columns
            # differently), sorted so that two writers lock shared rows in the same order;
            # WHERE TRUE tells SQLite's parser that ON CONFLICT is the upsert's.
            cursor.execute(
                f"WITH c({names}, n) AS ({_CONTRIBUTIONS[vendor][table].format(entries=condition, table=search_table)}) "
                f"INSERT INTO {table} ({_COLUMNS[table]}) SELECT {names}, %s * n FROM c WHERE TRUE ORDER BY {names} "
                + _UPSERT[table].format(table=table),
                [*params, sign],
            )


def add(article_ids):
    """Count these articles' entries in (after writing them)."""
    if article_ids:
        _apply(list(article_ids), 1)


def subtract(article_ids):
    """Count these articles' entries out (before removing them)."""
    if article_ids:
        _apply(list(article_ids), -1)


def recount(search_table="articles_search"):
    """Count the whole index again: after a bulk load, or to repair. `search_table`: on
    PostgreSQL, the table to count the entries of, if not the search table itself."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {COUNTS}")
        cursor.execute(f"DELETE FROM {PAIRS}")
    _apply(None, 1, search_table)


def clear():
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {COUNTS}")
        cursor.execute(f"DELETE FROM {PAIRS}")


# --- reading ---------------------------------------------------------------------------------


def _month(value):
    return datetime.date(value // 100, value % 100, 1)


def _yyyymm(date):
    return date.year * 100 + date.month


def totals(kind, values=None):
    """{id: published articles} of these regions ('r'), sources ('s') or people ('p'); every
    one with at least one article when `values` is None. Ids without articles are left out."""
    sql = f"SELECT value, sum(articles) FROM {COUNTS} WHERE kind = %s AND articles > 0"
    params = [kind]
    if values is not None:
        values = list(values)
        if not values:
            return {}
        sql += f" AND value IN ({', '.join(['%s'] * len(values))})"
        params += values
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY value HAVING sum(articles) > 0", params)
        return {int(value): int(n) for value, n in cursor.fetchall()}


def total(kind="a", value=0):
    return totals(kind, [value]).get(value, 0)


def ranked(kind, limit):
    """The `limit` ids of this kind with most published articles, most first, then by id."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT value FROM {COUNTS} WHERE kind = %s AND articles > 0 GROUP BY value"
            f" ORDER BY sum(articles) DESC, value LIMIT {int(limit)}",
            [kind],
        )
        return [int(value) for (value,) in cursor.fetchall()]


def per_month(kind="a", value=0):
    """[(first day of a month, published articles)], oldest first, months without any left
    out: the same as `ArticleQuerySet.per_month()` of the articles counted."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT month, articles FROM {COUNTS} WHERE kind = %s AND value = %s AND articles > 0 ORDER BY month",
            [kind, value],
        )
        return [(_month(month), n) for month, n in cursor.fetchall()]


def between(kind, date_from, date_to, values=None, limit=None):
    """{id: articles published from `date_from` to `date_to`}, whole months only, most first
    and then by slug."""
    # Ties go by slug, as the archive's other listings of counts do.
    sql = (f"SELECT c.value, sum(c.articles) AS n FROM {COUNTS} c JOIN {_NAMED[kind]} named ON named.id = c.value"
           " WHERE c.kind = %s AND c.month BETWEEN %s AND %s AND c.articles > 0")
    params = [kind, _yyyymm(date_from), _yyyymm(date_to)]
    if values is not None:
        values = list(values)
        if not values:
            return {}
        sql += f" AND c.value IN ({', '.join(['%s'] * len(values))})"
        params += values
    sql += " GROUP BY c.value, named.slug HAVING sum(c.articles) > 0 ORDER BY n DESC, named.slug"
    if limit:
        sql += f" LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(value): int(n) for value, n in cursor.fetchall()}


def people_in(region_id, limit=10):
    """[(person id, articles in the region quoting them)], most first, then by slug."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person, articles FROM {PAIRS} JOIN articles_person named ON named.id = person"
            f" WHERE region = %s AND articles > 0 ORDER BY articles DESC, named.slug LIMIT {int(limit)}",
            [region_id],
        )
        return [(int(person), int(n)) for person, n in cursor.fetchall()]
