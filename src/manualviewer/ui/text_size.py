"""One text size for the whole app: a zoom step scales the application font (the desktop's own
font and size, as Qt found it at start), so the reading pane, the checklist, the results list,
the notes and escalations tables, the contents tree, menus and dialogs all grow together.

A widget that set its own size (a heading at 1.3 times the text, the presenter's large type)
keeps its proportion to the text: its factor is noted the first time the size changes and applied
to each new size. Widgets made later inherit the zoomed font by themselves."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication

STEP = 1.1  # each zoom step: 10 % larger or smaller
SMALLEST_POINTS = 6.0
_SIZE_RESOLVED = 0x2  # QFont::SizeResolved: the widget set its own size, it does not inherit one
_BASE = "manualviewer_base_font"  # on the QApplication: its font before any zoom
_LAST = "manualviewer_zoomed_points"  # on the QApplication: the size the last zoom set
_FACTOR = "manualviewer_font_factor"  # on a widget with its own size: its size / the text size


def base_font() -> QFont:
    """The application font at zoom 0: the desktop's. Noted the first time; when the application
    font is no longer the one a zoom set (the desktop changed its font), that is the new base."""
    app = QGuiApplication.instance()
    assert app is not None, "a QApplication is needed"
    base, last = app.property(_BASE), app.property(_LAST)
    current = QGuiApplication.font()
    if not isinstance(base, QFont) or not isinstance(last, float) or abs(_points(current) - last) > 0.01:
        base = QFont(current)
        app.setProperty(_BASE, base)
        app.setProperty(_LAST, _points(current))
    return QFont(base)


def _points(font: QFont) -> float:
    return font.pointSizeF() if font.pointSizeF() > 0 else 10.0


def zoomed_font(steps: int) -> QFont:
    font = base_font()
    font.setPointSizeF(max(SMALLEST_POINTS, _points(font) * STEP**steps))
    return font


def apply_zoom(steps: int) -> None:
    """Every widget's text at `steps` steps from the desktop's size (0: the desktop's own)."""
    before = _points(QGuiApplication.font())
    font = zoomed_font(steps)
    after = _points(font)
    if abs(after - before) < 0.01:
        return
    own_sizes = []
    for widget in QApplication.allWidgets():
        if widget.testAttribute(Qt.WidgetAttribute.WA_SetFont) and widget.font().resolveMask() & _SIZE_RESOLVED:
            factor = widget.property(_FACTOR)
            if not isinstance(factor, float):
                factor = _points(widget.font()) / before
                widget.setProperty(_FACTOR, factor)
            own_sizes.append((widget, factor))
    app = QGuiApplication.instance()
    assert app is not None
    app.setProperty(_LAST, after)
    QApplication.setFont(font)
    # Qt posts the change to each widget; deliver it now, so the new size is in place on return.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.ApplicationFontChange)
    for widget, factor in own_sizes:
        own = QFont(widget.font())
        own.setPointSizeF(max(SMALLEST_POINTS, after * factor))
        widget.setFont(own)

