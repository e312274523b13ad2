"""Every sidebar tab in sight at a glance (issue 17: the fifth tab, Must read, sat behind the tab
bar's scroll arrow on a 1366x768 laptop): at 1366x768 and 1920x1080, with the sidebar dragged as
narrow as it goes, and with larger text."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QTabBar
from pytestqt.qtbot import QtBot

from manualviewer.core.settings import Settings
from manualviewer.storage.stores import Stores, open_stores
from manualviewer.ui.reading.main_window import MainWindow
from manualviewer.ui.reading.must_read import install_must_read
from manualviewer.ui.text_size import apply_zoom
from tests.ui.helpers import make_window, shown_whole

LAPTOP = QRect(0, 0, 1366, 728)  # 1366x768 less a task bar
DESKTOP = QRect(0, 0, 1920, 1040)
SHOTS = os.environ.get("MANUALVIEWER_SHOTS", "")
TABS = ["Search", "Contents", "Bookmarks", "Recent", "Must read"]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    manual = tmp_path / "content" / "test"
    manual.mkdir(parents=True)
    (manual / "manual.md").write_text("---\ncode: TEST\ntitle: Test Manual\norganisation: Test Org\n---\nIntro.\n",
                                      encoding="utf-8")
    (manual / "TEST100.md").write_text("---\nsection_id: TEST100\ntitle: Recording a call\n"
                                       "must_read_by: 2099-12-31\n---\nWrite it down.\n", encoding="utf-8")
    return tmp_path / "content"


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "user.db")
    yield opened
    opened.close()


def full_window(qtbot: QtBot, content: Path, stores: Stores, available: QRect) -> MainWindow:
    window, _ = make_window(content)
    qtbot.addWidget(window)
    window.attach_stores(stores)
    install_must_read(window, window.tabs, window.sidebar, window.library, stores.attestations,
                      lambda: Settings(officer_name="Sam Officer"), window.open_section, window.library_changed)
    window.setGeometry(available)
    window.show()
    qtbot.waitExposed(window)
    return window


def tabs_in_sight(window: MainWindow) -> list[str]:
    """The tabs whose whole rectangle is inside the tab bar, the bar itself seen whole."""
    bar: QTabBar = window.sidebar.tabBar()
    if not shown_whole(bar, window):
        return []
    return [bar.tabText(i) for i in range(bar.count()) if bar.rect().contains(bar.tabRect(i))]


@pytest.mark.parametrize(("available", "name"), [(LAPTOP, "1366x768"), (DESKTOP, "1920x1080")])
def test_every_sidebar_tab_is_in_sight(qtbot: QtBot, content: Path, stores: Stores, available: QRect,
                                       name: str) -> None:
    window = full_window(qtbot, content, stores, available)
    assert [window.sidebar.tabText(i) for i in range(window.sidebar.count())] == TABS
    assert tabs_in_sight(window) == TABS
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / f"sidebar-tabs-{name}.png"))

    # Dragged as narrow as the splitter lets it: still every tab (narrower, it can only be hidden).
    window.splitter.setSizes([120, available.width() - 120])
    qtbot.waitUntil(lambda: window.sidebar.width() < 500)
    assert tabs_in_sight(window) == TABS


def test_every_sidebar_tab_is_in_sight_with_larger_text(qtbot: QtBot, content: Path, stores: Stores) -> None:
    window = full_window(qtbot, content, stores, LAPTOP)
    apply_zoom(3)
    qtbot.waitUntil(lambda: tabs_in_sight(window) == TABS)
    assert window.tabs.width() > LAPTOP.width() // 2  # the section still gets most of the width
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / "sidebar-tabs-larger-text-1366x768.png"))
