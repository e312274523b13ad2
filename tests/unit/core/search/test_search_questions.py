"""Questions as staff type them, on small fixed libraries: best-match ranking, words as written,
titles, glossary, honest counts and "did you mean"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from manualviewer.core.model import SearchResult, Section
from manualviewer.core.search.whoosh_index import WhooshIndex

MakeSection = Callable[..., Section]


def ids(result: SearchResult) -> list[str]:
    return [h.id for h in result.hits]


@pytest.fixture
def calls(tmp_path: Path, make_section: MakeSection) -> Iterator[WhooshIndex]:
    ix = WhooshIndex(tmp_path / "ix")
    ix.ensure([
        make_section("CC100", "Text messages to customers",
                     "You may send a text message to a customer who asked to be contacted back by text."),
        make_section("CC200", "Calling a customer back",
                     "Call the customer back on the number held on the record."),
        make_section("CC300", "Customer complaints", "Any customer may complain. Record the complaint."),
        make_section("CC400", "Lone working",
                     "An officer visiting a customer alone must tell the office where they are."),
        make_section("CC500", "Meal breaks", "Staff take a mid-day break; the day-to-day rota says when."),
        make_section("CC600", "Leaving gifts", "A leaving gift from the employer is taxable above £30,000 in "
                     "2013/14 for the employer’s staff. The café voucher is not."),
        make_section("CC700", "Telephone expenses", "Telephone line rental and call charges."),
        make_section("CC710", "Telephone expenses: mobile phones and telephone expenses of directors",
                     "Telephone expenses of directors and their mobile phones; telephone expenses again."),
        make_section("CC800", "**Employer&#x2019;s** duties", "What the employer must do."),
    ])
    yield ix
    ix.close()


def test_a_question_with_words_the_text_does_not_use_still_finds_the_section(calls: WhooshIndex) -> None:
    # "can", "I", "the" are fillers; "back" and "text" and "customer" are all in CC100.
    assert ids(calls.search("can I text the customer back"))[0] == "CC100"
    # "feels" and "unsafe" are in no section: the others still find the lone-working page.
    assert ids(calls.search("officer feels unsafe visiting alone"))[0] == "CC400"
    assert ids(calls.search("is a leaving gift taxable"))[0] == "CC600"


def test_all_the_words_rank_before_most_of_them(calls: WhooshIndex) -> None:
    result = calls.search("customer back text")
    assert ids(result)[0] == "CC100"  # all three words
    assert "CC200" in ids(result)  # two of three: listed, after
    assert result.hits[0].score > result.hits[1].score


def test_a_long_query_leaves_out_sections_with_too_little_of_it(calls: WhooshIndex) -> None:
    # CC300 has only "customer" of four words: under half, and others have more.
    assert "CC300" not in ids(calls.search("customer text message back"))


@pytest.mark.parametrize(("query", "expected"), [
    ("mid-day", "CC500"), ("midday", "CC500"), ("mid day", "CC500"), ('"mid-day break"', "CC500"),
    ("day-to-day", "CC500"), ('"day to day rota"', "CC500"),
    ("£30,000", "CC600"), ("30,000", "CC600"), ("30000", "CC600"), ("2013/14", "CC600"),
    ("employer's staff", "CC600"), ('"employer\'s staff"', "CC600"), ("cafe", "CC600"), ("CAFÉ voucher", "CC600"),
    ("employer's duties", "CC800"),
])
def test_words_as_written_find_the_section(calls: WhooshIndex, query: str, expected: str) -> None:
    assert ids(calls.search(query))[0] == expected


def test_titles_with_entities_and_markup_are_found_by_their_words(calls: WhooshIndex) -> None:
    assert ids(calls.search("Employer’s duties"))[0] == "CC800"


def test_an_exact_title_ranks_first(calls: WhooshIndex) -> None:
    # CC710 says "telephone expenses" three times, but CC700's whole title is the query.
    assert ids(calls.search("Telephone expenses"))[:2] == ["CC700", "CC710"]
    assert ids(calls.search("telephone expenses"))[0] == "CC700"


def test_the_total_counts_every_match_not_just_the_shown_ones(calls: WhooshIndex) -> None:
    result = calls.search("customer", limit=2)
    assert len(result.hits) == 2
    assert result.total == 4


def test_operators_keep_their_meaning(calls: WhooshIndex) -> None:
    assert "CC100" not in ids(calls.search("customer -text"))
    assert "CC100" not in ids(calls.search("customer NOT text"))
    assert ids(calls.search('"customer back"')) == ["CC200"]
    assert set(ids(calls.search("lone OR meal"))) == {"CC400", "CC500"}
    assert "CC500" in ids(calls.search("mea*"))


def test_a_glossary_gives_other_names(tmp_path: Path, make_section: MakeSection) -> None:
    ix = WhooshIndex(tmp_path / "ix")
    ix.ensure([
        make_section("DM1", "Before a visit", "Do the Recovery Proceedings check first."),
        make_section("DM2", "Messages", "Leave a message on the answering machine."),
        make_section("DM3", "Other", "Nothing about it."),
    ])
    assert ids(ix.search("answerphone")) == []
    assert '<b class="match">Recovery' not in ix.search("RP check").hits[0].snippet
    ix.set_glossary([["RP", "Recovery Proceedings"], ["answering machine", "answerphone", "voicemail"]])
    assert ids(ix.search("RP check"))[0] == "DM1"
    assert '<b class="match">Recovery</b> <b class="match">Proceedings</b>' in ix.search("RP check").hits[0].snippet
    assert ids(ix.search("answerphone")) == ["DM2"]
    assert ids(ix.search("voicemail message")) == ["DM2"]
    ix.close()


def test_did_you_mean_only_corrects_unknown_words_when_that_finds_more(calls: WhooshIndex) -> None:
    # "lost" is in no section, and "last" (one letter changed) is another word, not its typo.
    assert calls.search("mobile phone lost").suggestion is None
    # Every word matches something: nothing to correct.
    assert calls.search("telephone customer").suggestion is None
    result = calls.search("complant")
    assert result.suggestion == "complaint"
    assert ids(result)[0] == "CC300"
    assert calls.search("lone workng").suggestion == "lone working"


def test_no_suggestion_when_the_correction_finds_nothing_more(calls: WhooshIndex) -> None:
    # "telephne" -> "telephone", but no section has "telephone" with "gift".
    assert calls.search("gift telephne").suggestion is None


def test_a_title_pasted_whole_finds_itself_before_its_parent(tmp_path: Path, make_section: MakeSection) -> None:
    parent = "Sums paid to an employee for not resigning, or for continuing to serve in the employment"
    ix = WhooshIndex(tmp_path / "ix")
    ix.ensure([
        make_section("EX650", parent, "Sums paid to an employee for not resigning are earnings. " * 3),
        make_section("EX655", parent + ": example", "An employee is paid a sum."),
        make_section("EX660", "Meaning of relative", "A relative is a relation by blood or marriage."),
        make_section("EX661", "Meaning of relation", "A relation is a relative."),
        make_section("EX670", "Sick pay and injury payments: injury payments", "Injury payments."),
        make_section("EX671", "Sick pay and injury payments: examples", "Injury payments and sick pay."),
    ])
    # The whole title is over 16 words with its stop words: "example" must still count.
    assert ids(ix.search(parent + ": example"))[0] == "EX655"
    assert ids(ix.search(parent))[0] == "EX650"
    # "relation" and "relative" stem alike: the title that is the query word for word wins.
    assert ids(ix.search("Meaning of relation"))[0] == "EX661"
    assert ids(ix.search("Meaning of relative"))[0] == "EX660"
    # Repeated words in a pasted title count once.
    assert ids(ix.search("Sick pay and injury payments: injury payments"))[0] == "EX670"
    ix.close()
