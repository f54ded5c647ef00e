"""import_pages: captured pages become draft articles, re-imports update them, editors' work is kept."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.gazetteer import load_regions, region_directory
from articles.models import Article, PageCapture, Person, Quote, Source
from articles.page_import import ASSIGNED_MEDIA_IDS_FROM, PageImporter
from tests.builders import make_person

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
SEED = PAGES / "000_31fd84cbd806a696.txt"
SEED_PLACES = {
    "baiji", "sinjar", "mosul", "diyala-governorate", "kirkuk", "al-hasakah-governorate",
    "aleppo", "homs", "iraq", "syria", "france",
}
# The seed also names these two itself: "in the Saladin Governorate", "the northern Aleppo province".
SEED_PROVINCES_NAMED = {"saladin-governorate", "aleppo-governorate"}


@pytest.fixture
def gazetteer(db):
    load_regions()


def import_pages(*paths, force=False):
    """Run the command; (its output, the error it ended with or None)."""
    out = io.StringIO()
    try:
        call_command("import_pages", *map(str, paths), force=force, no_progress=True, stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), None


def seed_article():
    return Article.objects.get(media_id=55345953)


def test_the_seed_becomes_a_draft_with_title_media_id_and_publication(gazetteer):
    output, error = import_pages(SEED)
    assert error is None
    article = seed_article()
    assert (article.title, article.status, article.published_on) == ("ISIS Shifts to Defense", "draft", None)
    assert article.publication.name == "Asharq Al-Awsat"
    assert [s.name for s in article.credits.all()] == ["AFP"]
    assert "Media ID" not in article.body and "Select Page" not in article.body
    assert "created draft 55345953 “ISIS Shifts to Defense” (needs a date)" in output
    assert "1 page(s): 1 created, 0 updated, 0 unchanged, 0 skipped" in output


def test_the_seed_quotes_hashimi_told_afp_and_balanche_twice(gazetteer):
    import_pages(SEED)
    quotes = list(seed_article().quotes.select_related("person", "given_to"))
    hashimi = [q for q in quotes if q.person.name == "Hisham al-Hashimi"]
    balanche = [q for q in quotes if q.person.name == "Fabrice Balanche"]
    assert len(hashimi) + len(balanche) == len(quotes)
    assert hashimi[0].given_to.name == "AFP"
    assert hashimi[0].text.startswith("In recent months, ISIS’ positions")
    assert hashimi[0].person.description == "Iraqi analyst who monitors the terrorist group in both Syria and Iraq"
    assert len(balanche) >= 2
    assert balanche[0].text.startswith("ISIS is being attacked on numerous fronts")
    assert balanche[1].text.startswith("Without being able to shoot down coalition planes")
    assert balanche[0].person.description == "Syria analyst and geographical expert"
    assert [q.position for q in quotes] == list(range(1, len(quotes) + 1))


def test_the_seed_places_are_regions_of_the_gazetteer(gazetteer):
    import_pages(SEED)
    regions = {r.slug: r for r in seed_article().regions.all()}
    assert SEED_PLACES <= set(regions) <= SEED_PLACES | SEED_PROVINCES_NAMED
    assert regions["baiji"].parent.slug == "saladin-governorate"
    assert regions["aleppo"].kind == regions["kirkuk"].kind == regions["homs"].kind == "city"
    assert regions["diyala-governorate"].kind == regions["al-hasakah-governorate"].kind == "province"


def test_the_capture_keeps_the_text_and_where_each_item_came_from(gazetteer):
    import_pages(SEED)
    capture = seed_article().page_capture
    text = capture.text
    assert text == SEED.read_text("utf-8")
    assert capture.key == "media-id:55345953"
    assert capture.flags == ["needs a date"]
    extraction = capture.extraction
    start, end = extraction["title"]["span"]
    assert text[start:end] == "ISIS Shifts to Defense"
    start, end = extraction["fields"]["media_id"]["span"]
    assert "55345953" in text[start:end]
    for quote in extraction["quotes"]:
        start, end = quote["span"]
        assert text[start:end].strip("“” ").startswith(quote["text"][:30])
    for place in extraction["places"]:
        start, end = place["span"]
        assert text[start:end] == place["surface"]
    diyala = next(p for p in extraction["places"] if p["surface"] == "Governorate of Diyala")
    assert diyala["region"] == seed_article().regions.get(slug="diyala-governorate").pk


def test_importing_the_seed_twice_keeps_one_draft_and_one_person_per_speaker(gazetteer):
    import_pages(SEED)
    output, error = import_pages(SEED)
    assert error is None
    assert "unchanged draft 55345953" in output
    assert Article.objects.count() == 1
    assert sorted(Person.objects.values_list("name", flat=True)) == ["Fabrice Balanche", "Hisham al-Hashimi"]
    assert Source.objects.filter(name="AFP").count() == 1


def test_a_changed_capture_of_the_same_page_updates_the_same_draft(gazetteer, tmp_path):
    import_pages(SEED)
    first = seed_article()
    changed = tmp_path / "seed-again.txt"
    changed.write_text(SEED.read_text("utf-8") + "\nThe offensive on Mosul is expected next year, officials in Baghdad said.\n")
    output, error = import_pages(changed)
    assert error is None and "updated draft 55345953" in output
    article = seed_article()
    assert article.pk == first.pk and Article.objects.count() == 1
    assert "expected next year" in article.body
    assert article.page_capture.source_name == str(changed)


def test_a_published_article_is_not_overwritten_without_force(gazetteer, tmp_path):
    import_pages(SEED)
    article = seed_article()
    article.published_on, article.status = datetime.date(2015, 12, 1), "published"
    article.save()
    changed = tmp_path / "seed-again.txt"
    changed.write_text(SEED.read_text("utf-8").replace("ISIS Shifts to Defense |", "ISIS Turns to Defense |"))

    output, error = import_pages(changed)
    assert error is None  # keeping an editor's work is not a failure
    assert "skipped, article 55345953 was edited or published since its import (--force overwrites it)" in output
    article.refresh_from_db()
    assert (article.title, article.status) == ("ISIS Shifts to Defense", "published")

    output, error = import_pages(changed, force=True)
    assert "updated draft 55345953 “ISIS Turns to Defense”" in output and "back to draft" in output
    article.refresh_from_db()
    assert (article.title, article.status) == ("ISIS Turns to Defense", "draft")
    assert article.published_on == datetime.date(2015, 12, 1)  # the editor's date, never a guess


def test_an_edited_draft_is_not_overwritten_without_force(gazetteer):
    import_pages(SEED)
    Quote.objects.filter(article=seed_article(), position=2).delete()
    output, _ = import_pages(SEED)
    assert "skipped, article 55345953 was edited" in output
    assert seed_article().quotes.count() == 3


def test_an_article_not_imported_from_the_page_is_not_overwritten_without_force(gazetteer):
    Article.objects.create(media_id=55345953, title="Entered by hand", status="draft")
    output, _ = import_pages(SEED)
    assert "media ID 55345953 already belongs to an article not imported from this page" in output
    assert seed_article().title == "Entered by hand" and not PageCapture.objects.exists()
    output, _ = import_pages(SEED, force=True)
    assert seed_article().title == "ISIS Shifts to Defense"


def test_speakers_are_matched_by_alias_and_get_a_description_only_when_they_have_none(gazetteer):
    hashimi = make_person("Hisham al-Hachimi", aliases=["Hisham al-Hashimi"])
    balanche = make_person("Fabrice Balanche", description="French geographer")
    import_pages(SEED)
    assert Person.objects.count() == 2
    hashimi.refresh_from_db(), balanche.refresh_from_db()
    assert hashimi.description.startswith("Iraqi analyst")
    assert balanche.description == "French geographer"
    assert seed_article().quotes.filter(person=hashimi).count() == 2


def test_a_page_without_a_media_id_gets_an_archive_number_and_is_found_again_by_its_url(gazetteer):
    reuters = PAGES / "002_reuters_wire_continued.txt"
    output, _ = import_pages(reuters)
    article = Article.objects.get()
    assert article.media_id == ASSIGNED_MEDIA_IDS_FROM
    assert f"the page has no media ID: {ASSIGNED_MEDIA_IDS_FROM} is the archive's own" in output
    assert article.page_capture.key.startswith(("url:", "text:"))
    output, _ = import_pages(reuters)
    assert "unchanged" in output and Article.objects.count() == 1
    import_pages(PAGES / "006_almonitor_ranks_interrupted.txt")
    assert Article.objects.filter(media_id=ASSIGNED_MEDIA_IDS_FROM + 1).exists()


def test_a_page_without_media_id_or_url_is_keyed_by_its_text(gazetteer, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(
        "The Desert Dispatch\n\nCeasefire talks resume\n\n"
        "Negotiators met again in Amman on Sunday, officials said.\n\n"
        "\u201cWe are closer than last week,\u201d said Rana Aziz, a mediator.\n"
    )
    import_pages(page)
    assert PageCapture.objects.get().key.startswith("text:")
    page.write_text(page.read_text().replace("\n\n", "\n\n\n") + "\n\nShare this article\n")
    output, _ = import_pages(page)
    assert Article.objects.count() == 1


def test_an_ambiguous_place_without_context_stays_a_doubt(gazetteer, tmp_path):
    page = tmp_path / "tripoli.txt"
    page.write_text(
        "Harbour News\n\nClashes in Tripoli\n\nMedia ID: 77000001\n\n"
        "Fighting broke out again in Tripoli overnight, residents said.\n"
    )
    output, _ = import_pages(page)
    assert "ambiguous place “Tripoli” (2 candidates)" in output
    article = Article.objects.get(media_id=77000001)
    assert not article.regions.exists()
    doubtful = [p for p in article.page_capture.extraction["places"] if p["region"] is None]
    assert {p["surface"] for p in doubtful} == {"Tripoli"} and len(doubtful[0]["candidates"]) == 2


def test_an_ambiguous_place_is_resolved_by_the_country_the_article_names(gazetteer):
    import_pages(PAGES / "003_afp_iso_date_honorifics_ambiguous.txt")
    tripoli = Article.objects.get(media_id=55348002).regions.get(name="Tripoli")
    assert tripoli.is_below(tripoli.ancestors()[0]) and "lebanon" in tripoli.path


def test_every_fixture_page_imports_or_is_refused_with_its_reason(gazetteer):
    importer = PageImporter()
    regions = region_directory()
    for expected_file in sorted(PAGES.glob("*.expected.json")):
        expected = json.loads(expected_file.read_text("utf-8"))
        stem = expected_file.name.removesuffix(".expected.json")
        capture = next(p for p in PAGES.glob(stem + ".*") if p != expected_file)
        before = [m.objects.count() for m in (Article, Person, Source, Quote, PageCapture)]
        outcome = importer.import_file(capture.name, capture)
        if "unreadable" in expected:
            assert outcome.outcome == "unreadable" and outcome.reason.startswith(expected["unreadable"]), stem
            assert [m.objects.count() for m in (Article, Person, Source, Quote, PageCapture)] == before, stem
            continue
        assert outcome.outcome == "created", (stem, outcome.summary())
        article = Article.objects.get(media_id=outcome.media_id)
        assert article.title == expected["title"] and article.status == "draft", stem
        assert expected["media_id"] in (article.media_id, None), stem
        assert (article.publication.name if article.publication else None) == expected["publication"], stem
        assert article.published_on == (
            datetime.date.fromisoformat(expected["published_on"]) if expected["published_on"] else None
        ), stem
        speakers = {q.person.name for q in article.quotes.select_related("person")}
        assert speakers == {s["name"] for s in expected["speakers"]}, stem
        found = {r.pk for r in article.regions.all()}
        found |= {c["id"] for p in article.page_capture.extraction["places"] if p["region"] is None for c in p["candidates"]}
        for name in expected["places"]:
            assert found & {r.pk for r in regions.candidates(name)}, (stem, name)


def test_unreadable_pages_make_the_command_fail_after_importing_the_others(gazetteer, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    output, error = import_pages(empty, SEED, tmp_path / "missing.txt")
    assert error == "2 page(s) could not be imported."
    assert f"{empty}: skipped, unreadable: empty page" in output
    assert "missing.txt: skipped, no such file or folder" in output
    assert "3 page(s): 1 created, 0 updated, 0 unchanged, 2 skipped (2 unreadable or refused)" in output
    assert Article.objects.count() == 1


def test_a_folder_means_its_captures_and_a_glob_its_matches(gazetteer, tmp_path):
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b.html").write_bytes((PAGES / "004_html_page.html").read_bytes())
    (tmp_path / "notes.md").write_text("# not a capture")
    output, error = import_pages(tmp_path)
    assert error is None and "2 page(s): 2 created" in output and "notes.md" not in output
    output, error = import_pages(tmp_path / "*.txt")
    assert error is None and "1 page(s): 0 created, 0 updated, 1 unchanged" in output


def test_a_recapture_that_shows_the_media_id_finds_its_draft_and_takes_the_number(gazetteer, tmp_path):
    page = tmp_path / "page.txt"
    text = (
        "The Desert Dispatch\n\nCeasefire talks resume\n\n{}"
        "Negotiators met again in Amman on Sunday, officials said.\n"
    )
    page.write_text(text.format(""))
    import_pages(page)
    first = Article.objects.get()
    assert first.media_id == ASSIGNED_MEDIA_IDS_FROM
    page.write_text(text.format("Media ID: 77000004\n\n"))
    output, _ = import_pages(page)
    assert "media ID 77000004 replaces the archive's 9000000001" in output
    article = Article.objects.get()
    assert (article.pk, article.media_id) == (first.pk, 77000004)
    assert article.page_capture.key == "media-id:77000004"
