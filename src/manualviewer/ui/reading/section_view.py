"""One tab: a breadcrumb bar, the section itself in a QTextBrowser, find in page, and the tab's
own back/forward history."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QGuiApplication, QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.content.library import Library
from manualviewer.core.content.source_links import source_address
from manualviewer.core.model import normalise_id
from manualviewer.ui.reading.change_banner import AlertFor, ChangeBanner, no_alert
from manualviewer.ui.reading.changes_bar import ChangesBar, DiffSource
from manualviewer.ui.reading.find_bar import FindBar

Renderer = Callable[[str], str]  # section ID -> HTML
START_PAGE = ""  # the history entry of a new, empty tab


class SectionBrowser(QTextBrowser):
    """A QTextBrowser that tells its owner about link clicks (with the button used) and mouse
    back/forward buttons, instead of navigating by itself."""

    link_activated = Signal(QUrl, bool)  # url, open in a new tab
    back_requested = Signal()
    forward_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor_clicked)
        self.viewport().installEventFilter(self)

    def _on_anchor_clicked(self, url: QUrl) -> None:
        ctrl = bool(QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier)
        self.link_activated.emit(url, ctrl)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            button = event.button()
            if button == Qt.MouseButton.BackButton:
                self.back_requested.emit()
                return True
            if button == Qt.MouseButton.ForwardButton:
                self.forward_requested.emit()
                return True
            if button == Qt.MouseButton.MiddleButton:
                anchor = self.anchorAt(event.position().toPoint())
                if anchor:
                    self.link_activated.emit(QUrl(anchor), True)
                    return True
        return super().eventFilter(watched, event)


class MissingLinkBar(QFrame):
    """Says plainly that a linked section is not in this library, with a way to copy its ID."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Link message")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.copy_button = QPushButton("Copy ID", self)
        self.copy_button.setAccessibleName("Copy the missing section ID")
        # Opening it asks first, as every link that leaves the guidance does (open_external).
        self.source_button = QPushButton("Open on GOV.UK", self)
        self.source_button.setAccessibleName("Open the missing section on GOV.UK")
        self.source_button.hide()
        self.close_button = QPushButton("Dismiss", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.source_button)
        layout.addWidget(self.copy_button)
        layout.addWidget(self.close_button)
        self.missing_id = ""
        self.source = ""
        self.copy_button.clicked.connect(self.on_copy)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def show_missing(self, section_id: str, source: str = "") -> None:
        """`source`: the section's public address, when its manual has one ("" otherwise)."""
        self.missing_id = section_id
        self.source = source
        where = "Open it on GOV.UK, or copy the ID" if source else "Copy the ID"
        self.label.setText(
            f"<b>{html.escape(section_id)} is not in this library.</b> The guidance links to it, "
            f"but the section was not loaded. {where} to look it up elsewhere."
        )
        self.copy_button.show()
        self.source_button.setVisible(bool(source))
        self.show()

    def show_message(self, text: str, section_id: str = "") -> None:
        """A link from outside the guidance (a deep link, a pasted address) that cannot open."""
        self.missing_id = section_id
        self.label.setText(f"<b>{html.escape(text)}</b>")
        self.copy_button.setVisible(bool(section_id))
        self.source_button.hide()
        self.show()

    def on_copy(self) -> None:
        QGuiApplication.clipboard().setText(self.missing_id)


