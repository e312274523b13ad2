"""Training mode in the main window: the Training menu and its shortcuts, the Training panel
(where the Checklist panel usually is), and everything that says "this is training" while the
mode is on: a banner across the top, the window title, the status bar.

While training is on, the live checklist's panels, menu and shortcuts are put aside, so a
trainee can neither type into a real note by mistake nor find two actions on one key; they
come back as they were when training ends. Everything goes through the window's public API."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.training import Attempt
from manualviewer.services.training_session import (
    TRAINING_MARK,
    Clock,
    LibraryProvider,
    StoresOpener,
    open_training_stores,
    utc_now,
)
from manualviewer.ui.actions import make_action
from manualviewer.ui.dialog_lifetime import retire
from manualviewer.ui.live_checklists import LiveChecklists
from manualviewer.ui.reading.main_window import MainWindow
from manualviewer.ui.training.controller import TrainingController
from manualviewer.ui.training.debrief import DebriefWindow, ask_records_path
from manualviewer.ui.training.finish_check import ready_to_finish
from manualviewer.ui.training.models import AttemptsModel
from manualviewer.ui.training.picker import ScenarioPicker
from manualviewer.ui.training.presenter import PresenterWindow
from manualviewer.ui.training.window import TrainingPanel

TITLE_PREFIX = f"{TRAINING_MARK} - "
BANNER_TEXT = ("TRAINING \u2014 not a real call.  Notes and escalations go to the training records only; "
               "nothing is sent to anyone.")
BANNER_STYLE = ("QToolBar#training_banner { background: #ffdd00; border-bottom: 4px solid #0b0c0c; } "
                "QToolBar#training_banner QLabel { color: #0b0c0c; font-weight: bold; padding: 4px 8px; }")


@dataclass
class TrainingUI:
    """What install_training added, for the app and for tests."""

    controller: TrainingController
    panel: TrainingPanel
    dock: QDockWidget
    menu: QMenu
    actions: dict[str, QAction]
    mode: TrainingMode
    banner: QToolBar
    picker: ScenarioPicker | None = None
    debrief: DebriefWindow | None = None
    presenter: PresenterWindow | None = None
    records: QDialog | None = None
    extras: dict[str, Any] = field(default_factory=dict)


class TrainingMode:
    """Puts the window into training mode and back, restoring exactly what it changed."""

    def __init__(self, window: MainWindow, banner: QToolBar, dock: QDockWidget, own: set[QAction],
                 live: LiveChecklists | None = None) -> None:
        self.window = window
        self.live = live  # the live checklists to set aside, when the user's database is open
        self.banner = banner
        self.dock = dock
        self.own = own
        self.status = QLabel("TRAINING", window)
        self.status.setAccessibleName("Training mode is on")
        self.status.setStyleSheet("QLabel { background: #ffdd00; color: #0b0c0c; font-weight: bold; padding: 0 6px; }")
        self.status.hide()
        self.on = False
        self._disabled_docks: list[QDockWidget] = []
        self._hidden_docks: list[QDockWidget] = []
        self._suspended: list[tuple[QAction, list[QKeySequence]]] = []
        self._hidden_menus: list[QAction] = []
        self._procedure_slot: Callable[[str], object] | None = None
        self.procedure_requested: Callable[[str], None] = lambda _pid: None

    def enter(self) -> None:
        if self.on:
            return
        self.on = True
        window = self.window
        window.insertToolBar(window.toolbar, self.banner)
        window.insertToolBarBreak(window.toolbar)
        self.banner.show()
        window.statusBar().addPermanentWidget(self.status)
        self.status.show()
        window.set_title_prefix(TITLE_PREFIX)
        for dock in window.findChildren(QDockWidget):
            if dock is self.dock:
                continue
            # Not only hidden: the toolbar's right-click menu must not bring a live panel back
            # (a real checklist, note or escalation) while training is on.
            dock.toggleViewAction().setEnabled(False)
            self._disabled_docks.append(dock)
            if dock.isVisible():
                dock.hide()
                self._hidden_docks.append(dock)
        self._suspend_live_checklists()
        self.dock.show()
        self.dock.raise_()

    def leave(self) -> None:
        if not self.on:
            return
        self.on = False
        window = self.window
        window.removeToolBarBreak(window.toolbar)
        window.removeToolBar(self.banner)
        window.statusBar().removeWidget(self.status)
        self.status.hide()
        window.set_title_prefix("")
        self.dock.hide()
        for dock in self._disabled_docks:
            dock.toggleViewAction().setEnabled(True)
        self._disabled_docks = []
        for dock in self._hidden_docks:
            dock.show()
        self._hidden_docks = []
        self._resume_live_checklists()

    def _suspend_live_checklists(self) -> None:
        live = self.live
        live_actions = set(live.actions.values()) if live else set()
        settings = live.settings_action if live else None
        taken = {k.toString() for a in self.own for k in a.shortcuts()}
        for action in self.window.findChildren(QAction):
            if action in self.own or action is settings or not action.shortcuts():
                continue
            if action in live_actions or any(k.toString() in taken for k in action.shortcuts()):
                self._suspended.append((action, list(action.shortcuts())))
                action.setShortcuts([])
        menu = live.menu if live else None
        if menu is not None and menu.menuAction().isVisible():
            menu.menuAction().setVisible(False)
            self._hidden_menus.append(menu.menuAction())
        start = live.start_procedure if live else None
        if start is not None:
            try:
                self.window.procedure_requested.disconnect(start)
            except (RuntimeError, TypeError):
                start = None
        self._procedure_slot = start
        self.window.procedure_requested.connect(self._on_procedure_requested)

    def _resume_live_checklists(self) -> None:
        for action, keys in self._suspended:
            action.setShortcuts(keys)
        self._suspended = []
        for action in self._hidden_menus:
            action.setVisible(True)
        self._hidden_menus = []
        with contextlib.suppress(RuntimeError, TypeError):
            self.window.procedure_requested.disconnect(self._on_procedure_requested)
        if self._procedure_slot is not None:
            self.window.procedure_requested.connect(self._procedure_slot)
        self._procedure_slot = None

    def _on_procedure_requested(self, procedure_id: str) -> None:
        self.procedure_requested(procedure_id)


def _banner(window: MainWindow, leave: QAction) -> QToolBar:
    banner = QToolBar("Training mode", window)
    banner.setObjectName("training_banner")
    banner.setAccessibleName("Training mode: not a real call")
    banner.setMovable(False)
    banner.setFloatable(False)
    banner.toggleViewAction().setEnabled(False)  # it cannot be hidden while training is on
    banner.setStyleSheet(BANNER_STYLE)
    text = QLabel(BANNER_TEXT, banner)
    text.setAccessibleName("Training mode: not a real call")
    text.setObjectName("training_banner_text")
    font = text.font()
    font.setPointSizeF((font.pointSizeF() if font.pointSizeF() > 0 else 10.0) * 1.15)
    text.setFont(font)
    banner.addWidget(text)
    spacer = QWidget(banner)
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    banner.addWidget(spacer)
    leave_button = QPushButton("Leave training mode (Ctrl+Shift+X)", banner)
    leave_button.setAccessibleName("Leave training mode")
    leave_button.clicked.connect(leave.trigger)
    banner.addWidget(leave_button)
    banner.hide()
    return banner


def install_training(
    window: MainWindow,
    library_provider: LibraryProvider | None = None,
    *,
    stores_opener: StoresOpener = open_training_stores,
    clock: Clock = utc_now,
    live: LiveChecklists | None = None,
) -> TrainingController:
    """Add the Training menu, its shortcuts and the Training panel to `window`; return the
    controller (its `installed` attribute is the TrainingUI). `live` is what the live checklists
    put in the window (ChecklistController.live), set aside while training is on."""
    controller = TrainingController(window, library_provider, stores_opener=stores_opener, clock=clock)
    panel = TrainingPanel(controller, window)
    dock = QDockWidget("Training (not a real call)", window)
    dock.setObjectName("training_dock")
    dock.setAccessibleName("Training panel")
    dock.setWidget(panel)
    dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)  # not closable: use Leave training mode
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resizeDocks([dock], [520], Qt.Orientation.Horizontal)
    dock.hide()

    actions: dict[str, QAction] = {}

    def action(key: str, text: str, keys: str, slot: Callable[[], object], tip: str) -> QAction:
        act = make_action(window, text, keys, slot, tip)
        actions[key] = act
        return act

    menu = QMenu("&Training", window)
    menu.setAccessibleName("Training")
    banner_leave = QAction("Leave training mode", window)  # placeholder until the real action exists
    banner = _banner(window, banner_leave)
    mode = TrainingMode(window, banner, dock, set(), live)
    ui = TrainingUI(controller, panel, dock, menu, actions, mode, banner)

    # --- what the actions do ---------------------------------------------------------------
    def choose() -> ScenarioPicker:
        retire(ui.picker)
        picker = ScenarioPicker(controller, window, trainee=controller.trainee)
        if controller.session is not None:
            picker.select(controller.session.scenario.id)
        picker.start_requested.connect(lambda sid, name: controller.start(sid, name))
        picker.present_requested.connect(present)
        picker.finished.connect(lambda _r: window.activateWindow() if ui.presenter is None else None)
        ui.picker = picker
        picker.open()
        return picker

    def present(scenario_id: str | None = None) -> PresenterWindow | None:
        if scenario_id is None:
            if controller.session is None:
                picker = choose()
                picker.present_button.setFocus()
                return None
            scenario_id = controller.session.scenario.id
        scenario = controller.scenarios.get(scenario_id)
        procedure = controller.procedures.get(scenario.procedure) if scenario else None
        if scenario is None or procedure is None:
            controller.message.emit(f"The scenario {scenario_id!r} cannot be presented: its checklist is missing.")
            return None
        controller.enter()
        if ui.presenter is not None:
            ui.presenter.close()
        presenter = PresenterWindow(scenario, procedure, controller.clock, controller.section_title, window,
                                    render=panel.render_markdown)
        presenter.section_requested.connect(controller.open_section)
        presenter.closed.connect(lambda: setattr(ui, "presenter", None))
        ui.presenter = presenter
        presenter.showFullScreen()  # for a projector; F11 or Esc for a window
        presenter.activateWindow()
        presenter.setFocus()
        return presenter

    def debrief() -> DebriefWindow | None:
        if not ready_to_finish(controller, panel.note_editor, window, panel.save_note):
            return None
        attempt = controller.attempt or controller.finish()
        if attempt is None:
            return None
        return open_debrief(attempt)

    def open_debrief(attempt: Attempt) -> DebriefWindow:
        if ui.debrief is not None and ui.debrief.attempt is attempt:
            ui.debrief.show()
            ui.debrief.raise_()
            return ui.debrief
        scenario = controller.scenarios.get(attempt.grade.scenario)
        procedure = controller.procedures.get(attempt.grade.procedure)
        retire(ui.debrief)
        window_ = DebriefWindow(attempt, scenario, procedure, controller.section_title, controller.records_csv,
                                window)
        window_.section_requested.connect(controller.open_section)
        ui.debrief = window_
        window_.show()
        return window_

    def records() -> QDialog:
        retire(ui.records)
        dialog = RecordsDialog(controller, window)
        ui.records = dialog
        dialog.open()
        return dialog

    def leave() -> None:
        if ui.presenter is not None:
            ui.presenter.close()
        controller.leave()

    def on_procedure_requested(procedure_id: str) -> None:
        session = controller.session
        if session is not None and session.procedure.id == procedure_id:
            panel.setFocus()
            controller.message.emit("In training, this checklist is the one in the Training panel.")
        else:
            controller.message.emit("In training mode, checklists run only inside a scenario. Leave training "
                                    "mode (Ctrl+Shift+X) to start a real checklist.")

    action("start", "&Start a training scenario...", "Ctrl+Shift+R", choose,
           "Choose a scenario and type the trainee's name")
    action("present", "&Present a scenario to a room...", "Ctrl+Shift+P", present,
           "Large type for a projector: the trainer reveals each turn and the guidance's answer")
    action("reveal", "&Hear the next turn of the call", "Ctrl+Shift+H", panel.reveal,
           "The trainer reveals what the customer says next")
    action("continue", "&Continue / confirm", "Ctrl+Return", panel.primary, "Answer the step on screen and go on")
    action("not_confirmed", "&Not confirmed", "Ctrl+Shift+Return", panel.secondary,
           "Answer a check with \u201cnot confirmed\u201d")
    action("back", "Pre&vious step", "Ctrl+Shift+Backspace", panel.go_back, "Go back one step to answer it again")
    action("out_of_order", "Something happened &out of order...", "Ctrl+Shift+D", panel.show_jump_menu,
           "For example, the customer says at the end of the call that they recorded it")
    action("feedback_section", "Open the &guidance for the last answer", "Ctrl+Shift+G",
           panel.open_feedback_section, "Open the section the last feedback cites")
    action("finish", "&Finish and show the debrief", "Ctrl+Shift+F", debrief,
           "End the scenario and see the debrief (steps not reached count as not right)")
    action("records", "Trainer's &records...", "Ctrl+Shift+A", records,
           "Every trainee's latest score on each scenario; export as CSV")
    action("leave", "&Leave training mode", "Ctrl+Shift+X", leave, "Back to real calls: notes and escalations are real")
    banner_leave.triggered.connect(actions["leave"].trigger)
    mode.own = set(actions.values())
    mode.procedure_requested = on_procedure_requested

    for key in ("start", "present"):
        menu.addAction(actions[key])
    menu.addSeparator()
    for key in ("reveal", "continue", "not_confirmed", "back", "out_of_order", "feedback_section", "finish"):
        menu.addAction(actions[key])
    menu.addSeparator()
    menu.addAction(actions["records"])
    menu.addAction(actions["leave"])
    window.menuBar().insertMenu(window.help_menu.menuAction(), menu)

    def update_actions() -> None:
        running = controller.running
        session = controller.session
        actions["reveal"].setEnabled(running and session is not None and session.next_turn is not None)
        for key in ("continue", "back"):
            actions[key].setEnabled(running)
        actions["not_confirmed"].setEnabled(running and panel.is_check())
        actions["out_of_order"].setEnabled(running and bool(controller.jumps()))
        feedback = controller.last_feedback
        actions["feedback_section"].setEnabled(running and feedback is not None and bool(feedback.section))
        actions["finish"].setEnabled(session is not None)
        actions["leave"].setEnabled(controller.active)

    def on_mode(active: bool) -> None:
        if active:
            mode.enter()
        else:
            mode.leave()
        update_actions()

    panel.choose_requested.connect(choose)
    panel.present_requested.connect(present)
    panel.debrief_requested.connect(debrief)
    panel.leave_requested.connect(leave)
    controller.mode_changed.connect(on_mode)
    controller.session_changed.connect(update_actions)
    controller.finished.connect(open_debrief)
    controller.message.connect(window.status_label.setText)
    menu.aboutToShow.connect(update_actions)
    update_actions()
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(controller.close)

    ui.extras.update(choose=choose, present=present, debrief=debrief, records=records, leave=leave)
    controller.installed = ui  # type: ignore[attr-defined]
    window.training = ui  # type: ignore[attr-defined]
    return controller


class RecordsDialog(QDialog):
    """The trainer's records: each trainee's latest attempt at each scenario, exportable as CSV."""

    def __init__(self, controller: TrainingController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("TRAINING - Trainer's records")
        self.setAccessibleName("Trainer's records")
        intro = QLabel("Each trainee's latest attempt at each scenario. Export as CSV (one row per trainee per "
                       "scenario) for your records.", self)
        intro.setWordWrap(True)
        self.model = AttemptsModel(self)
        self.model.set_attempts(controller.attempts(), controller.titles())
        table = QTableView(self)
        table.setModel(self.model)
        table.setAccessibleName("Trainer's records")
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table = table
        self.status = QLabel("" if self.model.rowCount() else "No training attempts recorded yet.", self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Records status")
        export = QPushButton("Export as &CSV...  (Ctrl+S)", self)
        export.setAccessibleName("Export the trainer's records as CSV")
        export.setShortcut(QKeySequence("Ctrl+S"))
        export.clicked.connect(lambda: self.export_csv())
        close = QPushButton("Close  (Esc)", self)
        close.setAccessibleName("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(export)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(900, 480)

    def export_csv(self, path: str | None = None) -> str | None:
        path = path or ask_records_path(self)
        if not path:
            return None
        self.controller.export_csv(path)
        self.status.setText(f"Saved {path}")
        return path
