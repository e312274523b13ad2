"""Hiding the sidebar (search, contents, bookmarks, recent) so the section being read gets the
width, e.g. beside a running checklist on a 1366x768 laptop. One action, in the View menu and on
the toolbar, whose words always say what it will do; whatever needs the sidebar (Ctrl+K,
Ctrl+Shift+O, the bookmarks) shows it again.

Every tab of the sidebar (Search, Contents, Bookmarks, Recent, Must read) stays in sight: no
tab hidden behind the tab bar's scroll arrows, whatever the window's width."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QTabWidget, QWidget

from manualviewer.ui.actions import make_action

SHORTCUT = "Ctrl+B"  # as browsers and editors toggle their sidebars


def keep_every_tab_in_view(sidebar: QTabWidget) -> None:
    """No scroll arrows and no cut words on the tab bar: its width is then the sidebar's least
    width, so the splitter cannot squeeze a tab out of sight (at 1366 px the fifth tab, Must read,
    sat behind the arrow). The sidebar grows with the text size; narrower than its tabs it can
    only be hidden (Ctrl+B)."""
    bar = sidebar.tabBar()
    bar.setUsesScrollButtons(False)
    bar.setElideMode(Qt.TextElideMode.ElideNone)
    bar.setExpanding(False)


class SidebarToggle(QObject):
    def __init__(self, window: QWidget, sidebar: QWidget) -> None:
        super().__init__(window)
        self.sidebar = sidebar
        self.action = make_action(window, "Hide the &sidebar", SHORTCUT, self.toggle)
        # Shown or hidden by anyone (a shortcut that needs it, a restored state): the words follow.
        sidebar.installEventFilter(self)
        self._update()

    def shown(self) -> bool:
        return not self.sidebar.isHidden()

    def set_shown(self, shown: bool) -> None:
        self.sidebar.setVisible(shown)
        self._update()

    def toggle(self) -> None:
        self.set_shown(not self.shown())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.sidebar and event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            self._update()
        return False

    def _update(self) -> None:
        shown = self.shown()
        self.action.setText("Hide the &sidebar" if shown else "Show the &sidebar")
        keys = QKeySequence(SHORTCUT).toString(QKeySequence.SequenceFormat.NativeText)
        tip = ("Hide search and contents: the section you are reading gets the width" if shown
               else "Show search, contents, bookmarks and recent sections again")
        self.action.setToolTip(f"{tip} ({keys})")
        self.action.setStatusTip(tip)
