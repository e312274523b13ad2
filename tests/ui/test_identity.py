"""The app's identity: its icon at desktop sizes, Help > About's version and licences,
`manualviewer --version`."""

from __future__ import annotations

import importlib.resources
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from manualviewer import __version__
from manualviewer.ui.identity import LICENCES_FILE, app_icon
from manualviewer.ui.reading.main_window import MainWindow
from tests.ui.helpers import make_window


@pytest.mark.parametrize("size", [16, 48, 256])
def test_icon_draws_at_desktop_sizes(qapp: QApplication, size: int) -> None:
    image = app_icon().pixmap(size, size).toImage()
    assert (image.width(), image.height()) == (size, size)
    # The tile's blue fills the middle of each edge; the page's white fills the centre.
    edge = QColor(image.pixel(size // 2, max(1, size // 16)))
    centre = QColor(image.pixel(size * 3 // 8, size // 2))
    assert edge.blue() > 120 and edge.red() < 80
    assert min(centre.red(), centre.green(), centre.blue()) > 200


def test_about_names_the_version_and_the_licences(qtbot: QtBot, bundled_content: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    win, _ = make_window(bundled_content)
    qtbot.addWidget(win)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, _title, text: shown.append(text))
    assert isinstance(win, MainWindow)
    win.act_about.trigger()
    assert len(shown) == 1
    text = shown[0]
    assert f"Version {__version__}" in text
    assert "MIT licence" in text and "LGPL v3" in text and LICENCES_FILE in text
    assert "Open Government Licence" in text  # the bundled library's own attribution stays


def test_licence_list_ships_with_the_resources() -> None:
    listed = (importlib.resources.files("manualviewer.resources") / LICENCES_FILE).read_text(encoding="utf-8")
    for name in ("PySide6", "Qt 6", "NumPy", "whoosh-reloaded", "PyStemmer", "PyYAML", "beautifulsoup4"):
        assert name in listed


def test_version_option_prints_name_and_version() -> None:
    out = subprocess.run([sys.executable, "-m", "manualviewer", "--version"], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == f"manualviewer {__version__}"
