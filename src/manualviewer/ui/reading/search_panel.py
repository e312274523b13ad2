"""Search as you type: a box, a manual filter, the results, a "did you mean" link and a line that
says why there is nothing to show."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from manualviewer.core.links import is_link, reference_target
from manualviewer.core.model import SearchResult, normalise_id
from manualviewer.ui.reading.results_model import HtmlDelegate, ResultsModel

SearchFunction = Callable[[str, str | None], SearchResult | None]  # None: index not ready yet
DEBOUNCE_MS = 150


class SearchPanel(QWidget):
    section_chosen = Signal(str, bool)  # section ID, open in a new tab
    checklist_chosen = Signal(str, str)  # the section that offers it, the procedure ID

    def __init__(self, search: SearchFunction, resolve: Callable[[str], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self._resolve = resolve
        self.last_result: SearchResult | None = None
        self._opened_link = ""  # the pasted link last opened, so a re-run does not open it again

        self.box = QLineEdit(self)
        self.box.setPlaceholderText("Search the guidance, or type a section ID (Ctrl+K)")
        self.box.setAccessibleName("Search")
        self.box.setClearButtonEnabled(True)
        self.manual_filter = QComboBox(self)
        self.manual_filter.setAccessibleName("Search in manual")
        self.manual_filter.setToolTip("Search in one manual or all of them")
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Search status")
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.linkActivated.connect(self.on_suggestion)
        self.model = ResultsModel(self)
        self.results = QListView(self)
        self.results.setModel(self.model)
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setAccessibleName("Search results")
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        self.results.setAlternatingRowColors(True)

        row = QHBoxLayout()
        label = QLabel("&In:", self)
        label.setBuddy(self.manual_filter)
        row.addWidget(label)
        row.addWidget(self.manual_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.box)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.box.textChanged.connect(lambda _text: self._timer.start())
        self.manual_filter.currentIndexChanged.connect(lambda _i: self.run_search())
        self.box.returnPressed.connect(self.on_return)
        self.box.installEventFilter(self)
        self.results.activated.connect(lambda index: self._choose(index.row(), False))
        self.results.clicked.connect(lambda index: self._choose(index.row(), False))
        self.set_manuals({})

    def set_manuals(self, titles: dict[str, str]) -> None:
        current = self.manual_filter.currentData()
        self.manual_filter.blockSignals(True)
        self.manual_filter.clear()
        self.manual_filter.addItem("All manuals", None)
        for code, title in sorted(titles.items(), key=lambda kv: kv[1]):
            self.manual_filter.addItem(f"{title} ({code})", code)
        found = self.manual_filter.findData(current)
        self.manual_filter.setCurrentIndex(max(found, 0))
        self.manual_filter.blockSignals(False)
        self._titles = titles

    def set_library(self, resolve: Callable[[str], str | None], titles: dict[str, str]) -> None:
        """A reloaded library: typed IDs resolve against it, the filter lists its manuals."""
        self._resolve = resolve
        self.set_manuals(titles)

    def focus_box(self) -> None:
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    # --- searching -------------------------------------------------------------------
    def run_search(self) -> None:
        self._timer.stop()
        query = self.box.text().strip()
        if not query:
            self.model.set_hits(())
            self.status.setText("")
            self.last_result = None
            return
        if is_link(query):
            # Opened once when pasted; a later re-run (the index finished) must not pull the reader back.
            if query != self._opened_link:
                self.open_link(query)
            return
        result = self._search(query, self.manual_filter.currentData())
        if result is None:
            self.status.setText("The search index is being updated; results appear as soon as it is ready.")
            return
        self.last_result = result
        self.model.set_hits(result.hits, self._titles)
        if result.hits:
            self.results.setCurrentIndex(self.model.index(0, 0))
        self.status.setText(self._status_text(result))

    def _status_text(self, result: SearchResult) -> str:
        suggestion = ""
        if result.suggestion:
            s = html.escape(result.suggestion)
            suggestion = f' Did you mean <a href="{s}">{s}</a>?'
        manual = self.manual_filter.currentData()
        where = f" in {html.escape(self._titles.get(manual, manual))}" if manual else ""
        sections = sum(1 for h in result.hits if h.kind != "checklist")
        checklists = len(result.hits) - sections
        also = f" {_count(checklists, 'checklist')} {'matches' if checklists == 1 else 'match'}." if checklists else ""
        if not sections:
            return f"No sections match <b>{html.escape(result.query)}</b>{where}.{also}{suggestion}"
        # The engine returns the best `limit` sections and counts the rest: say so, so nobody
        # takes the list for everything the guidance says.
        total = max(result.total, sections)
        counted = f"{sections} of {total} results" if total > sections else _count(sections, "result")
        note = " (some words were read as close matches)" if result.fuzzy else ""
        return f"{counted}{where}{note}.{also}{suggestion}"

    def on_suggestion(self, text: str) -> None:
        self.box.setText(text)
        self.run_search()

    def on_return(self) -> None:
        """Enter opens the exact ID typed, else the highlighted result."""
        query = self.box.text().strip()
        if is_link(query):
            self.open_link(query)
            return
        exact = self._resolve(query) if query else None
        if exact is not None and normalise_id(query) == exact:
            self.section_chosen.emit(exact, False)
            return
        if self._timer.isActive() or self.last_result is None or self.last_result.query != query:
            self.run_search()
        row = self.results.currentIndex().row()
        self._choose(row if row >= 0 else 0, False)

    def open_link(self, query: str) -> None:
        """A pasted manualviewer: link or GOV.UK manual address opens the library's copy of its section."""
        self._opened_link = query
        self.model.set_hits(())
        self.last_result = None
        target = reference_target(query, self._resolve)
        if not target.found:
            self.status.setText(html.escape(target.message))
            return
        key = target.section_id
        self.status.setText(f"Opened <b>{html.escape(key)}</b> from the address.")
        self.section_chosen.emit(key, False)

    def _choose(self, row: int, new_tab: bool) -> None:
        hit = self.model.hit(row)
        if hit is None:
            return
        if hit.kind == "checklist":
            self.checklist_chosen.emit(hit.id, hit.procedure)
        else:
            self.section_chosen.emit(hit.id, new_tab)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.box and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.model.rowCount() > 0:
                row = self.results.currentIndex().row()
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.model.rowCount() - 1, row + step))
                self.results.setCurrentIndex(self.model.index(row, 0))
                return True
        return super().eventFilter(watched, event)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"
