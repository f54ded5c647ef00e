"""SQL that only PostgreSQL runs, for the migrations that tune its search tables (SQLite's
search tables are made their own way). Not a migration: the loader skips names with "_"."""

from django.db import migrations


def postgres_only(forwards, backwards):
    """A migration operation running the statements `forwards` (undone by `backwards`) on
    PostgreSQL, and nothing elsewhere."""

    def run(statements):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for sql in statements:
                    schema_editor.execute(sql, params=None)

        return operation

    return migrations.RunPython(run(forwards), run(backwards))
