"""A trainee who answers wrongly, goes back with Previous step and puts it right: the debrief
window shows the first answer and the correction, not a clean score."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from manualviewer.ui.training.models import RIGHT
from tests.helpers.checklist_rig import click
from tests.helpers.shots import save_shot
from tests.helpers.training_rig import (
    THIRD_PARTY,
    TrainingRig,
    choose,
    feedback_text,
    go_on,
    open_debrief,
    save_training_note,
    start_scenario,
    step_id,
    walk_third_party_right,
)


def test_a_mistake_put_right_shows_in_the_debrief(qtbot: QtBot, rig: TrainingRig) -> None:
    start_scenario(qtbot, rig, THIRD_PARTY)
    go_on(qtbot, rig)
    click(qtbot, rig.panel.reveal_button)
    choose(qtbot, rig, "own-business-affairs")  # wrong: the caller is not a journalist
    assert "Not right" in feedback_text(rig)
    click(qtbot, rig.panel.back_button)
    assert step_id(rig) == "media"
    # Start again from the media step, as the trainee would, and go on right to the end.
    click(qtbot, rig.panel.back_button)
    assert step_id(rig) == "call-details"
    walk_third_party_right(qtbot, rig)
    save_training_note(qtbot, rig)
    debrief = open_debrief(qtbot, rig)

    attempt = rig.training.attempt
    assert attempt is not None
    grade = attempt.grade
    assert (grade.correct, grade.total, grade.right_first_time) == (5, 5, 4)
    score = debrief.score.text()
    assert "5 of 5 decisions right in the end (4 right first time, 1 corrected" in score
    media_row = [s.step for s in grade.steps].index("media")
    assert debrief.model.cell(media_row, 3) == f"{RIGHT} \u00b7 corrected"
    given = debrief.model.cell(media_row, 1)
    assert given.startswith("No, the call is not from the media")
    assert "First answer (not right):" in given and "journalist" in given
    debrief.resize(1366, 768)
    save_shot(debrief, "h12-debrief-corrected")
