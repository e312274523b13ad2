"""The run state machine: every step kind, back, changing answers, out-of-order, saving."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from tests.helpers.procedures import T0, minutes

from manualviewer.core.procedures import (
    AnswerError,
    CheckStep,
    Procedure,
    Run,
    RunError,
    answer,
    back,
    out_of_order,
    start,
)

REF = {"customer_reference": "AB 123"}


def to_question(procedure: Procedure) -> Run:
    run = start(procedure, T0)
    run = answer(run, "details", REF, minutes(1))
    return answer(run, "point", True, minutes(2))


def test_start_is_at_the_first_step_and_not_finished(sample: Procedure) -> None:
    run = start(sample, T0)
    assert run.current_step.id == "details"
    assert not run.finished
    assert run.finished_at is None
    assert run.started_at == T0
    assert run.path == ()


def test_times_must_be_timezone_aware(sample: Procedure) -> None:
    with pytest.raises(ValueError, match="timezone"):
        start(sample, dt.datetime(2024, 5, 1, 9, 30))


def test_times_are_kept_in_utc(sample: Procedure) -> None:
    bst = dt.timezone(dt.timedelta(hours=1))
    run = start(sample, dt.datetime(2024, 5, 1, 10, 30, tzinfo=bst))
    assert run.started_at == T0
    assert run.started_at.tzinfo == dt.UTC


# --- input ---------------------------------------------------------------------------------
def test_input_cleans_values_and_leaves_out_empty_optional_fields(sample: Procedure) -> None:
    run = answer(start(sample, T0), "details", {"customer_reference": "  AB   123 ", "details": ""}, T0)
    assert run.answer_of("details") == {"customer_reference": "AB 123"}
    assert run.values == {"customer_reference": "AB 123"}
    assert run.current_step.id == "point"


def test_input_missing_required_field_names_it(sample: Procedure) -> None:
    with pytest.raises(AnswerError, match="Customer reference is required") as info:
        answer(start(sample, T0), "details", {"call_date": "2024-05-01"}, T0)
    assert info.value.step_id == "details"
    assert info.value.field == "customer_reference"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"nonsense": "x"}, "no field named nonsense"),
        ({"call_date": "31/02/2024"}, "not a date"),
        ({"call_date": "yesterday"}, "not a date"),
        ({"channel": "Letter"}, "choose one of Phone, Email"),
        ({"details": "UPPER CASE"}, "expected form \\(lower case letters\\)"),
        ({"details": "a" * 21}, "at most 20 characters"),
        ({"customer_reference": "<script>"}, "not a reference"),
        ({"customer_reference": ["AB"]}, "expected text"),
    ],
)
def test_input_refuses_values_that_do_not_fit(sample: Procedure, fields: dict[str, object], message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        answer(start(sample, T0), "details", {**REF, **fields}, T0)


def test_input_refuses_a_non_mapping(sample: Procedure) -> None:
    with pytest.raises(AnswerError, match="mapping"):
        answer(start(sample, T0), "details", "AB123", T0)


def test_input_normalises_dates_and_choices(sample: Procedure) -> None:
    run = answer(start(sample, T0), "details", {**REF, "call_date": "1/5/2024", "channel": "email"}, T0)
    assert run.values == {"customer_reference": "AB 123", "call_date": "2024-05-01", "channel": "Email"}


# --- check, question, info ----------------------------------------------------------------
def test_check_confirmed_and_not_confirmed_take_their_own_next(sample: Procedure) -> None:
    run = answer(start(sample, T0), "details", REF, T0)
    assert answer(run, "point", True, T0).current_step.id == "question"
    assert answer(run, "point", False, T0).current_step.id == "worry"
    assert answer(run, "point", "not confirmed", T0).answer_of("point") is False


def test_check_refuses_other_values(sample: Procedure) -> None:
    run = answer(start(sample, T0), "details", REF, T0)
    with pytest.raises(AnswerError, match="true \\(confirmed\\) or false"):
        answer(run, "point", "maybe", T0)


def test_check_without_not_confirmed_must_be_confirmed(sample: Procedure) -> None:
    steps = tuple(replace(s, not_confirmed=None) if isinstance(s, CheckStep) else s for s in sample.steps)
    strict = replace(sample, steps=steps)
    run = answer(start(strict, T0), "details", REF, T0)
    with pytest.raises(AnswerError, match="must be confirmed"):
        answer(run, "point", False, T0)


def test_question_takes_the_choice_next_and_refuses_unknown_choices(sample: Procedure) -> None:
    run = to_question(sample)
    assert answer(run, "question", "left", T0).current_step.id == "read"
    assert answer(run, "question", "right", T0).current_step.id == "letter"
    with pytest.raises(AnswerError, match="choose one of left, right"):
        answer(run, "question", "up", T0)


def test_info_takes_no_answer(sample: Procedure) -> None:
    run = answer(to_question(sample), "question", "left", T0)
    assert answer(run, "read", None, T0).finished
    with pytest.raises(AnswerError, match="takes no answer"):
        answer(run, "read", "something", T0)


# --- document, escalate, end ---------------------------------------------------------------
def test_document_needs_a_choice_for_every_option_the_text_uses(sample: Procedure) -> None:
    run = answer(to_question(sample), "question", "right", T0)
    with pytest.raises(AnswerError, match="choose one of intend, have for 'action'"):
        answer(run, "letter", {}, T0)
    # `service` is only inside the deleted paragraph: no choice needed, default fills `extra`.
    done = answer(run, "letter", {"action": "have"}, T0)
    assert done.answer_of("letter") == {"action": "have", "extra": "delete"}
    with pytest.raises(AnswerError, match="'service'"):
        answer(run, "letter", {"action": "have", "extra": "include"}, T0)
    with pytest.raises(AnswerError, match="no option named colour"):
        answer(run, "letter", {"action": "have", "colour": "red"}, T0)
    with pytest.raises(AnswerError, match="'never' is not a choice for 'action'"):
        answer(run, "letter", {"action": "never"}, T0)


def test_escalations_on_the_path_are_collected(sample: Procedure) -> None:
    run = answer(start(sample, T0), "details", REF, minutes(1))
    run = answer(run, "point", False, minutes(2))
    run = answer(run, "worry", "  He said he would post it online ", minutes(3))
    assert run.finished
    [escalation] = run.escalations
    assert escalation.step_id == "worry"
    assert escalation.officer_text == "He said he would post it online"
    assert escalation.at == minutes(3)


def test_escalate_text_is_optional(sample: Procedure) -> None:
    run = answer(answer(start(sample, T0), "details", REF, T0), "point", False, T0)
    assert answer(run, "worry", None, T0).escalations[0].officer_text == ""
    with pytest.raises(AnswerError, match="should be text"):
        answer(run, "worry", 42, T0)


def test_finished_run_is_at_its_end_step_which_takes_no_answer(sample: Procedure) -> None:
    run = answer(answer(to_question(sample), "question", "left", minutes(3)), "read", None, minutes(4))
    assert run.finished
    assert run.current_step.id == "end"
    assert run.finished_at == minutes(4)
    assert run.path == ("details", "point", "question", "read", "end")
    with pytest.raises(AnswerError, match="takes no answer"):
        answer(run, "end", None, T0)


def test_every_transition_is_timestamped(sample: Procedure) -> None:
    run = answer(to_question(sample), "question", "left", minutes(3))
    assert [(v.step_id, v.entered_at, v.answered_at) for v in run.visits] == [
        ("details", T0, minutes(1)),
        ("point", minutes(1), minutes(2)),
        ("question", minutes(2), minutes(3)),
        ("read", minutes(3), None),
    ]


def test_answering_a_step_not_on_the_path_is_refused(sample: Procedure) -> None:
    with pytest.raises(AnswerError, match="'question' is not on this run's path \\(the current step is 'details'\\)"):
        answer(start(sample, T0), "question", "left", T0)


# --- back and changing answers --------------------------------------------------------------
def test_back_returns_to_the_previous_step_and_clears_its_answer(sample: Procedure) -> None:
    run = to_question(sample)
    previous = back(run)
    assert previous.current_step.id == "point"
    assert previous.answer_of("point") is None
    assert previous.path == ("details",)
    assert back(previous).current_step.id == "details"


def test_back_at_the_first_step_is_refused(sample: Procedure) -> None:
    with pytest.raises(RunError, match="first step"):
        back(start(sample, T0))


def test_back_from_a_finished_run_reopens_the_last_step(sample: Procedure) -> None:
    run = answer(answer(to_question(sample), "question", "left", T0), "read", None, T0)
    reopened = back(run)
    assert not reopened.finished
    assert reopened.current_step.id == "read"


def test_changing_an_earlier_answer_drops_later_answers_that_no_longer_apply(sample: Procedure) -> None:
    run = answer(to_question(sample), "question", "left", minutes(3))
    assert run.current_step.id == "read"
    changed = answer(run, "point", False, minutes(10))
    assert changed.path == ("details", "point")
    assert changed.current_step.id == "worry"
    assert changed.answer_of("question") is None
    assert changed.visits[-1].entered_at == minutes(10)


def test_changing_an_earlier_answer_keeps_later_answers_that_still_apply(sample: Procedure) -> None:
    run = answer(to_question(sample), "question", "left", minutes(3))
    changed = answer(run, "details", {"customer_reference": "ZZ 9"}, minutes(10))
    assert changed.path == ("details", "point", "question")
    assert changed.current_step.id == "read"
    assert changed.values["customer_reference"] == "ZZ 9"
    # The kept answers keep their own times; the changed one has the new time.
    assert [v.answered_at for v in changed.answered] == [minutes(10), minutes(2), minutes(3)]


def test_changing_a_question_answer_takes_the_new_branch(sample: Procedure) -> None:
    run = answer(answer(to_question(sample), "question", "left", T0), "read", None, T0)
    changed = answer(run, "question", "right", minutes(5))
    assert changed.current_step.id == "letter"
    assert not changed.finished


def test_an_invalid_changed_answer_leaves_the_run_as_it_was(sample: Procedure) -> None:
    run = to_question(sample)
    with pytest.raises(AnswerError):
        answer(run, "details", {}, T0)
    assert run.path == ("details", "point")


# --- out of order ---------------------------------------------------------------------------
def test_out_of_order_step_is_reachable_from_any_step(sample: Procedure) -> None:
    run = out_of_order(to_question(sample), "late", minutes(5))
    assert run.current_step.id == "late"
    assert run.current_visit.out_of_order
    done = answer(run, "late", None, minutes(6))
    assert done.finished
    assert done.path == ("details", "point", "late", "end")


def test_out_of_order_from_the_start_and_from_the_end(sample: Procedure) -> None:
    assert answer(out_of_order(start(sample, T0), "late", T0), "late", None, T0).finished
    finished = answer(answer(to_question(sample), "question", "left", T0), "read", None, T0)
    again = answer(out_of_order(finished, "late", minutes(9)), "late", None, minutes(9))
    assert again.finished
    assert again.path[-2:] == ("late", "end")


def test_back_from_an_out_of_order_step_returns_to_the_step_left(sample: Procedure) -> None:
    run = out_of_order(to_question(sample), "late", minutes(5))
    returned = back(run)
    assert returned.current_step.id == "question"
    assert returned.path == ("details", "point")


def test_out_of_order_only_for_allowed_steps_and_once(sample: Procedure) -> None:
    run = to_question(sample)
    with pytest.raises(RunError, match="cannot be reached out of order"):
        out_of_order(run, "worry", T0)
    jumped = out_of_order(run, "late", T0)
    with pytest.raises(RunError, match="already on this run's path"):
        out_of_order(jumped, "late", T0)


def test_changing_an_answer_before_a_jump_keeps_the_jump(sample: Procedure) -> None:
    run = answer(out_of_order(to_question(sample), "late", minutes(5)), "late", None, minutes(6))
    changed = answer(run, "details", {"customer_reference": "ZZ 9"}, minutes(10))
    assert changed.finished
    assert changed.path == ("details", "point", "late", "end")


# --- saving ---------------------------------------------------------------------------------
def test_json_round_trip_gives_the_same_run(sample: Procedure) -> None:
    run = answer(out_of_order(to_question(sample), "late", minutes(5)), "late", None, minutes(6))
    data = json.loads(json.dumps(run.to_json()))
    assert data["procedure"] == "sample"
    assert data["version"] == 2
    assert data["visits"][0]["entered_at"] == "2024-05-01T09:30:00Z"
    assert Run.from_json(data, sample) == run


def test_json_round_trip_of_an_unfinished_run_with_every_kind_of_answer(sample: Procedure) -> None:
    run = answer(to_question(sample), "question", "right", minutes(3))
    run = answer(run, "letter", {"action": "intend", "extra": "include", "service": "pdcs"}, minutes(4))
    restored = Run.from_json(json.loads(json.dumps(run.to_json())), sample)
    assert restored == run
    assert restored.finished


def test_from_json_refuses_another_procedure_and_garbage(sample: Procedure) -> None:
    data = start(sample, T0).to_json()
    with pytest.raises(RunError, match="for procedure 'other'"):
        Run.from_json({**data, "procedure": "other"}, sample)
    with pytest.raises(RunError, match="cannot be read"):
        Run.from_json({**data, "visits": [{"step": "details"}]}, sample)
    with pytest.raises(RunError, match="format"):
        Run.from_json({**data, "format": 99}, sample)


def test_from_json_same_version_must_fit_exactly(sample: Procedure) -> None:
    data = to_question(sample).to_json()
    data["visits"][1]["value"] = "maybe"
    with pytest.raises(RunError, match="does not fit"):
        Run.from_json(data, sample)


def test_from_json_older_version_replays_as_far_as_it_fits(sample: Procedure) -> None:
    run = answer(to_question(sample), "question", "left", minutes(3))
    data = run.to_json()
    data["version"] = 1
    data["visits"][2]["value"] = "straight-on"  # a choice the new version no longer has
    restored = Run.from_json(data, sample)
    assert restored.path == ("details", "point")
    assert restored.current_step.id == "question"
