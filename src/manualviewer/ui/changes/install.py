"""Put "what changed" into the main window: View > What changed (Ctrl+Shift+U), View > Show
changes in this section (Ctrl+Alt+D, a toggle that follows the current tab), each section view's
changes mode (its word diff against the version last read), and every section shown marked as
read. The app calls `library_changed` after a reload."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable

from shiboken6 import isValid

from manualviewer.core.content.library import Library
from manualviewer.services.changes import ChangeTracker
from manualviewer.ui.actions import make_action
from manualviewer.ui.changes.dialog import WhatChangedDialog
from manualviewer.ui.changes.pages import diff_page
from manualviewer.ui.dialog_lifetime import retire
from manualviewer.ui.reading.changes_bar import DiffPage
from manualviewer.ui.reading.main_window import MainWindow
from manualviewer.ui.reading.section_view import SectionView


class ChangesUi:
    def __init__(self, window: MainWindow, tracker: ChangeTracker, library: Callable[[], Library]) -> None:
        self.window = window
        self.tracker = tracker
        self.library = library
        self.dialog: WhatChangedDialog | None = None
        self.act_what_changed = make_action(window, "What c&hanged...", "Ctrl+Shift+U", self.show_what_changed,
                                            "Sections added, changed and removed since the version you had")
        self.act_show_changes = make_action(window, "Show changes in this section", "Ctrl+Alt+D",
                                            self.toggle_changes,
                                            "Mark what changed in this section since you last read it")
        self.act_show_changes.setCheckable(True)
        window.view_menu.addSeparator()
        window.view_menu.addAction(self.act_what_changed)
        window.view_menu.addAction(self.act_show_changes)
        window.diff_source = self.page
        for view in window.views():
            view.diff_source = self.page
        window.changes_toggled.connect(self.act_show_changes.setChecked)
        window.tabs.currentChanged.connect(self._follow_tab)
        window.section_opened.connect(self.mark_read)

    def _follow_tab(self, _index: int) -> None:
        # The tab widget itself, not current_view(): that makes a tab when there is none, and a
        # window restoring its tabs passes through moments with none.
        view = self.window.tabs.currentWidget()
        self.act_show_changes.setChecked(isinstance(view, SectionView) and view.showing_changes)

    def page(self, section_id: str) -> DiffPage | None:
        try:
            return diff_page(self.tracker, self.library(), section_id, self.window.palette())
        except sqlite3.Error as exc:
            print(f"manualviewer: earlier versions cannot be read ({exc})", file=sys.stderr)
            return None

    def mark_read(self, section_id: str) -> None:
        library = self.library()
        section = library.get(section_id)
        if section is None:
            return
        try:
            self.tracker.mark_read(section, library.body_of(section))
        except sqlite3.Error as exc:  # reading goes on; only "changed since you read it" loses this visit
            print(f"manualviewer: the read of {section.id} was not recorded ({exc})", file=sys.stderr)

    def toggle_changes(self) -> None:
        view = self.window.current_view()
        shown = view.show_changes(not view.showing_changes)
        self.act_show_changes.setChecked(shown)

    def _open_dialog(self) -> WhatChangedDialog | None:
        """The What changed window on screen, if any (one deleted with its parent is gone)."""
        if self.dialog is not None and not isValid(self.dialog):
            self.dialog = None
        return self.dialog if self.dialog is not None and self.dialog.isVisible() else None

    def show_what_changed(self) -> WhatChangedDialog:
        dialog = self._open_dialog()
        if dialog is None:
            retire(self.dialog)
            # Quick: what changed is worked out on a worker thread, the list filled when ready.
            dialog = self.dialog = WhatChangedDialog(self.tracker, self.library(), self.window)
            dialog.section_requested.connect(self.open_section)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def open_section(self, section_id: str, changes: bool) -> None:
        if self.window.open_section(section_id) and changes:
            self.window.current_view().show_changes(True)

    def library_changed(self) -> None:
        """After a reload: an open "What changed" window compares the new library."""
        dialog = self._open_dialog()
        if dialog is not None:
            dialog.set_library(self.library())


def install_changes(window: MainWindow, tracker: ChangeTracker, library: Callable[[], Library]) -> ChangesUi:
    return ChangesUi(window, tracker, library)
