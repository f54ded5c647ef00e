"""PostgreSQL full-text search over a narrow table of its own.

`articles_search` holds one row per published article: its date and media ID (for ordering),
the ids of its regions (with every region above them), sources and people (for filters and
facets without joins), and a weighted tsvector of our own tokens (title A, summary B, body
and quotes C), written as a literal so that PostgreSQL never re-parses our words.
"""

from django.db import connection
from django.db.models.expressions import RawSQL

from .compile import to_tsquery, tsvector_literal
from .documents import indexed_articles

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
            copy_sql = f"COPY {TABLE} (article_id, media_id, published_on, regions, sources, people, document) FROM STDIN"
            with cursor.connection.cursor().copy(copy_sql) as copy:
                for e in entries:
                    copy.write_row(
                        (
                            e.article_id, e.media_id, e.published_on, e.regions, e.sources, e.people,
                            tsvector_literal(list(zip(e.fields, "ABCC"))),
                        )
                    )

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
