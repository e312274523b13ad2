"""Every bundled procedure: valid, and every answer on every path reaches a valid next step and
ends in a note (the smart-answers rule, by walking the engine through every combination)."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from functools import cache

import pytest
from tests.helpers.bundled import library
from tests.helpers.procedures import T0

from manualviewer.core.procedures import (
    AnswerValue,
    AnyStep,
    CheckStep,
    DocumentStep,
    EndStep,
    EscalateStep,
    FieldType,
    InputStep,
    Procedure,
    QuestionStep,
    Run,
    answer,
    check_note,
    compose,
    load_procedures,
    out_of_order,
    start,
    validate,
)
from manualviewer.core.settings import DEFAULT_KNOWN_ABBREVIATIONS, DEFAULT_NOTE_CHECK_WORDS

EXPECTED = {
    "dmbm-customer-recording-call",
    "dmbm-customer-sends-recording",
    "dmbm-mobile-phone-on-call",
    "dmbm-before-going-out-on-call",
    "dwp-claimant-wants-to-record",
    "dwp-claimant-published-recording",
    "csdh-telling-customer-about-recording",
    "csdh-no-feedback-contact",
}
# The guidance never spells this out; the officer picks it in the DWP letter.
UNEXPLAINED_IN_GUIDANCE = {"PDCS"}


@cache
def bundled() -> dict[str, Procedure]:
    procedures, problems = load_procedures([m.path / "procedures" for m in library().manuals.values()])
    assert problems == []
    return procedures


def sample_answers(step: AnyStep) -> list[AnswerValue]:
    """Every answer that can change the route, and one of each otherwise."""
    if isinstance(step, CheckStep):
        return [True, False] if step.not_confirmed else [True]
    if isinstance(step, QuestionStep):
        return [c.id for c in step.choices]
    if isinstance(step, InputStep):
        typed = {
            FieldType.CUSTOMER_REFERENCE: "AB 123456",
            FieldType.DATE: "01/05/2024",
            FieldType.TEXT: "https://example.org/video",
        }
        full = {f.name: f.options[0] if f.type is FieldType.CHOICE else typed[f.type] for f in step.fields}
        required = {k: v for k, v in full.items() if step.field(k).required}  # type: ignore[union-attr]
        return [full, required] if required != full else [full]
    if isinstance(step, EscalateStep):
        return ["The customer said they would post the recording online."]
    if isinstance(step, DocumentStep):
        options = step.template.options
        return [
            {o.name: c.id for o, c in zip(options, combo, strict=True)}
            for combo in itertools.product(*(o.choices for o in options))
        ]
    return [None]


def every_run(procedure: Procedure) -> Iterator[Run]:
    """Depth-first through every answer, and every out-of-order jump from every step."""
    pending = [start(procedure, T0)]
    while pending:
        run = pending.pop()
        if run.finished:
            yield run
            continue
        step = run.current_step
        for value in sample_answers(step):
            pending.append(answer(run, step.id, value, T0))
        for jump in procedure.allow_out_of_order:
            if all(v.step_id != jump for v in run.visits):
                pending.append(out_of_order(run, jump, T0))


def test_all_bundled_procedures_load_without_problems() -> None:
    assert set(bundled()) == EXPECTED


@pytest.mark.parametrize("procedure_id", sorted(EXPECTED))
def test_bundled_procedure_is_valid_against_the_library(procedure_id: str) -> None:
    assert validate(bundled()[procedure_id], library().resolve) == []


def test_every_procedure_a_section_offers_exists_and_every_procedure_is_offered() -> None:
    offered = {pid for s in library().sections.values() for pid in s.procedures}
    assert offered == EXPECTED
    for procedure in bundled().values():
        for section_id in procedure.sections:
            section = library().get(section_id)
            assert section is not None
        assert any(procedure.id in s.procedures for s in library().sections.values())


@pytest.mark.parametrize("procedure_id", sorted(EXPECTED))
def test_every_path_reaches_an_end_and_produces_a_note(procedure_id: str) -> None:
    procedure = bundled()[procedure_id]
    runs = list(every_run(procedure))
    visited = {v.step_id for run in runs for v in run.visits}
    assert visited == {s.id for s in procedure.steps}, "a step no answer leads to"
    ends = {run.current_step.id for run in runs}
    assert ends == {s.id for s in procedure.steps if isinstance(s, EndStep)}

    for run in runs:
        note, escalations = compose(run, officer="Sam Officer", content_version="test")
        where = f"{procedure_id} via {' > '.join(run.path)}"
        assert note.text.strip(), where
        assert not re.search(r"\{[^{}]*\}", note.text), f"unfilled placeholder in the note, {where}"
        assert "\n\n\n" not in note.text, where
        record = json.loads(json.dumps(note.record))
        assert record["procedure"] == {"id": procedure.id, "version": procedure.version, "title": procedure.title}
        assert [s["step"] for s in record["steps"]] == list(run.path[:-1])
        assert all(library().resolve(s) for s in record["sections"]), where
        on_path = [s for s in run.path if isinstance(procedure.step(s), EscalateStep)]
        assert [e.step_id for e in escalations] == on_path, where
        for escalation in escalations:
            assert escalation.subject and note.text in escalation.body
        if run.values.get("customer_reference"):
            assert record["customer_reference"] == "AB 123456"
            assert "AB 123456" in note.text


@pytest.mark.parametrize("procedure_id", sorted(EXPECTED))
def test_bundled_notes_pass_the_note_check(procedure_id: str) -> None:
    """The words our own templates put into a note draw no warning with the default settings."""
    for run in every_run(bundled()[procedure_id]):
        note, _ = compose(run, officer="Sam Officer", content_version="test")
        warnings = check_note(note.text, DEFAULT_NOTE_CHECK_WORDS, DEFAULT_KNOWN_ABBREVIATIONS)
        assert {w.token for w in warnings} <= UNEXPLAINED_IN_GUIDANCE, (run.path, warnings)


def test_late_disclosure_is_recorded_in_the_note() -> None:
    procedure = bundled()["dmbm-customer-recording-call"]
    run = answer(start(procedure, T0), "call-details", {"customer_reference": "AB 1"}, T0)
    run = answer(run, "media", "not-media", T0)
    run = out_of_order(run, "late-disclosure", T0)
    run = answer(answer(run, "late-disclosure", None, T0), "concerns", "no-concerns", T0)
    note, escalations = compose(run, officer="o", content_version="c")
    assert "told me at the end of the call that they had recorded it" in note.text
    assert escalations == []
    assert [s["out_of_order"] for s in note.record["steps"]] == [False, False, True, False]


def test_media_call_is_referred_to_the_press_office_but_not_a_journalist_about_own_affairs() -> None:
    procedure = bundled()["dmbm-customer-recording-call"]
    run = answer(start(procedure, T0), "call-details", {"customer_reference": "AB 1"}, T0)
    assert answer(run, "media", "media", T0).current_step.id == "refer-to-press-office"
    assert answer(run, "media", "own-business-affairs", T0).current_step.id == "three-points"
