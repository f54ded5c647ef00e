"""Listings from the search index without visiting the table (PostgreSQL).

A region's, person's or source's newest articles are read from the date index backwards,
keeping those whose arrays name it: with the arrays in the index itself (INCLUDE), that is an
index-only scan. At a million articles the newest 400 articles of a province took 414 ms
with the plain date index (30,000 table rows visited) and 24 ms with this one. It replaces
the plain date index, which has the same leading columns.
"""

from django.db import migrations

from ._postgres import postgres_only

FORWARDS = [
    "CREATE INDEX articles_search_listing ON articles_search (published_on, media_id) "
    "INCLUDE (article_id, regions, sources, people)",
    "DROP INDEX IF EXISTS articles_search_date",
]
BACKWARDS = [
    "CREATE INDEX IF NOT EXISTS articles_search_date ON articles_search (published_on, media_id)",
    "DROP INDEX IF EXISTS articles_search_listing",
]


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_search_ranking_and_counts")]

    operations = [postgres_only(FORWARDS, BACKWARDS)]
