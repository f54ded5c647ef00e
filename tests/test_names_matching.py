import pytest

from articles.gazetteer import AmbiguousName, UnknownName, region_directory
from tests.builders import make_region


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Salahuddin", "Salah ad-Din", "Saladin Governorate", "SALAH AD DIN", "saladin province"])
def test_news_spellings_of_a_governorate_are_one_region(tree, name):
    assert region_directory().resolve(name) == tree["saladin-governorate"]


@pytest.mark.django_db
def test_names_match_without_accents_or_case(tree):
    kobani = make_region("Kobanî", "city", tree["aleppo-governorate"], aliases=["Ayn al-Arab", "عين العرب"])
    directory = region_directory()
    assert directory.resolve("KOBANI") == kobani
    assert directory.resolve("ayn al arab") == kobani
    assert directory.resolve("عين العرب") == kobani


@pytest.mark.django_db
def test_a_bare_name_shared_by_a_city_and_its_governorate_means_the_city(tree):
    assert region_directory().resolve("Aleppo") == tree["aleppo"]
    assert region_directory().resolve("Aleppo Governorate") == tree["aleppo-governorate"]


@pytest.mark.django_db
def test_a_name_shared_by_unrelated_places_is_ambiguous_and_lists_them(tree):
    make_region("Tripoli", "city", tree["syria"], slug="tripoli-lebanon")
    make_region("Tripoli", "city", tree["iraq"], slug="tripoli-libya")
    with pytest.raises(AmbiguousName) as error:
        region_directory().resolve("Tripoli")
    assert "tripoli-lebanon" in str(error.value) and "tripoli-libya" in str(error.value)


@pytest.mark.django_db
def test_an_unknown_place_is_not_guessed(tree):
    with pytest.raises(UnknownName):
        region_directory().resolve("Atlantis")
