"""The search index's sample (PostgreSQL): a copy of the entries whose article id is a
multiple of 16, from which a broad query's counts are estimated (search.facets.SAMPLE).

A table of its own, not partial indexes on the index table: the sample's rows lie on every
page of that table, so reading a sixteenth of its matches still read nearly all of its pages
(at a million articles, 18,800 pages for a term's 20,000 sampled matches: 130 ms), where
the sample's own table is a sixteenth of the size and stays in memory.

A trigger copies each sampled entry as it is written, whatever writes it (the backend, a
bulk COPY); the foreign key's cascade removes it with its entry, and a TRUNCATE of the index
table must name both (PostgresSearch.clear).
"""

from django.db import migrations

from ._postgres import postgres_only

SAMPLE = 16  # search.facets.SAMPLE: a test holds them together
FORWARDS = [
    f"""CREATE TABLE articles_search_sample (
        article_id bigint PRIMARY KEY REFERENCES articles_search (article_id) ON DELETE CASCADE,
        published_on date NOT NULL,
        regions bigint[] NOT NULL,
        sources bigint[] NOT NULL,
        people bigint[] NOT NULL,
        document tsvector NOT NULL,
        CHECK (article_id % {SAMPLE} = 0)
    )""",
    "CREATE INDEX articles_search_sample_document ON articles_search_sample USING gin (document)",
    "CREATE INDEX articles_search_sample_regions ON articles_search_sample USING gin (regions)",
    "CREATE INDEX articles_search_sample_sources ON articles_search_sample USING gin (sources)",
    "CREATE INDEX articles_search_sample_people ON articles_search_sample USING gin (people)",
    "CREATE INDEX articles_search_sample_date ON articles_search_sample (published_on)",
    """CREATE FUNCTION articles_search_sample_copy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO articles_search_sample (article_id, published_on, regions, sources, people, document)
        VALUES (NEW.article_id, NEW.published_on, NEW.regions, NEW.sources, NEW.people, NEW.document)
        ON CONFLICT (article_id) DO UPDATE SET published_on = excluded.published_on, regions = excluded.regions,
            sources = excluded.sources, people = excluded.people, document = excluded.document;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER articles_search_sample_copy AFTER INSERT OR UPDATE ON articles_search
        FOR EACH ROW WHEN (NEW.article_id % {SAMPLE} = 0) EXECUTE FUNCTION articles_search_sample_copy()""",
    f"""INSERT INTO articles_search_sample (article_id, published_on, regions, sources, people, document)
        SELECT article_id, published_on, regions, sources, people, document FROM articles_search
        WHERE article_id % {SAMPLE} = 0""",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS articles_search_sample_copy ON articles_search",
    "DROP FUNCTION IF EXISTS articles_search_sample_copy()",
    "DROP TABLE IF EXISTS articles_search_sample",
]


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_search_listing_index")]

    operations = [postgres_only(FORWARDS, BACKWARDS)]
