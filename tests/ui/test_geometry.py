"""Window geometry always inside the available screen (issue 14, point 1), tested against the
screen sizes officers have: a 1366x768 laptop (about 728 px free under a task bar) and 1920x1080."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from manualviewer.ui.geometry import PREFERRED_SIZE, first_run_rect, fit_rect, fit_window
from tests.ui.helpers import make_window

LAPTOP = QRect(0, 0, 1366, 728)
DESKTOP = QRect(0, 0, 1920, 1040)
SECOND_MONITOR = QRect(1920, 0, 1280, 984)
# Set MANUALVIEWER_SHOTS=<folder> to save the screenshots, to look at them.
SHOTS = os.environ.get("MANUALVIEWER_SHOTS", "")


@pytest.mark.parametrize("available", [LAPTOP, DESKTOP, SECOND_MONITOR])
def test_first_run_fits_and_is_centred(available: QRect) -> None:
    rect = first_run_rect(available)
    assert available.contains(rect)
    assert rect.width() == min(PREFERRED_SIZE.width(), available.width())
    assert rect.height() == min(PREFERRED_SIZE.height(), available.height())
    assert abs(rect.center().x() - available.center().x()) <= 1


def test_first_run_on_a_laptop_is_the_whole_free_height() -> None:
    assert first_run_rect(LAPTOP).size() == QSize(1280, 728)


@pytest.mark.parametrize(
    "saved",
    [
        QRect(100, 100, 1280, 800),  # saved on a bigger screen
        QRect(2500, 300, 1000, 600),  # on a monitor that is gone
        QRect(-400, -50, 900, 600),  # dragged partly off the left edge
    ],
)
def test_a_restored_geometry_is_clamped_inside(saved: QRect) -> None:
    rect = fit_rect(saved, LAPTOP)
    assert LAPTOP.contains(rect)
    assert rect.width() == min(saved.width(), LAPTOP.width())


def test_a_geometry_that_fits_is_left_alone() -> None:
    assert fit_rect(QRect(50, 40, 800, 600), LAPTOP) == QRect(50, 40, 800, 600)


@pytest.mark.parametrize("available", [LAPTOP, DESKTOP])
def test_fit_window_places_a_window_inside(qtbot: QtBot, available: QRect) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setGeometry(QRect(-200, 500, 2400, 1400))
    fit_window(window, available)
    assert available.contains(window.frameGeometry())
    fit_window(window, available, first_run=True)
    assert window.size() == first_run_rect(available).size()


@pytest.mark.parametrize(("available", "name"), [(LAPTOP, "1366x768"), (DESKTOP, "1920x1080")])
def test_the_main_window_fits_and_shows_its_status_bar(
    qtbot: QtBot, bundled_content: Path, available: QRect, name: str
) -> None:
    window, _ = make_window(bundled_content)
    qtbot.addWidget(window)
    fit_window(window, available, first_run=True)
    window.show()
    qtbot.waitExposed(window)
    fit_window(window, available)  # again once shown: now the frame's size is known
    assert available.contains(window.frameGeometry())
    status = window.statusBar()
    bottom_left = status.mapTo(window, status.rect().bottomLeft())
    assert window.rect().contains(bottom_left)  # the status bar is on screen, not below it
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / f"main-{name}.png"))
