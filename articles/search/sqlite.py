"""SQLite full-text search: an FTS5 table fed with our own tokens.

One column per field (title, summary, body, quotes), so that phrases stay within a field as
they do in PostgreSQL; the `ascii` tokenizer splits only at the spaces we put between tokens,
so FTS5 indexes exactly the tokens of our normaliser.
"""

from django.db import connection
from django.db.models.expressions import RawSQL

from .compile import FTS5_TOKENIZE, fts5_documents, to_fts5
from .documents import indexed_articles

TABLE = "articles_search_fts"


# bm25 column weights: title over summary over body and quotes.
BM25 = f"bm25({TABLE}, 10.0, 4.0, 1.0, 1.0)"


class SQLiteSearch:
    vendor = "sqlite"

    def index(self, article_ids, closure=None):
        article_ids = list(article_ids)
        if article_ids:
            self.write(indexed_articles(article_ids, closure={}), replace=article_ids)

    def write(self, entries, replace=()):
        """Write index entries (documents.IndexedArticle), first removing those of the
        article ids in `replace`."""
        replace = list(replace)
        with connection.cursor() as cursor:
            for start in range(0, len(replace), 500):
                chunk = replace[start : start + 500]
                cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({','.join(['%s'] * len(chunk))})", chunk)
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, title, summary, body, quotes) VALUES (%s, %s, %s, %s, %s)",
                [(e.article_id, *fts5_documents(e.fields)) for e in entries],
            )

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")

    def matching_ids(self, tree):
        return RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [to_fts5(tree)])

    def ranked(self, queryset, tree):
        rank = RawSQL(
            f"SELECT {BM25} FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid = articles_article.id",
            [to_fts5(tree)],
        )
        # bm25 is lower for better matches.
        return queryset.annotate(relevance=rank).order_by("relevance", "-published_on", "-media_id")
