"""The text normaliser (articles.search.text): pure, no database, no Django."""

import pathlib
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.search import text
from articles.search.text import MAX_TOKEN_BYTES, STOP_WORDS, fold, stem, tokens, word_spans, words

FAST = settings(max_examples=200, deadline=None)
PG_ENGLISH_STOP = pathlib.Path("/usr/share/postgresql/15/tsearch_data/english.stop")


@pytest.fixture(autouse=True)
def plain_static_files():
    """Overrides the Django-settings fixture of tests/conftest.py: these tests need no Django."""


# --- stop words -----------------------------------------------------------------------------


def test_stop_words_are_postgresqls_english_list_of_127_words():
    assert len(STOP_WORDS) == 127
    assert {"the", "of", "and", "or", "not", "for", "s", "t", "don", "against"} <= STOP_WORDS
    assert "near" not in STOP_WORDS and "isis" not in STOP_WORDS


@pytest.mark.skipif(not PG_ENGLISH_STOP.exists(), reason="PostgreSQL's english.stop is not installed here")
def test_stop_words_equal_the_english_stop_file_of_postgresql_exactly():
    assert STOP_WORDS == frozenset(PG_ENGLISH_STOP.read_text().split())


def test_stop_words_are_dropped_from_the_token_stream():
    assert tokens("the siege of the city") == ["sieg", "citi"]


def test_a_text_of_only_stop_words_has_no_tokens():
    assert tokens("To be or not to be") == []


def test_stop_word_check_is_on_the_folded_word_before_stemming():
    # "wills" is not a stop word although its stem "will" is; "THE" folds to the stop word "the"
    assert tokens("wills") == ["will"]
    assert tokens("THE Thé") == []


# --- folding --------------------------------------------------------------------------------


def test_case_is_folded():
    assert words("ISIS Isis isis") == ["isis", "isis", "isis"]


def test_accents_are_folded():
    assert words("Café NAÏVE Ḥasakah Şırnak") == ["cafe", "naive", "hasakah", "sırnak"]


def test_casefold_expands_sharp_s():
    assert words("Straße") == ["strasse"]


def test_arabic_vowel_marks_and_hamza_are_folded_away():
    assert words("الْبَاب أُسْقِطَت") == words("الباب اسقطت") == ["الباب", "اسقطت"]


def test_arabic_tatweel_is_ignored_inside_a_word():
    assert words("الـبـاب") == ["الباب"]


def test_digits_of_every_script_are_folded_to_ascii():
    assert words("٢٠١٥ ۲۰۱۵ २०१५") == ["2015", "2015", "2015"]


def test_compatibility_characters_are_decomposed():
    assert words("ﬁghters ①") == ["fighters", "1"]


def test_soft_hyphen_and_zero_width_joiners_do_not_split_a_word():
    assert words("Da\u00admas\u200dcus") == ["damascus"]


def test_fold_keeps_text_that_is_not_a_word():
    assert fold("Al-Bab, 2015!") == "al-bab, 2015!"


# --- words ----------------------------------------------------------------------------------


def test_words_are_runs_of_letters_and_digits():
    assert words("Mosul, 2016: 3rd offensive...") == ["mosul", "2016", "3rd", "offensive"]


def test_a_hyphenated_word_is_its_parts_in_order():
    assert words("al-Bab Deir ez-Zor") == ["al", "bab", "deir", "ez", "zor"]


def test_apostrophes_separate_words_straight_or_curly():
    assert words("ISIS’s fighters' Iraq's") == ["isis", "s", "fighters", "iraq", "s"]
    assert tokens("ISIS’") == tokens("ISIS") == ["isi"]


def test_underscores_and_symbols_separate_words():
    assert words("a_b c+d e/f #g @h") == ["a", "b", "c", "d", "e", "f", "g", "h"]


def test_control_characters_separate_words():
    assert words("air\x00strikes\x1bon\x7fSinjar") == ["air", "strikes", "on", "sinjar"]


def test_arabic_script_words_are_words():
    assert words("هجوم على الباب") == ["هجوم", "على", "الباب"]


def test_words_of_other_scripts_keep_their_spacing_vowel_signs():
    assert words("தமிழ் Ελλάδα Москва") == ["தமிழ", "ελλαδα", "москва"]


def test_cjk_text_without_spaces_is_one_word():
    assert words("北京市") == ["北京市"]


def test_lone_surrogates_are_separators_not_errors():
    assert words("a\ud800b") == ["a", "b"]


# --- stemming and tokens --------------------------------------------------------------------


def test_tokens_are_english_snowball_stems():
    assert tokens("attacks attacked attacking") == ["attack", "attack", "attack"]
    assert tokens("ISIS civilians airstrikes observatory") == ["isi", "civilian", "airstrik", "observatori"]


def test_stem_is_snowball_english():
    assert stem("generously") == "generous" and stem("skies") == "sky" and stem("news") == "news"


def test_a_phrase_with_stop_words_is_the_stream_without_them():
    assert tokens("Syrian Observatory for Human Rights") == ["syrian", "observatori", "human", "right"]


def test_tokens_of_arabic_and_digits_are_kept_unchanged():
    assert tokens("الباب 2015") == ["الباب", "2015"]


def test_a_long_word_is_cut_to_max_token_bytes_before_stemming():
    (tok,) = tokens("x" * 10_000)
    assert tok == "x" * MAX_TOKEN_BYTES


