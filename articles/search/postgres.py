"""PostgreSQL full-text search over a narrow table of its own.

`articles_search` holds one row per published article: its date and media ID (for ordering),
the ids of its regions (with every region above them), sources and people (for filters and
facets without joins), and a weighted tsvector of our own tokens (title A, summary B, body
and quotes C), written as a literal so that PostgreSQL never re-parses our words.
"""

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from .compile import to_tsquery, tsvector_literal
from .documents import indexed_articles
from .facets import FacetCounts

TABLE = "articles_search"



class PostgresSearch:
    vendor = "postgresql"

    def index(self, article_ids, closure=None):
        """Bring the entries of these articles up to date: published ones (re)written,
        everything else removed."""
        article_ids = list(article_ids)
        if article_ids:
            self.write(indexed_articles(article_ids, closure), replace=article_ids)

    def write(self, entries, replace=()):
        """Write index entries (documents.IndexedArticle), first removing those of the
        article ids in `replace`. Bulk loads pass fresh articles and nothing to replace."""
        with connection.cursor() as cursor:
            if replace:
                cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [list(replace)])
            if not entries:
                return
            self.write_rows(map(self.row, entries), cursor)

    @staticmethod
    def row(entry):
        """The table row of an index entry; pure, so bulk loaders can make rows in workers."""
        e = entry
        return (
            e.article_id, e.media_id, e.published_on, e.regions, e.sources, e.people,
            tsvector_literal(list(zip(e.fields, "ABCC"))),
        )

    def write_rows(self, rows, cursor=None):
        copy_sql = f"COPY {TABLE} (article_id, media_id, published_on, regions, sources, people, document) FROM STDIN"
        with (cursor or connection.cursor()) as cursor:
            with cursor.connection.cursor().copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)

    def clear(self):
        with connection.cursor() as cursor:
            # TRUNCATE is far faster, but not allowed while the transaction has deferred
            # foreign-key checks pending.
            cursor.execute(f"DELETE FROM {TABLE}" if connection.in_atomic_block else f"TRUNCATE {TABLE}")

    def matching_ids(self, tree):
        """SQL of the ids of articles matching `tree` (which includes something)."""
        return RawSQL(f"SELECT article_id FROM {TABLE} WHERE document @@ %s::tsquery", [to_tsquery(tree)])

    def ranked(self, queryset, tree):
        """`queryset` ordered by relevance: title over summary over body, recent first among
        equals. ts_rank's default weights rank A over B over C."""
        rank = RawSQL(
            f"SELECT ts_rank(document, %s::tsquery) FROM {TABLE} WHERE article_id = articles_article.id",
            [to_tsquery(tree)],
        )
        return queryset.annotate(relevance=rank).order_by("-relevance", "-published_on", "-media_id")

    # --- facets: counts over the matching entries, from the narrow table alone ---------------

    def _where(self, criteria):
        """The WHERE clause and parameters of the entries that match `criteria`
        (facets.Criteria). The arrays are GIN-indexed (migration 0006) for `&&`."""
        clauses, params = ["TRUE"], []
        if criteria.include is not None:
            clauses.append("document @@ %s::tsquery")
            params.append(to_tsquery(criteria.include))
        if criteria.exclude is not None:
            clauses.append("NOT document @@ %s::tsquery")
            params.append(to_tsquery(criteria.exclude))
        for column, ids in (("regions", criteria.regions), ("sources", criteria.sources), ("people", criteria.people)):
            if ids:
                clauses.append(f"{column} && %s::bigint[]")
                params.append(list(ids))
        if criteria.date_from:
            clauses.append("published_on >= %s")
            params.append(criteria.date_from)
        if criteria.date_to:
            clauses.append("published_on <= %s")
            params.append(criteria.date_to)
        return " AND ".join(clauses), params

    def facets(self, criteria):
        """facets.FacetCounts of the entries matching `criteria`, in one query: the matching
        rows are read once, then each array is unnested and grouped."""
        where, params = self._where(criteria)
        sql = f"""
            WITH hits AS MATERIALIZED (
                SELECT regions, sources, people, published_on FROM {TABLE} WHERE {where}
            )
            SELECT 'r', value, count(*) FROM hits, unnest(hits.regions) AS value GROUP BY value
            UNION ALL SELECT 's', value, count(*) FROM hits, unnest(hits.sources) AS value GROUP BY value
            UNION ALL SELECT 'p', value, count(*) FROM hits, unnest(hits.people) AS value GROUP BY value
            UNION ALL SELECT 'm', (extract(year FROM published_on) * 100 + extract(month FROM published_on))::bigint,
                count(*) FROM hits GROUP BY 2
        """
        return FacetCounts.from_rows(self._fetch(criteria, sql, params))

    def per_month(self, criteria):
        """[(first day of a month, matching entries)], oldest first; empty months left out."""
        where, params = self._where(criteria)
        sql = f"SELECT date_trunc('month', published_on)::date, count(*) FROM {TABLE} WHERE {where} GROUP BY 1 ORDER BY 1"
        return self._fetch(criteria, sql, params)

    def count(self, criteria):
        where, params = self._where(criteria)
        return self._fetch(criteria, f"SELECT count(*) FROM {TABLE} WHERE {where}", params)[0][0]

    def _fetch(self, criteria, sql, params):
        """The rows of a query over the entries matching `criteria`.

        With words to look up, the GIN index is always the way in: the planner prices
        `document @@ query` like any cheap operator, so for a common word it reads the whole
        table instead, and so decompresses every article's vector (measured on 50,000
        articles matching one word: 350 ms by sequential scan, 55 ms by bitmap index scan).
        """
        if criteria.include is None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        # SET LOCAL, in a transaction of its own: safe behind a pooler that hands each
        # transaction to any server connection.
        inside = connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if inside:  # a savepoint keeps the setting until the outer transaction ends
                cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
            return rows
