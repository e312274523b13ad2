"""The "changed since you read it" badge, shared by the contents tree, the bookmarks and the
recent lists (issue 17 point 2): a small marker (a filled disc with "!" for a changed section, a
ring for a branch with changed sections inside), the word "changed" after the title, and the
whole sentence in the tooltip and the accessible text, so it never rests on colour alone. The
alerts come from services/alerts.AlertSet, computed once per library version."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QGuiApplication, QIcon, QPainter, QPalette, QPen, QPixmap

from manualviewer.core.changes.alerts import Alert

ALERT_ROLE = Qt.ItemDataRole.UserRole + 10  # the Alert of a row, or None
CHANGED_SUFFIX = "  (changed)"
INSIDE_TOOLTIP = "Some sections inside changed since you read them"

_ICONS: dict[bool, QIcon] = {}


def badge_icon(inside: bool = False) -> QIcon:
    """The marker, drawn once in the palette's highlight colours (dark and high-contrast themes
    included)."""
    icon = _ICONS.get(inside)
    if icon is None:
        icon = _ICONS[inside] = QIcon(_draw(inside))
    return icon


def _draw(inside: bool) -> QPixmap:
    size = 16
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    palette = QGuiApplication.palette()
    fill = palette.color(QPalette.ColorRole.Highlight)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    disc = QRectF(1.5, 1.5, size - 3, size - 3)
    if inside:
        painter.setPen(QPen(fill, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(disc.adjusted(2, 2, -2, -2))
    else:
        # Outlined in the text colour, so it still shows on a selected (highlighted) row.
        painter.setPen(QPen(palette.color(QPalette.ColorRole.WindowText), 1))
        painter.setBrush(fill)
        painter.drawEllipse(disc)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(11)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, "!")
    painter.end()
    return pixmap


def shown(text: str, alert: Alert | None) -> str:
    return text + CHANGED_SUFFIX if alert is not None else text


def with_tooltip(tooltip: str, alert: Alert | None) -> str:
    return f"{tooltip}\n{alert.tooltip()}" if alert is not None else tooltip


def spoken(text: str, alert: Alert | None) -> str:
    return f"{text}, {alert.sentence().lower()}" if alert is not None else text
