import io
import json

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Person, Quote, Source
from tests.builders import jsonl, record


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", str(path), "--no-progress", *args, stdout=out, stderr=err)
        failed = None
    except CommandError as exc:
        failed = exc
    return out.getvalue(), err.getvalue(), failed


def export():
    out = io.BytesIO()

    class Stdout:
        buffer = out

    import sys

    real = sys.stdout
    sys.stdout = Stdout()
    try:
        call_command("export_articles")
    finally:
        sys.stdout = real
    return out.getvalue().decode("utf-8")


def write(tmp_path, text, name="batch.jsonl"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


SEED = record(
    media_id=55345953,
    title="ISIS Shifts to Defense",
    published_on=None,
    status="draft",
    credits=["AFP"],
    regions=["Iraq", "Baiji", "Salahuddin", "Aleppo"],
    quotes=[
        {"person": "Hisham al-Hashimi", "description": "Iraqi analyst who monitors ISIS", "text": "ISIS has turned defensive.", "given_to": "AFP"},
        {"person": "Fabrice Balanche", "description": "Syria analyst", "text": "ISIS is being attacked on numerous fronts.", "given_to": None},
    ],
)


@pytest.mark.django_db
def test_import_creates_articles_with_their_sources_people_and_places(tree, tmp_path):
    out, err, failed = run_import(write(tmp_path, jsonl(SEED)))
    assert failed is None, err
    assert "1 created, 0 updated" in out
    article = Article.objects.get(media_id=55345953)
    assert article.status == "draft" and article.published_on is None
    assert article.publication.name == "Asharq Al-Awsat"
    assert [s.name for s in article.credits.all()] == ["AFP"]
    assert {r.slug for r in article.regions.all()} == {"iraq", "baiji", "saladin-governorate", "aleppo"}
    quotes = list(article.quotes.select_related("person", "given_to"))
    assert [(q.person.name, q.given_to and q.given_to.name) for q in quotes] == [
        ("Hisham al-Hashimi", "AFP"),
        ("Fabrice Balanche", None),
    ]
    assert quotes[0].person.description == "Iraqi analyst who monitors ISIS"


@pytest.mark.django_db
def test_import_upserts_by_media_id(tree, tmp_path):
    run_import(write(tmp_path, jsonl(SEED)))
    changed = {**SEED, "title": "ISIS shifts to defence", "regions": ["Syria"], "quotes": SEED["quotes"][:1]}
    out, err, failed = run_import(write(tmp_path, jsonl(changed)))
    assert failed is None, err
    assert "0 created, 1 updated" in out
    article = Article.objects.get(media_id=55345953)
    assert article.title == "ISIS shifts to defence"
    assert [r.slug for r in article.regions.all()] == ["syria"]
    assert article.quotes.count() == 1
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(tree, tmp_path):
    path = write(tmp_path, jsonl(SEED))
    run_import(path)
    out, err, failed = run_import(path)
    assert "0 created, 0 updated, 1 unchanged" in out
    assert Article.history.count() == 1


@pytest.mark.django_db
def test_known_sources_and_people_are_matched_by_alias_not_duplicated(tree, tmp_path):
    Source.objects.create(name="Agence France-Presse", kind="agency", aliases=["AFP"])
    Person.objects.create(name="Hisham al-Hashimi", aliases=["Hisham al-Hāshimī"])
    other = record(quotes=[{"person": "HISHAM AL HASHIMI", "text": "Again.", "given_to": "afp"}], credits=["afp"])
    run_import(write(tmp_path, jsonl(SEED, other)))
    assert Source.objects.filter(kind="agency").count() == 1
    assert Person.objects.filter(name__icontains="hashimi").count() == 1
    assert Quote.objects.filter(person__name="Hisham al-Hashimi").count() == 2


@pytest.mark.django_db
def test_export_then_import_into_an_empty_archive_gives_the_same_export(tree, tmp_path):
    other = record(title="<Kirkuk> & the “oil” question", regions=["Aleppo Governorate", "Baiji"], summary="Ünïcode ✓")
    run_import(write(tmp_path, jsonl(SEED, other)))
    first = export()
    Quote.objects.all().delete()
    Article.objects.all().delete()
    Person.objects.all().delete()
    Source.objects.all().delete()
    out, err, failed = run_import(write(tmp_path, first, "export.jsonl"))
    assert failed is None, err
    assert export() == first
    lines = [json.loads(line) for line in first.splitlines()]
    assert [line["media_id"] for line in lines] == sorted(line["media_id"] for line in lines)
    assert list(lines[0]) == [
        "media_id", "title", "published_on", "publication", "credits", "section", "byline",
        "original_url", "language", "summary", "body", "regions", "quotes", "status",
    ]


@pytest.mark.django_db
def test_export_names_an_ambiguous_region_by_its_slug(tree, tmp_path):
    from tests.builders import make_region

    make_region("Tripoli", "city", tree["syria"], slug="tripoli-lebanon")
    make_region("Tripoli", "city", tree["iraq"], slug="tripoli-libya")
    run_import(write(tmp_path, jsonl(record(media_id=5, regions=["tripoli-libya"]))))
    assert json.loads(export())["regions"] == ["tripoli-libya"]


BAD_LINES = [
    (b"{not json}\n", "not valid JSON"),
    (b'{"media_id": 1, "title": "\xff\xfe"}\n', "not valid UTF-8"),
    (b"[1, 2]\n", "must be a JSON object"),
    (jsonl(record(media_id=None)).encode(), "missing media_id"),
    (jsonl(record(media_id="55345953")).encode(), "media_id must be a whole number"),
    (jsonl(record(media_id=1.5)).encode(), "media_id must be a whole number"),
    (jsonl(record(media_id=-4)).encode(), "out of range"),
    (jsonl(record(published_on="2015-02-30")).encode(), "not a real date"),
    (jsonl(record(published_on="1 Dec 2015")).encode(), "YYYY-MM-DD"),
    (jsonl(record(published_on=None, status="published")).encode(), "needs published_on"),
    (jsonl(record(status="live")).encode(), "status must be"),
    (jsonl(record(regions=["Atlantis"])).encode(), "unknown region 'Atlantis'"),
    (jsonl(record(regions="Baiji")).encode(), "regions must be a list"),
    (jsonl(record(title="")).encode(), "title is empty"),
    (jsonl(record(title=["a"])).encode(), "title must be a string"),
    (jsonl(record(title="x" * 501)).encode(), "the limit is 500"),
    (jsonl(record(body="x" * 1_000_001)).encode(), "the limit is 1,000,000"),
    (jsonl(record(original_url="javascript:alert(1)")).encode(), "not an http(s) URL"),
    (jsonl(record(language="en glish")).encode(), "not a language tag"),
    (jsonl(record(quotes=[{"person": "X", "text": ""}])).encode(), "quote 1: text is empty"),
    (jsonl(record(quotes=[{"text": "Words."}])).encode(), "quote 1: missing person"),
    (jsonl(record(quotes="none")).encode(), "quotes must be a list"),
    (jsonl(record(body="nul\x00byte")).encode(), "NUL character"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("bad, reason", BAD_LINES)
def test_a_file_with_a_bad_line_changes_nothing_and_names_the_line(tree, tmp_path, bad, reason):
    good = jsonl(record(media_id=101), record(media_id=102)).encode()
    path = write(tmp_path, good + bad)
    out, err, failed = run_import(path)
    assert failed is not None
    assert f"{path}:3: " in err and reason in err, err
    assert "nothing imported" in out
    assert Article.objects.count() == 0
    assert Source.objects.count() == 0


@pytest.mark.django_db
def test_the_same_media_id_twice_in_a_file_is_rejected(tree, tmp_path):
    path = write(tmp_path, jsonl(record(media_id=7), record(media_id=7)))
    out, err, failed = run_import(path)
    assert f"{path}:2: media_id 7 already appears on line 1" in err
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_an_ambiguous_region_rejects_the_line_and_lists_the_candidates(tree, tmp_path):
    from tests.builders import make_region

    make_region("Tripoli", "city", tree["syria"], slug="tripoli-lebanon")
    make_region("Tripoli", "city", tree["iraq"], slug="tripoli-libya")
    out, err, failed = run_import(write(tmp_path, jsonl(record(regions=["Tripoli"]))))
    assert "ambiguous region 'Tripoli'" in err
    assert "tripoli-lebanon" in err and "tripoli-libya" in err


@pytest.mark.django_db
def test_keep_going_imports_the_good_lines_and_reports_the_rest(tree, tmp_path):
    path = write(tmp_path, jsonl(record(media_id=1), record(regions=["Atlantis"]), record(media_id=3)))
    out, err, failed = run_import(path, "--keep-going")
    assert failed is not None  # still a non-zero exit: something was rejected
    assert f"{path}:2: unknown region" in err
    assert "2 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert sorted(Article.objects.values_list("media_id", flat=True)) == [1, 3]


@pytest.mark.django_db
def test_a_bad_line_does_not_leave_new_people_or_sources_behind_with_keep_going(tree, tmp_path):
    bad = record(publication="Brand New Daily", quotes=[{"person": "New Person", "text": "Hi."}], regions=["Atlantis"])
    run_import(write(tmp_path, jsonl(bad, record(media_id=9))), "--keep-going")
    assert not Source.objects.filter(name="Brand New Daily").exists()
    assert not Person.objects.filter(name="New Person").exists()


@pytest.mark.django_db
def test_import_reads_standard_input(tree, monkeypatch):
    import sys

    class Stdin:
        buffer = io.BytesIO(jsonl(record(media_id=42)).encode())

    monkeypatch.setattr(sys, "stdin", Stdin())
    call_command("import_articles", "-", "--no-progress", stdout=io.StringIO())
    assert Article.objects.filter(media_id=42).exists()


@pytest.mark.django_db
def test_a_missing_file_is_reported(tmp_path):
    out, err, failed = run_import(tmp_path / "nope.jsonl")
    assert "no such file" in err and failed is not None


@pytest.mark.django_db
def test_the_export_read_from_plain_values_is_article_record_of_each_article(tree, tmp_path):
    from articles.exporting import ExportNames, article_record, jsonl_lines

    other = record(title="Two", regions=["Aleppo Governorate", "Baiji"], credits=["AFP", "Reuters"],
                   quotes=[{"person": "Lina Khatib", "text": "One."}, {"person": "Hisham al-Hashimi", "text": "Two.",
                                                                        "given_to": "AFP"}])
    run_import(write(tmp_path, jsonl(SEED, other, record(title="Bare", regions=[], quotes=[], credits=[]))))
    articles = Article.objects.order_by("media_id")
    name = ExportNames()
    expected = [json.dumps(article_record(a, name), ensure_ascii=False) + "\n" for a in articles]
    assert list(jsonl_lines(articles, chunk_size=2)) == expected
