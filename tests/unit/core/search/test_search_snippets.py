"""Snippets: escaped HTML, matches marked, about 200 characters."""

from __future__ import annotations

from manualviewer.core.search.analysis import stem as _stem
from manualviewer.core.search.text import Matcher, plain_text, snippet, strip_tags
from manualviewer.core.search.whoosh_index import WhooshIndex


def test_snippet_marks_matches(index: WhooshIndex) -> None:
    hit = index.search("direct debit").hits[0]
    assert '<b class="match">direct</b> <b class="match">debit</b>' in hit.snippet


def test_snippet_marks_other_forms_of_the_word(index: WhooshIndex) -> None:
    hit = next(h for h in index.search("recording").hits if h.id == "DMBM511020")
    assert '<b class="match">recorded</b>' in hit.snippet


def test_snippet_shows_no_html_tag_from_the_body(index: WhooshIndex) -> None:
    hit = index.search("interest").hits[0]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" not in hit.snippet  # plain_text drops tags, raw or not
    assert "<script>" not in strip_tags(hit.snippet)
    assert "is not run" in hit.snippet


def test_snippet_length_and_window(make_section, tmp_path) -> None:  # type: ignore[no-untyped-def]
    body = "Filler words come first here. " * 30 + "The tribunal decides the appeal. " + "More filler. " * 30
    ix = WhooshIndex(tmp_path / "ix")
    ix.build([make_section("DMBM1", "Long one", body)])
    text = strip_tags(ix.search("tribunal").hits[0].snippet)
    assert "tribunal" in text
    assert 150 <= len(text) <= 230
    assert text.startswith("…") and text.endswith("…")
    ix.close()


def test_snippet_without_match_is_the_start() -> None:
    out = snippet("Alpha <beta> gamma.", Matcher(["zeta"], [], _stem))
    assert out == "Alpha &lt;beta&gt; gamma."


def test_plain_text_drops_markup_and_spells_out_markers() -> None:
    md = ("# Heading\n\nSee [the rules](section:DMBM1) and **bold** text.\n\n- item one\n"
          "{procedure:refund}\n\n::: warning\nCareful {withheld} here.\n:::\n")
    assert plain_text(md) == "Heading See the rules and bold text. item one Careful [withheld] here."
