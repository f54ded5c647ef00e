"""/search/export.jsonl and /search/export.csv: every match of the search, streamed."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.exporting import csv_lines, jsonl_lines
from articles.models import Article, Person, Quote, Source
from tests.builders import make_article, make_person, make_source


@pytest.fixture
def archive(tree):
    hashimi = make_person("Hisham al-Hashimi", description="Iraqi analyst")
    afp, asharq = make_source("AFP", kind="agency"), make_source("Asharq Al-Awsat")
    for n in range(5):
        make_article(f"Attack {n} near Baiji", media_id=900 + n, body=f"Attack number {n}.", publication=asharq,
                     credits=[afp], regions=[tree["baiji"], tree["iraq"]], quotes=[(hashimi, f"Words {n}.")],
                     published_on=datetime.date(2015, 1, 1 + n), original_url=f"https://example.com/{n}")
    make_article("Aleppo quiet", media_id=990, regions=[tree["aleppo"]], published_on=datetime.date(2016, 1, 1))
    make_article("Attack draft", media_id=991, status="draft", published_on=None)
    return tree


def body(response):
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def test_jsonl_export_has_every_match_not_a_page_by_media_id(client, archive, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    response = client.get("/search/export.jsonl?q=attack&page=2")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="archive-search-attack.jsonl"'
    records = [json.loads(line) for line in body(response).splitlines()]
    assert [r["media_id"] for r in records] == [900, 901, 902, 903, 904]


def test_jsonl_export_is_in_the_import_format(client, archive):
    (record,) = [json.loads(line) for line in body(client.get("/search/export.jsonl?q=%22number+3%22")).splitlines()]
    assert record == {
        "media_id": 903, "title": "Attack 3 near Baiji", "published_on": "2015-01-04", "publication": "Asharq Al-Awsat",
        "credits": ["AFP"], "section": "", "byline": "", "original_url": "https://example.com/3", "language": "en",
        "summary": "", "body": "Attack number 3.", "regions": ["Iraq", "Baiji"],
        "quotes": [{"person": "Hisham al-Hashimi", "description": "Iraqi analyst", "text": "Words 3.", "given_to": None}],
        "status": "published",
    }


def test_exports_take_every_filter(client, archive):
    lines = body(client.get("/search/export.jsonl?region=syria&region=saladin-governorate&date_from=2015-01-02")).splitlines()
    assert [json.loads(line)["media_id"] for line in lines] == [901, 902, 903, 904, 990]
    assert body(client.get("/search/export.jsonl?q=zzz")) == ""


def test_importing_a_jsonl_export_into_an_empty_archive_recreates_the_articles(client, archive, tmp_path):
    exported = body(client.get("/search/export.jsonl?q=attack"))
    before = [json.loads(line) for line in exported.splitlines()]
    Article.objects.all().delete()
    Quote.objects.all().delete()
    Person.objects.all().delete()
    Source.objects.all().delete()
    path = tmp_path / "export.jsonl"
    path.write_text(exported, encoding="utf-8")
    call_command("import_articles", str(path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert Article.objects.count() == 5
    assert [json.loads(line) for line in body(client.get("/search/export.jsonl?q=attack")).splitlines()] == before


def test_csv_export_is_one_row_per_match_in_utf8_with_a_bom(client, archive):
    response = client.get("/search/export.csv?q=attack&region=iraq")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="archive-search-attack.csv"'
    content = body(response)
    assert content.startswith("\ufeffmedia_id,published_on,title,")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))
    assert rows[0] == ["media_id", "published_on", "title", "publication", "credits", "regions", "people", "url"]
    assert len(rows) == 6
    article = Article.objects.get(media_id=900)
    assert rows[1] == ["900", "2015-01-01", "Attack 0 near Baiji", "Asharq Al-Awsat", "AFP", "Iraq; Baiji",
                       "Hisham al-Hashimi", f"http://testserver{article.get_absolute_url()}"]


@pytest.mark.parametrize("title", ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturn"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, tree, title):
    make_article(title, media_id=42, publication=make_source(title[:20]))
    rows = list(csv.reader(io.StringIO(body(client.get("/search/export.csv")).removeprefix("\ufeff"))))
    assert rows[1][2] == "'" + title
    assert rows[1][3] == "'" + title[:20]


def test_a_bad_filter_value_on_an_export_is_a_400_that_says_why(client, archive):
    for path in ["/search/export.csv", "/search/export.jsonl"]:
        response = client.get(path, {"q": "attack", "region": "narnia"})
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode() == "There is no region “narnia” in the archive.\n"


def test_exports_read_the_articles_in_chunks(archive):
    def queries(lines, chunk_size):
        with CaptureQueriesContext(connection) as captured:
            assert len(list(lines(Article.objects.published().order_by("media_id"), chunk_size=chunk_size))) >= 6
        return len(captured)

    def as_csv(articles, chunk_size):
        return csv_lines(articles, lambda path: path, chunk_size=chunk_size)

    # One query for the articles and one per related table for each chunk: never all at once.
    for lines in (jsonl_lines, as_csv):
        assert queries(lines, chunk_size=2) > queries(lines, chunk_size=1000)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="cursor_tuple_fraction is PostgreSQL's planner setting")
@pytest.mark.parametrize("export", [jsonl_lines, lambda articles: csv_lines(articles, lambda path: path)])
def test_an_export_s_cursor_is_planned_for_every_row_and_the_setting_restored(archive, export):
    """The export's server-side cursor runs its whole query before the first line when it
    outlives its transaction: it is planned for every row, not for its first tenth."""
    seen = []

    def watch(execute, sql, params, many, context):
        if sql.startswith("SHOW"):
            return execute(sql, params, many, context)
        with connection.cursor() as cursor:
            cursor.execute("SHOW cursor_tuple_fraction")  # the setting the query is planned with
            seen.append((sql, cursor.fetchone()[0]))
        return execute(sql, params, many, context)

    articles = Article.objects.filter(status="published").order_by("media_id")
    with connection.execute_wrapper(watch):
        lines = list(export(articles))
    assert len(lines) >= articles.count()
    rows = [setting for sql, setting in seen if sql.startswith('SELECT "articles_article"."id"')]
    assert rows == ["1"]  # the rows, read once
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone()[0] == "0.1"  # PostgreSQL's default, for every other cursor
