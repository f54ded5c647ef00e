"""Pure tests (no database) for articles.pages, the extractor of raw captured pages.

Every capture in fixtures/pages/ has an expected result in <name>.expected.json (see
fixtures/pages/README.md). Place expectations need a region index: it is built from the real
gazetteer (articles/data/gazetteer/regions.jsonl) when that file exists, else from the small
list below.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest

from articles import pages
from articles.names import NameIndex, fold_name
from articles.pages import (
    FLAG_NEEDS_DATE,
    FLAG_QUOTE_WITHOUT_SPEAKER,
    UnreadablePage,
    extract,
    parse_date,
    parse_speaker,
)


@pytest.fixture(autouse=True)
def plain_static_files():
    """Pure tests: nothing to adjust in Django settings. Overrides the autouse fixture of
    tests/conftest.py, which needs pytest-django's ``settings``, so that this module also runs
    with ``-p no:django``."""


@pytest.fixture(autouse=True)
def empty_cache():
    """Nothing cached here either (overrides the Django cache-clearing fixture of conftest.py)."""


ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "pages"
GAZETTEER = ROOT / "articles" / "data" / "gazetteer" / "regions.jsonl"

# (slug, name, kind, parent, aliases): enough for every fixture, with the traps
SMALL_GAZETTEER = [
    ("middle-east", "Middle East", "world_region", None, ["Mideast"]),
    ("europe", "Europe", "world_region", None, []),
    ("iraq", "Iraq", "country", "middle-east", ["Republic of Iraq"]),
    ("syria", "Syria", "country", "middle-east", []),
    ("lebanon", "Lebanon", "country", "middle-east", []),
    ("jordan", "Jordan", "country", "middle-east", []),
    ("turkey", "Turkey", "country", None, ["Türkiye"]),
    ("france", "France", "country", "europe", []),
    ("russia", "Russia", "country", None, ["Russian Federation"]),
    ("united-states", "United States", "country", None, ["USA", "America", "U.S."]),
    ("libya", "Libya", "country", None, []),
    ("saudi-arabia", "Saudi Arabia", "country", "middle-east", ["Saudi", "KSA"]),
    ("saladin-governorate", "Saladin Governorate", "province", "iraq",
     ["Saladin", "Saladin Province", "Salah ad-Din"]),
    ("baiji", "Baiji", "city", "saladin-governorate", ["Bayji", "Beiji"]),
    ("nineveh-governorate", "Nineveh Governorate", "province", "iraq", ["Nineveh", "Nineveh Province"]),
    ("mosul", "Mosul", "city", "nineveh-governorate", []),
    ("sinjar", "Sinjar", "city", "nineveh-governorate", ["Shingal"]),
    ("diyala-governorate", "Diyala Governorate", "province", "iraq", ["Diyala", "Diyala Province"]),
    ("kirkuk-governorate", "Kirkuk Governorate", "province", "iraq", ["Kirkuk", "Kirkuk Province"]),
    ("kirkuk", "Kirkuk", "city", "kirkuk-governorate", []),
    ("hawija", "Hawija", "city", "kirkuk-governorate", []),
    ("baghdad-governorate", "Baghdad Governorate", "province", "iraq", ["Baghdad", "Baghdad Province"]),
    ("baghdad", "Baghdad", "city", "baghdad-governorate", []),
    ("erbil-governorate", "Erbil Governorate", "province", "iraq", ["Erbil", "Erbil Province"]),
    ("erbil", "Erbil", "city", "erbil-governorate", []),
    ("sulaymaniyah-governorate", "Sulaymaniyah Governorate", "province", "iraq",
     ["Sulaymaniyah", "Sulaymaniyah Province"]),
    ("sulaymaniyah", "Sulaymaniyah", "city", "sulaymaniyah-governorate", []),
    ("anbar-governorate", "Anbar Governorate", "province", "iraq", ["Anbar", "Anbar Province"]),
    ("ramadi", "Ramadi", "city", "anbar-governorate", []),
    ("fallujah", "Fallujah", "city", "anbar-governorate", []),
    ("al-hasakah-governorate", "Al-Hasakah Governorate", "province", "syria",
     ["Al-Hasakah", "Al-Hasakah Province", "Hasakah", "Hasakah Province"]),
    ("al-hasakah", "Al-Hasakah", "city", "al-hasakah-governorate", ["Hasakah"]),
    ("aleppo-governorate", "Aleppo Governorate", "province", "syria", ["Aleppo", "Aleppo Province"]),
    ("aleppo", "Aleppo", "city", "aleppo-governorate", ["Halab", "حلب"]),
    ("azaz", "Azaz", "city", "aleppo-governorate", []),
    ("kobani", "Kobani", "city", "aleppo-governorate", ["Kobanî", "Ayn al-Arab"]),
    ("homs-governorate", "Homs Governorate", "province", "syria", ["Homs", "Homs Province"]),
    ("homs", "Homs", "city", "homs-governorate", []),
    ("hama-governorate", "Hama Governorate", "province", "syria", ["Hama", "Hama Province"]),
    ("hama", "Hama", "city", "hama-governorate", []),
    ("idlib-governorate", "Idlib Governorate", "province", "syria", ["Idlib", "Idlib Province"]),
    ("idlib", "Idlib", "city", "idlib-governorate", []),
    ("raqqa-governorate", "Raqqa Governorate", "province", "syria", ["Raqqa", "Raqqa Province"]),
    ("raqqa", "Raqqa", "city", "raqqa-governorate", ["Al-Raqqa"]),
    ("deir-ez-zor-governorate", "Deir ez-Zor Governorate", "province", "syria",
     ["Deir ez-Zor", "Deir ez-Zor Province"]),
    ("deir-ez-zor", "Deir ez-Zor", "city", "deir-ez-zor-governorate", ["Deir Ezzor"]),
    ("damascus-governorate", "Damascus Governorate", "province", "syria", ["Damascus"]),
    ("damascus", "Damascus", "city", "damascus-governorate", ["Sham"]),
    ("beirut-governorate", "Beirut Governorate", "province", "lebanon", ["Beirut"]),
    ("beirut", "Beirut", "city", "beirut-governorate", []),
    ("north-governorate", "North Governorate", "province", "lebanon", ["North", "North Lebanon"]),
    ("tripoli-lebanon", "Tripoli", "city", "north-governorate", ["Trablous"]),
    ("tripoli-libya", "Tripoli", "city", "libya", ["Tarabulus"]),
    ("amman-governorate", "Amman Governorate", "province", "jordan", ["Amman", "Amman Province"]),
    ("amman", "Amman", "city", "amman-governorate", []),
    ("rukban", "Rukban", "city", "syria", []),
    ("gaziantep-province", "Gaziantep Province", "province", "turkey", ["Gaziantep"]),
    ("gaziantep", "Gaziantep", "city", "gaziantep-province", []),
    ("ankara-province", "Ankara Province", "province", "turkey", ["Ankara"]),
    ("ankara", "Ankara", "city", "ankara-province", []),
    ("istanbul", "Istanbul", "city", "turkey", []),
    ("mayadin", "Mayadin", "city", "deir-ez-zor-governorate", ["Al-Mayadin"]),
    ("al-qaim", "Al-Qaim", "city", "anbar-governorate", ["Qaim"]),
    ("al-bab", "Al-Bab", "city", "aleppo-governorate", []),
    ("manbij", "Manbij", "city", "aleppo-governorate", []),
    ("khan-shaykhun", "Khan Shaykhun", "city", "idlib-governorate", ["Khan Sheikhoun"]),
    ("yemen", "Yemen", "country", "middle-east", []),
    ("kuwait", "Kuwait", "country", "middle-east", []),
    ("taiz-governorate", "Taiz Governorate", "province", "yemen", ["Taiz", "Taiz Province"]),
    ("taiz", "Taiz", "city", "taiz-governorate", []),
    ("sanaa", "Sanaa", "city", "yemen", []),
    ("aarsal", "Aarsal", "city", "lebanon", ["Arsal"]),
    ("qusayr", "Qusayr", "city", "homs-governorate", []),
    ("beqaa-governorate", "Beqaa Governorate", "province", "lebanon", ["Bekaa", "Beqaa"]),
    ("london", "London", "city", None, []),
    ("of", "Of", "district", "turkey", []),  # a real district: "Of the 300 fighters..."
    ("layla", "Layla", "city", "saudi-arabia", []),  # a first name too
    ("berlin", "Berlin", "city", None, []),
    ("washington", "Washington", "city", "united-states", []),
    # 021-024: capitals standing for governments, "Saudi" the adjective, "Ahmad" a first name
    ("iran", "Iran", "country", "middle-east", []),
    ("tehran", "Tehran", "city", "iran", []),
    ("riyadh-province", "Riyadh Province", "province", "saudi-arabia", ["Riyadh"]),
    ("riyadh", "Riyadh", "city", "riyadh-province", []),
    ("jeddah", "Jeddah", "city", "saudi-arabia", []),
    ("khamis-mushait", "Khamis Mushait", "city", "saudi-arabia", []),
    ("saada-governorate", "Saada Governorate", "province", "yemen", ["Saada", "Saada Province"]),
    ("marib-governorate", "Marib Governorate", "province", "yemen", ["Marib", "Marib Province"]),
    ("qayyarah", "Qayyarah", "city", "nineveh-governorate", []),
    ("madaya", "Madaya", "city", "syria", []),
    ("al-ahmadi", "Al Ahmadi", "city", "kuwait", ["Ahmad", "Ahmadi"]),
    ("egypt", "Egypt", "country", "middle-east", []),
    ("cairo-governorate", "Cairo Governorate", "province", "egypt", ["Cairo"]),
    ("cairo", "Cairo", "city", "cairo-governorate", []),
    ("north-sinai-governorate", "North Sinai Governorate", "province", "egypt", ["North Sinai"]),
    ("arish", "Arish", "city", "north-sinai-governorate", ["Al Arish"]),
    ("rafah-egypt", "Rafah", "city", "north-sinai-governorate", []),
    ("palestine", "Palestine", "country", "middle-east", []),
    ("gaza-governorate", "Gaza Governorate", "province", "palestine", ["Gaza"]),
    ("gaza", "Gaza", "city", "gaza-governorate", []),
    ("rafah-palestine", "Rafah", "city", "gaza-governorate", []),
    ("makhmour", "Makhmour", "city", "erbil-governorate", []),
    ("gwer", "Gwer", "city", "erbil-governorate", []),
    ("akkar-governorate", "Akkar Governorate", "province", "lebanon", ["Akkar", "Akkar Province"]),
]


def _region_names(r: dict) -> list[str]:
    names = [r["name"], *(r.get("aliases") or [])]
    # DESIGN.md: a first-level subdivision answers to "<name> Governorate" and "<name> Province"
    if r.get("kind") in {"province", "governorate"}:
        base = r["name"]
        for suffix in (" Governorate", " Province"):
            if base.endswith(suffix):
                base = base[: -len(suffix)]
        names += [f"{base} Governorate", f"{base} Province"]
    return names


SMALL_REGIONS = [
    {"slug": s, "name": n, "kind": k, "parent": p, "aliases": a} for s, n, k, p, a in SMALL_GAZETTEER
]


def _load_regions() -> tuple[list[dict], str]:
    if GAZETTEER.exists():
        records = [json.loads(line) for line in GAZETTEER.read_text("utf-8").splitlines() if line.strip()]
        if records:
            return records, "gazetteer"
    return SMALL_REGIONS, "small"


REGIONS, REGIONS_FROM = _load_regions()
_INDEXES: dict[str, NameIndex] = {}


def _index(which: str) -> NameIndex:
    if which not in _INDEXES:
        regions = REGIONS if which == "gazetteer" else SMALL_REGIONS
        _INDEXES[which] = NameIndex((r, _region_names(r)) for r in regions)
    return _INDEXES[which]


@pytest.fixture(scope="module")
def places() -> NameIndex:
    """The real gazetteer when it exists, else the small list."""
    return _index(REGIONS_FROM)


@pytest.fixture(scope="module")
def small_places() -> NameIndex:
    return _index("small")


# the fixtures run against the small list always, and against the real gazetteer when present
INDEX_KINDS = sorted({"small", REGIONS_FROM})


def _cases() -> list[Path]:
    return sorted(FIXTURES.glob("*.expected.json"))


def _capture_for(expected: Path) -> Path:
    stem = expected.name[: -len(".expected.json")]
    found = [p for p in FIXTURES.glob(stem + ".*") if not p.name.endswith(".expected.json")]
    assert len(found) == 1, f"one capture for {expected.name}, found {found}"
    return found[0]


# --------------------------------------------------------------------------------------
# Scoring helpers (also used to report scores over every fixture)
# --------------------------------------------------------------------------------------


def _slugs(objs) -> set[str]:
    return {o["slug"] if isinstance(o, dict) else str(o) for o in objs}


def place_scores(art, expected_names: list[str], index: NameIndex) -> tuple[int, int, int, int]:
    """(expected found, expected, distinct mentions matching an expected name, distinct
    mentions). A mention matches an expected name when their candidates intersect."""
    wanted = {name: _slugs(index.lookup(name)) for name in expected_names}
    for name, slugs in wanted.items():
        assert slugs, f"expected place {name!r} is unknown to the region index"
    distinct: dict[frozenset, str] = {}
    for m in art.place_mentions:
        distinct.setdefault(frozenset(_slugs(m.candidates)), m.surface)
    found = sum(1 for slugs in wanted.values() if any(slugs & d for d in distinct))
    good = sum(1 for d in distinct if any(slugs & d for slugs in wanted.values()))
    return found, len(wanted), good, len(distinct)


def quote_scores(art, expected_speakers: list[dict]) -> tuple[int, int, int, int]:
    """(expected quotes found, expected quotes, predicted speakers expected, predicted speakers)."""
    counts: dict[str, int] = {}
    for q in art.quotes:
        if q.speaker:
            counts[q.speaker] = counts.get(q.speaker, 0) + 1
    exp = {s["name"]: s["quotes"] for s in expected_speakers}
    found = sum(min(counts.get(n, 0), c) for n, c in exp.items())
    good = sum(1 for n in counts if n in exp)
    return found, sum(exp.values()), good, len(counts)


# --------------------------------------------------------------------------------------
# The fixtures
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", INDEX_KINDS)
@pytest.mark.parametrize("expected_path", _cases(), ids=lambda p: p.name.split(".")[0])
def test_fixture(expected_path: Path, which: str):
    places = _index(which)
    exp = json.loads(expected_path.read_text("utf-8"))
    capture = _capture_for(expected_path)
    data = capture.read_bytes()
    if "unreadable" in exp:
        with pytest.raises(UnreadablePage) as info:
            extract(data, places=places)
        assert info.value.reason == exp["unreadable"], str(info.value)
        return
    art = extract(data, places=places)
    assert art.title == exp["title"]
    assert art.media_id == exp["media_id"]
    assert art.publication == exp["publication"]
    want_date = date.fromisoformat(exp["published_on"]) if exp["published_on"] else None
    assert art.published_on == want_date
    for key in ("byline", "section", "original_url", "language"):
        if key in exp:
            assert getattr(art, key) == exp[key], key
    assert art.sources == exp["sources"]
    assert set(art.flags) == set(exp["flags"])
    if "paragraph_count" in exp:
        assert len(art.paragraphs) == exp["paragraph_count"]
    for s in exp.get("body_excludes", []):
        assert s not in art.body, s

    # speakers: exactly the expected ones, with their quote counts, given_to and description
    by_speaker: dict[str | None, list] = {}
    for q in art.quotes:
        by_speaker.setdefault(q.speaker, []).append(q)
    assert set(by_speaker) - {None} == {s["name"] for s in exp["speakers"]}
    for s in exp["speakers"]:
        qs = by_speaker[s["name"]]
        assert len(qs) == s["quotes"], (s["name"], [q.text for q in qs])
        assert {q.given_to for q in qs} - {None} == set(s["given_to"]), s["name"]
        if "description" in s:
            assert (qs[0].description or "").lower() == s["description"].lower(), s["name"]
    assert len(by_speaker.get(None, [])) == exp["unattributed_quotes"]

    # places: every expected one, nothing else
    found, total, good, distinct = place_scores(art, exp["places"], places)
    assert found == total, [m.surface for m in art.place_mentions]
    assert good == distinct, sorted({m.surface for m in art.place_mentions})
    for name, n in exp.get("ambiguous_places", {}).items():
        ms = [m for m in art.place_mentions if fold_name(m.surface) == fold_name(name)]
        assert ms and all(len(m.candidates) >= n for m in ms), name

    _check_spans(art)


def _check_spans(art) -> None:
    """Every item points back into the text it came from."""
    text = art.text
    assert art.title == text[art.title_span[0]:art.title_span[1]]
    invisible = {ord(c): None for c in "\u200b\u200c\u200e\u200f\ufeff\xad"}
    for p in art.paragraphs:
        assert " ".join(text[p.start:p.end].translate(invisible).split()) == p.text
        for k, off in enumerate(p.offsets):
            assert text[off] == p.text[k] or (p.text[k] == " " and text[off].isspace())
    for q in art.quotes:
        span = text[q.start:q.end]
        assert 0 <= q.start < q.end <= len(text)
        assert 0 <= q.paragraph < len(art.paragraphs)
        p = art.paragraphs[q.paragraph]
        assert p.start <= q.start < p.end
        # A quote interrupted by its attribution is one quote (“A,” he said. “B.”): its
        # words are the span's, in order, from the span's first word to its last, with the
        # attribution's words between its parts.
        # Invisible characters (a soft hyphen inside a word) are left out of the text, as
        # from the paragraphs' (found by the property test below: "0\xad0" is "00").
        span_words, words = fold_name(span.translate(invisible)).split(), fold_name(q.text).split()
        assert words and span_words[0] == words[0] and span_words[-1] == words[-1], (q.text, span)
        remaining = iter(span_words)
        assert all(word in remaining for word in words), (q.text, span)
    for m in art.place_mentions:
        assert text[m.start:m.end] == m.surface
        assert m.extra["in_title"] or art.paragraphs[m.extra["paragraph"]].start <= m.start


@pytest.mark.parametrize("which", INDEX_KINDS)
def test_scores_over_fixtures(which: str, capsys):
    """Aggregate scores over every readable fixture (printed with -s)."""
    places = _index(which)
    qf = qt = sg = st = pf = pt = pg = pd = 0
    for expected_path in _cases():
        exp = json.loads(expected_path.read_text("utf-8"))
        if "unreadable" in exp:
            continue
        art = extract(_capture_for(expected_path).read_bytes(), places=places)
        a, b, c, d = quote_scores(art, exp["speakers"])
        qf, qt, sg, st = qf + a, qt + b, sg + c, st + d
        a, b, c, d = place_scores(art, exp["places"], places)
        pf, pt, pg, pd = pf + a, pt + b, pg + c, pd + d
    scores = {
        "quotes recall": qf / qt,
        "speakers precision": sg / st,
        "places recall": pf / pt,
        "places precision": pg / pd,
    }
    with capsys.disabled():
        print(f"\n[{which}] " + ", ".join(f"{k} {v:.2f}" for k, v in scores.items()))
    assert all(v >= 0.9 for v in scores.values()), scores


# --------------------------------------------------------------------------------------
# The seed, spelled out
# --------------------------------------------------------------------------------------

SEED = FIXTURES / "000_31fd84cbd806a696.txt"


def test_seed_reference_case(places):
    art = extract(SEED.read_text("utf-8"), places=places)
    assert art.title == "ISIS Shifts to Defense"
    assert art.media_id == 55345953
    assert art.publication == "Asharq Al-Awsat"
    assert art.published_on is None and FLAG_NEEDS_DATE in art.flags
    assert art.sources == ["AFP"]
    assert not art.body.startswith("Middle-east")
    assert "Select Page" not in art.body and "Media ID" not in art.body
    hashimi = [q for q in art.quotes if q.speaker == "Hisham al-Hashimi"]
    balanche = [q for q in art.quotes if q.speaker == "Fabrice Balanche"]
    assert [q.kind for q in hashimi] == ["direct", "reported"]
    assert hashimi[0].given_to == "AFP"
    assert hashimi[0].text.startswith("In recent months, ISIS’ positions")
    assert hashimi[1].text.startswith("the terrorist group has recently lost")
    assert hashimi[0].description == "Iraqi analyst who monitors the terrorist group in both Syria and Iraq"
    assert len(balanche) == 2
    assert balanche[0].description == "Syria analyst and geographical expert"
    assert balanche[1].text.endswith("more funding and fighters")
    surfaces = {m.surface for m in art.place_mentions}
    assert "Governorate of Diyala" in surfaces and "Al-Hasakah province" in surfaces
    assert not any(m.surface.startswith("Russia") for m in art.place_mentions)
    speakers = {s.name: s for s in art.speakers}
    assert "Al-Hashimi" in speakers["Hisham al-Hashimi"].aliases


def test_seed_without_any_index():
    art = extract(SEED.read_text("utf-8"))
    assert art.place_mentions == []
    assert len(art.quotes) == 4


def test_seed_places_with_the_small_list(small_places):
    art = extract(SEED.read_text("utf-8"), places=small_places)
    slugs = set().union(*(_slugs(m.candidates) for m in art.place_mentions))
    assert {"baiji", "saladin-governorate", "sinjar", "mosul", "diyala-governorate", "kirkuk",
            "al-hasakah-governorate", "aleppo-governorate", "homs", "iraq", "syria", "france"} <= slugs
    assert "russia" not in slugs
    kirkuk = [m for m in art.place_mentions if m.surface == "Kirkuk"]
    assert _slugs(kirkuk[0].candidates) == {"kirkuk"}  # "the city of Kirkuk"


# --------------------------------------------------------------------------------------
# Speakers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase, kind, name, description",
    [
        ("Fabrice Balanche, a French expert on Syria,", "name", "Fabrice Balanche", "French expert on Syria"),
        ("Syria analyst and geographical expert Fabrice Balanche", "name", "Fabrice Balanche",
         "Syria analyst and geographical expert"),
        ("The Iraqi Analyst Hisham al-Hashimi, who monitors the terrorist group in both Syria and Iraq,",
         "name", "Hisham al-Hashimi", "Iraqi analyst who monitors the terrorist group in both Syria and Iraq"),
        ("Al- Hashimi also", "name", "Al-Hashimi", None),
        ("Balanche", "name", "Balanche", None),
        ("Dr. Karim Mansour, a physician,", "name", "Karim Mansour", "physician"),
        ("Sheikh Omar Tabbara", "name", "Omar Tabbara", None),
        ("Mr. Sami al-Jubouri", "name", "Sami al-Jubouri", None),
        ("Gen. Joseph Miller", "name", "Joseph Miller", "General"),
        ("Brig. Gen. Fadi Haddad, the army commander in the north,", "name", "Fadi Haddad",
         "army commander in the north"),
        ("Colonel Ahmed Rawi", "name", "Ahmed Rawi", "Colonel"),
        ("Foreign Minister Sergei Ivanov", "name", "Sergei Ivanov", "Foreign Minister"),
        ("Analyst Tomas Lindqvist of the Nordic Institute for Middle East Studies", "name",
         "Tomas Lindqvist", "analyst of the Nordic Institute for Middle East Studies"),
        ("The spokesman for the council, Talal Salem,", "name", "Talal Salem", "spokesman for the council"),
        ("However, Balanche", "name", "Balanche", None),
        ("For his part, Layla Hamdan", "name", "Layla Hamdan", None),
        ("he", "pronoun", "he", None),
        ("She", "pronoun", "she", None),
        ("the analyst", "definite", None, "analyst"),
        ("a spokesman for the Syrian foreign ministry", "indefinite", None,
         "spokesman for the Syrian foreign ministry"),
        ("one resident", "indefinite", None, "resident"),
        ("The Pentagon", "org", None, "Pentagon"),
        ("Hezbollah", "org", None, "Hezbollah"),
        ("The Syrian Observatory for Human Rights", "org", None, None),
        ("analysts", "indefinite", None, "analysts"),
        ("they", "none", None, None),
    ],
)
def test_parse_speaker(phrase, kind, name, description):
    p = parse_speaker(phrase)
    assert p.kind == kind, p
    assert p.name == name
    if description is not None or kind == "name":
        assert p.description == description


def _page(*paragraphs: str, title: str = "A Test Title for the Page", extra_header: str = "") -> str:
    header = f"{title}\nMedia ID: 123456\nPublished: 1 May 2016\n{extra_header}\n"
    return header + "\n".join(paragraphs) + "\n"


def _quotes(art):
    return [(q.speaker, q.kind, q.text, q.given_to) for q in art.quotes]


def test_after_attribution_forms():
    art = extract(_page(
        "Nadia Khoury, a researcher at a think tank, said the war was changing.",
        "“The north is where it will be decided,” Khoury added.",
        "“Nobody wants to lose it,” said Khoury.",
        "“Every side is exhausted,” she told Reuters on Monday.",
    ))
    assert _quotes(art) == [
        ("Nadia Khoury", "reported", "the war was changing", None),
        ("Nadia Khoury", "direct", "The north is where it will be decided", None),
        ("Nadia Khoury", "direct", "Nobody wants to lose it", None),
        ("Nadia Khoury", "direct", "Every side is exhausted", "Reuters"),
    ]
    assert art.sources == ["Reuters"]


def test_before_attribution_forms():
    art = extract(_page(
        "Energy expert Omar Saeed said: “The fields will not produce before next year.”",
        "Saeed told AFP “the pipelines were never repaired after the last war.”",
        "Saeed said that “nobody wants to pay for the repairs now.”",
    ))
    assert [(q.speaker, q.kind, q.given_to) for q in art.quotes] == [
        ("Omar Saeed", "direct", None),
        ("Omar Saeed", "direct", "AFP"),
        ("Omar Saeed", "direct", None),
    ]
    assert art.quotes[0].description == "Energy expert"


def test_interrupted_quote_is_one_quote():
    art = extract(_page(
        "“We did not take anything,” said Col. Ahmed Rawi, an officer. “We filled a vacuum.”",
        "“The oil makes it worse,” he added, “because everybody wants the revenue.”",
    ))
    assert _quotes(art) == [
        ("Ahmed Rawi", "direct", "We did not take anything. We filled a vacuum.", None),
        ("Ahmed Rawi", "direct", "The oil makes it worse, because everybody wants the revenue.", None),
    ]


def test_quote_continued_over_paragraphs():
    art = extract(_page(
        "Analyst Karim Haddad said the talks would fail.",
        "“They have no common ground. They do not even agree on who should sit at the table.",
        "“And without that, there is nothing to discuss,” Haddad said.",
    ))
    direct = [q for q in art.quotes if q.kind == "direct"]
    assert len(direct) == 1
    q = direct[0]
    assert q.speaker == "Karim Haddad"
    assert q.text.startswith("They have no common ground") and q.text.endswith("nothing to discuss")
    assert q.paragraph == 1
    assert art.text[q.start:q.end].startswith("They have no common ground")
    assert art.text[q.start:q.end].endswith("nothing to discuss")


def test_colon_at_paragraph_end_introduces_next_paragraph_quote():
    art = extract(_page(
        "Government spokesman Youssef Qudah announced the decision. He said:",
        "“We will not allow anyone to attack our soldiers.”",
        "“Aid will still reach the camp through channels we control.”",
    ))
    assert [(q.speaker, q.paragraph) for q in art.quotes] == [("Youssef Qudah", 1), ("Youssef Qudah", 2)]


def test_surname_and_pronoun_resolution():
    art = extract(_page(
        "The Iraqi Analyst Hisham al-Hashimi told AFP that the group was weakening fast.",
        "Al- Hashimi also pointed out that the group had lost many of its commanders.",
        "He added that the coming months would be decisive for the group.",
        "Al Hashimi said the government had not prepared any plan for the day after.",
    ))
    assert [q.speaker for q in art.quotes] == ["Hisham al-Hashimi"] * 4
    assert art.quotes[0].given_to == "AFP"


def test_full_name_found_elsewhere_in_the_article():
    art = extract(_page(
        "French geographer Fabrice Balanche has studied the region for two decades.",
        "“The regime cannot hold the north without Russian air power,” Balanche said.",
    ))
    assert [q.speaker for q in art.quotes] == ["Fabrice Balanche"]


def test_definite_description_resolves_to_the_matching_speaker():
    art = extract(_page(
        "Political analyst Hana Saleh said the dispute was older than the war.",
        "Commander Serhat Amed said the front line had not moved for weeks.",
        "“Every government has tried to change this city,” the analyst said.",
    ))
    assert [q.speaker for q in art.quotes] == ["Hana Saleh", "Serhat Amed", "Hana Saleh"]


def test_unknown_speakers_flag_the_quote():
    art = extract(_page(
        "“We came back to walls. Just walls,” one resident said.",
        "“Nobody has told us anything about compensation,” a spokesman for the council said.",
        "“The group will be back before the summer,” they said.",
    ))
    assert [q.speaker for q in art.quotes] == [None, None, None]
    assert art.quotes[0].description == "resident"
    assert FLAG_QUOTE_WITHOUT_SPEAKER in art.flags


def test_organisations_and_places_are_not_people():
    art = extract(_page(
        "“The operation will continue until every village is freed,” the Pentagon said.",
        "“We reject the plan,” Hezbollah said in a statement.",
        "Damascus said the decision was illegal and would be answered.",
    ))
    assert all(q.speaker is None for q in art.quotes)
    assert [q.kind for q in art.quotes] == ["direct", "direct"]


def test_scare_quotes_are_not_quotes():
    art = extract(_page(
        "A spokesman for the ministry said the declaration would have “no legal value”.",
        "The group’s so-called “caliphate” is shrinking, analysts say.",
    ))
    assert art.quotes == []
    assert FLAG_QUOTE_WITHOUT_SPEAKER not in art.flags


def test_given_to_variants():
    art = extract(_page(
        "“The army will not withdraw,” Fadi Haddad said in an interview with Reuters.",
        "Speaking to the Associated Press, Haddad said the border would stay closed for months.",
        "“We are ready,” Haddad told Asharq Al-Awsat.",
    ))
    assert [q.given_to for q in art.quotes][0::2] == ["Reuters", "Asharq Al-Awsat"]
    assert "Asharq Al-Awsat" not in art.sources  # a publication, not an agency credit
    assert "Reuters" in art.sources


def test_quote_spans_and_paragraphs_point_into_the_capture():
    raw = _page("Analyst Omar Saeed said: “The fields will not produce before next year.”")
    art = extract(raw)
    (q,) = art.quotes
    assert raw[q.start:q.end] == "The fields will not produce before next year."
    assert art.text == raw
    assert raw[art.paragraphs[q.paragraph].start:art.paragraphs[q.paragraph].end].startswith("Analyst")


# --------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------


def _place_slugs(art) -> list[set[str]]:
    return [_slugs(m.candidates) for m in art.place_mentions]


def test_places_rules(small_places):
    art = extract(_page(
        "Russia’s air power helped the army near Homs, while Aleppo’s residents fled.",
        "Iraqi-Syrian routes were cut and Kurdish forces moved along the Iraq-Syria border.",
        "Fighting spread to the Governorate of Diyala, to Raqqa province and to the city of Kirkuk.",
        "The Islamic State of Iraq and the Levant lost ground near the town of Azaz.",
        "Of the 300 fighters, dozens came from the North, a commander said.",
        "Experts at the University of Baghdad and the Berlin Centre for Studies disagree.",
    ), places=small_places)
    surfaces = [m.surface for m in art.place_mentions]
    assert "Russia" not in surfaces  # possessive country: an actor
    assert "Aleppo" in surfaces  # possessive city: still a place
    assert "Iraq" in surfaces and "Syria" in surfaces  # "Iraq-Syria border", not "Iraqi-Syrian"
    assert surfaces.count("Iraq") == 1  # not inside "Islamic State of Iraq and the Levant"
    assert "Governorate of Diyala" in surfaces
    assert "Raqqa province" in surfaces
    by_surface = {m.surface: _slugs(m.candidates) for m in art.place_mentions}
    assert by_surface["Governorate of Diyala"] == {"diyala-governorate"}
    assert by_surface["Raqqa province"] == {"raqqa-governorate"}
    assert by_surface["Kirkuk"] == {"kirkuk"}  # "the city of Kirkuk"
    assert by_surface["Homs"] == {"homs", "homs-governorate"}  # the caller resolves bare names
    assert "Of" not in surfaces and "North" not in surfaces  # common words
    assert "Baghdad" not in surfaces and "Berlin" not in surfaces  # inside organisation names


def test_dateline_place_is_not_a_place_and_agency_is_a_source(small_places):
    art = extract(_page("BEIRUT (Reuters) - Syrian forces advanced near Hama on Monday, officials said."),
                  places=small_places)
    assert art.sources == ["Reuters"]
    assert art.dateline == "BEIRUT (Reuters)"
    assert [m.surface for m in art.place_mentions] == ["Hama"]
    assert "BEIRUT (Reuters) -" in art.body  # the body keeps its dateline


def test_place_in_title_is_a_mention(small_places):
    art = extract(_page("The army said it was ready for a long fight.", title="Battle for Ramadi Looms"),
                  places=small_places)
    (m,) = art.place_mentions
    assert m.surface == "Ramadi" and m.extra["in_title"] and m.extra["paragraph"] is None
    assert art.text[m.start:m.end] == "Ramadi"


def test_accented_and_arabic_place_names(small_places):
    art = extract(_page("Families from Kobanî returned, and people in حلب waited for news."),
                  places=small_places)
    assert [(_slugs(m.candidates)) for m in art.place_mentions] == [{"kobani"}, {"aleppo"}]


def test_places_with_plain_string_candidates():
    idx = NameIndex([("Russia", ["Russia"]), ("Homs", ["Homs"])])
    art = extract(_page("Russia’s jets struck Homs again, witnesses said."), places=idx)
    # no kinds known: the possessive rule cannot tell a country, so Russia stays
    assert [m.candidates for m in art.place_mentions] == [["Russia"], ["Homs"]]


# --------------------------------------------------------------------------------------
# Header, dates, sources
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "s, d",
    [
        ("12 March 2016", date(2016, 3, 12)),
        ("March 12, 2016", date(2016, 3, 12)),
        ("Mar. 12, 2016", date(2016, 3, 12)),
        ("2016-03-12", date(2016, 3, 12)),
        ("2016-03-12T10:00:00Z", date(2016, 3, 12)),
        ("Saturday, 12 March, 2016", date(2016, 3, 12)),
        ("1st December 2015", date(2015, 12, 1)),
        ("25/03/2016", date(2016, 3, 25)),
        ("03/25/2016", date(2016, 3, 25)),
        ("04/05/2016", None),  # ambiguous: never guessed
        ("March 2016", None),
        ("31 February 2016", None),
        ("no date here", None),
        ("", None),
    ],
)
def test_parse_date(s, d):
    assert parse_date(s) == d


@pytest.mark.parametrize(
    "line, d",
    [
        ("Published: 12 March 2016", date(2016, 3, 12)),
        ("Published on March 12, 2016", date(2016, 3, 12)),
        ("Posted on 2016-03-12", date(2016, 3, 12)),
        ("Date: 12/03/2016", None),
        ("Updated: 12 March 2016", None),
        ("March 12, 2016 / 9:41 AM", date(2016, 3, 12)),
        ("Tuesday 1 December 2015 10:12 GMT", date(2015, 12, 1)),
    ],
)
def test_date_lines(line, d):
    raw = f"A Title for the Test\n{line}\n\nThe army said on Monday that it had taken the town after a long fight.\n"
    art = extract(raw)
    assert art.published_on == d
    assert (FLAG_NEEDS_DATE in art.flags) == (d is None)


def test_dates_in_the_body_are_not_publication_dates():
    art = extract("A Title for the Test\n\nOn 12 March 2016 the army said it had taken the town after a fight.\n")
    assert art.published_on is None and FLAG_NEEDS_DATE in art.flags


def test_header_fields():
    raw = (
        "Home | News | Middle East | Opinion\n"
        "Aid convoys reach besieged towns | Asharq Al-Awsat\n"
        "By Jane Doe, AFP\n"
        "Section: Middle East\n"
        "URL: https://example.org/aid-convoys\n"
        "Media ID: 555\n"
        "Facebook Twitter WhatsApp Email\n\n"
        "Aid convoys reached three besieged towns on Tuesday, the United Nations said in a statement.\n"
        "Read more:\n"
        "Another headline that is not part of this article\n"
    )
    art = extract(raw)
    assert art.title == "Aid convoys reach besieged towns"
    assert art.publication == "Asharq Al-Awsat"
    assert art.byline == "Jane Doe"
    assert art.sources == ["AFP"]
    assert art.section == "Middle East"
    assert art.original_url == "https://example.org/aid-convoys"
    assert art.media_id == 555
    assert [p.text for p in art.paragraphs] == [
        "Aid convoys reached three besieged towns on Tuesday, the United Nations said in a statement."
    ]


def test_header_fields_remember_their_lines():
    raw = SEED.read_text("utf-8")
    art = extract(raw)
    o = art.origins
    assert raw[slice(*o["title"])] == "ISIS Shifts to Defense"
    assert raw[slice(*o["media_id"])] == "Media ID: 55345953"
    assert "ASHARQ AL-AWSAT" in raw[slice(*o["publication"])]
    assert "told AFP" in raw[slice(*o["source:AFP"])]
    raw = (FIXTURES / "002_reuters_wire_continued.txt").read_text("utf-8")
    o = extract(raw).origins
    assert raw[slice(*o["published_on"])] == "March 14, 2016 / 9:41 AM"
    assert raw[slice(*o["byline"])] == "By Jane Doe"
    assert raw[slice(*o["source:Reuters"])].startswith("BEIRUT (Reuters)")


def test_credit_lines_are_sources_not_body():
    art = extract(_page("The army said on Monday that it had taken the town after a long fight.",
                        "(AFP)", "— Reuters", "With agencies"))
    assert art.sources == ["AFP", "Reuters"]
    assert len(art.paragraphs) == 1


def test_sources_index_names_the_sources():
    class Src:
        def __init__(self, name, kind):
            self.name, self.kind = name, kind

    afp = Src("Agence France-Presse", "news agency")
    aawsat = Src("Asharq Al-Awsat (English)", "publication")
    idx = NameIndex([(afp, ["AFP", "Agence France-Presse"]), (aawsat, ["Asharq Al-Awsat", "Asharq Alawsat"])])
    art = extract(SEED.read_text("utf-8"), sources=idx)
    assert art.publication == "Asharq Al-Awsat (English)"
    assert art.sources == ["Agence France-Presse"]
    assert art.quotes[0].given_to == "Agence France-Presse"


def test_as_record_has_the_jsonl_shape(places):
    rec = extract(SEED.read_text("utf-8"), places=places).as_record()
    assert rec["media_id"] == 55345953 and rec["published_on"] is None
    assert rec["publication"] == "Asharq Al-Awsat" and rec["credits"] == ["AFP"]
    assert rec["status"] == "draft"
    assert {"Baiji", "Saladin Governorate", "Diyala Governorate", "Al-Hasakah Governorate", "Aleppo",
            "Aleppo Governorate", "Homs", "France"} <= set(rec["regions"])
    assert "Russia" not in rec["regions"]
    assert rec["quotes"][0] == {
        "person": "Hisham al-Hashimi",
        "description": "Iraqi analyst who monitors the terrorist group in both Syria and Iraq",
        "text": rec["quotes"][0]["text"],
        "given_to": "AFP",
    }
    json.dumps(rec)


def test_hard_wrapped_capture_joins_lines_into_paragraphs():
    art = extract((FIXTURES / "011_wrapped_updated_only.txt").read_bytes())
    assert len(art.paragraphs) == 5
    assert art.paragraphs[0].text.startswith("The fall of Ramadi to government forces in the last days of December was")
    assert "\n" not in art.body.replace("\n\n", "")


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------

HTML = FIXTURES / "004_html_page.html"


def test_html_without_trafilatura_gives_the_same_article(monkeypatch, places):
    with_t = extract(HTML.read_bytes(), places=places)
    monkeypatch.setattr(pages, "USE_TRAFILATURA", False)
    without = extract(HTML.read_bytes(), places=places)
    assert [p.text for p in with_t.paragraphs] == [p.text for p in without.paragraphs]
    assert [(q.speaker, q.text) for q in with_t.quotes] == [(q.speaker, q.text) for q in without.quotes]


def test_html_spans_index_the_text_rendition():
    art = extract(HTML.read_bytes())
    assert art.format == "html"
    assert art.text.startswith(art.title + "\n\n")
    for p in art.paragraphs:
        assert art.text[p.start:p.end] == p.text


def test_html_minimal_page_and_entities():
    html = ("<html><head><title>Clashes in the north &amp; the south | Some Site</title></head><body>"
            "<p>Clashes continued on Tuesday in several towns, residents said in messages to relatives.</p>"
            "<p>&ldquo;We have not slept for two nights,&rdquo; said Omar Saeed, a teacher.</p></body></html>")
    art = extract(html)
    assert art.title == "Clashes in the north & the south"
    assert art.quotes[0].speaker == "Omar Saeed" and art.quotes[0].description == "teacher"


# --------------------------------------------------------------------------------------
# Unreadable pages
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, reason",
    [
        ("", "empty page"),
        ("   \n\n \t", "empty page"),
        (b"", "empty page"),
        (b"\x00\x01\x02binary\x00", "binary content"),
        ("text with \x01\x02\x03\x04\x05 control characters", "binary content"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary content"),
        ('{"media_id": 1, "title": "x"}', "not an article page"),
        ("%PDF-1.4 something", "not an article page"),
        ("hello", "no body"),
        ("A Title Without Any Text", "no body"),
        ("The army said on Monday that it had taken the town after a long fight in the north.\n"
         "Residents said that the fighting had been the worst since the war began five years ago.",
         "no title"),
        ("<html><head><title>Just a moment...</title></head><body><p>Checking your browser</p></body></html>",
         "not an article page"),
        ("<html><body><p>Some text without any title at all in this page, for testing.</p></body></html>",
         "no title"),
    ],
)
def test_unreadable(data, reason):
    with pytest.raises(UnreadablePage) as info:
        extract(data)
    assert info.value.reason == reason
    assert str(info.value).startswith(reason)


def test_bytes_in_utf8_and_latin1():
    raw = "Kobanî talks resume\n\nTalks on Kobanî resumed on Monday, officials said in a statement to reporters.\n"
    assert extract(raw.encode("utf-8")).title == "Kobanî talks resume"
    assert extract(raw.encode("latin-1")).title == "Kobanî talks resume"
    assert extract(("\ufeff" + raw).encode("utf-8")).title == "Kobanî talks resume"


def test_crlf_capture():
    raw = SEED.read_text("utf-8").replace("\n", "\r\n")
    art = extract(raw)
    assert art.title == "ISIS Shifts to Defense" and len(art.paragraphs) == 9
    assert len(art.quotes) == 4
    for q in art.quotes:
        assert "\r" not in q.text


# --------------------------------------------------------------------------------------
# Robustness and speed
# --------------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = ["said", "Balanche", "the analyst", ",", "“", "”", '"', "told AFP", "that", "Al- Hashimi",
           "he", "added", ".", ":", "Dr.", "Gen.", "of", "Aleppo", "province", "’s", "according to",
           "Syria", "—", "BEIRUT (Reuters) -", "\n", "\n\n", "Media ID: 12", "Published: 1 May 2016",
           "|", "By Jane Doe", "Kobani\u0302", "<p>", "</p>", "Related Articles", "حلب"]


def test_a_quote_interrupted_after_one_word_is_one_quote_that_points_back_into_its_text():
    # Found by the property test below: the spans check asked the quote's first four words to
    # open its span, which a quote interrupted by its attribution after one word cannot do.
    art = extract("A Title for the Page\n\n“Yes,” Balanche said. “We will win this war.”", places=_index("small"))
    assert [q.text for q in art.quotes] == ["Yes. We will win this war."]
    _check_spans(art)


def test_a_soft_hyphen_inside_a_quoted_word_is_left_out_of_its_text():
    art = extract("A Title for the Page\n\nsaid said \u201c 0\xad0", places=_index("small"))
    assert [q.text for q in art.quotes] == ["00"]
    _check_spans(art)


def test_quotation_marks_around_punctuation_alone_are_no_quote():
    # Found by the property test below: an opening mark followed by a comma made a quote
    # whose text was empty.
    art = extract("A Title for the Page\n\nsaid said \u201c ,", places=_index("small"))
    assert [q.text for q in art.quotes] == []
    _check_spans(art)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=5)), max_size=80))
def test_any_text_gives_an_article_or_a_clear_refusal(pieces):
    raw = "A Title for the Page\n\n" + " ".join(pieces)
    try:
        art = extract(raw, places=_index("small"))
    except UnreadablePage as exc:
        assert exc.reason in {"empty page", "binary content", "not an article page", "no title", "no body"}
        return
    _check_spans(art)



def test_long_article_is_fast(places):
    paras = SEED.read_text("utf-8").split("Media ID: 55345953\n\n")[1].splitlines()
    body = "\n".join(paras * 30)  # ~8,000 words
    raw = "A Long Title for the Test\nMedia ID: 1\n\n" + body
    t0 = time.perf_counter()
    art = extract(raw, places=places)
    assert time.perf_counter() - t0 < 5.0
    assert len(art.paragraphs) == 9 * 30


@pytest.mark.parametrize(
    "phrase, name, co_names, description",
    [
        ("Local council members Ahmad Saleh and Mariam Hassoun", "Mariam Hassoun", ["Ahmad Saleh"], "Local council member"),
        ("Dr. Ali Hassan and Sheikh Omar Bakri", "Omar Bakri", ["Ali Hassan"], None),
        ("Syria analyst and geographical expert Fabrice Balanche", "Fabrice Balanche", [], "Syria analyst and geographical expert"),
        ("Retired general and security expert Dr. Adel Rifaat", "Adel Rifaat", [], "Retired general and security expert"),
    ],
)
def test_coordinated_speakers_are_each_a_speaker(phrase, name, co_names, description):
    parsed = parse_speaker(phrase)
    assert (parsed.name, parsed.co_names, parsed.description) == (name, co_names, description)


@pytest.mark.parametrize(
    "sentence",
    [
        "Damascus has denied the charge.",
        "Riyadh has repeatedly accused Tehran of supplying the missiles.",
        "Washington welcomed the news, and Baghdad said it was ready.",
    ],
)
def test_a_capital_standing_for_its_government_is_not_a_place(places, sentence):
    art = extract(f"A Title for the Page\nMedia ID: 1\n\n{sentence}\n", places=places)
    assert art.place_mentions == []


def test_a_capital_where_people_are_is_a_place(places):
    art = extract("A Title for the Page\nMedia ID: 1\n\nAnalysts in Baghdad said the vote would be close.\n",
                  places=places)
    assert [m.surface for m in art.place_mentions] == ["Baghdad"]
