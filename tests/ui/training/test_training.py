"""Training mode, driven as a trainer and trainee would: the mode marked on screen and undone
after, a scenario walked on the real checklist to its debrief, feedback on a wrong answer with
the guidance's reason and section, and the live checklist put aside while training."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget
from pytestqt.qtbot import QtBot

from manualviewer.storage.stores import Stores, open_stores
from manualviewer.ui.training.controller import TRAINING_MARK
from manualviewer.ui.training.models import NOT_REACHED, RIGHT, WRONG
from tests.helpers.checklist_rig import click
from tests.helpers.training_rig import (
    LATE,
    THIRD_PARTY,
    TrainingRig,
    choose,
    close_windows,
    confirm,
    feedback_text,
    go_on,
    make_training_rig,
    open_debrief,
    save_training_note,
    start_scenario,
    step_id,
    walk_third_party_right,
)


@pytest.fixture
def live(qtbot: QtBot, tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "live.db")
    yield opened
    close_windows()
    opened.close()


@pytest.fixture
def rig(qtbot: QtBot, bundled_content: Path, live: Stores) -> Iterator[TrainingRig]:
    made = make_training_rig(qtbot, bundled_content, live)
    yield made
    close_windows()
    made.training.close()


def test_training_mode_is_marked_on_screen_and_goes_back_to_normal(qtbot: QtBot, rig: TrainingRig) -> None:
    window = rig.window
    window.open_section("DMBM511015")
    normal_title = window.windowTitle()
    assert TRAINING_MARK not in normal_title
    assert not rig.ui.banner.isVisible()

    start_scenario(qtbot, rig, THIRD_PARTY)
    assert window.windowTitle().startswith("TRAINING - not a real call")
    assert rig.ui.banner.isVisible()
    assert "not a real call" in rig.ui.banner.accessibleName()
    assert rig.ui.mode.status.isVisible() and rig.ui.mode.status.text() == "TRAINING"
    assert rig.ui.dock.isVisible()
    # Opening another section keeps the mark: the window retitles itself on every section.
    window.open_section("DMBM511340")
    assert window.windowTitle().startswith(TRAINING_MARK)
    assert "DMBM511340" in window.windowTitle()

    qtbot.keyClick(window, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not rig.training.active
    assert TRAINING_MARK not in window.windowTitle()
    assert window.windowTitle().startswith("DMBM511340")
    assert not rig.ui.banner.isVisible()
    assert not rig.ui.mode.status.isVisible()
    assert not rig.ui.dock.isVisible()


def test_live_checklist_is_put_aside_in_training_and_comes_back(qtbot: QtBot, rig: TrainingRig) -> None:
    assert rig.live is not None
    live_installed = rig.live.installed  # type: ignore[attr-defined]
    rig.live.start_procedure("dmbm-customer-recording-call")
    live_dock: QDockWidget = live_installed.docks["checklist"]
    assert live_dock.isVisible()
    live_continue = live_installed.actions["continue"]
    assert live_continue.shortcut().toString() == "Ctrl+Return"

    start_scenario(qtbot, rig, THIRD_PARTY)
    assert not live_dock.isVisible()
    live_docks = list(live_installed.docks.values())
    # Not even the toolbar's right-click menu can bring a live panel back in training.
    assert not any(d.toggleViewAction().isEnabled() for d in live_docks)
    assert live_continue.shortcut().isEmpty()  # Ctrl+Enter answers the training step only
    assert not live_installed.menu.menuAction().isVisible()
    rig.window.procedure_requested.emit("dmbm-customer-recording-call")  # a section's "Start checklist" link
    assert rig.live.run is not None and rig.live.run.current_step.id == "call-details"  # untouched
    assert "training" in rig.window.status_label.text().lower()

    # Ctrl+Enter goes to the training panel: the prefilled reference is accepted.
    assert step_id(rig) == "call-details"
    qtbot.keyClick(rig.panel.step_view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert step_id(rig) == "media"
    assert rig.live.run.current_step.id == "call-details"

    rig.ui.actions["leave"].trigger()
    assert live_dock.isVisible()
    assert all(d.toggleViewAction().isEnabled() for d in live_docks)
    assert live_continue.shortcut().toString() == "Ctrl+Return"
    assert live_installed.menu.menuAction().isVisible()


def test_right_answers_to_the_end_give_full_marks_in_the_debrief(qtbot: QtBot, rig: TrainingRig) -> None:
    start_scenario(qtbot, rig, THIRD_PARTY)
    assert rig.panel.turns_model.rowCount() == 1  # the trainer reveals the rest
    walk_third_party_right(qtbot, rig)
    assert rig.panel.turns_model.rowCount() == 2
    assert rig.panel.feedback_label is None  # the note needs the room; the escalate step is not marked
    save_training_note(qtbot, rig)
    debrief = open_debrief(qtbot, rig)

    attempt = rig.training.attempt
    assert attempt is not None and attempt.trainee == "Jo Bloggs"
    assert (attempt.grade.correct, attempt.grade.total) == (5, 5)
    assert "Score: 5 of 5 decisions right" in debrief.score.text()
    assert "Time taken:" in debrief.score.text()
    model = debrief.model
    assert model.rowCount() == 5
    assert all(model.cell(row, 3) == RIGHT for row in range(5))
    assert model.cell(1, 1) == "Not confirmed" and model.cell(1, 2) == "Not confirmed"
    assert "none" in debrief.reread.text()
    assert "TRAINING" in debrief.windowTitle()
    paths = debrief.path_model
    assert all(paths.cell(row, 2).startswith("\u2714") for row in range(paths.rowCount()))


def test_a_wrong_answer_is_explained_and_its_section_listed_to_reread(qtbot: QtBot, rig: TrainingRig) -> None:
    window = rig.window
    window.open_section("DMBM511340")
    start_scenario(qtbot, rig, LATE)
    go_on(qtbot, rig)  # the reference comes from the situation
    choose(qtbot, rig, "not-media")
    assert RIGHT in feedback_text(rig)
    go_on(qtbot, rig)  # cover the three points
    # The trainee misses the late disclosure and confirms the points instead...
    confirm(qtbot, rig)
    confirm(qtbot, rig)
    confirm(qtbot, rig)
    go_on(qtbot, rig)
    # ...and says they still have concerns when the guidance calls for none.
    choose(qtbot, rig, "concerns")
    text = feedback_text(rig)
    assert WRONG in text and "Not right" in text
    assert "No, I have no remaining concerns" in text  # what the guidance calls for
    assert "these concerns should be made known to your line manager" in text  # the reason, in its words
    assert "section:DMBM511015" in text
    assert rig.panel.feedback_box is not None and rig.panel.feedback_box.objectName() == "feedback_wrong"

    # The section link in the feedback opens it in the viewer.
    rig.panel.feedback_label.linkActivated.emit("section:DMBM511015")  # type: ignore[union-attr]
    assert window.current_view().current_id == "DMBM511015"
    window.open_section("DMBM511340")
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.current_view().current_id == "DMBM511015"

    # Finish now (Ctrl+Shift+F): the debrief shows the wrong answer and the step never reached.
    with qtbot.waitSignal(rig.training.finished, timeout=2000):
        qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    debrief = rig.ui.debrief
    assert debrief is not None
    qtbot.waitUntil(debrief.isVisible, timeout=2000)
    model = debrief.model
    rows = {model.cell(r, 0): [model.cell(r, c) for c in range(6)] for r in range(model.rowCount())}
    assert rows["Is the call from the media?"][3] == RIGHT
    late = rows["The customer says at the end of the call that they recorded it"]
    assert late[1] == "Not reached" and late[3] == NOT_REACHED
    concerns = rows["Do you still have concerns?"]
    assert concerns[1:4] == ["Yes, I still have concerns", "No, I have no remaining concerns", WRONG]
    assert "made known to your line manager" in concerns[4] and concerns[5] == "DMBM511015"
    assert "1 of 3" in debrief.score.text()
    assert "DMBM511015" in debrief.reread.text()
    window.open_section("DMBM511340")
    debrief.reread.linkActivated.emit("section:DMBM511015")
    assert window.current_view().current_id == "DMBM511015"
    window.open_section("DMBM511340")
    debrief.on_activated(model.index(2, 0))  # a row opens its section too
    assert window.current_view().current_id == "DMBM511015"


def test_the_trainee_must_be_named_before_starting(qtbot: QtBot, rig: TrainingRig) -> None:
    rig.ui.actions["start"].trigger()
    picker = rig.ui.picker
    assert picker is not None
    qtbot.waitUntil(picker.isVisible, timeout=2000)
    picker.select(THIRD_PARTY)
    click(qtbot, picker.start_button)
    assert rig.training.session is None
    assert "name" in picker.error.text() and picker.error.isVisible()
    assert not rig.training.active
    qtbot.keyClicks(picker.name, "Sam Khan")
    click(qtbot, picker.start_button)
    assert rig.training.trainee == "Sam Khan"
    assert rig.panel.scenario_line.text().startswith("Trainee: Sam Khan")


def test_going_back_and_answering_again_marks_the_latest_answer(qtbot: QtBot, rig: TrainingRig) -> None:
    start_scenario(qtbot, rig, THIRD_PARTY)
    go_on(qtbot, rig)
    choose(qtbot, rig, "media")
    assert WRONG in feedback_text(rig)
    assert step_id(rig) == "refer-to-press-office"
    qtbot.keyClick(rig.window, Qt.Key.Key_Backspace,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert step_id(rig) == "media"
    choose(qtbot, rig, "not-media")
    assert RIGHT in feedback_text(rig)
    assert RIGHT in rig.panel.path_model.data(rig.panel.path_model.index(1, 0))


def test_every_training_action_has_a_shortcut_and_a_name(rig: TrainingRig) -> None:
    keys = set()
    for action in rig.ui.actions.values():
        assert not action.shortcut().isEmpty(), action.text()
        assert action.text().replace("&", "").strip()
        assert action.toolTip()
        keys.add(action.shortcut().toString())
    assert len(keys) == len(rig.ui.actions)
    assert rig.ui.menu.accessibleName() == "Training"
    assert rig.ui.dock.accessibleName() == "Training panel"