class SectionView(QWidget):
    section_opened = Signal(str)  # section ID ("" for the start page)
    open_in_new_tab = Signal(str)
    external_link = Signal(QUrl)
    procedure_requested = Signal(str)
    history_changed = Signal()
    changes_toggled = Signal(bool)  # the changes mode turned on or off (by the user or a visit)

    def __init__(self, library: Library, renderer: Renderer, start_page: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._render = renderer
        self._start_page = start_page
        self._history: list[str] = []
        self._position = -1
        self._scroll: dict[int, int] = {}
        self._stale = False  # drawn with an old palette while hidden
        # The changes mode: the section's word diff instead of its clean text, for this visit.
        self.diff_source: DiffSource | None = None
        self.showing_changes = False

        self.crumbs = QLabel(self)
        self.crumbs.setTextFormat(Qt.TextFormat.RichText)
        self.crumbs.setAccessibleName("Breadcrumbs")
        self.crumbs.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.crumbs.setWordWrap(True)
        self.crumbs.linkActivated.connect(lambda link: self.open_section(link.removeprefix("section:")))
        self.missing_bar = MissingLinkBar(self)
        self.missing_bar.source_button.clicked.connect(
            lambda: self.external_link.emit(QUrl(self.missing_bar.source)) if self.missing_bar.source else None)
        self.alert_for: AlertFor = no_alert  # set by ui/reading/change_alerts.py
        self.change_banner = ChangeBanner(self)
        self.change_banner.diff_requested.connect(self.see_what_changed)
        self.changes_bar = ChangesBar(self)
        self.changes_bar.clean_requested.connect(lambda: self.show_changes(False))
        self.browser = SectionBrowser(self)
        self.browser.setAccessibleName("Section text")
        self.find_bar = FindBar(self.browser, self)
        self.find_bar.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.crumbs)
        layout.addWidget(self.missing_bar)
        layout.addWidget(self.change_banner)
        layout.addWidget(self.changes_bar)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.find_bar)

        self.browser.link_activated.connect(self.on_link)
        self.browser.back_requested.connect(self.back)
        self.browser.forward_requested.connect(self.forward)

    # --- state ---------------------------------------------------------------------
    @property
    def current_id(self) -> str:
        return self._history[self._position] if self._position >= 0 else START_PAGE

    @property
    def history(self) -> tuple[list[str], int]:
        return list(self._history), self._position

    def set_history(self, entries: list[str], position: int) -> None:
        self._history = list(entries)
        self._position = max(-1, min(position, len(entries) - 1))
        self._show_current(notify=False)  # restoring a tab is not opening a section

    def can_go_back(self) -> bool:
        return self._position > 0

    def can_go_forward(self) -> bool:
        return self._position < len(self._history) - 1

    def title(self) -> str:
        section = self._library.get(self.current_id) if self.current_id else None
        return section.id if section else (self.current_id or "Start")

    def set_library(self, library: Library) -> None:
        """Content changed on disk: keep the place, redraw from the new library."""
        self._library = library
        # A section renamed in the new version follows its alias; one that is gone stays in the
        # history (its page says so) rather than vanishing from the tab.
        self._history = [(library.resolve(entry) or entry) if entry else entry for entry in self._history]
        self.redraw()

    def redraw(self) -> None:
        """Draw the current page again where it was: a redraw, not a visit (Recent stays as it was)."""
        scroll = self.browser.verticalScrollBar().value()
        self._show_current(notify=False)
        self.browser.verticalScrollBar().setValue(scroll)

    def changeEvent(self, event: QEvent) -> None:
        # The desktop switched between light and dark: links take their colour from the palette
        # when the page is drawn, so draw it again (the text and background follow by themselves).
        # A view not on screen (another tab, a closed window) is drawn again when it shows.
        if event.type() == QEvent.Type.PaletteChange and self._position >= 0:
            if self.isVisible():
                self.redraw()
            else:
                self._stale = True
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self._stale = False
            self.redraw()
        super().showEvent(event)

    # --- navigation ----------------------------------------------------------------
    def open_section(self, section_id: str) -> bool:
        """Open a section in this tab; a section not in the library shows the message bar."""
        key = self._library.resolve(section_id)
        if key is None:
            self.show_missing(normalise_id(section_id))
            return False
        if self._position >= 0 and self._history[self._position] == key:
            self._show_current(notify=False)
            return True
        self._remember_scroll()
        self._leave_changes()
        del self._history[self._position + 1 :]
        self._history.append(key)
        self._position = len(self._history) - 1
        self._show_current()
        return True

    def show_start_page(self) -> None:
        self._remember_scroll()
        self._leave_changes()
        del self._history[self._position + 1 :]
        self._history.append(START_PAGE)
        self._position = len(self._history) - 1
        self._show_current()

    def back(self) -> None:
        if self.can_go_back():
            self.go_to(self._position - 1)

    def forward(self) -> None:
        if self.can_go_forward():
            self.go_to(self._position + 1)

    def go_to(self, position: int) -> None:
        if 0 <= position < len(self._history):
            self._remember_scroll()
            self._leave_changes()
            self._position = position
            self._show_current()

    def _remember_scroll(self) -> None:
        if self._position >= 0:
            self._scroll[self._position] = self.browser.verticalScrollBar().value()

    # --- the changes mode ----------------------------------------------------------------
    def show_changes(self, on: bool) -> bool:
        """Show the section's word diff against the version last read (or its clean text);
        True when the changes are on screen. No earlier version kept: the message bar says so."""
        current = self.current_id
        if on and (not current or self._library.resolve(current) is None):
            on = False
        elif on and (self.diff_source is None or self.diff_source(current) is None):
            self.missing_bar.show_message(f"No earlier version of {current} is kept on this computer to "
                                          "compare with: it has not changed since you first had it.")
            on = False
        if on != self.showing_changes:
            self.showing_changes = on
            self.redraw()
            self.changes_toggled.emit(on)
        return on

    def _leave_changes(self) -> None:
        """A visit elsewhere shows the clean text: the changes mode is for the page it was asked on."""
        if self.showing_changes:
            self.showing_changes = False
            self.changes_toggled.emit(False)

    def _show_current(self, *, notify: bool = True) -> None:
        self.missing_bar.hide()
        self.changes_bar.hide()
        current = self.current_id
        page = self.diff_source(current) if current and self.showing_changes and self.diff_source else None
        if self.showing_changes and page is None:
            self._leave_changes()  # e.g. a reload brought a version with nothing kept to compare
        # "see what changed" only where the view can show the word diff (the changes mode); not
        # while the changes are on screen (the changes bar says what the page shows).
        self.change_banner.show_alert(self.alert_for(current) if current and page is None else None,
                                      diff=self.diff_source is not None)
        if current and self._library.resolve(current) is None:
            self.browser.setHtml(self._missing_html(current))
            self.crumbs.setText("")
        elif page is not None:
            self.browser.setHtml(page.html)
            self.crumbs.setText(self._crumbs_html(current))
            self.changes_bar.show_page(page)
        elif current:
            self.browser.setHtml(self._render(current))
            self.crumbs.setText(self._crumbs_html(current))
        else:
            self.browser.setHtml(self._start_page())
            self.crumbs.setText("")
        self.crumbs.setVisible(bool(self.crumbs.text()))
        self.browser.verticalScrollBar().setValue(self._scroll.get(self._position, 0))
        if self.find_bar.isVisible():
            self.find_bar.on_search_changed()
        if notify:
            self.section_opened.emit(current)
        self.history_changed.emit()

    def see_what_changed(self, _section_id: str = "") -> None:
        """The banner's "see what changed": the section's word diff (the changes mode)."""
        if self.show_changes(True):
            self.change_banner.hide()

    def _missing_html(self, section_id: str) -> str:
        """An open section that is gone: say why, with the file's problems if it is broken."""
        problems = [p for p in self._library.problems if p.path.stem.upper() == section_id]
        if problems:
            items = "".join(f"<li>{html.escape(str(p))}</li>" for p in problems)
            return (
                f"<h2>{html.escape(section_id)} cannot be shown</h2>"
                "<p>The file for this section has a problem, so it was not loaded. The content team can "
                f"fix it; the rest of the library works as usual.</p><ul>{items}</ul>"
            )
        return (
            f"<h2>{html.escape(section_id)}</h2><p>This section is no longer in the library. "
            "It may have been removed or renamed.</p>"
        )

    def _crumbs_html(self, section_id: str) -> str:
        section = self._library.get(section_id)
        if section is None:
            return ""
        manual = self._library.manuals.get(section.manual)
        parts = [html.escape(manual.title) if manual else section.manual]
        for crumb in self._library.breadcrumbs(section.id):
            parent = self._library.sections[crumb]
            parts.append(f'<a href="section:{crumb}">{html.escape(crumb)} {html.escape(parent.title)}</a>')
        parts.append(f"<b>{html.escape(section.id)}</b>")
        return " &rsaquo; ".join(parts)

    def show_missing(self, section_id: str) -> None:
        self.missing_bar.show_missing(section_id, source_address(self._library, section_id))

    # --- links ---------------------------------------------------------------------
    def on_link(self, url: QUrl, new_tab: bool) -> None:
        scheme = url.scheme().lower()
        if scheme == "section":
            target = url.path() or url.toString().removeprefix("section:")
            if self._library.resolve(target) is None:
                self.show_missing(normalise_id(target))
            elif new_tab:
                self.open_in_new_tab.emit(self._library.resolve(target) or target)
            else:
                self.open_section(target)
        elif scheme == "procedure":
            self.procedure_requested.emit(url.path() or url.toString().removeprefix("procedure:"))
        elif scheme in ("http", "https", "mailto"):
            self.external_link.emit(url)
        elif url.hasFragment() and not url.path():
            self.browser.scrollToAnchor(url.fragment())
