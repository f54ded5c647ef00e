"""Snippets: the best passage of an article, its text escaped, the query's matches marked."""

import re

from articles.search import parse
from articles.search.snippets import WINDOW, highlight, snippet


def marked(html):
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_it_marks_every_form_of_a_searched_word():
    html = snippet(parse("attacks").tree, body="The attack failed. Two more attacks and one Attacked town.")
    assert marked(html) == ["attack", "attacks", "Attacked"]


def test_it_marks_a_phrase_only_where_its_words_stand_together():
    html = snippet(parse('"air strikes"').tree, body="Air strikes hit Mosul. The air was still; strikes went on.")
    assert marked(html) == ["Air strikes"]


def test_a_phrase_is_marked_across_the_stop_words_the_index_skips():
    html = snippet(parse('"Syrian Observatory for Human Rights"').tree, body="said the Syrian Observatory for Human Rights.")
    assert marked(html) == ["Syrian Observatory for Human Rights"]


def test_excluded_words_are_never_marked():
    html = snippet(parse("Kurds -Turkey").tree, body="Kurds and Turkey met.")
    assert marked(html) == ["Kurds"]


def test_accents_and_case_are_ignored_when_marking():
    assert marked(snippet(parse("cafe").tree, body="A bomb hit the CAFÉ.")) == ["CAFÉ"]


def test_a_hyphenated_word_is_found_by_its_part():
    assert marked(snippet(parse("Bab").tree, body="Kurds hold al-Bab.")) == ["Bab"]


def test_article_text_is_always_escaped_and_the_only_markup_is_mark():
    body = 'Fighting <script>alert("x")</script> near <b>Mosul</b> &amp; Kirkuk'
    html = snippet(parse("Mosul").tree, body=body)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;amp;" in html
    assert re.sub(r"</?mark>", "", html).count("<") == 0


def test_a_script_in_a_title_is_escaped_when_marked():
    html = highlight(parse("alert").tree, "<script>alert(1)</script>")
    assert html == "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;"


def test_it_picks_the_passage_with_most_of_what_was_searched_for():
    filler = " ".join(f"word{n}" for n in range(200))
    body = f"Mosul alone. {filler} Mosul and Kirkuk together. {filler}"
    html = snippet(parse("Mosul Kirkuk").tree, body=body)
    assert marked(html) == ["Mosul", "Kirkuk"]
    assert html.startswith("\u2026 ") and html.endswith(" \u2026")
    assert len(re.sub(r"<[^>]+>", "", html).split()) <= WINDOW + 2


def test_a_short_field_is_shown_whole_without_ellipsis():
    assert snippet(parse("Mosul").tree, summary="Fighting near Mosul.") == "Fighting near <mark>Mosul</mark>."


def test_the_summary_wins_over_the_body_when_both_match_as_well():
    html = snippet(parse("Mosul").tree, summary="Summary on Mosul.", body="Body on Mosul.")
    assert html == "Summary on <mark>Mosul</mark>."


def test_a_match_in_a_quote_shows_the_speaker():
    html = snippet(parse("weak").tree, summary="Nothing.", quotes=[("Hisham al-Hashimi", "ISIS is weak.")])
    assert html == "Hisham al-Hashimi: \u201cISIS is <mark>weak</mark>.\u201d"


def test_a_speakers_name_is_marked_when_searched_for():
    assert marked(snippet(parse("Hashimi").tree, quotes=[("Hisham al-Hashimi", "Words.")])) == ["Hashimi"]


def test_without_a_match_the_snippet_is_the_start_of_the_summary_or_body():
    assert snippet(parse("-Mosul").tree, summary="", body="First words.\n\nMore.") == "First words. More."
    assert snippet(None, summary="A summary.") == "A summary."
    assert snippet(parse("zzz").tree) == ""


def test_whitespace_and_control_characters_do_not_reach_the_page():
    assert snippet(parse("Mosul").tree, body="Near\x00\x07 Mosul\n\n\tnow") == "Near <mark>Mosul</mark> now"
