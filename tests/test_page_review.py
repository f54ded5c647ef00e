"""The review queue of page imports in the admin: what is open, the side-by-side view, and
publishing refused until a page import is complete."""

import datetime
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from articles.gazetteer import load_regions
from articles.models import Article, Region
from tests.builders import make_article, make_person

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
SEED = PAGES / "000_31fd84cbd806a696.txt"  # no date
DATED = PAGES / "001_asharq_dated_colon_quote.txt"  # complete
SPEAKERLESS = PAGES / "003_afp_iso_date_honorifics_ambiguous.txt"  # dated, one quote without a speaker


@pytest.fixture
def editor(db, client):
    user = User.objects.create_user("editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def import_pages(*paths):
    load_regions()
    call_command("import_pages", *map(str, paths), no_progress=True, stdout=io.StringIO())
    return [Article.objects.get(page_capture__source_name=str(p)) for p in paths]


def changelist(client, **params):
    return client.get("/admin/articles/article/", params)


def publish(client, *articles):
    return client.post(
        "/admin/articles/article/",
        {"action": "publish", "_selected_action": [a.pk for a in articles]},
        follow=True,
    )


def test_the_queue_lists_page_imports_by_what_keeps_them_back(editor):
    seed, dated, speakerless = import_pages(SEED, DATED, SPEAKERLESS)
    make_article("Typed in by an editor", status="draft", published_on=None)

    page = changelist(editor, review="open")
    assert "ISIS Shifts to Defense" in page.text and "Lebanese army deploys" in page.text
    assert "Aleppo Residents Brace" not in page.text and "Typed in by an editor" not in page.text
    assert "needs a date" in page.text and "quote without a speaker" in page.text

    assert "ISIS Shifts to Defense" in changelist(editor, review="date").text
    assert "Lebanese army deploys" not in changelist(editor, review="date").text
    page = changelist(editor, review="speaker")
    assert "Lebanese army deploys" in page.text and "ISIS Shifts to Defense" not in page.text
    page = changelist(editor, review="ready")
    assert "Aleppo Residents Brace" in page.text and "ISIS Shifts to Defense" not in page.text


def test_the_review_page_shows_the_capture_with_the_extracted_items_marked(editor):
    (seed,) = import_pages(SEED)
    page = editor.get(f"/admin/articles/article/{seed.pk}/review/")
    assert page.status_code == 200
    html = page.text
    assert '<mark class="title field"' in html and ">ISIS Shifts to Defense</mark>" in html
    assert '<mark class="quote" title="quote 1: Hisham al-Hashimi">' in html
    assert '<mark class="place" title="place: Baiji [middle-east &gt; iraq &gt; saladin-governorate &gt; baiji]">Baiji</mark>' in html
    assert '<mark class="quote place"' in html  # "Syria" inside Hashimi's quote
    assert "Iraqi analyst who monitors the terrorist group" in html
    assert "needs a date" in html
    assert "css/review.css" in html
    content = html[html.index('id="content-main"'):]
    assert " style=" not in content and "<script" not in content
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


def test_the_review_page_escapes_the_capture(editor, tmp_path):
    capture = tmp_path / "hostile.txt"
    capture.write_text(
        "Harbour News\n\nA <b>bold</b> headline\n\nMedia ID: 77000002\n\n"
        "Fighting resumed near Mosul <script>alert(1)</script> on Sunday, residents said.\n\n"
        "\u201cWe <img src=x onerror=alert(2)> are tired of this war,\u201d said Rana Aziz, a teacher.\n"
    )
    (article,) = import_pages(capture)
    html = editor.get(f"/admin/articles/article/{article.pk}/review/").text
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html


def test_the_change_form_links_to_the_review(editor):
    (seed,) = import_pages(SEED)
    html = editor.get(f"/admin/articles/article/{seed.pk}/change/").text
    assert f"/admin/articles/article/{seed.pk}/review/" in html and "needs a date" in html
    other = make_article("Typed in")
    assert "/review/" not in editor.get(f"/admin/articles/article/{other.pk}/change/").text


def test_publishing_refuses_a_page_import_without_a_date(editor):
    (seed,) = import_pages(SEED)
    page = publish(editor, seed)
    assert "Not published, the page import 55345953 is incomplete: needs a date." in page.text
    seed.published_on = datetime.date(2015, 12, 1)
    seed.save()
    page = publish(editor, seed)
    assert "Published 1 article(s)." in page.text
    seed.refresh_from_db()
    assert seed.status == "published"


def test_publishing_refuses_a_quote_without_a_speaker_until_the_doubts_are_checked(editor):
    (article,) = import_pages(SPEAKERLESS)
    page = publish(editor, article)
    assert "is incomplete: quote without a speaker: “We have buried two of our sons this week." in page.text
    article.refresh_from_db()
    assert article.status == "draft"

    page = editor.post(f"/admin/articles/article/{article.pk}/review/", follow=True)
    assert "The remaining doubts are marked as checked." in page.text
    assert "Published 1 article(s)." in publish(editor, article).text


def test_a_quote_entered_with_its_speaker_settles_the_doubt(editor):
    (article,) = import_pages(SPEAKERLESS)
    article.quotes.create(
        person=make_person("Umm Ali"), position=9,
        text="We have buried two of our sons this week. Who will bury the next ones?",
    )
    assert "Published 1 article(s)." in publish(editor, article).text


def test_an_ambiguous_place_is_settled_by_choosing_one_of_its_candidates(editor, tmp_path):
    capture = tmp_path / "tripoli.txt"
    capture.write_text(
        "Harbour News\n\nClashes in Tripoli\n\nMedia ID: 77000001\n\nPublished: 3 May 2016\n\n"
        "Fighting broke out again in Tripoli overnight, residents said.\n"
    )
    (article,) = import_pages(capture)
    page = publish(editor, article)
    assert "ambiguous place “Tripoli”: Tripoli [middle-east &gt; lebanon" in page.text
    article.regions.add(Region.objects.get(slug="tripoli-lebanon"))
    assert "Published 1 article(s)." in publish(editor, article).text


def test_the_status_field_cannot_publish_an_incomplete_page_import(editor):
    (article,) = import_pages(SPEAKERLESS)
    data = {
        "media_id": article.media_id, "title": article.title, "status": "published",
        "published_on": "2016-03-12", "language": "en", "body": article.body, "publication": article.publication_id,
        "regions": [r.pk for r in article.regions.all()],
        "quotes-TOTAL_FORMS": "0", "quotes-INITIAL_FORMS": "0", "quotes-MIN_NUM_FORMS": "0", "quotes-MAX_NUM_FORMS": "1000",
    }
    page = editor.post(f"/admin/articles/article/{article.pk}/change/", data, follow=True)
    assert "Kept as a draft: this page import is incomplete (quote without a speaker" in page.text
    article.refresh_from_db()
    assert article.status == "draft"
