"""Search results as a list model, and a delegate that draws each hit as ID, title, manual and
a snippet with the matched words in bold (bold, not colour alone, so it reads in any palette).
A checklist among the results carries a "CHECKLIST" tag in words, so it is told apart without
relying on its colour."""

from __future__ import annotations

import html

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from manualviewer.core.model import SearchHit

SECTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
HTML_ROLE = Qt.ItemDataRole.UserRole + 3
PROCEDURE_ID_ROLE = Qt.ItemDataRole.UserRole + 4  # "" for a section

# Both colours set, so the tag reads the same on a light or a dark palette and on a selected row
# (GOV.UK green, white text: 7:1 contrast).
CHECKLIST_TAG = ('<span style="background-color: #00703c; color: #ffffff; font-weight: bold;">'
                 '&nbsp;CHECKLIST&nbsp;</span>')

AnyIndex = QModelIndex | QPersistentModelIndex


class ResultsModel(QAbstractListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hits: tuple[SearchHit, ...] = ()
        self._manual_titles: dict[str, str] = {}

    def set_hits(self, hits: tuple[SearchHit, ...], manual_titles: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self._hits = hits
        if manual_titles is not None:
            self._manual_titles = manual_titles
        self.endResetModel()

    def hit(self, row: int) -> SearchHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == SECTION_ID_ROLE:
            return hit.id
        if role == PROCEDURE_ID_ROLE:
            return hit.procedure
        display, accessible, rich = self._texts(hit, self._manual_titles.get(hit.manual, hit.manual))
        if role == Qt.ItemDataRole.DisplayRole:
            return display
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return accessible
        if role == HTML_ROLE:
            return rich
        return None

    @staticmethod
    def _texts(hit: SearchHit, manual: str) -> tuple[str, str, str]:
        """(display, accessible, HTML) text of a hit: a section, or a checklist it starts."""
        if hit.kind == "checklist":
            return (
                f"Checklist: {hit.title}",
                f"Checklist: {hit.title}. Opens {hit.id} with the checklist started ({manual})",
                f"{CHECKLIST_TAG}&nbsp;&nbsp;<b>{html.escape(hit.title)}</b>"
                f"<br><small>Starts the checklist in {html.escape(hit.id)} &middot; {html.escape(manual)}</small>"
                f"<br><span>{hit.snippet}</span>",
            )
        return (
            f"{hit.id}  {hit.title}",
            f"{hit.id}: {hit.title} ({manual})",
            f"<b>{html.escape(hit.id)}</b>&nbsp;&nbsp;{html.escape(hit.title)}"
            f"<br><small>{html.escape(manual)}</small>"
            f"<br><span>{hit.snippet}</span>",
        )

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class HtmlDelegate(QStyledItemDelegate):
    """Draws the HTML_ROLE of an item; falls back to plain drawing without it."""

    def _document(self, option: QStyleOptionViewItem, index: AnyIndex) -> QTextDocument | None:
        text = index.data(HTML_ROLE)
        if not text:
            return None
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(4)
        doc.setHtml(text)
        doc.setTextWidth(max(option.rect.width(), 200))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        doc = self._document(option, index)
        if doc is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(opt.rect.translated(-opt.rect.topLeft()))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        doc = self._document(option, index)
        if doc is None:
            return super().sizeHint(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()))
