"""A strong focus indicator on every widget: a 3-px ring around whatever has the keyboard focus,
in place of the style's faint 1-px dotted box. Two tones so it shows on any palette and on any
widget: 2 px in the palette's window-text colour (the contrast of text with the window, light
or dark) outside 1 px in its highlight colour.

Built on QFocusFrame, which follows its widget as it moves, resizes, scrolls or hides, and sits
above it without taking mouse clicks. A style sheet `:focus` border would be simpler to write but
replaces the native drawing of every button and field it touches and changes their sizes."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QFocusFrame,
    QProxyStyle,
    QStyle,
    QStyleHintReturn,
    QStyleOption,
    QWidget,
)

WIDTH = 3  # pixels around the focused widget
_INSTALLED = "manualviewer_focus_ring"


class _RingStyle(QProxyStyle):
    """Only for the ring itself: how far it reaches out, and that it is drawn above its widget."""

    def pixelMetric(self, metric: QStyle.PixelMetric, option: QStyleOption | None = None,
                    widget: QWidget | None = None) -> int:
        if metric in (QStyle.PixelMetric.PM_FocusFrameHMargin, QStyle.PixelMetric.PM_FocusFrameVMargin):
            return WIDTH
        return super().pixelMetric(metric, option, widget)

    def styleHint(self, hint: QStyle.StyleHint, option: QStyleOption | None = None, widget: QWidget | None = None,
                  returnData: QStyleHintReturn | None = None) -> int:
        if hint == QStyle.StyleHint.SH_FocusFrame_AboveWidget:
            return 1
        return super().styleHint(hint, option, widget, returnData)


def ring_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """(outer, inner): the window's text colour, then the highlight."""
    return palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Highlight)


class FocusRing(QFocusFrame):
    def __init__(self) -> None:
        super().__init__()
        self._style = _RingStyle()  # kept: the widget does not own a style set on it
        self.setStyle(self._style)
        self.setAccessibleName("Keyboard focus")

    def paintEvent(self, _event: QPaintEvent) -> None:
        outer, inner = ring_colours(QApplication.palette(self.widget() or self))
        painter = QPainter(self)
        rect = QRect(self.rect())
        painter.setPen(QPen(outer, 1))
        for inset in range(WIDTH - 1):
            painter.drawRect(rect.adjusted(inset, inset, -inset - 1, -inset - 1))
        painter.setPen(QPen(inner, 1))
        inset = WIDTH - 1
        painter.drawRect(rect.adjusted(inset, inset, -inset - 1, -inset - 1))
        painter.end()


class _Follower(QObject):
    """Moves the ring to each widget that takes the focus; a new ring when the window that held
    the old one has gone (a ring is a child of the window it is drawn in)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.ring: FocusRing | None = None
        app.focusChanged.connect(self.follow)

    def follow(self, _old: QWidget | None, new: QWidget | None) -> None:
        from shiboken6 import isValid

        if self.ring is not None and not isValid(self.ring):
            self.ring = None
        if new is None or new.isWindow() or new.parentWidget() is None:
            if self.ring is not None:
                self.ring.setWidget(None)  # type: ignore[arg-type]  # Qt takes nullptr: no widget
            return
        if self.ring is None:
            self.ring = FocusRing()
        self.ring.setWidget(new)


def install_focus_ring() -> None:
    """Once per application: the ring follows the keyboard focus in every window from now on."""
    app = QApplication.instance()
    if not isinstance(app, QApplication) or isinstance(app.property(_INSTALLED), bool):
        return
    app.setProperty(_INSTALLED, True)
    _Follower(app)


def current_ring() -> FocusRing | None:
    """The ring (for tests and for anyone who needs to know where the focus is drawn)."""
    app = QApplication.instance()
    follower = app.findChild(_Follower) if app is not None else None
    return follower.ring if isinstance(follower, _Follower) else None
