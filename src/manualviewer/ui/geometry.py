"""Window geometry that always fits the available screen: on first run (a 1366x768 laptop
has about 1366x728 free under a task bar) and when a saved geometry comes back on a smaller
screen or a monitor that is no longer there. Pure rectangle arithmetic, plus one function that
applies it to a window, so tests can pass the screen size they check against."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QWidget

# The size the main window asks for on a screen big enough; smaller screens get what they have.
PREFERRED_SIZE = QSize(1280, 800)


def fit_rect(wanted: QRect, available: QRect) -> QRect:
    """`wanted` moved (and shrunk if it must) to lie inside `available`."""
    width = min(wanted.width(), available.width())
    height = min(wanted.height(), available.height())
    left = min(max(wanted.left(), available.left()), available.right() - width + 1)
    top = min(max(wanted.top(), available.top()), available.bottom() - height + 1)
    return QRect(left, top, width, height)


def first_run_rect(available: QRect, preferred: QSize = PREFERRED_SIZE) -> QRect:
    """The preferred size, no bigger than `available`, centred in it."""
    width = min(preferred.width(), available.width())
    height = min(preferred.height(), available.height())
    rect = QRect(0, 0, width, height)
    rect.moveCenter(available.center())
    return fit_rect(rect, available)


def client_area(window: QWidget, available: QRect) -> QRect:
    """Where the client area of `window` may go so that its frame (title bar, borders: none
    before it is shown) stays inside `available`."""
    frame, client = window.frameGeometry(), window.geometry()
    left, top = max(0, client.left() - frame.left()), max(0, client.top() - frame.top())
    right, bottom = max(0, frame.right() - client.right()), max(0, frame.bottom() - client.bottom())
    return available.adjusted(left, top, -right, -bottom)


def fit_window(window: QWidget, available: QRect | None = None, *, first_run: bool = False) -> None:
    """Place `window` (frame included) inside `available` (None: its screen's available
    geometry). `first_run`: at the preferred size, centred; otherwise keep its geometry
    (a restored one) and only clamp it."""
    if available is None:
        screen = window.screen()
        if screen is None:
            return
        available = screen.availableGeometry()
    inner = client_area(window, available)
    window.setGeometry(first_run_rect(inner) if first_run else fit_rect(window.geometry(), inner))
