"""Support for the training UI tests (no tests here): a main window with the live checklists and
training installed, and driving the Training panel as a trainee would, through its widgets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from manualviewer.core.settings import Settings
from manualviewer.storage.stores import Stores
from manualviewer.ui.checklist.controller import ChecklistController
from manualviewer.ui.checklist.deps import ChecklistDeps
from manualviewer.ui.checklist.install import install_checklists
from manualviewer.ui.reading.main_window import MainWindow
from manualviewer.ui.steps.choice_views import CheckView, QuestionView
from manualviewer.ui.steps.escalate_view import EscalateView
from manualviewer.ui.steps.input_view import InputView
from manualviewer.ui.training.controller import TrainingController, open_training_stores
from manualviewer.ui.training.debrief import DebriefWindow
from manualviewer.ui.training.install import TrainingUI, install_training
from manualviewer.ui.training.window import ScenarioPicker, TrainingPanel
from tests.helpers.checklist_rig import OFFICER, TickingClock, click, type_text
from tests.ui.helpers import make_window

THIRD_PARTY = "dmbm-recording-for-a-third-party"  # goes through an escalate step and the note
LATE = "dmbm-late-disclosure-recorded-call"  # an out-of-order step is a marked decision


@dataclass
class TrainingRig:
    window: MainWindow
    training: TrainingController
    ui: TrainingUI
    panel: TrainingPanel
    live: ChecklistController | None


def close_windows() -> None:
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()


def make_training_rig(
    qtbot: QtBot,
    content: Path,
    live_stores: Stores | None = None,
    *,
    settings: Settings = OFFICER,
    channel_factory: Callable[..., object] | None = None,
    stores_opener: Callable[[], Stores] = open_training_stores,
) -> TrainingRig:
    window, _ = make_window(content)
    qtbot.addWidget(window)
    live = None
    if live_stores is not None:
        window.attach_stores(live_stores)
        kwargs: dict[str, object] = {"clock": TickingClock(), "settings_saver": lambda _s: None}
        if channel_factory is not None:
            kwargs["channel_factory"] = channel_factory
        live = install_checklists(window, ChecklistDeps(live_stores, lambda: settings, **kwargs))  # type: ignore[arg-type]
    training = install_training(window, clock=TickingClock(), stores_opener=stores_opener,
                                live=live.live if live is not None else None)
    window.resize(1366, 768)
    window.show()
    ui = training.installed  # type: ignore[attr-defined]
    return TrainingRig(window, training, ui, ui.panel, live)


def start_scenario(qtbot: QtBot, rig: TrainingRig, scenario_id: str, trainee: str = "Jo Bloggs") -> None:
    """As a trainer would: Training > Start, type the trainee's name, choose, Start."""
    rig.ui.actions["start"].trigger()
    picker = rig.ui.picker
    assert isinstance(picker, ScenarioPicker)
    qtbot.waitUntil(picker.isVisible, timeout=2000)
    picker.name.clear()
    qtbot.keyClicks(picker.name, trainee)
    picker.select(scenario_id)
    assert picker.scenario_id() == scenario_id
    click(qtbot, picker.start_button)
    qtbot.waitUntil(lambda: rig.training.session is not None, timeout=2000)
    # Back in the main window, where the training shortcuts live.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is rig.window, timeout=2000)


def step_id(rig: TrainingRig) -> str:
    session = rig.training.session
    assert session is not None
    return session.current_step.id


def go_on(qtbot: QtBot, rig: TrainingRig) -> None:
    click(qtbot, rig.panel.primary_button)


def choose(qtbot: QtBot, rig: TrainingRig, choice_id: str) -> None:
    view = rig.panel.step_view
    assert isinstance(view, QuestionView)
    button = view.buttons[choice_id]
    qtbot.waitUntil(button.isVisible, timeout=2000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.isChecked()
    go_on(qtbot, rig)


def confirm(qtbot: QtBot, rig: TrainingRig, confirmed: bool = True) -> None:
    assert isinstance(rig.panel.step_view, CheckView)
    click(qtbot, rig.panel.primary_button if confirmed else rig.panel.secondary_button)


def escalate(qtbot: QtBot, rig: TrainingRig, text: str) -> None:
    view = rig.panel.step_view
    assert isinstance(view, EscalateView)
    type_text(qtbot, view.extra, text)
    go_on(qtbot, rig)


def reference_prefilled(rig: TrainingRig, name: str = "customer_reference") -> str:
    view = rig.panel.step_view
    assert isinstance(view, InputView)
    editor = view.editors[name]
    return editor.text()  # type: ignore[attr-defined,no-any-return]


def feedback_text(rig: TrainingRig) -> str:
    label = rig.panel.feedback_label
    assert label is not None
    return label.text()


def walk_third_party_right(qtbot: QtBot, rig: TrainingRig, concern: str = "He said he will send it on.") -> None:
    """Every decision of THIRD_PARTY answered as the guidance calls for, to the note."""
    assert step_id(rig) == "call-details"
    assert reference_prefilled(rig) == "PW 300418"
    go_on(qtbot, rig)
    click(qtbot, rig.panel.reveal_button)
    choose(qtbot, rig, "not-media")
    go_on(qtbot, rig)  # cover the three points
    confirm(qtbot, rig, False)  # for a third party: not confirmed
    confirm(qtbot, rig)
    confirm(qtbot, rig)
    go_on(qtbot, rig)  # make your own note
    choose(qtbot, rig, "concerns")
    assert "\u2714 Right" in feedback_text(rig)
    assert step_id(rig) == "tell-line-manager"
    escalate(qtbot, rig, concern)
    assert step_id(rig) == "end"


def save_training_note(qtbot: QtBot, rig: TrainingRig) -> None:
    editor = rig.panel.note_editor
    assert editor is not None
    click(qtbot, editor.save_button)
    qtbot.waitUntil(lambda: rig.training.saved_note is not None, timeout=2000)


def open_debrief(qtbot: QtBot, rig: TrainingRig) -> DebriefWindow:
    button = rig.panel.debrief_button or rig.panel.finish_button
    with qtbot.waitSignal(rig.training.finished, timeout=2000):
        click(qtbot, button)
    debrief = rig.ui.debrief
    assert isinstance(debrief, DebriefWindow)
    qtbot.waitUntil(debrief.isVisible, timeout=2000)
    return debrief


def texts(widget: QWidget) -> str:
    from PySide6.QtWidgets import QLabel

    return "\n".join(label.text() for label in widget.findChildren(QLabel) if label.isVisible())


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 5, 1, hour, minute, tzinfo=dt.UTC)
