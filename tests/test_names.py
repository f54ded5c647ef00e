"""Pure tests (no database) for articles.names."""

import time
import unicodedata

import pytest

from articles.names import Mention, NameIndex, fold_name, fold_with_offsets


@pytest.fixture(autouse=True)
def plain_static_files():
    """Pure tests: nothing to adjust in Django settings. Overrides the autouse fixture of
    tests/conftest.py, which needs pytest-django's ``settings``, so that this module also runs
    with ``-p no:django``."""


@pytest.mark.parametrize(
    "raw, folded",
    [
        ("Deir ez-Zor", "deir ez zor"),
        ("Al-Hasakah", "al hasakah"),
        ("Kobanî", "kobani"),
        ("KOBANÎ", "kobani"),
        ("Kobani\u0302", "kobani"),  # decomposed input
        ("  Saladin   Governorate  ", "saladin governorate"),
        ("Russia’s", "russia s"),
        ("Ma'arrat al-Nu'man", "ma arrat al nu man"),
        ("Şanlıurfa", "sanliurfa"),
        ("Straße", "strasse"),
        ("ﬁeld", "field"),
        ("Homs (city)", "homs city"),
        ("", ""),
        ("---", ""),
        ("Route 7", "route 7"),
        ("حلب", "حلب"),
        ("دَيْر الزُّور", "دير الزور"),  # harakat dropped, letters kept
        ("Al‐Bab", "al bab"),  # U+2010 hyphen
        ("ʿAyn al-ʿArab", "ayn al arab"),
        ("Łódź", "lodz"),
    ],
)
def test_fold_name(raw, folded):
    assert fold_name(raw) == folded


def test_fold_is_idempotent():
    for s in ["Deir ez-Zor", "Kobanî", "Ḥalab", "دَيْر الزُّور", "ﬁ ß İstanbul"]:
        assert fold_name(fold_name(s)) == fold_name(s)


def test_lookup_by_name_and_alias_case_and_accent_insensitive():
    idx = NameIndex([("kobani", ["Kobani", "Kobanî", "Ayn al-Arab", "عين العرب"])])
    for name in ["kobani", "KOBANÎ", "Ayn Al Arab", "ayn-al-arab", "عين العرب", " Kobani "]:
        assert idx.lookup(name) == ["kobani"], name
    assert idx.lookup("Kobane") == []
    assert idx.lookup("") == []
    assert "kobanî" in idx and "Raqqa" not in idx


def test_lookup_several_objects_deterministic_no_duplicates():
    idx = NameIndex(
        [
            ("aleppo-city", ["Aleppo", "Halab"]),
            ("aleppo-gov", ["Aleppo Governorate", "Aleppo", "Aleppo province"]),
        ]
    )
    idx.add("aleppo-city", ["ALEPPO", "Alep"])  # again: no duplicate
    assert idx.lookup("aleppo") == ["aleppo-city", "aleppo-gov"]
    assert idx.lookup("Alep") == ["aleppo-city"]
    assert idx.lookup("aleppo province") == ["aleppo-gov"]


def test_add_accepts_a_single_string_and_unhashable_objects():
    a, b = {"slug": "a"}, {"slug": "b"}
    idx = NameIndex()
    idx.add(a, "Alpha")
    idx.add(b, ["Alpha", "Beta"])
    idx.add({"slug": "a"}, "Alpha")  # equal to a: not duplicated
    assert idx.lookup("alpha") == [a, b]
    assert len(idx) == 2


def test_scan_longest_match_first():
    idx = NameIndex(
        [
            ("saladin", ["Saladin"]),
            ("saladin-gov", ["Saladin Governorate", "Salahuddin Province"]),
            ("baiji", ["Baiji"]),
        ]
    )
    text = "Baiji, in the Saladin Governorate, and Saladin itself."
    ms = idx.scan(text)
    assert [(m.surface, m.candidates) for m in ms] == [
        ("Baiji", ["baiji"]),
        ("Saladin Governorate", ["saladin-gov"]),
        ("Saladin", ["saladin"]),
    ]
    for m in ms:
        assert text[m.start : m.end] == m.surface
    assert ms[1].key == "saladin governorate"


def test_scan_word_boundaries_and_hyphens():
    idx = NameIndex([("iraq", ["Iraq"]), ("hasakah", ["Al-Hasakah"]), ("bab", ["al-Bab"])])
    text = "Iraqi-Syrian routes near Al Hasakah and AL-HASAKAH, not Iraqis; al‐Bab; Iraq."
    ms = idx.scan(text)
    assert [m.surface for m in ms] == ["Al Hasakah", "AL-HASAKAH", "al‐Bab", "Iraq"]
    assert all(text[m.start : m.end] == m.surface for m in ms)


