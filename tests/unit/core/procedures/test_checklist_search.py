"""Checklists found by what the officer types: words read as the index reads them, filler words
ignored, at least half the words needed, and where they join the section results."""

from __future__ import annotations

import pytest

from manualviewer.core.content.library import Library
from manualviewer.core.model import SearchHit, SearchResult
from manualviewer.core.procedures.search import match_checklists, with_checklists


@pytest.fixture
def library(bundled_library: Library) -> Library:
    return bundled_library  # read only, loaded once a session


def ids(hits: list[SearchHit]) -> list[str]:
    return [h.procedure for h in hits]


def test_a_staff_question_finds_its_checklist_first(library: Library) -> None:
    hits = match_checklists(library, "customer wants to record the call")
    first = hits[0]
    assert first.procedure == "dmbm-customer-recording-call"
    assert first.kind == "checklist"
    assert first.id == "DMBM511015"  # the section that offers it
    assert first.manual == "DMBM"
    assert first.title == "Customer wants to record the phone call"
    assert first.score == 1.0
    assert '<b class="match">customer</b>' in first.snippet and '<b class="match">recorded</b>' in first.snippet


def test_filler_words_neither_match_nor_stop_a_match(library: Library) -> None:
    assert ids(match_checklists(library, "how do I use my mobile phone")) == ["dmbm-mobile-phone-on-call"]
    assert match_checklists(library, "what can I do") == []  # nothing but fillers: nothing to match


def test_unrelated_words_match_nothing(library: Library) -> None:
    assert match_checklists(library, "zebra giraffe") == []
    assert match_checklists(library, "mobile zebra") == []  # two words: both are needed


def test_half_of_longer_queries_is_enough_and_fuller_matches_rank_first(library: Library) -> None:
    hits = match_checklists(library, "claimant published recording internet")
    assert ids(hits)[:2] == ["dwp-claimant-published-recording", "dwp-claimant-wants-to-record"]
    assert [h.score for h in hits[:2]] == [1.0, 0.5]
    assert match_checklists(library, "claimant zebra giraffe") == []  # one of three is not half


def test_words_are_read_as_the_index_reads_them(library: Library) -> None:
    # Stemming, case, accents and hyphens: the joined form or the parts.
    assert "dmbm-mobile-phone-on-call" in ids(match_checklists(library, "MOBILE PHONES"))
    assert "dmbm-mobile-phone-on-call" in ids(match_checklists(library, "mobilé phone"))
    assert "dwp-claimant-wants-to-record" in ids(match_checklists(library, "telephone-call"))


def test_operators_and_the_manual_filter(library: Library) -> None:
    assert match_checklists(library, "recording NOT customer") == []
    assert match_checklists(library, '"phone call"') == []
    assert match_checklists(library, "recording -customer") == []
    hits = match_checklists(library, "recording", manual="DWPREC")
    assert hits and {h.manual for h in hits} == {"DWPREC"}


def section(sid: str) -> SearchHit:
    return SearchHit(sid, sid, "DMBM", 1.0, "")


def test_checklists_join_the_results_without_counting_as_sections(library: Library) -> None:
    result = SearchResult("customer wants to record the call", (section("A1"), section("A2")), total=9)
    merged = with_checklists(result, library)
    kinds = [h.kind for h in merged.hits]
    # Three match every word: the best leads, the others follow the best section, so the
    # guidance is not pushed down the list.
    assert kinds == ["checklist", "section", "checklist", "checklist", "section"]
    assert merged.hits[0].procedure == "dmbm-customer-recording-call"
    assert merged.total == 9


def test_a_partial_checklist_match_follows_the_best_section(library: Library) -> None:
    result = SearchResult("claimant published zebra", (section("A1"), section("A2")))
    merged = with_checklists(result, library)
    assert [(h.kind, h.procedure or h.id) for h in merged.hits] == [
        ("section", "A1"), ("checklist", "dwp-claimant-published-recording"), ("section", "A2")]


def test_a_section_id_jump_gets_no_checklists(library: Library) -> None:
    result = SearchResult("dmbm 511015", (section("DMBM511015"),))
    assert with_checklists(result, library) == result
