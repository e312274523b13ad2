"""Typo tolerance and "did you mean"."""

from __future__ import annotations

import pytest

from manualviewer.core.search import spelling
from manualviewer.core.search.whoosh_index import WhooshIndex


@pytest.mark.parametrize(("typed", "meant", "expected_id"), [
    ("recordin", "recording", "DMBM511015"),
    ("complant", "complaint", "DMBM511015"),
    ("reocrding", "recording", "DMBM511015"),  # swapped letters
    ("overpaymnet", "overpayment", "DMBM511030"),
])
def test_typo_falls_back_to_fuzzy_and_suggests(index: WhooshIndex, typed: str, meant: str,
                                               expected_id: str) -> None:
    result = index.search(typed)
    assert result.fuzzy
    assert expected_id in [h.id for h in result.hits]
    assert result.suggestion == meant
    assert index.suggest(typed) == meant


def test_suggestion_keeps_the_other_words(index: WhooshIndex) -> None:
    result = index.search("complant employer")
    assert result.suggestion == "complaint employer"
    assert result.hits[0].id == "PAYE100000"


def test_fuzzy_hits_highlight_the_corrected_word(index: WhooshIndex) -> None:
    hit = next(h for h in index.search("overpaymnet").hits if h.id == "DMBM511030")
    assert '<b class="match">overpayment</b>' in hit.snippet


def test_known_words_are_not_fuzzy(index: WhooshIndex) -> None:
    result = index.search("complaint")
    assert not result.fuzzy
    assert result.suggestion is None
    assert index.suggest("complaint") is None


def test_nothing_near_gives_no_suggestion(index: WhooshIndex) -> None:
    result = index.search("zzzzqqqq")
    assert result.hits == ()
    assert result.suggestion is None


def test_edits_and_distance() -> None:
    assert "recording" in spelling.edits1("reocrding")
    assert spelling.distance("reocrding", "recording") == 1
    assert spelling.distance("recordin", "record") == 2
    assert spelling.distance("abc", "abc") == 0
    assert spelling.candidates(["complant"], {"complaint", "complain", "payment"}) == [(1, "complaint")]
    assert spelling.candidates(["recordin"], {"record"}) == [(2, "record")]
    assert spelling.candidates(["pay"], {"pat", "par"}) == []  # too short to correct