def test_a_long_non_ascii_word_is_cut_at_a_character_boundary():
    (tok,) = tokens("ب" * 100)  # two bytes each
    assert tok == "ب" * (MAX_TOKEN_BYTES // 2)


def test_long_words_in_query_and_document_still_find_each_other():
    word = "Abcdefghij" * 20
    assert tokens(f"the {word} of") == tokens(word.lower())


# --- word spans -----------------------------------------------------------------------------


def test_word_spans_locate_each_word_as_written():
    s = "ISIS’s fighters in Café al-Bab ½"
    assert [(s[a:b], w) for a, b, w in word_spans(s)] == [
        ("ISIS", "isis"),
        ("s", "s"),
        ("fighters", "fighters"),
        ("in", "in"),
        ("Café", "cafe"),
        ("al", "al"),
        ("Bab", "bab"),
        ("½", "1"),
        ("½", "2"),
    ]


# --- properties -----------------------------------------------------------------------------

any_text = st.text(max_size=300)
word_like_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "M", "N", "P", "Zs", "Cc", "Cf", "S")),
    max_size=200,
)


@FAST
@given(any_text)
def test_tokens_with_runs_and_caches_equal_the_plain_pipeline(s):
    assert tokens(s) == text.tokens_uncached(s)
    assert words(s) == text._words_uncached(s)


@FAST
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_tokens_of_ascii_text_split_as_bytes_equal_the_plain_pipeline(s):
    # Every ASCII byte that is not a letter or a digit separates words, controls included.
    assert tokens(s) == text.tokens_uncached(s)


@FAST
@given(word_like_text)
def test_tokens_with_runs_and_caches_equal_the_plain_pipeline_on_wordy_text(s):
    assert tokens(s) == text.tokens_uncached(s)


@FAST
@given(any_text)
def test_fold_is_idempotent(s):
    assert fold(fold(s)) == fold(s)


@FAST
@given(word_like_text)
def test_words_are_stable_under_refolding(s):
    assert words(" ".join(words(s))) == words(s)


@FAST
@given(word_like_text)
def test_tokens_are_short_nonempty_and_free_of_spaces_and_controls(s):
    for tok in tokens(s):
        assert tok and len(tok.encode("utf-8")) <= MAX_TOKEN_BYTES
        assert not any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") for c in tok)


@FAST
@given(word_like_text)
def test_word_spans_find_the_same_words_as_words(s):
    spans = word_spans(s)
    assert [w for _, _, w in spans] == words(s)
    assert all(0 <= a < b <= len(s) for a, b, _ in spans)


@FAST
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_word_spans_of_ascii_text_are_its_words_as_written(s):
    # ASCII text takes a shorter way: the same spans.
    spans = word_spans(s)
    assert [w for _, _, w in spans] == words(s)
    assert all(s[a:b].lower() == w and (a == 0 or not s[a - 1].isalnum()) for a, b, w in spans)


@FAST
@given(st.one_of(word_like_text, st.text(alphabet=st.characters(max_codepoint=127), max_size=300)))
def test_located_tokens_are_each_word_s_token_where_word_spans_place_it(s):
    # What snippets read: the same words, tokens and places, however the text is split.
    found, spans = text.located_tokens(s)
    placed = word_spans(s)
    assert found == [text.token(w) for _, _, w in placed]
    assert len(spans) == len(placed) and [spans[i] for i in range(len(spans))] == [(a, b) for a, b, _ in placed]
    assert [t for t in found if t is not None] == tokens(s)


@FAST
@given(word_like_text)
def test_the_token_stream_of_a_text_is_the_same_as_the_token_stream_of_its_words(s):
    # what phrases are adjacent in does not depend on how words were separated
    assert tokens(s) == tokens(" ".join(words(s)))


def test_marks_and_digits_lie_only_in_the_planes_the_tables_scan():
    outside = [
        cp
        for cp in range(0x20000, sys.maxunicode + 1)
        if not 0xE0000 <= cp <= 0xE0FFF and unicodedata.category(chr(cp)) in ("Mn", "Me", "Mc", "Nd")
    ]
    assert outside == []


def test_the_search_modules_import_without_django():
    import subprocess

    code = (
        "import sys; import articles.search.compile, articles.search.evaluate, articles.search.query;"
        "sys.exit('django' in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=pathlib.Path(__file__).parent.parent)


_TEXT_PIECES = ["The", "attack", "ATTACKS", "on", "Baiji's", "refinery", "—", "-", " ", "  ", "\n", "2015", "a1b2",
                "ISIS’s", "Café", "naïve", "x" * 70, "ﷺ", "١٢", "Straße", ".", ",", "'", "_", "\x00"]


@given(st.lists(st.one_of(st.sampled_from(_TEXT_PIECES), st.text(max_size=4)), max_size=40))
def test_the_token_stream_is_the_plain_way_s_whatever_the_text(pieces):
    # ASCII text takes a shortcut; any text must give what folding and stemming word by
    # word gives.
    written = "".join(pieces)
    assert tokens(written) == text.tokens_uncached(written)


def test_the_words_tokens_keeps_are_bounded_and_stay_right(monkeypatch):
    monkeypatch.setattr(text, "_RUN_CACHE_SIZE", 3)
    monkeypatch.setattr(text, "_TOKENS", text._Tokens())
    monkeypatch.setattr(text, "_BYTE_TOKENS", text._ByteTokens())
    written = "The convoys reached Baiji; the convoys left Baiji and Tikrit at night."
    assert tokens(written) == text.tokens_uncached(written) == ["convoy", "reach", "baiji", "convoy", "left", "baiji", "tikrit", "night"]
    # Each emptied whenever it was full: never more than the bound.
    assert 0 < len(text._TOKENS) <= 3
    assert 0 < len(text._BYTE_TOKENS) <= 3
