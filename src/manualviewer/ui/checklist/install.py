"""Guided checklists in the main window: the installer adds the Checklist, Notes and Escalations
panels (docks), the Checklists menu, Edit > Settings and the shortcuts through the window's public
API, around one ChecklistController."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

from manualviewer.services.checklist_session import SessionChange
from manualviewer.ui.actions import make_action
from manualviewer.ui.checklist.controller import ChecklistController
from manualviewer.ui.checklist.deps import ChecklistDeps
from manualviewer.ui.checklist.escalations_panel import EscalationsPanel
from manualviewer.ui.checklist.notes_panel import NotesPanel
from manualviewer.ui.checklist.panel import ChecklistPanel
from manualviewer.ui.live_checklists import LiveChecklists
from manualviewer.ui.reading.main_window import MainWindow


def install_checklists(window: MainWindow, deps: ChecklistDeps) -> ChecklistController:
    """Add the Checklist, Notes and Escalations panels (right-hand docks), the Checklists menu,
    Edit > Settings and their shortcuts to `window`; return the controller."""
    controller = ChecklistController(window, deps)
    panel = ChecklistPanel(controller, window)
    notes = NotesPanel(controller, window)
    escalations = EscalationsPanel(controller, window)

    docks: dict[str, QDockWidget] = {}
    for name, title, widget in (
        ("checklist", "Checklist", panel),
        ("notes", "Notes", notes),
        ("escalations", "Escalations", escalations),
    ):
        dock = QDockWidget(title, window)
        dock.setObjectName(f"{name}_dock")
        dock.setAccessibleName(f"{title} panel")
        dock.setWidget(widget)
        dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        docks[name] = dock
    window.tabifyDockWidget(docks["checklist"], docks["notes"])
    window.tabifyDockWidget(docks["notes"], docks["escalations"])
    window.resizeDocks([docks["checklist"]], [460], Qt.Orientation.Horizontal)

    def raise_panel(name: str) -> None:
        dock = docks[name]
        dock.show()
        dock.raise_()

    controller.raise_panel = raise_panel
    def show_message(change: SessionChange) -> None:
        if change.message:
            window.status_label.setText(change.message)

    controller.changed.connect(show_message)

    installed = _Installed(controller, panel, notes, escalations, docks)
    _build_menu(window, controller, installed)
    window.procedure_requested.connect(controller.start_procedure)
    app = QCoreApplication.instance()
    if app is not None:  # a delivery thread must not outlive the event loop
        app.aboutToQuit.connect(controller.forms.keep_unsent)  # while the database is still open
        app.aboutToQuit.connect(controller.wait_for_delivery)

    # Offer unfinished runs at once (a bar in the panel, never a modal); otherwise the panels
    # stay out of the guidance's way until a checklist starts or the officer opens them.
    if controller.session.resumable():
        raise_panel("checklist")
    else:
        for dock in docks.values():
            dock.hide()
    # Escalations left waiting last time (a crash, no network) are tried again now. The mail
    # program is not opened unasked: mailto rows wait for Retry.
    if controller.settings.escalation_channel.value != "mailto" and deps.stores.outbox.pending():
        controller.deliver()
    controller.live = LiveChecklists(installed.actions or {}, installed.menu, controller.start_procedure)
    controller.installed = installed  # type: ignore[attr-defined]
    return controller


@dataclass
class _Installed:
    controller: ChecklistController
    panel: QWidget
    notes: QWidget
    escalations: QWidget
    docks: dict[str, QDockWidget]
    menu: QMenu | None = None
    actions: dict[str, QAction] | None = None


def _build_menu(window: MainWindow, controller: ChecklistController, installed: _Installed) -> None:
    panel = installed.panel
    assert isinstance(panel, ChecklistPanel)
    actions: dict[str, QAction] = {}

    def action(key: str, text: str, shortcut: str, slot: Callable[[], object], tip: str) -> QAction:
        act = make_action(window, text, shortcut, slot, tip)
        actions[key] = act
        return act

    def show(name: str, focus: Callable[[], None]) -> None:
        controller.raise_panel(name)
        focus()

    action("start", "&Start this section's checklist", "Ctrl+Shift+K", panel.start_for_current_section,
           "Start the checklist the open section offers")
    action("show_checklist", "Show the &checklist panel", "Ctrl+Shift+J",
           lambda: show("checklist", panel.focus_step), "Show the checklist you are working through")
    action("continue", "&Continue / confirm", "Ctrl+Return", panel.primary,
           "Answer the step on screen and go on")
    action("not_confirmed", "&Not confirmed", "Ctrl+Shift+Return", panel.secondary,
           "Answer a check with \u201cnot confirmed\u201d")
    action("back", "&Previous step", "Ctrl+Shift+Backspace", panel.go_back,
           "Go back one step; its answer is cleared")
    action("out_of_order", "Something happened &out of order...", "Ctrl+Shift+D", panel.show_jump_menu,
           "For example, the customer says at the end of the call that they recorded it")
    action("discard", "&Discard this checklist...", "Ctrl+Shift+Delete", panel.ask_discard,
           "Stop this checklist without saving a note")
    action("show_notes", "Show &notes", "Ctrl+Shift+N",
           lambda: show("notes", installed.notes.setFocus), "Your saved notes")
    action("show_escalations", "Show &escalations", "Ctrl+Shift+M",
           lambda: show("escalations", installed.escalations.setFocus),
           "Concerns sent to your line manager, and whether they were delivered")
    action("settings", "&Settings...", "Ctrl+,", controller.open_settings,
           "Your name, your line manager, how escalations are sent, the note check")

    menu = QMenu("Chec&klists", window)
    menu.setAccessibleName("Checklists")
    window.menuBar().insertMenu(window.help_menu.menuAction(), menu)
    menu.addAction(actions["start"])
    section_menu = menu.addMenu("Checklists for &this section")
    all_menu = menu.addMenu("&All checklists")
    menu.addSeparator()
    for key in ("continue", "not_confirmed", "back", "out_of_order", "discard"):
        menu.addAction(actions[key])
    menu.addSeparator()
    for key in ("show_checklist", "show_notes", "show_escalations"):
        menu.addAction(actions[key])

    def fill_section_menu() -> None:
        section_menu.clear()
        section_id = controller.current_section_id()
        offered = controller.session.procedures_for_section(section_id)
        if not offered:
            none = section_menu.addAction("The open section offers no checklist" if section_id
                                          else "Open a section to see its checklists")
            none.setEnabled(False)
        for procedure in offered:
            act = section_menu.addAction(procedure.title)
            act.triggered.connect(lambda _c=False, pid=procedure.id: controller.start_procedure(pid))

    def fill_all_menu() -> None:
        all_menu.clear()
        for procedure in controller.session.procedure_list():
            act = all_menu.addAction(procedure.title)
            act.setStatusTip(procedure.summary)
            act.triggered.connect(lambda _c=False, pid=procedure.id: controller.start_procedure(pid))
        if all_menu.isEmpty():
            none = all_menu.addAction("This library has no checklists")
            none.setEnabled(False)

    def update_actions() -> None:
        run = controller.run
        running = run is not None and controller.saved_note is None
        actions["continue"].setEnabled(running)
        actions["not_confirmed"].setEnabled(running)
        actions["back"].setEnabled(running and run is not None and len(run.visits) > 1)
        actions["out_of_order"].setEnabled(running and bool(controller.jumps()))
        actions["discard"].setEnabled(running)
        actions["start"].setEnabled(bool(controller.session.procedures_for_section(controller.current_section_id())))

    section_menu.aboutToShow.connect(fill_section_menu)
    all_menu.aboutToShow.connect(fill_all_menu)
    menu.aboutToShow.connect(update_actions)
    controller.changed.connect(lambda change: update_actions() if change.run else None)
    window.section_opened.connect(lambda _sid: update_actions())
    window.tabs.currentChanged.connect(lambda _i: update_actions())
    fill_section_menu()
    fill_all_menu()
    update_actions()

    window.edit_menu.addSeparator()
    window.edit_menu.addAction(actions["settings"])
    installed.menu = menu
    installed.actions = actions

