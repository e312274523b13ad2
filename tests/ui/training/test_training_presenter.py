"""Presenter mode: the trainer's key presses reveal the call's turns, then the guidance's answer
and why, then the next step, in order; Left goes back; F11 and Esc for full screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from manualviewer.core.content.loader import load_library
from manualviewer.core.procedures import load_library_procedures
from manualviewer.core.training import load_library_scenarios
from manualviewer.ui.training.presenter import PRESENTER_SCALE, PresenterScript, PresenterWindow
from tests.helpers.checklist_rig import TickingClock
from tests.helpers.shots import save_shot
from tests.helpers.training_rig import LATE, THIRD_PARTY, TrainingRig


def press(qtbot: QtBot, presenter: PresenterWindow, key: Qt.Key) -> None:
    qtbot.keyClick(presenter, key)


def test_key_presses_reveal_turns_then_the_answer_then_the_next_step(qtbot: QtBot, rig: TrainingRig) -> None:
    rig.ui.extras["present"](LATE)
    presenter = rig.ui.presenter
    assert isinstance(presenter, PresenterWindow)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is presenter, timeout=2000)
    assert rig.training.active  # presenting is training too
    assert presenter.windowTitle().startswith("TRAINING - not a real call")
    assert "not a real call" in presenter.banner.text()
    assert presenter.isFullScreen()  # for a projector, from the start
    assert "Step 1 of " in presenter.progress.text()
    assert presenter.hint.text() == "Space: hear the next turn of the call"
    assert presenter.hint.font().pointSizeF() >= QApplication.font().pointSizeF() * 1.5  # read across a room
    QApplication.processEvents()
    save_shot(presenter, "h14c-presenter")

    call = presenter.call_label
    assert "payment plan" in call.text() and "recorded this whole call" not in call.text()
    assert "About the call" in presenter.step_label.text()
    assert not presenter.expected_box.isVisible()

    press(qtbot, presenter, Qt.Key.Key_Space)
    assert "You agree a payment plan" in call.text()
    press(qtbot, presenter, Qt.Key.Key_Right)
    assert "recorded this whole call" in call.text()
    press(qtbot, presenter, Qt.Key.Key_PageDown)
    assert "hung up" in call.text() and "The whole call is heard" in presenter.progress.text()
    # The newest turn is marked with a symbol, not only with weight.
    assert call.text().count("\u25b6") == 1

    press(qtbot, presenter, Qt.Key.Key_Space)  # the reference is from the situation: next step
    assert "Is the call from the media?" in presenter.step_label.text()
    assert not presenter.expected_box.isVisible()
    press(qtbot, presenter, Qt.Key.Key_Space)  # a marked decision: its answer first
    qtbot.waitUntil(presenter.expected_box.isVisible, timeout=2000)
    assert presenter.hint.text() == "Space: go to the next step of the checklist"
    save_shot(presenter, "h14c-presenter-answer")
    expected = presenter.expected_label.text()
    assert "The guidance calls for:</b> No, the call is not from the media" in expected
    assert "must be referred to the Press Office" in expected and "DMBM511015" in expected
    assert "\u2714 No, the call is not from the media \u2190 the guidance's answer" in presenter.step_label.text()

    press(qtbot, presenter, Qt.Key.Key_Space)
    assert "Cover the three points" in presenter.step_label.text()
    assert not presenter.expected_box.isVisible()
    press(qtbot, presenter, Qt.Key.Key_Space)
    assert "Own purposes, not for a third party" in presenter.step_label.text()
    press(qtbot, presenter, Qt.Key.Key_E)  # the decision here is the late disclosure
    assert "out of order" in presenter.expected_label.text()
    assert "recorded it" in presenter.expected_label.text()

    press(qtbot, presenter, Qt.Key.Key_Left)  # back: the answer is hidden again
    assert not presenter.expected_box.isVisible()
    assert "Own purposes" in presenter.step_label.text()
    press(qtbot, presenter, Qt.Key.Key_Down)  # next step, whether or not the answer was shown
    assert "The customer says at the end of the call that they recorded it" in presenter.step_label.text()

    press(qtbot, presenter, Qt.Key.Key_F11)
    assert not presenter.isFullScreen()
    press(qtbot, presenter, Qt.Key.Key_F11)
    assert presenter.isFullScreen()
    press(qtbot, presenter, Qt.Key.Key_Escape)
    assert not presenter.isFullScreen() and presenter.isVisible()
    press(qtbot, presenter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: rig.ui.presenter is None, timeout=2000)


def test_presenter_type_is_large_and_resizable(qtbot: QtBot, rig: TrainingRig) -> None:
    presenter = rig.ui.extras["present"](THIRD_PARTY)
    assert isinstance(presenter, PresenterWindow)
    base = QApplication.font().pointSizeF()
    assert presenter.call_label.font().pointSizeF() == pytest.approx(base * PRESENTER_SCALE)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is presenter, timeout=2000)
    qtbot.keyClick(presenter, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert presenter.call_label.font().pointSizeF() > base * PRESENTER_SCALE
    assert presenter.step_label.font().weight() == QFont.Weight.Normal
    for action in presenter.actions_.values():
        assert action.shortcuts() and action.text()


def test_the_script_walks_the_expected_path_to_the_end_and_back(bundled_content: Path) -> None:
    library = load_library([bundled_content])
    scenarios, _ = load_library_scenarios(library)
    procedures, _ = load_library_procedures(library)
    for scenario in scenarios.values():
        script = PresenterScript(scenario, procedures[scenario.procedure], TickingClock())
        shown = []
        for _ in range(200):
            what = script.next()
            shown.append(what)
            if what in ("end", "stuck"):
                break
        assert shown[-1] == "end", (scenario.id, shown)
        assert script.session.turns == scenario.situation  # every turn was heard
        assert shown.count("expected") >= 1
        assert script.session.run.path == script.session.finish().expected_path  # the expected path
        assert script.session.finish().perfect, scenario.id
        while script.back():
            pass
        assert script.session.revealed == 1 and len(script.session.run.visits) == 1
