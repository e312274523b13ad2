"""Notes and messages read as a person wrote them (issue 14, point 3): local times, a question
with its answer, prose lines joined, and the note check's lists in content data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from manualviewer.core.content.notewords import NoteWordsError, bundled_note_words, load_note_words
from manualviewer.core.procedures import check_note
from manualviewer.core.procedures.wording import addressee, local_time, prose, with_answer
from manualviewer.core.settings import Settings

MOMENT = dt.datetime(2026, 12, 5, 7, 48, 58, 574666, tzinfo=dt.UTC)


def test_local_time_is_day_month_year_and_minutes_in_the_given_zone() -> None:
    assert local_time(MOMENT, dt.UTC) == "5 Dec 2026, 07:48"
    assert local_time(MOMENT, dt.timezone(dt.timedelta(hours=1))) == "5 Dec 2026, 08:48"


def test_a_question_and_its_answer_never_read_question_mark_colon() -> None:
    assert with_answer("Did the customer answer?", "No") == "Did the customer answer? No"
    assert with_answer("Customer reference", "AB1") == "Customer reference: AB1"
    assert with_answer("Reference:", "AB1") == "Reference: AB1"


def test_prose_joins_the_lines_of_a_yaml_block_but_keeps_paragraphs_and_lists() -> None:
    block = (
        "The customer recorded the call and\nsaid they would publish it.\n\n"
        "They asked:\n- for a copy\n- for\n  the name\n"
    )
    assert prose(block) == (
        "The customer recorded the call and said they would publish it.\n\nThey asked:\n- for a copy\n- for the name"
    )


def test_the_note_check_never_flags_what_the_officer_typed_as_the_reference() -> None:
    text = "Called JSMITH about the letter. Told the ISP."
    flagged = {w.token for w in check_note(text, [], [], typed=["JSMITH"])}
    assert flagged == {"ISP"}
    assert {w.token for w in check_note(text, [], [])} == {"JSMITH", "ISP"}


def test_the_note_check_catches_text_speak_in_any_case() -> None:
    warnings = check_note("Cust asked us to call back asap, pls ring.", [], [])
    assert [(w.kind, w.token) for w in warnings] == [("informal", "Cust"), ("informal", "asap"), ("informal", "pls")]
    assert "'please'" in warnings[2].message
    # Whole words only: "customer" and "plsx" are not shorthand.
    assert check_note("The customer typed plsx.", [], []) == []


def test_the_lists_are_content_data_and_settings_start_from_them() -> None:
    words = bundled_note_words()
    assert "rude" in words.words_to_avoid and "HMRC" in words.known_abbreviations
    assert words.informal_map["asap"] == "as soon as possible"
    assert Settings().note_check_words == words.words_to_avoid
    assert Settings().known_abbreviations == words.known_abbreviations


def test_an_organisation_can_use_its_own_list_file(tmp_path: Path) -> None:
    path = tmp_path / "note-check.yaml"
    path.write_text("words_to_avoid: [grumpy]\nknown_abbreviations: [LA]\ninformal:\n  tbc: to be confirmed\n")
    words = load_note_words(path)
    assert check_note("LA said tbc, grumpy.", words.words_to_avoid, words.known_abbreviations,
                      informal=words.informal_map)[0].token == "tbc"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("words_to_avoid: [a\n", ":2: not valid YAML"),
        ("words_to_avoid: rude\n", "words_to_avoid: expected a list"),
        ("informal: [pls]\n", "informal: expected"),
        ("wordz: []\n", "unknown key 'wordz'"),
    ],
)
def test_a_bad_list_file_says_where(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "note-check.yaml"
    path.write_text(text)
    with pytest.raises(NoteWordsError) as caught:
        load_note_words(path)
    assert str(caught.value).startswith(str(path)) and problem in str(caught.value)


def test_the_recipient_is_named_as_the_guidance_names_the_role() -> None:
    assert addressee("line manager") == "your line manager"
    assert addressee("local management") == "local management"
    assert addressee("Complex Case Advisory Service") == "the Complex Case Advisory Service"
