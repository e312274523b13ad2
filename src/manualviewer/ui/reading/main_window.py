"""The main window: a sidebar (search, contents, bookmarks, recent), tabs of sections, menus
with every action and its shortcut, and a status bar that shows indexing progress."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from manualviewer.core.content.library import Library
from manualviewer.core.json_limits import loads_bounded
from manualviewer.core.model import SearchResult
from manualviewer.ui.actions import Shortcut, add_menu, make_action
from manualviewer.ui.focus_ring import install_focus_ring
from manualviewer.ui.reading.change_banner import AlertFor, no_alert
from manualviewer.ui.reading.contents_model import SECTION_ID_ROLE
from manualviewer.ui.reading.contents_pane import ContentsPane
from manualviewer.ui.reading.pages import APP_TITLE, about_html, start_page_html
from manualviewer.ui.reading.search_panel import SearchPanel
from manualviewer.ui.reading.section_commands import SectionCommands
from manualviewer.ui.reading.section_view import SectionView
from manualviewer.ui.reading.sidebar import SidebarToggle, keep_every_tab_in_view
from manualviewer.ui.text_size import apply_zoom

if TYPE_CHECKING:
    from manualviewer.storage.stores import Stores
    from manualviewer.ui.reading.changes_bar import DiffSource

ZOOM_STEPS = (-4, 12)  # smallest and largest zoom steps from the default size


class MainWindow(SectionCommands):
    section_opened = Signal(str)
    procedure_requested = Signal(str)
    reload_requested = Signal()  # the user asks to load changed guidance files now
    library_changed = Signal(object)  # the Library now shown (after set_library)
    changes_toggled = Signal(bool)  # the current tab's changes mode (ui.changes.install)

    def __init__(
        self,
        library: Library,
        render: Callable[[Library, str], str],
        search: Callable[[str, str | None], SearchResult | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        install_focus_ring()  # once for the whole app: a strong ring around the keyboard focus
        self.library = library
        self._render = render
        self._search = search
        self._closed_tabs: list[tuple[list[str], int]] = []
        self.zoom = 0
        self.title_prefix = ""
        self.confirm_external: Callable[[QUrl], bool] = self._ask_open_external
        self.alert_for: AlertFor = no_alert  # set by ui/reading/change_alerts.py
        self.diff_source: DiffSource | None = None  # set by ui.changes.install: a section's word diff
        self.setWindowTitle(APP_TITLE)
        self.setAccessibleName(APP_TITLE)

        # Sidebar.
        self.sidebar = QTabWidget(self)
        self.sidebar.setAccessibleName("Sidebar")
        keep_every_tab_in_view(self.sidebar)
        # Tabs without Alt letters: those belong to the buttons in the panels (Alt+S saves a
        # note); the tabs have their own shortcuts (Ctrl+K, Ctrl+Shift+O, Ctrl+Shift+B, Ctrl+H).
        self.search_panel = SearchPanel(self._search, self.library.resolve, self.sidebar)
        self.sidebar.addTab(self.search_panel, "Search")
        self.contents_pane = ContentsPane(library, self.sidebar)
        self.contents_model, self.contents = self.contents_pane.model, self.contents_pane.tree
        self.sidebar.addTab(self.contents_pane, "Contents")
        self.search_panel.set_manuals({c: m.title for c, m in library.manuals.items()})

        # Tabs.
        self.tabs = QTabWidget(self)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Open sections")
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self.on_current_tab_changed)

        splitter = QSplitter(self)
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 900])
        self.splitter = splitter
        self.setCentralWidget(splitter)

        # Status bar.
        self.progress = QProgressBar(self)
        # Wide enough for its words at any size: a long status message must not squeeze it.
        self.progress.setMinimumWidth(self.progress.fontMetrics().horizontalAdvance("Indexing 100000 of 100000") + 40)
        self.progress.setAccessibleName("Indexing progress")
        self.progress.hide()
        self.status_label = QLabel(self)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)

        self._build_actions()
        self.search_panel.section_chosen.connect(self.on_section_chosen)
        self.search_panel.checklist_chosen.connect(self.on_checklist_chosen)
        self.contents.activated.connect(self.on_contents_activated)
        self.contents.clicked.connect(self.on_contents_activated)
        self.new_tab()
        self.resize(1280, 800)

    # --- actions ---------------------------------------------------------------------
    def _action(self, text: str, shortcut: Shortcut, slot: Callable[[], object], tip: str = "") -> QAction:
        return make_action(self, text, shortcut, slot, tip)

    def _build_actions(self) -> None:
        std = QKeySequence.StandardKey
        self.act_search = self._action("&Search...", None, self.focus_search, "Search the guidance")
        self.act_search.setShortcuts([QKeySequence("Ctrl+K"), QKeySequence("Ctrl+L")])
        self.act_contents = self._action("&Contents", "Ctrl+Shift+O", self.focus_contents, "Show the contents")
        self.act_new_tab = self._action("&New tab", "Ctrl+T", self.new_tab)
        self.act_close_tab = self._action("&Close tab", "Ctrl+W", lambda: self.close_tab(self.tabs.currentIndex()))
        self.act_reopen_tab = self._action("&Reopen closed tab", "Ctrl+Shift+T", self.reopen_closed_tab)
        self.act_next_tab = self._action("Next tab", "Ctrl+Tab", lambda: self._cycle_tab(1))
        self.act_prev_tab = self._action("Previous tab", "Ctrl+Shift+Tab", lambda: self._cycle_tab(-1))
        self.act_back = self._action("&Back", "Alt+Left", lambda: self.current_view().back(), "Go back")
        self.act_forward = self._action("&Forward", "Alt+Right", lambda: self.current_view().forward(),
                                        "Go forward")
        self.act_find = self._action("&Find in section...", std.Find, self.find_in_page)
        self.act_zoom_in = self._action("Zoom &in", None, lambda: self.set_zoom(self.zoom + 1))
        # Ctrl and "+" as typed: Ctrl+Shift+= on most layouts, the keypad's +, and Ctrl+= without Shift.
        zoom_in = [QKeySequence(k) for k in ("Ctrl++", "Ctrl+=", "Ctrl+Shift+=", "Ctrl+Shift++")]
        zoom_in += [k for k in QKeySequence.keyBindings(std.ZoomIn) if k not in zoom_in]  # twice is ambiguous
        self.act_zoom_in.setShortcuts(zoom_in)
        self.act_zoom_out = self._action("Zoom &out", "Ctrl+-", lambda: self.set_zoom(self.zoom - 1))
        self.act_zoom_reset = self._action("&Actual size", "Ctrl+0", lambda: self.set_zoom(0))
        self.act_copy_id = self._action("Copy section &ID", "Ctrl+Shift+C", self.copy_section_id)
        self.act_copy_ref = self._action("Copy '&manualviewer open' reference", "Ctrl+Alt+C",
                                         self.copy_open_reference)
        self.act_copy_link = self._action("Copy &link", "Ctrl+Alt+L", self.copy_link,
                                          "Copy a manualviewer:// link that opens this section")
        self.act_print = self._action("&Print...", std.Print, self.print_section)
        self.act_pdf = self._action("&Export to PDF...", "Ctrl+Shift+E", self.export_pdf)
        self.act_backlinks = self._action("&What links here", "Ctrl+Shift+L", self.show_backlinks,
                                          "Sections that link to this one")
        # Large libraries watch folders only, so an edit written in place is not always seen.
        self.act_reload = self._action("&Reload the library", "F5", self.reload_requested.emit,
                                       "Load guidance files that changed on disk")
        self.act_quit = self._action("&Quit", "Ctrl+Q", self.close)
        self.act_about = self._action("&About and licences", None, self.show_about)
        self.act_shortcuts = self._action("&Keyboard shortcuts", std.HelpContents, self.show_shortcuts,
                                          "Every action's shortcut")
        self.sidebar_toggle = SidebarToggle(self, self.sidebar)
        self.act_sidebar = self.sidebar_toggle.action

        bar = self.menuBar()
        self.file_menu = add_menu(bar, "&File", (self.act_new_tab, self.act_close_tab, self.act_reopen_tab, None,
                                                 self.act_print, self.act_pdf, None, self.act_quit))
        self.edit_menu = add_menu(bar, "&Edit", (self.act_find, self.act_copy_id, self.act_copy_link,
                                                 self.act_copy_ref))
        self.view_menu = add_menu(bar, "&View", (self.act_search, self.act_contents, self.act_sidebar, None,
                                                 self.act_zoom_in, self.act_zoom_out, self.act_zoom_reset, None,
                                                 self.act_next_tab, self.act_prev_tab, None, self.act_reload))
        self.go_menu = add_menu(bar, "&Go", (self.act_back, self.act_forward, self.act_backlinks))
        self.help_menu = add_menu(bar, "&Help", (self.act_shortcuts, self.act_about))

        toolbar = QToolBar("Navigation", self)
        toolbar.setObjectName("navigation")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.act_sidebar)
        toolbar.addSeparator()
        self.back_button = QToolButton(toolbar)
        self.back_button.setDefaultAction(self.act_back)
        self.back_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.back_menu = QMenu(self.back_button)
        self.back_button.setMenu(self.back_menu)
        self.back_menu.aboutToShow.connect(self._fill_history_menu)
        toolbar.addWidget(self.back_button)
        toolbar.addAction(self.act_forward)
        toolbar.addSeparator()
        toolbar.addAction(self.act_new_tab)
        toolbar.addAction(self.act_find)
        toolbar.addAction(self.act_backlinks)
        toolbar.addAction(self.act_copy_id)
        self.toolbar = toolbar
        self.addToolBar(toolbar)

    # --- tabs ------------------------------------------------------------------------
    def current_view(self) -> SectionView:
        view = self.tabs.currentWidget()
        if not isinstance(view, SectionView):
            return self.new_tab()
        return view

    def views(self) -> list[SectionView]:
        return [w for i in range(self.tabs.count()) if isinstance(w := self.tabs.widget(i), SectionView)]

    def new_tab(self, section_id: str | None = None, *, focus: bool = True) -> SectionView:
        view = SectionView(self.library, lambda sid: self._render(self.library, sid), self.start_page_html, self)
        view.history_changed.connect(lambda v=view: self.on_view_changed(v))
        view.section_opened.connect(self.on_view_section_opened)
        view.open_in_new_tab.connect(lambda sid: self.new_tab(sid, focus=False))
        view.external_link.connect(self.open_external)
        view.procedure_requested.connect(self.procedure_requested)
        view.alert_for = self.alert_for
        view.diff_source = self.diff_source
        view.changes_toggled.connect(lambda on, v=view: self.changes_toggled.emit(on) if v is self.tabs.currentWidget()
                                     else None)
        index = self.tabs.addTab(view, "Start")
        if section_id:
            view.open_section(section_id)
        else:
            view.show_start_page()
        if focus:
            self.tabs.setCurrentIndex(index)
        return view

    def close_tab(self, index: int) -> None:
        view = self.tabs.widget(index)
        if not isinstance(view, SectionView):
            return
        self._closed_tabs.append(view.history)
        self.tabs.removeTab(index)
        view.deleteLater()
        if self.tabs.count() == 0:
            self.new_tab()

    def reopen_closed_tab(self) -> None:
        if not self._closed_tabs:
            self.status_label.setText("No closed tab to reopen.")
            return
        entries, position = self._closed_tabs.pop()
        view = self.new_tab()
        view.set_history(entries, position)

    def _cycle_tab(self, step: int) -> None:
        if self.tabs.count():
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    # --- opening sections ------------------------------------------------------------
    def open_section(self, section_id: str, *, new_tab: bool = False) -> bool:
        if new_tab:
            view = self.new_tab()
            return view.open_section(section_id)
        return self.current_view().open_section(section_id)

    def on_section_chosen(self, section_id: str, new_tab: bool) -> None:
        self.open_section(section_id, new_tab=new_tab)
        self.current_view().browser.setFocus()

    def on_checklist_chosen(self, section_id: str, procedure_id: str) -> None:
        """A checklist among the search results: its section to read beside it, and the checklist
        started through the same request as the section's own "Start checklist" link."""
        self.open_section(section_id)
        self.procedure_requested.emit(procedure_id)

    def on_contents_activated(self, index: QModelIndex) -> None:
        section_id = index.data(SECTION_ID_ROLE)
        if section_id:
            self.open_section(section_id)

    def on_view_section_opened(self, section_id: str) -> None:
        view = self.sender()
        if view is self.tabs.currentWidget() and section_id:
            self._sync_contents(section_id)
        if section_id:
            self.section_opened.emit(section_id)

    def on_view_changed(self, view: SectionView) -> None:
        index = self.tabs.indexOf(view)
        if index >= 0:
            self.tabs.setTabText(index, view.title())
            section = self.library.get(view.current_id) if view.current_id else None
            self.tabs.setTabToolTip(index, f"{section.id}: {section.title}" if section else "Start page")
        if view is self.tabs.currentWidget():
            self._update_actions()

    def on_current_tab_changed(self, _index: int) -> None:
        view = self.tabs.currentWidget()
        if isinstance(view, SectionView):
            self._update_actions()
            if view.current_id:
                self._sync_contents(view.current_id)

    def _update_actions(self) -> None:
        view = self.current_view()
        section = self.library.get(view.current_id) if view.current_id else None
        self.act_back.setEnabled(view.can_go_back())
        self.act_forward.setEnabled(view.can_go_forward())
        for action in (self.act_copy_id, self.act_copy_link, self.act_copy_ref, self.act_backlinks, self.act_print,
                       self.act_pdf):
            action.setEnabled(section is not None)
        if hasattr(self, "user_lists"):
            self.user_lists.show_section(section.id if section else None)
        title = f"{section.id} {section.title} - {APP_TITLE}" if section else APP_TITLE
        self.setWindowTitle(self.title_prefix + title)

    def set_title_prefix(self, prefix: str) -> None:
        """A mark in front of every title, e.g. while training ("TRAINING - not a real call - ")."""
        self.title_prefix = prefix
        self._update_actions()

    def _sync_contents(self, section_id: str) -> None:
        index = self.contents_pane.index_of_section(section_id)
        if index.isValid():
            self.contents.setCurrentIndex(index)
            self.contents.scrollTo(index)

    def _fill_history_menu(self) -> None:
        self.back_menu.clear()
        view = self.current_view()
        entries, position = view.history
        for i in range(len(entries) - 1, -1, -1):
            entry = entries[i]
            section = self.library.get(entry) if entry else None
            label = f"{section.id}  {section.title}" if section else (entry or "Start page")
            action = self.back_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(i == position)
            action.triggered.connect(lambda _c=False, i=i: self.current_view().go_to(i))

    # --- focus -----------------------------------------------------------------------
    def focus_search(self) -> None:
        self.sidebar.show()
        self.sidebar.setCurrentWidget(self.search_panel)
        self.search_panel.focus_box()

    def focus_contents(self) -> None:
        self.sidebar.show()
        self.sidebar.setCurrentWidget(self.contents_pane)
        self.contents.setFocus()

    def find_in_page(self) -> None:
        self.current_view().find_bar.open_bar()

    # --- zoom ------------------------------------------------------------------------
    def set_zoom(self, steps: int) -> None:
        """One text size for the whole window (ui/text_size.py), remembered with the window's state."""
        self.zoom = max(ZOOM_STEPS[0], min(ZOOM_STEPS[1], steps))
        apply_zoom(self.zoom)
        self.status_label.setText(f"Text size: {'+' if self.zoom > 0 else ''}{self.zoom}" if self.zoom else
                                  "Text size: normal")

    # --- pages -----------------------------------------------------------------------
    def start_page_html(self) -> str:
        return start_page_html(self.library)

    pack_lines: tuple[str, ...] = ()  # installed content packs and versions, for About (set by the app)

    def about_text(self) -> str:
        return about_html(self.library, self.pack_lines)

    def show_shortcuts(self) -> QDialog:
        from manualviewer.ui.geometry import fit_window
        from manualviewer.ui.shortcuts import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        fit_window(dialog)
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_TITLE}", self.about_text())

    # --- the user's stores: bookmarks, recent, session ---------------------------------
    def attach_stores(self, stores: Stores) -> None:
        from manualviewer.ui.reading.user_lists import UserLists

        self.stores = stores
        self.user_lists = UserLists(self, stores, self.library, self.sidebar, self.toolbar, self.help_menu,
                                    self.open_bookmark, self.toggle_bookmark)
        self.bookmarks_model, self.recent_model = self.user_lists.bookmarks_model, self.user_lists.recent_model
        self.act_bookmark = self.user_lists.act_bookmark
        self.section_opened.connect(self.user_lists.record_history)
        self.state_saver = lambda state: stores.session.set("window", json.dumps(state))
        self._update_actions()

    def toggle_bookmark(self) -> None:
        section = self.library.get(self.current_view().current_id or "")
        if section is None:
            self.act_bookmark.setChecked(False)
            return
        added = self.user_lists.toggle(section.id, section.title)
        self.status_label.setText(f"Bookmarked {section.id}" if added else f"Removed the bookmark for {section.id}")

    def open_bookmark(self, section_id: str) -> None:
        if self.library.resolve(section_id) is None:
            QMessageBox.information(
                self, "Not in the library",
                f"{section_id} is no longer in this library. It may have been removed, or renamed without "
                "keeping its old ID. Search for its title to find where it went.")
            return
        self.open_section(section_id)

    def saved_state(self) -> dict[str, object] | None:
        if not hasattr(self, "stores"):
            return None
        text = self.stores.session.get("window")
        try:
            value = loads_bounded(text) if text else None
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    # --- library changes -------------------------------------------------------------
    def set_library(self, library: Library) -> None:
        self.library = library
        self.contents_pane.set_library(library)
        if hasattr(self, "user_lists"):
            self.user_lists.set_library(library)
        self.search_panel.set_library(library.resolve, {c: m.title for c, m in library.manuals.items()})
        for view in self.views():
            view.set_library(library)
        self._update_actions()
        self.library_changed.emit(library)

    def set_index_progress(self, done: int, total: int) -> None:
        if total <= 0 or done >= total:
            self.progress.hide()
            return
        self.progress.show()
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat("Indexing %v of %m")

    # --- window state ----------------------------------------------------------------
    def state(self) -> dict[str, object]:
        tabs = [{"history": v.history[0], "position": v.history[1]} for v in self.views()]
        return {
            "tabs": tabs,
            "current": self.tabs.currentIndex(),
            "zoom": self.zoom,
            "geometry": bytes(self.saveGeometry().toBase64().data()).decode("ascii"),
            "splitter": bytes(self.splitter.saveState().toBase64().data()).decode("ascii"),
            "sidebar": self.sidebar_toggle.shown(),
        }

    def restore_state(self, state: dict[str, object]) -> None:
        geometry = state.get("geometry")
        if isinstance(geometry, str):
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        splitter = state.get("splitter")
        if isinstance(splitter, str):
            self.splitter.restoreState(QByteArray.fromBase64(splitter.encode("ascii")))
        self.sidebar_toggle.set_shown(state.get("sidebar") is not False)
        zoom = state.get("zoom")
        if isinstance(zoom, int):
            self.set_zoom(zoom)
        tabs = state.get("tabs")
        if isinstance(tabs, list) and tabs:
            while self.tabs.count():
                widget = self.tabs.widget(0)
                self.tabs.removeTab(0)
                if widget is not None:
                    widget.deleteLater()
            for tab in tabs:
                if isinstance(tab, dict) and isinstance(tab.get("history"), list):
                    view = self.new_tab()
                    view.set_history([str(e) for e in tab["history"]], int(tab.get("position", 0)))
            current = state.get("current")
            if isinstance(current, int) and 0 <= current < self.tabs.count():
                self.tabs.setCurrentIndex(current)
        if self.tabs.count() == 0:
            self.new_tab()

    state_saver: Callable[[dict[str, object]], None] | None = None

    def changeEvent(self, event: QEvent) -> None:
        # The desktop switched palettes (light/dark): a rich label's links took the palette's link
        # colour when its text was set, so set it again (the checklist's "Follows the guidance in").
        if event.type() == QEvent.Type.PaletteChange:
            for label in self.findChildren(QLabel):
                text = label.text()
                if "<a " in text and label.textFormat() != Qt.TextFormat.PlainText:
                    label.clear()
                    label.setText(text)
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.state_saver is not None:
            self.state_saver(self.state())
        super().closeEvent(event)