def test_scan_spans_map_back_with_accents_and_combining_chars():
    idx = NameIndex([("kobani", ["Kobani"]), ("sanliurfa", ["Sanliurfa"])])
    decomposed = unicodedata.normalize("NFD", "Fighting in Kobanî, then Şanlıurfa.")
    composed = "Fighting in Kobanî, then Şanlıurfa."
    for text in (composed, decomposed):
        ms = idx.scan(text)
        assert [m.candidates for m in ms] == [["kobani"], ["sanliurfa"]]
        for m in ms:
            assert text[m.start : m.end] == m.surface
        # the span covers the trailing combining circumflex
        assert unicodedata.normalize("NFC", ms[0].surface) == "Kobanî"
        assert unicodedata.normalize("NFC", ms[1].surface) == "Şanlıurfa"


def test_scan_expanding_characters_keep_spans():
    idx = NameIndex([("x", ["strasse nord"])])
    text = "Die Straße Nord."
    (m,) = idx.scan(text)
    assert m.surface == "Straße Nord"


def test_scan_arabic():
    idx = NameIndex([("aleppo", ["حلب", "Aleppo"]), ("dez", ["دير الزور"])])
    text = "قصف في حلب و دَيْر الزُّور اليوم"
    ms = idx.scan(text)
    assert [m.candidates for m in ms] == [["aleppo"], ["dez"]]
    assert ms[0].surface == "حلب"
    assert text[ms[1].start : ms[1].end] == ms[1].surface == "دَيْر الزُّور"


def test_scan_min_length_and_stopwords():
    idx = NameIndex([("as", ["As"]), ("al", ["Al"]), ("homs", ["Homs"])])
    text = "As in Homs, Al said."
    assert [m.surface for m in idx.scan(text)] == ["As", "Homs", "Al"]
    assert [m.surface for m in idx.scan(text, min_length=3)] == ["Homs"]
    assert [m.surface for m in idx.scan(text, stopwords={"AS"})] == ["Homs", "Al"]


def test_scan_short_name_does_not_hide_longer_when_filtered():
    # "Al" is filtered out but "Al Bab" still matches at the same place.
    idx = NameIndex([("al", ["Al"]), ("bab", ["Al-Bab"])])
    assert [m.surface for m in idx.scan("Al-Bab fell", min_length=3)] == ["Al-Bab"]


def test_scan_empty_inputs():
    assert NameIndex().scan("anything") == []
    assert NameIndex([("a", ["Alpha"])]).scan("") == []


def test_mention_is_a_dataclass_with_expected_fields():
    m = Mention(1, 3, "ab", ["x"])
    assert (m.start, m.end, m.surface, m.candidates, m.key) == (1, 3, "ab", ["x"], "")


def test_fold_with_offsets():
    folded, spans = fold_with_offsets("Deir ez-Zor!")
    assert folded == "deir ez zor"
    assert spans == [(0, 4), (5, 7), (8, 11)]


def test_scan_is_fast_on_large_index_and_text():
    import random

    rnd = random.Random(7)
    syll = ["al", "bab", "ra", "qa", "da", "mas", "kus", "hom", "sa", "der", "zor", "ta", "lib"]
    entries = []
    for k in range(10_000):
        words = [
            "".join(rnd.choice(syll) for _ in range(rnd.randint(1, 3)))
            for _ in range(rnd.randint(1, 4))
        ]
        entries.append((k, [" ".join(words), "-".join(words) + " province"]))
    idx = NameIndex(entries)
    vocab = [fold_name(n) for _, ns in entries[:500] for n in ns] + ["the", "forces", "in", "of"]
    text = " ".join(rnd.choice(vocab) for _ in range(2_000))  # ~5,000 words
    assert len(text.split()) >= 4_000
    t0 = time.perf_counter()
    ms = idx.scan(text)
    elapsed = time.perf_counter() - t0
    assert ms
    assert all(text[m.start : m.end] == m.surface for m in ms)
    assert elapsed < 1.0, elapsed


from hypothesis import given, settings
from hypothesis import strategies as st

_PIECES = ["Kobanî", "Kobani\u0302", " ", "-", "’s", "Al-Hasakah", "al hasakah", "Straße", "ﬁ",
           "حلب", "دَيْر", "x", "Iraqi", "Iraq", ", ", "\u0301", "İ", "ß"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=3)), max_size=30))
def test_scan_spans_always_slice_the_original(pieces):
    idx = NameIndex([(1, ["Kobani"]), (2, ["Al Hasakah", "Hasakah"]), (3, ["حلب"]),
                     (4, ["Iraq"]), (5, ["strasse fi"])])
    text = "".join(pieces)
    last_end = 0
    for m in idx.scan(text):
        assert text[m.start : m.end] == m.surface
        assert fold_name(m.surface) == m.key
        assert m.start >= last_end
        last_end = m.end
