"""SQLite full-text search: an FTS5 table fed with our own tokens.

One column per field (title, summary, body, quotes), so that phrases stay within a field as
they do in PostgreSQL; the `ascii` tokenizer splits only at the spaces we put between tokens,
so FTS5 indexes exactly the tokens of our normaliser.
"""

import datetime
from dataclasses import replace

from django.db import connection
from django.db.models.expressions import RawSQL

from . import counts
from .compile import fts5_documents, to_fts5
from .documents import indexed_articles
from .facets import Criteria, FacetCounts
from .query import All

TABLE = "articles_search_fts"
# One row per (article, kind, value): 'r' a region of the article or above one of its regions,
# 's' its publication or a credit, 'p' a person it quotes, 'd' its date as yyyymmdd. The
# narrow table that filters and facets read instead of the article tables (migration 0006).
FACETS = "articles_search_facets"


# bm25 column weights: title over summary over body and quotes.
BM25 = f"bm25({TABLE}, 10.0, 4.0, 1.0, 1.0)"


class SQLiteSearch:
    vendor = "sqlite"

    def index(self, article_ids, closure=None):
        article_ids = list(article_ids)
        if article_ids:
            self.write(indexed_articles(article_ids, closure), replace=article_ids)

    def write(self, entries, replace=()):
        """Write index entries (documents.IndexedArticle), first removing those of the
        article ids in `replace`."""
        replace = list(replace)
        counts.subtract(replace)
        with connection.cursor() as cursor:
            for start in range(0, len(replace), 500):
                chunk = replace[start : start + 500]
                cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({','.join(['%s'] * len(chunk))})", chunk)
                cursor.execute(f"DELETE FROM {FACETS} WHERE article_id IN ({','.join(['%s'] * len(chunk))})", chunk)
        self.write_rows([self.row(e) for e in entries])

    @staticmethod
    def row(entry):
        """The table row of an index entry; pure, so bulk loaders can make rows in workers."""
        return (entry.article_id, *fts5_documents(entry.fields), facet_values(entry))

    def write_rows(self, rows):
        rows = list(rows)
        counts.subtract([row[0] for row in rows])
        with connection.cursor() as cursor:
            # Rows left under these ids by an article deleted behind the index's back (a
            # test database flush, a raw DELETE) are stale by definition: replace them.
            for start in range(0, len(rows), 500):
                ids = [row[0] for row in rows[start : start + 500]]
                marks = ",".join(["%s"] * len(ids))
                cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", ids)
                cursor.execute(f"DELETE FROM {FACETS} WHERE article_id IN ({marks})", ids)
            self.insert_rows(cursor, rows)
        counts.add([row[0] for row in rows])

    @staticmethod
    def insert_rows(cursor, rows):
        """Rows (as `row` makes them) into the tables, and nothing else: no check for stale
        rows, no counting."""
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, title, summary, body, quotes) VALUES (%s, %s, %s, %s, %s)",
            [row[:5] for row in rows],
        )
        cursor.executemany(
            f"INSERT INTO {FACETS} (article_id, kind, value) VALUES (%s, %s, %s)",
            [(row[0], kind, value) for row in rows for kind, value in row[5]],
        )

    def clear(self, truncate=False):
        """Empty the index and its counts (SQLite has no TRUNCATE: `truncate` is
        PostgreSQL's)."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(f"DELETE FROM {FACETS}")
        counts.clear()

    def write_bulk(self, entries, load):
        """Write fresh entries, uncounted: for a bulk load (importing.BulkLoad), which
        recounts at the end."""
        if entries:
            with connection.cursor() as cursor:
                self.insert_rows(cursor, [self.row(e) for e in entries])

    def prepare(self):
        """Nothing to set up beyond the migrations: FTS5 ranks with bm25."""
        return True

    def forget(self, article_ids):
        """Remove these articles' entries (and count them out) now."""
        self.write([], replace=article_ids)

    def recount(self):
        counts.recount()

    def page(self, criteria, order, offset, limit):
        """The ids of the matching articles (facets.Criteria) from `offset` to `offset + limit`
        in `order`: "relevance" (needs something included), "newest" or "oldest"."""
        by_relevance = order == "relevance" and criteria.include is not None
        narrowing = criteria
        if by_relevance:
            # The scores find the included; the rest narrows them, without finding the
            # included a second time (a word in every article, with a region and dates:
            # 156 -> 60 ms at 100,000 articles).
            narrowing = replace(criteria, tree=All((), criteria.tree.exclude) if criteria.exclude else None)
        filtered = narrowing != Criteria()
        hits, params = self._hits(narrowing) if filtered else ("", [])
        within = f"AND a.id IN ({hits})" if filtered else ""
        if not by_relevance:
            way = "ASC" if order == "oldest" else "DESC"
            sql = (f"SELECT a.id FROM articles_article a WHERE a.status = 'published' {within}"
                   f" ORDER BY a.published_on {way}, a.media_id {way} LIMIT %s OFFSET %s")
            params = [*params, limit, offset]
        else:
            # Scored once (MATERIALIZED: SQLite 3.35+); bm25 is lower for better matches.
            # Only the matches scoring at least as well as the page's last one are joined with
            # the articles for their dates: every one of those, so that ties on the score are
            # broken exactly as over all matches. Joining every match first took 72-185 ms
            # for a word in 30 % of 100,000 articles, against 25 ms.
            # The filters narrow the scored matches, not the full-text scan: as a constraint
            # on it, SQLite looked each filtered id up in the full-text index (1.5 s).
            within = within.replace("a.id IN", "id IN")
            sql = f"""
                WITH matched AS MATERIALIZED (SELECT rowid AS id, {BM25} AS score FROM {TABLE} WHERE {TABLE} MATCH %s),
                scores AS MATERIALIZED (SELECT id, score FROM matched WHERE TRUE {within}),
                edge(score) AS (SELECT score FROM scores ORDER BY score LIMIT 1 OFFSET %s)
                SELECT a.id FROM scores JOIN articles_article a ON a.id = scores.id
                WHERE NOT EXISTS (SELECT 1 FROM edge) OR scores.score <= (SELECT score FROM edge)
                ORDER BY scores.score, a.published_on DESC, a.media_id DESC LIMIT %s OFFSET %s
            """
            params = [to_fts5(criteria.include), *params, offset + limit - 1, limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def ranks_every_match(self, criteria):
        """FTS5 scores every match with bm25 in one pass: always."""
        return True

    def ranks_title_first(self, criteria):
        return False

    def sparser_samples_pay(self, criteria):
        """FTS5 finds the sample's matches by its index, phrases too (its sample is a join)."""
        return True

    def rank_cap(self, criteria):
        """Never used: every match is ranked."""
        return None

    def estimated_matches_of(self, criteria):
        """No estimate without reading the index here (see PostgresSearch)."""
        return None

    def related_candidates(self, article_id, region_ids, person_ids, pool):
        """{id: (date, media ID)} of the latest `pool` articles naming any of these regions
        (or a place in them) and the latest `pool` quoting any of these people, but
        `article_id`.

        One query per region or person, each read backwards from the (kind, value,
        article_id) index: with all of them in one IN list, SQLite walked the whole
        facets table in id order instead (7 s at 100,000 articles)."""
        found = set()
        with connection.cursor() as cursor:
            for kind, ids in (("r", region_ids), ("p", person_ids)):
                latest = []
                for value in ids or ():
                    cursor.execute(
                        f"SELECT article_id FROM {FACETS} WHERE kind = %s AND value = %s AND article_id <> %s"
                        " ORDER BY article_id DESC LIMIT %s",
                        [kind, value, article_id, pool],
                    )
                    latest.extend(row[0] for row in cursor.fetchall())
                found.update(sorted(set(latest), reverse=True)[:pool])
            if not found:
                return {}
            marks = ", ".join(["%s"] * len(found))
            cursor.execute(f"SELECT id, published_on, media_id FROM articles_article WHERE id IN ({marks})", list(found))
            return {pk: (_date(published_on), media_id) for pk, published_on, media_id in cursor.fetchall()}

    def matching_ids(self, tree):
        return RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [to_fts5(tree)])

    def ranked(self, queryset, tree):
        # Scored once for the whole query, then looked up per article: bm25 needs every
        # matching row's statistics, so a MATCH per article would make ranking quadratic.
        # (MATERIALIZED: SQLite 3.35+.)
        rank = RawSQL(
            f"WITH scores AS MATERIALIZED (SELECT rowid AS id, {BM25} AS score FROM {TABLE} WHERE {TABLE} MATCH %s)"
            " SELECT score FROM scores WHERE id = articles_article.id",
            [to_fts5(tree)],
        )
        # bm25 is lower for better matches.
        return queryset.annotate(relevance=rank).order_by("relevance", "-published_on", "-media_id")

    # --- facets: counts over the matching entries, from the narrow table alone ---------------

    def _hits(self, criteria):
        """A compound SELECT of the ids of the entries matching `criteria` (facets.Criteria),
        each once, and its parameters."""
        parts, params = [], []
        if criteria.include is not None:
            parts.append(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s")
            params.append(to_fts5(criteria.include))
        for kind, ids in (("r", criteria.regions), ("s", criteria.sources), ("p", criteria.people)):
            if ids:
                marks = ", ".join(["%s"] * len(ids))
                parts.append(f"SELECT article_id FROM {FACETS} WHERE kind = %s AND value IN ({marks})")
                params.extend([kind, *ids])
        if criteria.date_from or criteria.date_to or not parts:
            parts.append(f"SELECT article_id FROM {FACETS} WHERE kind = 'd' AND value BETWEEN %s AND %s")
            params.extend([_day(criteria.date_from) if criteria.date_from else 0,
                           _day(criteria.date_to) if criteria.date_to else 99_999_999])
        sql = " INTERSECT ".join(parts)
        if len(parts) == 1:  # INTERSECT would have removed repeats (an article in two regions)
            sql = sql.replace("SELECT ", "SELECT DISTINCT ", 1)
        if criteria.exclude is not None:
            sql += f" EXCEPT SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"
            params.append(to_fts5(criteria.exclude))
        return sql, params

    def facets(self, criteria, sample=None):
        """facets.FacetCounts of the entries matching `criteria` (in the sample of one in
        `sample`, if given), in one query. Finding the matches is cheap (FTS5, the facet
        table's index); joining each to its facet rows is the work, and the sample's
        matches are joined alone."""
        hits, params = self._hits(criteria)
        in_sample = f"WHERE hits.article_id %% {int(sample)} = 0" if sample else ""  # %%: %
        sql = f"""
            WITH hits(article_id) AS ({hits})
            SELECT f.kind, CASE f.kind WHEN 'd' THEN f.value / 100 ELSE f.value END AS v, count(*)
            FROM hits JOIN {FACETS} f ON f.article_id = hits.article_id {in_sample}
            GROUP BY f.kind, v
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return FacetCounts.from_rows(("m" if kind == "d" else kind, v, n) for kind, v, n in cursor.fetchall())

    def per_month(self, criteria):
        """[(first day of a month, matching entries)], oldest first; empty months left out."""
        hits, params = self._hits(criteria)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH hits(article_id) AS ({hits}) SELECT f.value / 100, count(*) FROM hits"
                f" JOIN {FACETS} f ON f.article_id = hits.article_id AND f.kind = 'd' GROUP BY 1 ORDER BY 1",
                params,
            )
            return FacetCounts.from_rows(("m", month, n) for month, n in cursor.fetchall()).per_month()

    def count(self, criteria):
        hits, params = self._hits(criteria)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({hits})", params)
            return cursor.fetchone()[0]


def _date(value):
    # SQLite hands a raw cursor's dates back as text.
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _day(date):
    return date.year * 10_000 + date.month * 100 + date.day


def facet_values(entry):
    """The (kind, value) rows of an index entry in the facets table."""
    values = [("r", pk) for pk in entry.regions]
    values += [("s", pk) for pk in entry.sources]
    values += [("p", pk) for pk in entry.people]
    if entry.published_on is not None:
        values.append(("d", _day(entry.published_on)))
    return tuple(values)
