"""A main window on the bundled library with a simple in-memory search, for UI tests."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget

from manualviewer.app import render_section
from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import load_library
from manualviewer.core.model import SearchHit, SearchResult, normalise_id
from manualviewer.ui.reading.main_window import MainWindow


class WordSearch:
    """Title and body substring search: enough to drive the panel, independent of the index."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.queries: list[str] = []

    def __call__(self, query: str, manual: str | None) -> SearchResult:
        self.queries.append(query)
        words = query.lower().split()
        hits = []
        exact = self.library.resolve(query)
        for section in self.library.sections.values():
            if manual and section.manual != manual:
                continue
            text = f"{section.title} {section.body}".lower()
            if section.id == exact or (words and all(w in text for w in words)):
                score = 100.0 if section.id == exact else sum(w in section.title.lower() for w in words)
                hits.append(SearchHit(section.id, section.title, section.manual, score,
                                      html.escape(section.body[:80])))
        hits.sort(key=lambda h: -h.score)
        suggestion = "complaint" if not hits and normalise_id(query) == "COMPLANT" else None
        return SearchResult(query, tuple(hits), suggestion=suggestion)


def make_window(content: Path) -> tuple[MainWindow, WordSearch]:
    library = load_library([content])
    search = WordSearch(library)
    window = MainWindow(library, render_section, search)
    window.confirm_external = lambda url: False
    return window, search


def wheel(widget: QWidget, notches: int = -1) -> None:
    """One turn of the mouse wheel over `widget` (negative: towards the user), delivered the way
    Qt delivers it, so an unaccepted event goes on to the parent."""
    where = QPointF(widget.rect().center())
    event = QWheelEvent(where, QPointF(widget.mapToGlobal(where.toPoint())), QPoint(), QPoint(0, 120 * notches),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def shown_whole(widget: QWidget, window: QWidget) -> bool:
    """True when all of `widget` can be seen in `window`: visible, and not cut off by any widget
    it sits in (a scroll area's viewport, a dock, the window's own edge)."""
    if not widget.isVisible():
        return False
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    seen = QRect(rect)
    parent = widget.parentWidget()
    while parent is not None:
        seen = seen.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
        if parent is window:
            break
        parent = parent.parentWidget()
    return not rect.isEmpty() and seen == rect
