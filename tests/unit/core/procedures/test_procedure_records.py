"""What a finished run produces: the note, its record, escalation drafts; and the note check."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from tests.helpers.procedures import T0, minutes

from manualviewer.core.procedures import (
    Procedure,
    Run,
    RunError,
    answer,
    archive_notices,
    check_note,
    compose,
    compose_note,
    document_text,
    out_of_order,
    start,
)
from manualviewer.core.procedures.wording import local_time

REF = {"customer_reference": "AB 123", "call_date": "01/05/2024"}


def escalated_run(procedure: Procedure) -> Run:
    run = answer(start(procedure, T0), "details", REF, minutes(1))
    run = answer(run, "point", False, minutes(2))
    return answer(run, "worry", "He said he would post it online.", minutes(3))


def letter_run(procedure: Procedure) -> Run:
    run = answer(start(procedure, T0), "details", {"customer_reference": "AB 123"}, minutes(1))
    run = answer(run, "point", True, minutes(2))
    run = answer(run, "question", "right", minutes(3))
    return answer(run, "letter", {"action": "have", "extra": "include", "service": "jcp"}, minutes(4))


def test_note_text_is_rendered_from_the_end_template(sample: Procedure) -> None:
    note, _ = compose(escalated_run(sample), officer="Sam Officer", content_version="c1")
    assert note.text.splitlines() == [
        "Ref: AB 123",
        "Date: 2024-05-01",
        "Confirmed:",
        "None",
        "Notes:",
        "- The point was not confirmed.",
        "Escalated:",
        "- Customer AB 123 did not confirm the point. (raised with line manager)",
        "not given",
    ]


def test_record_holds_procedure_content_sections_answers_times_officer_reference(sample: Procedure) -> None:
    run = escalated_run(sample)
    note = compose_note(run, officer="Sam Officer", content_version="c1")
    record = json.loads(json.dumps(note.record))  # JSON-able
    assert record["procedure"] == {"id": "sample", "version": 2, "title": "Sample procedure"}
    assert record["content_version"] == "c1"
    assert record["sections"] == ["DMBM511015", "DMBM511130"]  # the procedure's, then the steps'
    assert record["officer"] == "Sam Officer"
    assert record["customer_reference"] == "AB 123"
    assert record["started_at"] == "2024-05-01T09:30:00Z"
    assert record["finished_at"] == "2024-05-01T09:33:00Z"
    assert record["outcome"] == {"step": "end", "title": "Note"}
    assert [(s["step"], s["answer"], s["answer_text"], s["at"]) for s in record["steps"]] == [
        (
            "details",
            {"customer_reference": "AB 123", "call_date": "2024-05-01"},
            "Customer reference: AB 123; Date of the call: 2024-05-01; Channel: not given; Details: not given",
            "2024-05-01T09:31:00Z",
        ),
        ("point", False, "Not confirmed", "2024-05-01T09:32:00Z"),
        (
            "worry",
            "He said he would post it online.",
            "raised with line manager: He said he would post it online.",
            "2024-05-01T09:33:00Z",
        ),
    ]
    assert record["steps"][1]["section"] == "DMBM511130"
    assert record["escalations"] == [
        {
            "step": "worry",
            "to": "line manager",
            "reason": "Customer AB 123 did not confirm the point.",
            "officer_text": "He said he would post it online.",
            "at": "2024-05-01T09:33:00Z",
        }
    ]


def test_sections_cite_only_steps_on_the_path(sample: Procedure) -> None:
    run = answer(answer(letter_run(sample), "question", "left", minutes(5)), "read", None, minutes(6))
    assert compose_note(run, officer="o", content_version="c").record["sections"] == ["DMBM511015", "DMBM511130"]
    bare = answer(out_of_order(start(sample, T0), "late", T0), "late", None, T0)
    assert compose_note(bare, officer="o", content_version="c").record["sections"] == ["DMBM511015"]


def test_escalation_draft_has_concern_path_note_and_sections(sample: Procedure) -> None:
    note, [draft] = compose(escalated_run(sample), officer="Sam Officer", content_version="c1")
    assert draft.subject == "Escalation: Sample procedure (AB 123)"
    assert draft.to == "line manager"
    assert draft.step_id == "worry"
    body = draft.body
    assert "Concern:\nCustomer AB 123 did not confirm the point.\n" in body
    assert "Officer's comments:\nHe said he would post it online.\n" in body
    assert "1. Details: Customer reference: AB 123" in body
    assert draft.body.startswith("To: your line manager\n")
    # Local times to the minute, as people read them (the record keeps UTC).
    at = dt.datetime(2024, 5, 1, 9, 32, tzinfo=dt.UTC)
    assert f"2. The point: Not confirmed ({local_time(at)})" in body
    assert "Note:\n" + note.text in body
    assert "Guidance cited: DMBM511015, DMBM511130" in body
    assert f"Raised by Sam Officer on {local_time(at + dt.timedelta(minutes=1))}" in body
    assert "2024-05-01T" not in body


def test_escalation_is_addressed_to_the_recipient_by_name(sample: Procedure) -> None:
    _, [draft] = compose(escalated_run(sample), officer="o", content_version="c", recipient="Jo Manager")
    assert draft.body.startswith("To: Jo Manager (line manager)\n")


def test_no_escalation_drafts_without_escalate_steps(sample: Procedure) -> None:
    run = letter_run(sample)
    assert compose(run, officer="o", content_version="c")[1] == []


def test_document_text_is_in_the_note_and_the_record(sample: Procedure) -> None:
    run = letter_run(sample)
    note = compose_note(run, officer="Sam Officer", content_version="c")
    letter = "Dear customer, you have published.\n\nContact Jobcentre Plus.\n\nYours, Sam Officer"
    assert note.record["documents"] == {"letter": letter}
    assert note.text.endswith(letter)


def test_document_preview_for_choices_not_yet_made(sample: Procedure) -> None:
    run = answer(answer(answer(start(sample, T0), "details", REF, T0), "point", True, T0), "question", "right", T0)
    assert (
        document_text(run, "letter", {"action": "intend"})
        == "Dear customer, you intend to publish.\n\nYours, not given"
    )


def test_compose_refuses_an_unfinished_run(sample: Procedure) -> None:
    with pytest.raises(RunError, match="not finished"):
        compose_note(start(sample, T0), officer="o", content_version="c")


# --- note check ------------------------------------------------------------------------------
WORDS = ["rude", "clearly lying", "mad"]
KNOWN = ["HMRC", "DWP"]


def kinds(text: str) -> list[tuple[str, str]]:
    return [(w.kind, w.token) for w in check_note(text, WORDS, KNOWN)]


def test_listed_words_are_whole_words_any_case() -> None:
    assert kinds("The customer was Rude. He was CLEARLY\n lying.") == [
        ("listed-word", "Rude"),
        ("listed-word", "CLEARLY\n lying"),  # seven capitals: too long for an abbreviation
    ]
    assert kinds("Rudeness is not madness; a nomad is not made mad") == [("listed-word", "mad")]


def test_unexplained_abbreviations_are_flagged_with_their_place() -> None:
    text = "Customer called HMRC.\nSpoke to the ISP and the CCAS."
    warnings = check_note(text, WORDS, KNOWN)
    assert [(w.token, w.line, text[w.start : w.end]) for w in warnings] == [("ISP", 2, "ISP"), ("CCAS", 2, "CCAS")]
    assert "ISP is not explained" in warnings[0].message


def test_abbreviations_explained_in_brackets_either_way_are_fine() -> None:
    assert kinds("Contacted the Internet Service Provider (ISP). The ISP agreed.") == []
    assert kinds("The CCAS (Complex Case Advisory Service) advised.") == []
    assert kinds("(CCAS) advised.") == [("abbreviation", "CCAS")]


def test_section_ids_and_other_tokens_are_not_abbreviations() -> None:
    assert kinds("See DMBM511015 and DMBM 900500, CSDH0300. A note. I was there. ABCDEFG is long.") == []


def test_known_abbreviations_any_case_in_the_list() -> None:
    assert check_note("Told DWP and PDCS.", [], ["dwp", "pdcs"]) == []


def test_a_note_carries_archive_date_passed_for_the_guidance_it_followed(sample: Procedure) -> None:
    from tests.helpers import bundled

    procedure = bundled.procedures()["dmbm-before-going-out-on-call"]  # follows DMBM511340, archive 2024-04-30
    assert archive_notices(procedure, bundled.library(), dt.date(2024, 4, 29)) == ()
    [notice] = archive_notices(procedure, bundled.library(), dt.date(2024, 5, 1))
    assert notice.startswith("DMBM511340: archive date passed (30 Apr 2024)")
    run = escalated_run(sample)
    note = compose_note(run, officer="o", content_version="c", notices=[notice])
    assert note.text.endswith(f"Guidance status:\n- {notice}")
    assert note.record["guidance_notices"] == [notice]
    assert "guidance_notices" not in compose_note(run, officer="o", content_version="c").record
