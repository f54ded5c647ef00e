"""Each region's, source's and person's articles in date order (PostgreSQL).

`articles_search_postings` holds one row per index entry and value of its arrays: the
region (and every region above the article's places), source or person, with the entry's
date and media ID. Its index reads "the newest articles naming Baiji" as a few consecutive
index pages, whatever the region's size. The listing index (0008) finds them by walking all
articles newest first: quick for a country, but for a town with 240 articles at a million
it read every entry's heap row through the arrays' GIN index (234 pages, 27 ms when they are
not in memory) and for other rare places walked hundreds of thousands of index entries;
from this table, 5 pages and under a millisecond. Article pages (related articles), region,
source and person pages, and listings filtered by one of them read it.

A trigger keeps it, whatever writes the index table (the backend, a bulk COPY); a big bulk
load sets the trigger aside and fills the table once at the end (importing.BulkLoad).
"""

from django.db import migrations

from ._postgres import postgres_only

FORWARDS = [
    """CREATE TABLE articles_search_postings (
        kind char(1) NOT NULL,
        value bigint NOT NULL,
        published_on date NOT NULL,
        media_id bigint NOT NULL,
        article_id bigint NOT NULL
    )""",
    """CREATE FUNCTION articles_search_postings_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM articles_search_postings p
            USING (SELECT 'r' AS kind, unnest(OLD.regions) AS value
                   UNION SELECT 's', unnest(OLD.sources) UNION SELECT 'p', unnest(OLD.people)) v
            WHERE p.kind = v.kind AND p.value = v.value AND p.published_on = OLD.published_on
                AND p.media_id = OLD.media_id AND p.article_id = OLD.article_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO articles_search_postings (kind, value, published_on, media_id, article_id)
            SELECT kind, value, NEW.published_on, NEW.media_id, NEW.article_id
            FROM (SELECT 'r' AS kind, unnest(NEW.regions) AS value
                  UNION SELECT 's', unnest(NEW.sources) UNION SELECT 'p', unnest(NEW.people)) v;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER articles_search_postings_write AFTER INSERT OR UPDATE OR DELETE ON articles_search
        FOR EACH ROW EXECUTE FUNCTION articles_search_postings_write()""",
    """INSERT INTO articles_search_postings (kind, value, published_on, media_id, article_id)
        SELECT DISTINCT v.kind, v.value, s.published_on, s.media_id, s.article_id FROM articles_search s,
        LATERAL (SELECT 'r' AS kind, unnest(s.regions) AS value
                 UNION ALL SELECT 's', unnest(s.sources) UNION ALL SELECT 'p', unnest(s.people)) v""",
    """CREATE INDEX articles_search_postings_newest ON articles_search_postings (kind, value, published_on, media_id)
        INCLUDE (article_id)""",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS articles_search_postings_write ON articles_search",
    "DROP FUNCTION IF EXISTS articles_search_postings_write()",
    "DROP TABLE IF EXISTS articles_search_postings",
]


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_search_sample")]

    operations = [postgres_only(FORWARDS, BACKWARDS)]
