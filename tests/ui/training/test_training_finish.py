"""Starting a scenario opens its guidance beside it; Finish with the training note not saved
asks first: save it and finish, finish without it, or cancel."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from manualviewer.ui.training.debrief import DebriefWindow
from tests.helpers.shots import save_shot
from tests.helpers.training_rig import THIRD_PARTY, TrainingRig, start_scenario, step_id, walk_third_party_right


def answer_the_question(button_text: str, asked: list[str], shot: str = "") -> None:
    """When the question shows, note its text (and save a picture of it as `shot`), then press
    the button named `button_text`."""

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, press)
            return
        asked.append(f"{box.text()} {box.informativeText()}")
        if shot:
            save_shot(box, shot)
        [button] = [b for b in box.buttons() if b.text().replace("&", "") == button_text]
        button.click()

    QTimer.singleShot(0, press)


def at_the_note(qtbot: QtBot, rig: TrainingRig) -> None:
    start_scenario(qtbot, rig, THIRD_PARTY)
    walk_third_party_right(qtbot, rig)
    assert step_id(rig) == "end" and rig.panel.note_editor is not None


def test_starting_a_scenario_opens_its_guidance_beside_it(qtbot: QtBot, rig: TrainingRig) -> None:
    start_scenario(qtbot, rig, THIRD_PARTY)
    session = rig.training.session
    assert session is not None
    guidance = session.procedure.sections[0]
    assert rig.window.current_view().current_id == guidance
    assert rig.ui.dock.isVisible()  # the scenario beside the guidance, both on screen
    save_shot(rig.window, "h14c-training-start")


def test_finish_with_the_note_unsaved_asks_and_cancel_keeps_the_note(qtbot: QtBot, rig: TrainingRig) -> None:
    at_the_note(qtbot, rig)
    rig.panel.note_editor.editor.appendPlainText("Trainee's own words.")  # type: ignore[union-attr]
    asked: list[str] = []
    answer_the_question("Cancel", asked, shot="h14c-unsaved-note")
    rig.ui.actions["finish"].trigger()
    assert asked == ["The training note is not saved. Save it before you finish? Finishing without it leaves no "
                     "note of this scenario in the training records."]
    assert rig.training.attempt is None and rig.training.saved_note is None
    assert rig.panel.note_editor is not None and "Trainee's own words." in rig.panel.note_editor.text()

    answer_the_question("Finish without the note", asked)
    with qtbot.waitSignal(rig.training.finished, timeout=2000):
        rig.ui.actions["finish"].trigger()
    assert rig.training.attempt is not None and rig.training.saved_note is None
    assert isinstance(rig.ui.debrief, DebriefWindow)


def test_finish_can_save_the_note_first(qtbot: QtBot, rig: TrainingRig) -> None:
    at_the_note(qtbot, rig)
    rig.panel.note_editor.editor.appendPlainText("Trainee's own words.")  # type: ignore[union-attr]
    asked: list[str] = []
    answer_the_question("Save the note and finish", asked)
    with qtbot.waitSignal(rig.training.finished, timeout=2000):
        rig.panel.finish_button.click()
    assert len(asked) == 1
    note = rig.training.saved_note
    assert note is not None and "Trainee's own words." in note.text
    assert rig.training.attempt is not None


def test_finish_before_the_note_or_after_saving_it_asks_nothing(qtbot: QtBot, rig: TrainingRig) -> None:
    start_scenario(qtbot, rig, THIRD_PARTY)
    with qtbot.waitSignal(rig.training.finished, timeout=2000):
        rig.ui.actions["finish"].trigger()  # no note on screen yet: steps not reached count as not right
    assert rig.training.attempt is not None
