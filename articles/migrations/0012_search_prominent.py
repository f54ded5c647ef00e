"""Each entry's prominent lexemes, with a RUM index of their own (PostgreSQL).

`articles_search.prominent` holds the lexemes of an entry's document whose first position is
weighted A (the title's words), with all their positions (search/compile.py says why). For
a query of one word, RUM ranks every article where the word is prominent above every other,
so a page of them is ranked from this index alone: a word in 10 % of a million articles is
prominent in about 2,000 of them, and ranking those takes a millisecond or two where ranking
its 100,000 matches took 25-30 ms (a word in 30 %: 85-110 ms).

The index is made where RUM is, as the ranking index is (0007); without RUM, search ranks
the newest matches (search/postgres.py) and the column is only kept up to date. Existing
entries get theirs from their document, with the table's triggers set aside (the sample has
no such column, and the postings do not change) and its indexes made again after.
"""

from django.db import migrations

# The document without its lexemes that have no position weighted A. In documents laid out
# title first, those with any are those whose first is. Functions of tsvectors alone: the
# same by unnesting each document's lexemes took over ten minutes at a million articles.
PROMINENT = """ts_delete(document, tsvector_to_array(
    ts_delete(ts_filter(document, '{b,c,d}'), tsvector_to_array(ts_filter(document, '{a}')))))"""
FILL = f"UPDATE articles_search SET prominent = {PROMINENT}"


# The table's indexes but those of its keys: set aside while every row is written again, as
# each new row would otherwise go into each of them (the RUM index above all: 4 min 48 s at
# 100,000 articles with them, 38 s without them and with them built again after).
PLAIN_INDEXES = """
    SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE i.indrelid = 'articles_search'::regclass AND NOT i.indisprimary AND NOT i.indisunique
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE articles_search ADD COLUMN prominent tsvector NOT NULL DEFAULT ''", params=None)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM articles_search LIMIT 1")
        filled = cursor.fetchone() is not None
        cursor.execute(PLAIN_INDEXES)
        indexes = cursor.fetchall() if filled else []
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'rum'")
        rum = cursor.fetchone() is not None
    if filled:
        for name, _ in indexes:
            schema_editor.execute(f'DROP INDEX "{name}"', params=None)
        schema_editor.execute("ALTER TABLE articles_search DISABLE TRIGGER USER", params=None)
        schema_editor.execute(FILL, params=None)
        schema_editor.execute("ALTER TABLE articles_search ENABLE TRIGGER USER", params=None)
        for _, definition in indexes:
            schema_editor.execute(definition, params=None)
    if rum:
        schema_editor.execute(
            "CREATE INDEX articles_search_prominent ON articles_search USING rum (prominent rum_tsvector_ops)",
            params=None,
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE articles_search DROP COLUMN prominent", params=None)


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_quote_article_person")]

    operations = [migrations.RunPython(forwards, backwards)]
