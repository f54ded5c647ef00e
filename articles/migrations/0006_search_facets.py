"""What the search page counts and filters by, in each backend's narrow storage.

PostgreSQL: GIN indexes on the `regions`, `sources` and `people` arrays of `articles_search`,
which filter with `&&` (any of these ids).

SQLite: `articles_search_facets`, one row per (article, kind, value), written by
`SQLiteSearch` next to the FTS5 row: 'r' every region of the article and every region above
them, 's' its publication and credits, 'p' the people it quotes, 'd' its date as yyyymmdd.
Filled here from the articles already indexed, so that no rebuild is needed.
"""

from django.db import migrations

SQL = {
    "postgresql": (
        [
            "CREATE INDEX articles_search_regions ON articles_search USING gin (regions)",
            "CREATE INDEX articles_search_sources ON articles_search USING gin (sources)",
            "CREATE INDEX articles_search_people ON articles_search USING gin (people)",
        ],
        [
            "DROP INDEX IF EXISTS articles_search_regions",
            "DROP INDEX IF EXISTS articles_search_sources",
            "DROP INDEX IF EXISTS articles_search_people",
        ],
    ),
    "sqlite": (
        [
            """CREATE TABLE articles_search_facets (
                article_id integer NOT NULL,
                kind text NOT NULL,
                value integer NOT NULL,
                PRIMARY KEY (article_id, kind, value)
            ) WITHOUT ROWID""",
            "CREATE INDEX articles_search_facets_value ON articles_search_facets (kind, value, article_id)",
            # The articles indexed so far: those with an FTS5 row.
            """WITH RECURSIVE up(region_id, ancestor_id) AS (
                SELECT id, id FROM articles_region
                UNION
                SELECT up.region_id, r.parent_id FROM up JOIN articles_region r ON r.id = up.ancestor_id
                WHERE r.parent_id IS NOT NULL
            )
            INSERT OR IGNORE INTO articles_search_facets (article_id, kind, value)
            SELECT ar.article_id, 'r', up.ancestor_id FROM articles_article_regions ar
                JOIN up ON up.region_id = ar.region_id
                WHERE ar.article_id IN (SELECT rowid FROM articles_search_fts)
            UNION ALL
            SELECT id, 's', publication_id FROM articles_article
                WHERE publication_id IS NOT NULL AND id IN (SELECT rowid FROM articles_search_fts)
            UNION ALL
            SELECT article_id, 's', source_id FROM articles_article_credits
                WHERE article_id IN (SELECT rowid FROM articles_search_fts)
            UNION ALL
            SELECT article_id, 'p', person_id FROM articles_quote
                WHERE article_id IN (SELECT rowid FROM articles_search_fts)
            UNION ALL
            SELECT id, 'd', CAST(strftime('%Y%m%d', published_on) AS integer) FROM articles_article
                WHERE published_on IS NOT NULL AND id IN (SELECT rowid FROM articles_search_fts)""",
        ],
        ["DROP TABLE IF EXISTS articles_search_facets"],
    ),
}


def create(apps, schema_editor):
    for sql in SQL.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(sql, params=None)


def drop(apps, schema_editor):
    for sql in SQL.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    # After the page captures' migration, which also follows 0003: one line of migrations.
    dependencies = [("articles", "0005_page_captures")]

    operations = [migrations.RunPython(create, drop)]
