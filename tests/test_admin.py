import datetime

import pytest
from django.contrib.auth.models import Group, User

from articles.models import Article
from tests.builders import make_article, make_person, make_source


@pytest.fixture
def editor(db, client):
    user = User.objects.create_user("editor", password="correct horse battery staple", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def test_the_editors_group_may_edit_articles_but_only_view_regions(db):
    user = User.objects.create_user("e", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    assert user.has_perms(["articles.add_article", "articles.change_article", "articles.delete_article"])
    assert user.has_perms(["articles.change_quote", "articles.change_person", "articles.change_source"])
    assert user.has_perm("articles.view_region")
    assert not user.has_perm("articles.change_region")
    assert not user.has_perm("articles.add_region")
    assert not user.has_perm("auth.change_user")


def test_the_change_list_searches_by_media_id(editor):
    make_article("Wanted", media_id=55345953)
    make_article("Other", media_id=1)
    page = editor.get("/admin/articles/article/", {"q": "55345953"})
    assert page.status_code == 200
    assert "Wanted" in page.text and "Other" not in page.text


def test_a_word_search_does_not_break_the_media_id_search(editor):
    make_article("ISIS shifts to defense")
    page = editor.get("/admin/articles/article/", {"q": "defense"})
    assert page.status_code == 200 and "ISIS shifts to defense" in page.text


def test_the_change_list_filters_by_status_and_year(editor):
    make_article("Old one", published_on=datetime.date(2012, 3, 1))
    make_article("New one", published_on=datetime.date(2016, 3, 1))
    page = editor.get("/admin/articles/article/", {"year": "2012", "status__exact": "published"})
    assert "Old one" in page.text and "New one" not in page.text
    assert editor.get("/admin/articles/article/", {"year": "nonsense"}).status_code == 200


def management_form(prefix="quotes", total=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def article_form(**overrides):
    data = {
        "media_id": "55345953",
        "title": "ISIS Shifts to Defense",
        "status": "draft",
        "published_on": "",
        "language": "en",
        "body": "One.\n\nTwo.",
        **management_form(),
    }
    data.update(overrides)
    return data


def test_an_editor_adds_an_article_with_a_quote(editor, tree):
    person, afp = make_person("Hisham al-Hashimi"), make_source("AFP", kind="agency")
    data = article_form(
        regions=[tree["baiji"].pk],
        **management_form(total=1),
        **{"quotes-0-person": person.pk, "quotes-0-given_to": afp.pk, "quotes-0-position": "1", "quotes-0-text": "ISIS has turned defensive."},
    )
    response = editor.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, response.text[:3000]
    article = Article.objects.get(media_id=55345953)
    assert article.quotes.get().given_to == afp
    assert article.history.count() == 1


def test_the_change_page_shows_the_quotes_inline(editor):
    article = make_article(quotes=[(make_person("Fabrice Balanche"), "ISIS is being attacked.")])
    page = editor.get(f"/admin/articles/article/{article.pk}/change/")
    assert page.status_code == 200
    assert "ISIS is being attacked." in page.text


def test_a_duplicate_media_id_is_a_form_error(editor):
    make_article(media_id=55345953)
    response = editor.post("/admin/articles/article/add/", article_form())
    assert response.status_code == 200
    assert "Article with this Media ID already exists." in response.text


def test_publishing_without_a_date_is_a_form_error_in_the_admin(editor):
    response = editor.post("/admin/articles/article/add/", article_form(status="published"))
    assert response.status_code == 200
    assert "A published article needs a publication date." in response.text
    assert not Article.objects.exists()


def test_an_empty_quote_is_a_form_error(editor):
    person = make_person()
    data = article_form(**management_form(total=1), **{"quotes-0-person": person.pk, "quotes-0-position": "1", "quotes-0-text": "   "})
    response = editor.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Article.objects.exists()


def test_a_region_loop_is_a_form_error(db, client, tree):
    admin = User.objects.create_superuser("chief", password="x")
    client.force_login(admin)
    iraq = tree["iraq"]
    response = client.post(
        f"/admin/articles/region/{iraq.pk}/change/",
        {"name": "Iraq", "slug": "iraq", "kind": "country", "parent": tree["baiji"].pk, "iso_code": "IQ", "aliases": "[]"},
    )
    assert response.status_code == 200
    assert "this parent chain loops" in response.text


def test_the_publish_action_publishes_dated_drafts_and_refuses_undated_ones(editor):
    dated = make_article("Dated", status="draft", published_on=datetime.date(2015, 12, 1))
    undated = make_article("Undated", status="draft", published_on=None)
    response = editor.post(
        "/admin/articles/article/",
        {"action": "publish", "_selected_action": [dated.pk, undated.pk]},
        follow=True,
    )
    assert "Published 1 article(s)." in response.text
    assert f"no publication date yet: {undated.media_id}" in response.text
    dated.refresh_from_db(), undated.refresh_from_db()
    assert (dated.status, undated.status) == ("published", "draft")


def test_the_unpublish_action(editor):
    article = make_article()
    editor.post("/admin/articles/article/", {"action": "unpublish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == "draft"


def test_the_history_of_an_article_is_visible(editor):
    article = make_article("First title")
    article.title = "Second title"
    article.save()
    page = editor.get(f"/admin/articles/article/{article.pk}/history/")
    assert page.status_code == 200
    assert "Second title" in page.text or "First title" in page.text


def test_editors_may_look_at_regions_but_not_change_them(editor, tree):
    assert editor.get("/admin/articles/region/").status_code == 200
    assert editor.get("/admin/articles/region/add/").status_code == 403
