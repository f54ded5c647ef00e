"""Ranking that never scores every match, and counts that never count every article.

PostgreSQL: where the `rum` extension is installed (Debian's postgresql-<major>-rum), a RUM
index on the search vectors replaces the GIN one. RUM keeps each lexeme's positions in the
index, so `ORDER BY document <=> query` ranks the matches from the index alone (the GIN way
reads and ranks every matching vector from the table: 13x slower on a term in a quarter of
100,000 articles), and it answers `@@` as fast as GIN. Without RUM the GIN index stays and
ranking is capped (search/postgres.py); `manage.py check` says so (articles.W001).

Both databases: `articles_search_counts`, published articles per (kind, id, month) for every
region (with everything below it), source, person and for the whole archive ('a', 0), and
`articles_search_region_people`, articles per (region, person quoted). The search backends
keep them exact on every index write; pages read totals, timelines and "most quoted here"
from them instead of counting a region's hundreds of thousands of articles per request.
"""

from django.db import migrations

COUNTS = [
    """CREATE TABLE articles_search_counts (
        kind char(1) NOT NULL,
        value bigint NOT NULL,
        month integer NOT NULL,
        articles integer NOT NULL,
        PRIMARY KEY (kind, value, month)
    )""",
    """CREATE TABLE articles_search_region_people (
        region bigint NOT NULL,
        person bigint NOT NULL,
        articles integer NOT NULL,
        PRIMARY KEY (region, person)
    )""",
    "CREATE INDEX articles_search_region_people_top ON articles_search_region_people (region, articles)",
]
DROP_COUNTS = ["DROP TABLE IF EXISTS articles_search_counts", "DROP TABLE IF EXISTS articles_search_region_people"]


def rum_available(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        return cursor.fetchone() is not None


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    for sql in COUNTS:
        schema_editor.execute(sql, params=None)
    if vendor == "postgresql" and rum_available(schema_editor):
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS rum", params=None)
        schema_editor.execute(
            "CREATE INDEX articles_search_rank ON articles_search USING rum (document rum_tsvector_ops)", params=None
        )
        schema_editor.execute("DROP INDEX IF EXISTS articles_search_document", params=None)
    # The articles indexed so far.
    from articles.search import counts

    counts.recount()


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in DROP_COUNTS if vendor in ("postgresql", "sqlite") else []:
        schema_editor.execute(sql, params=None)
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS articles_search_document ON articles_search USING gin (document)", params=None
        )
        schema_editor.execute("DROP INDEX IF EXISTS articles_search_rank", params=None)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_search_facets")]

    operations = [migrations.RunPython(forwards, backwards)]
