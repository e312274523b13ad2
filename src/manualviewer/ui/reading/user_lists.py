"""The user's own lists in the main window, once their stores are open: the Bookmarks and Recent
sidebar tabs, the Bookmarks menu (Ctrl+D, Ctrl+Shift+B, Ctrl+H) and the toolbar's bookmark
button, and recording each opened section in the history."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow, QMenu, QTabWidget, QToolBar

from manualviewer.core.content.library import Library
from manualviewer.ui.actions import make_action
from manualviewer.ui.reading.bookmarks_panel import BookmarksModel, BookmarksPanel, RecentModel, RecentPanel

if TYPE_CHECKING:
    from manualviewer.storage.stores import Stores


class UserLists:
    def __init__(self, window: QMainWindow, stores: Stores, library: Library, sidebar: QTabWidget,
                 toolbar: QToolBar, before_menu: QMenu, open_section: Callable[[str], None],
                 toggle_bookmark: Callable[[], None]) -> None:
        self.stores = stores
        self.sidebar = sidebar
        self.bookmarks_model = BookmarksModel(stores.bookmarks, library, window)
        self.bookmarks_panel = BookmarksPanel(self.bookmarks_model, stores.bookmarks, sidebar)
        self.bookmarks_panel.section_chosen.connect(open_section)
        sidebar.addTab(self.bookmarks_panel, "Bookmarks")
        self.recent_model = RecentModel(stores.history, library, window)
        self.recent_panel = RecentPanel(self.recent_model, sidebar)
        self.recent_panel.section_chosen.connect(open_section)
        sidebar.addTab(self.recent_panel, "Recent")
        self.act_bookmark = make_action(window, "&Bookmark this section", "Ctrl+D", toggle_bookmark,
                                        "Add or remove a bookmark for this section")
        self.act_bookmark.setCheckable(True)
        self.act_bookmarks = make_action(window, "Show b&ookmarks", "Ctrl+Shift+B", self.focus_bookmarks)
        self.act_recent = make_action(window, "Show &recent sections", "Ctrl+H", self.focus_recent)
        menu = QMenu("B&ookmarks", window)
        window.menuBar().insertMenu(before_menu.menuAction(), menu)
        menu.addAction(self.act_bookmark)
        menu.addAction(self.act_bookmarks)
        menu.addAction(self.act_recent)
        toolbar.addAction(self.act_bookmark)

    def record_history(self, section_id: str) -> None:
        self.stores.history.record(section_id)
        self.recent_model.refresh()

    def toggle(self, section_id: str, title: str) -> bool:
        """Bookmark the section, or remove its bookmark; True when it is now bookmarked."""
        added = self.stores.bookmarks.toggle(section_id, title)
        self.bookmarks_model.refresh()
        self.act_bookmark.setChecked(added)
        return added

    def show_section(self, section_id: str | None) -> None:
        """The bookmark action for the section now shown (None: the start page)."""
        self.act_bookmark.setEnabled(section_id is not None)
        self.act_bookmark.setChecked(section_id is not None and self.stores.bookmarks.contains(section_id))

    def set_library(self, library: Library) -> None:
        self.bookmarks_model.set_library(library)
        self.recent_model.set_library(library)

    def focus_bookmarks(self) -> None:
        self.sidebar.show()
        self.sidebar.setCurrentWidget(self.bookmarks_panel)
        self.bookmarks_panel.view.setFocus()

    def focus_recent(self) -> None:
        self.sidebar.show()
        self.sidebar.setCurrentWidget(self.recent_panel)
        self.recent_panel.view.setFocus()
