"""What a search finds and in which order."""

from __future__ import annotations

import pytest

from manualviewer.core.model import SearchResult
from manualviewer.core.search.whoosh_index import WhooshIndex


def ids(result: SearchResult) -> list[str]:
    return [h.id for h in result.hits]


@pytest.mark.parametrize("typed", ["DMBM511020", "dmbm511020", "dmbm 511020", " DmBm 511 020 "])
def test_typed_id_puts_that_section_first(index: WhooshIndex, typed: str) -> None:
    result = index.search(typed)
    assert ids(result)[0] == "DMBM511020"


def test_id_first_even_when_other_sections_mention_it(index: WhooshIndex) -> None:
    # DMBM511015 links to DMBM511020 in its text: the section itself still comes first.
    result = index.search("DMBM511020")
    assert ids(result)[:2] == ["DMBM511020", "DMBM511015"]


def test_old_id_finds_the_section_through_its_alias(index: WhooshIndex) -> None:
    assert ids(index.search("paye 99"))[0] == "PAYE100100"


def test_title_outranks_a_body_full_of_the_word(index: WhooshIndex) -> None:
    # DMBM511030 says "complaint" twelve times in its body; DMBM511015 has it once, in the title.
    result = index.search("complaint")
    order = ids(result)
    assert order.index("DMBM511015") < order.index("DMBM511030")
    assert result.hits[0].score >= result.hits[-1].score


def test_stemming_finds_other_forms(index: WhooshIndex) -> None:
    assert "DMBM511015" in ids(index.search("recorded"))  # title says "Recording"
    assert "DMBM511020" in ids(index.search("recording"))  # body says "recorded"


def test_sections_with_all_the_words_come_first(index: WhooshIndex) -> None:
    result = index.search("complaint employer")
    # PAYE100000 has both words; the others have one of them, and still count.
    assert ids(result)[0] == "PAYE100000"
    assert set(ids(result)[1:]) == {"DMBM511015", "DMBM511030", "PAYE100100"}
    assert result.total == 4


def test_phrase_in_quotes_needs_the_words_in_order(index: WhooshIndex) -> None:
    assert ids(index.search('"direct debit"')) == ["DMBM511020"]
    assert ids(index.search('"debit direct"')) == []
    # Unquoted, PAYE100100 ("Direct the employer ... helpline") has no "debit": it comes after
    # DMBM511020, which has both.
    assert ids(index.search("direct debit")) == ["DMBM511020", "PAYE100100"]


def test_phrase_across_a_stop_word(index: WhooshIndex) -> None:
    assert ids(index.search('"payments by direct debit"')) == ["DMBM511020"]


def test_or_and_not(index: WhooshIndex) -> None:
    assert set(ids(index.search("overpayment OR interest"))) == {"DMBM511030", "DMBM511040"}
    assert "DMBM511030" not in ids(index.search("complaint NOT overpayment"))
    assert "DMBM511030" not in ids(index.search("complaint -overpayment"))


def test_prefix(index: WhooshIndex) -> None:
    assert {"DMBM511020", "DMBM511030", "DMBM511040"} <= set(ids(index.search("payment*")))


def test_filter_by_manual(index: WhooshIndex) -> None:
    assert ids(index.search("complaint", manual="PAYE")) == ["PAYE100000"]
    assert set(ids(index.search("complaint"))) >= {"PAYE100000", "DMBM511015"}
    assert ids(index.search("dmbm511020", manual="PAYE")) == []


def test_limit(index: WhooshIndex) -> None:
    assert len(index.search("payments", limit=1).hits) == 1


def test_hit_fields(index: WhooshIndex) -> None:
    hit = index.search("payroll").hits[0]
    assert (hit.id, hit.title, hit.manual) == ("PAYE100100", "Recording payroll", "PAYE")
    assert hit.score > 0


def test_results_stay_right_when_the_postings_cache_is_tiny(index: WhooshIndex, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from manualviewer.core.search import executor

    monkeypatch.setattr(executor, "CACHED_POSTINGS", 2)
    for _ in range(2):
        assert ids(index.search("complaint employer"))[0] == "PAYE100000"
        assert ids(index.search('"direct debit"')) == ["DMBM511020"]
    assert 0 < index.cached_postings() <= 4


def test_a_heading_inside_a_section_outranks_the_same_words_in_running_text(tmp_path: object) -> None:
    from pathlib import Path

    from manualviewer.core.model import Section

    def section(sid: str, title: str, body: str) -> Section:
        return Section(id=sid, manual="HX", title=title, body=body, path=Path(f"{sid}.md"), body_line=1)

    index = WhooshIndex(Path(str(tmp_path)) / "ix")
    index.ensure([
        section("HX100", "Contact rules", "## Customer recording the call\n\nWhat to do when it happens."),
        section("HX200", "Office hours", "A customer may call about recording a payment on the call line."),
    ])
    assert ids(index.search("customer recording the call"))[0] == "HX100"
    index.close()
