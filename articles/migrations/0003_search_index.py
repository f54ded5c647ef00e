"""The full-text index: a narrow table on PostgreSQL, an FTS5 table on SQLite. Neither is a
Django model: each backend owns its storage (articles/search/postgres.py, sqlite.py)."""

from django.db import migrations

SQL = {
    "postgresql": (
        [
            """CREATE TABLE articles_search (
                article_id bigint PRIMARY KEY
                    REFERENCES articles_article (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                media_id bigint NOT NULL,
                published_on date NOT NULL,
                regions bigint[] NOT NULL DEFAULT '{}',
                sources bigint[] NOT NULL DEFAULT '{}',
                people bigint[] NOT NULL DEFAULT '{}',
                document tsvector NOT NULL
            )""",
            "CREATE INDEX articles_search_document ON articles_search USING gin (document)",
            "CREATE INDEX articles_search_date ON articles_search (published_on, media_id)",
        ],
        ["DROP TABLE IF EXISTS articles_search"],
    ),
    "sqlite": (
        [
            "CREATE VIRTUAL TABLE articles_search_fts USING fts5("
            "title, summary, body, quotes, tokenize='ascii', detail=full)"
        ],
        ["DROP TABLE IF EXISTS articles_search_fts"],
    ),
}


def create(apps, schema_editor):
    for sql in SQL.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in SQL.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_editors_group")]

    operations = [migrations.RunPython(create, drop)]
