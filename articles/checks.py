"""System checks that need the database (run by `migrate` and `check --database default`).

Tagged `database`, so Django runs them only when it is given databases to look at: a plain
`manage.py check` (or `check --deploy`) never connects.
"""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError, connections

RUM_INDEX = "articles_search_rank"

# The index, if any, named RUM_INDEX on articles_search, and its access method; `present`
# is false until the full-text table exists (a fresh database has nothing to rank yet).
RUM_INDEX_SQL = """
    SELECT to_regclass('articles_search') IS NOT NULL AS present, am.amname
    FROM (SELECT 1) AS one
    LEFT JOIN pg_index i ON i.indrelid = to_regclass('articles_search')
                        AND i.indexrelid = to_regclass(%s)
    LEFT JOIN pg_class c ON c.oid = i.indexrelid
    LEFT JOIN pg_am am ON am.oid = c.relam
"""


@register(Tags.database)
def check_rum_index(app_configs=None, databases=None, **kwargs):
    messages = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        try:
            with connection.cursor() as cursor:
                cursor.execute(RUM_INDEX_SQL, [RUM_INDEX])
                present, access_method = cursor.fetchone()
            major = connection.pg_version // 10000
        except DatabaseError:
            # Unreachable, or not ours to read: other checks and commands say so better.
            continue
        if present and access_method != "rum":
            messages.append(
                Warning(
                    "PostgreSQL has no RUM index for search ranking",
                    hint=(
                        f"Install postgresql-{major}-rum (the RUM extension for this server) "
                        "and run `manage.py rebuild_search_index`, which makes the index. Search still "
                        "works without it: relevance ranks the newest 5,000 matches of a broad query; "
                        "older ones follow newest first."
                    ),
                    obj=f"database '{alias}'",
                    id="articles.W001",
                )
            )
    return messages
