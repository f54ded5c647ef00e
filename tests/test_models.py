import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article, Quote, Region
from tests.builders import make_article, make_person, make_region, make_source


@pytest.mark.django_db
def test_a_published_article_needs_a_date_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(media_id=1, title="Undated", status="published", published_on=None)


@pytest.mark.django_db
def test_a_draft_may_wait_for_its_date():
    article = Article.objects.create(media_id=1, title="Undated", status="draft")
    assert article.published_on is None


@pytest.mark.django_db
def test_publishing_without_a_date_is_a_form_error():
    article = Article(media_id=2, title="Undated", status="published")
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "published_on" in error.value.message_dict


@pytest.mark.django_db
def test_media_ids_are_unique():
    make_article(media_id=55345953)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(media_id=55345953)


@pytest.mark.django_db
def test_an_empty_quote_is_refused():
    article = make_article()
    quote = Quote(article=article, person=make_person(), text="   ")
    with pytest.raises(ValidationError):
        quote.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.create(article=article, person=make_person(), text="")


@pytest.mark.django_db
def test_an_article_url_carries_media_id_and_slug():
    article = make_article("ISIS Shifts to Defense", media_id=55345953)
    assert article.get_absolute_url() == "/articles/55345953/isis-shifts-to-defense/"


@pytest.mark.django_db
def test_an_arabic_title_still_gets_a_usable_slug():
    assert make_article("داعش يتحول إلى الدفاع").slug == "article"


@pytest.mark.django_db
def test_only_published_articles_are_public():
    shown = make_article("Shown")
    make_article("Hidden", status="draft", published_on=None)
    assert list(Article.objects.published()) == [shown]


@pytest.mark.django_db
def test_in_region_includes_everything_below_at_any_depth(tree):
    in_baiji = make_article("In Baiji", regions=[tree["baiji"]])
    in_aleppo = make_article("In Aleppo", regions=[tree["aleppo"]])
    make_article("Nowhere")
    assert set(Article.objects.in_region(tree["middle-east"])) == {in_baiji, in_aleppo}
    assert list(Article.objects.in_region(tree["saladin-governorate"])) == [in_baiji]
    assert list(Article.objects.in_region(tree["baiji"])) == [in_baiji]


@pytest.mark.django_db
def test_in_region_counts_an_article_once_even_with_several_places_below(tree):
    make_article(regions=[tree["iraq"], tree["baiji"], tree["saladin-governorate"]])
    assert Article.objects.in_region(tree["middle-east"]).count() == 1


@pytest.mark.django_db
def test_in_region_is_one_query(tree, django_assert_num_queries):
    make_article(regions=[tree["baiji"]])
    with django_assert_num_queries(1):
        assert len(list(Article.objects.in_region(tree["iraq"], tree["syria"]))) == 1


@pytest.mark.django_db
def test_quoting_and_from_source_and_between():
    hashimi, balanche = make_person("Hisham al-Hashimi"), make_person("Fabrice Balanche")
    afp, asharq = make_source("AFP", kind="agency"), make_source("Asharq Al-Awsat")
    early = make_article("Early", published_on=datetime.date(2014, 1, 1), quotes=[(hashimi, "One.")], credits=[afp])
    late = make_article("Late", published_on=datetime.date(2016, 6, 30), quotes=[(balanche, "Two.")], publication=asharq)
    assert list(Article.objects.quoting(hashimi)) == [early]
    assert set(Article.objects.quoting(hashimi, balanche)) == {early, late}
    assert list(Article.objects.from_source(afp)) == [early]
    assert list(Article.objects.from_source(asharq)) == [late]
    assert list(Article.objects.between(datetime.date(2016, 6, 30), None)) == [late]
    assert list(Article.objects.between(None, datetime.date(2014, 1, 1))) == [early]


@pytest.mark.django_db
def test_region_paths_follow_a_move(tree):
    baiji = tree["baiji"]
    assert baiji.path == "/middle-east/iraq/saladin-governorate/baiji/"
    assert baiji.depth == 3
    saladin = tree["saladin-governorate"]
    saladin.parent = tree["syria"]
    saladin.save()
    baiji.refresh_from_db()
    assert baiji.path == "/middle-east/syria/saladin-governorate/baiji/"
    assert baiji.depth == 3
    assert [r.name for r in baiji.ancestors()] == ["Middle East", "Syria", "Saladin Governorate"]


@pytest.mark.django_db
def test_a_region_cannot_be_moved_under_itself(tree):
    iraq = tree["iraq"]
    iraq.parent = tree["baiji"]
    with pytest.raises(ValidationError) as error:
        iraq.full_clean()
    assert "parent" in error.value.message_dict


@pytest.mark.django_db
def test_descendants_at_depth_four():
    top = make_region("Middle East", "world_region")
    country = make_region("Iraq", "country", top)
    province = make_region("Saladin Governorate", "province", country)
    district = make_region("Baiji District", "district", province)
    site = make_region("Baiji refinery", "site", district)
    assert site.depth == 4
    assert list(Region.objects.below(top)) == [top, country, province, district, site]
    article = make_article(regions=[site])
    assert list(Article.objects.in_region(top)) == [article]
