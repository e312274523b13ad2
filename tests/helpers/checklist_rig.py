"""Support for the checklist UI tests (no tests here): a main window with checklists installed,
and driving the Checklist panel as an officer would, through its widgets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from manualviewer.core.settings import Settings
from manualviewer.storage.stores import Stores
from manualviewer.ui.checklist.controller import ChecklistController
from manualviewer.ui.checklist.deps import ChecklistDeps
from manualviewer.ui.checklist.install import install_checklists
from manualviewer.ui.checklist.panel import ChecklistPanel as ProcedurePanel
from manualviewer.ui.reading.main_window import MainWindow
from manualviewer.ui.steps.choice_views import CheckView, QuestionView
from manualviewer.ui.steps.input_view import InputView
from tests.ui.helpers import make_window

OFFICER = Settings(officer_name="Sam Patel", officer_email="sam@example.org",
                   line_manager_name="Alex Jones", line_manager_email="alex@example.org")


class TickingClock:
    """One minute later on every call, from 1 May 2024 09:00 UTC: times in records are exact."""

    def __init__(self) -> None:
        self.now = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


@dataclass
class Rig:
    window: MainWindow
    controller: ChecklistController
    panel: ProcedurePanel
    settings: dict[str, Settings]
    saved_settings: list[Settings] = field(default_factory=list)


def close_windows() -> None:
    """Close every main window while its database is still open (closing saves the session)."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and widget.isVisible():
            widget.close()


def make_rig(qtbot: QtBot, content: Path, stores: Stores, settings: Settings = OFFICER, **kwargs: object) -> Rig:
    window, _ = make_window(content)
    qtbot.addWidget(window)
    window.attach_stores(stores)
    holder = {"settings": settings}
    saved: list[Settings] = []

    def saver(new: Settings) -> None:
        saved.append(new)
        holder["settings"] = new

    kwargs.setdefault("settings_saver", saver)
    kwargs.setdefault("clock", TickingClock())
    controller = install_checklists(window, ChecklistDeps(stores, lambda: holder["settings"], **kwargs))  # type: ignore[arg-type]
    window.resize(1366, 768)
    window.show()
    panel = controller.installed.panel  # type: ignore[attr-defined]
    assert isinstance(panel, ProcedurePanel)
    return Rig(window, controller, panel, holder, saved)


def click(qtbot: QtBot, button: QWidget | None) -> None:
    assert isinstance(button, QPushButton), button
    # Widgets added to a shown panel are shown from the event loop: wait for it, as a user would.
    qtbot.waitUntil(button.isVisible, timeout=2000)
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def step_id(panel: ProcedurePanel) -> str:
    step = panel.current_step()
    if step is None:
        assert panel.note_editor is not None
        run = panel.controller.run
        assert run is not None
        return run.current_step.id
    return step.id


def fill(qtbot: QtBot, panel: ProcedurePanel, **values: str) -> None:
    view = panel.step_view
    assert isinstance(view, InputView)
    for name, text in values.items():
        editor = view.editors[name]
        editor.setFocus()
        qtbot.keyClicks(editor, text)


def choose(qtbot: QtBot, panel: ProcedurePanel, choice_id: str) -> None:
    view = panel.step_view
    assert isinstance(view, QuestionView)
    button = view.buttons[choice_id]
    qtbot.waitUntil(button.isVisible, timeout=2000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.isChecked()


def go_on(qtbot: QtBot, panel: ProcedurePanel) -> None:
    click(qtbot, panel.primary_button)


def confirm(qtbot: QtBot, panel: ProcedurePanel, confirmed: bool = True) -> None:
    assert isinstance(panel.step_view, CheckView)
    click(qtbot, panel.primary_button if confirmed else panel.secondary_button)


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """keyClicks, with Return for each line break (QTest cannot type a newline character)."""
    for n, line in enumerate(text.split("\n")):
        if n:
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        if line:
            qtbot.keyClicks(widget, line)


def walk(qtbot: QtBot, panel: ProcedurePanel, steps: list[tuple[str, Callable[[], None]]]) -> None:
    """Each (expected step ID, action) in turn, checking the panel shows that step first."""
    for expected, act in steps:
        assert step_id(panel) == expected
        act()
