"""Small widget helpers any window may use: wrapping labels, scaled fonts, named buttons,
read-only lists, and emptying a layout."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QLayout,
    QListView,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)


def label(text: str = "", parent: QWidget | None = None, *, rich: bool = False, name: str = "") -> QLabel:
    """A wrapping label; a rich one shows links but never opens them itself."""
    widget = QLabel(parent)
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    widget.setText(text)
    if rich:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        widget.setOpenExternalLinks(False)
    if name:
        widget.setAccessibleName(name)
    return widget


def scaled_font(widget: QWidget, factor: float, bold: bool = True) -> QFont:
    font = QFont(widget.font())
    size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


def button(text: str, parent: QWidget, name: str, tip: str = "") -> QPushButton:
    widget = QPushButton(text, parent)
    widget.setAccessibleName(name)
    if tip:
        widget.setToolTip(tip)
    return widget


def read_only_list(parent: QWidget, model: QAbstractItemModel, name: str) -> QListView:
    """A wrapping list of rows that are read, not edited."""
    view = QListView(parent)
    view.setModel(model)
    view.setWordWrap(True)
    view.setAlternatingRowColors(True)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAccessibleName(name)
    return view


def card_scroll(
    parent: QWidget, name: str, *, margin: int, frame: QFrame.Shape = QFrame.Shape.NoFrame, horizontal_bar: bool = True
) -> tuple[QScrollArea, QWidget, QVBoxLayout]:
    """A scroll area around a card that widgets are stacked in, top down: (area, card, its layout).
    The vertical bar is always there: one that comes and goes changes the width, and wrapped
    labels then overlap."""
    scroll = QScrollArea(parent)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(frame)
    scroll.setAccessibleName(name)
    scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    if not horizontal_bar:
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    card = QWidget(scroll)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(margin, margin, margin, margin)
    scroll.setWidget(card)
    return scroll, card, layout


def clear_layout(layout: QLayout) -> None:
    """Empty a layout, deleting what it holds; the layout itself stays."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif (inner := item.layout()) is not None:
            delete_layout(inner)


def delete_layout(layout: QLayout) -> None:
    clear_layout(layout)
    layout.deleteLater()


class _WheelGuard(QObject):
    """Lets a wheel event through to a form control only when it has the keyboard focus;
    otherwise the event is left unaccepted, and Qt hands it on to the parent, which scrolls."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()
            return True
        return False


_WHEEL_GUARD: _WheelGuard | None = None


def ignore_wheel_unless_focused(*widgets: QWidget) -> None:
    """Combo and spin boxes the mouse wheel does not change while the user scrolls the panel
    past them (a letter's choice changed by accident); click or Tab into one to use the wheel."""
    global _WHEEL_GUARD
    if _WHEEL_GUARD is None:
        _WHEEL_GUARD = _WheelGuard()
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel must not give focus either
        widget.installEventFilter(_WHEEL_GUARD)
