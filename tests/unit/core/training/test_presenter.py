"""Presenter mode's script: beat by beat through a scenario (turns, then the guidance's answer,
then the next step), Back retracing every beat, and what the room sees. Pure: no QApplication."""

from __future__ import annotations

import datetime as dt

from tests.helpers.bundled import procedures, scenarios
from tests.helpers.training import T0

from manualviewer.core.procedures import CheckStep, QuestionStep
from manualviewer.core.training.presenter import (
    PresenterScript,
    call_html,
    expected_html,
    expected_move,
    hint_line,
    progress_line,
    step_html,
)

LATE = "dmbm-late-disclosure-recorded-call"
KINDS = {QuestionStep: "Question", CheckStep: "Check with the customer"}


def clock() -> dt.datetime:
    return T0


def script(scenario_id: str = LATE) -> PresenterScript:
    scenario = scenarios()[scenario_id]
    return PresenterScript(scenario, procedures()[scenario.procedure], clock)


def plain(text: str) -> str:
    return f"<p>{text}</p>"


def test_every_scenario_presents_to_its_end_on_the_expected_path_and_back_to_the_start() -> None:
    for scenario_id in scenarios():
        shown = script(scenario_id)
        for _ in range(400):
            if shown.next() in ("end", "stuck"):
                break
        assert shown.session.finished, scenario_id
        result = shown.session.finish()
        assert result.perfect and result.path == result.expected_path, scenario_id
        while shown.back():
            pass
        assert shown.beat.what == "start" and len(shown.history) == 1


def test_turns_come_first_then_the_answer_then_the_step() -> None:
    shown = script()
    seen = [shown.next() for _ in range(6)]
    # The rest of the call; the unmarked first step; at "media", its answer, then the next step.
    assert seen == ["turn", "turn", "turn", "step", "expected", "step"]
    assert shown.session.turns == shown.session.scenario.situation
    assert [b.what for b in shown.history] == ["start", *seen]


def test_the_guidance_answer_is_hidden_until_revealed() -> None:
    shown = script()
    while shown.session.current_step.id != "media":
        shown.next_step()
    assert expected_html(shown, lambda _s: "Title") == ""
    assert "\u2714" not in step_html(shown, KINDS, plain)
    assert shown.show_expected() == "expected"
    revealed = expected_html(shown, lambda _s: "Customer recording calls")
    assert "The guidance calls for:" in revealed and "<a href='section:DMBM511015'>DMBM511015</a>" in revealed
    assert "\u2190 the guidance's answer" in step_html(shown, KINDS, plain)
    assert "Question" in step_html(shown, KINDS, plain)


def test_the_out_of_order_step_is_the_move_where_the_scenario_expects_it() -> None:
    shown = script()
    moves = []
    for _ in range(20):
        move = expected_move(shown.session)
        moves.append(move.kind)
        if move.kind == "jump":
            assert move.step_id == "late-disclosure"
            break
        shown.next_step()
    assert moves[-1] == "jump"


def test_the_call_marks_the_newest_turn_and_the_progress_counts_what_is_left() -> None:
    shown = script()
    left = len(shown.session.scenario.situation) - 1
    assert f"{left} more turn" in progress_line(shown) and "Step 1 of " in progress_line(shown)
    shown.next()
    assert call_html(shown.session).count("\u25b6") == 1
    newest = shown.session.turns[-1]
    assert call_html(shown.session).endswith(f"<b>\u25b6 {newest.speaker}:</b> <b>{newest.text}</b></p>")


def test_step_n_of_m_counts_the_expected_path_and_the_hint_says_what_comes_next() -> None:
    shown = script()
    total = shown.step_total()
    assert f"Step 1 of {total}" in progress_line(shown)
    assert hint_line(shown) == "Space: hear the next turn of the call"
    seen = {hint_line(shown)}
    steps = 1
    while shown.next() != "end":
        seen.add(hint_line(shown))
        if not shown.session.finished and shown.beat.what == "step":
            steps += 1
            assert f"Step {steps} of {total}" in progress_line(shown)
    assert steps == total  # the last step before the note is step M of M
    assert "Checklist finished" in progress_line(shown)
    assert seen >= {"Space or E: show the guidance's answer and why", "Space: go to the next step of the checklist"}
    assert hint_line(shown).startswith("The scenario is finished")
