"""Change alerts in the window (issue 17 point 2): sections this user bookmarked or read recently,
changed since they read them, carry a badge (a marker, the word "changed", the sentence in the
tooltip and the accessible text) in the contents, bookmarks and recent lists, and a banner in the
section with "see what changed". Real files: a copy of the bundled library edited between two
loads, the user's database and versions database in the test's folder."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from manualviewer.app import render_section
from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import load_library
from manualviewer.services.changes import ChangeTracker
from manualviewer.storage.stores import Stores, open_stores
from manualviewer.ui.changes.install import install_changes
from manualviewer.ui.reading.change_alerts import ChangeAlerts
from manualviewer.ui.reading.change_badges import ALERT_ROLE, INSIDE_TOOLTIP
from manualviewer.ui.reading.main_window import MainWindow
from tests.helpers.packs import copy_library
from tests.ui.helpers import WordSearch

READ_ON = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
SENTENCE = "Changed since you read it on 3 Dec 2026"


@dataclass
class Rig:
    window: MainWindow
    alerts: ChangeAlerts
    tracker: ChangeTracker
    stores: Stores
    content: Path


def edit(content: Path, relative: str, old: str, new: str) -> None:
    path = content / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def mark_read(tracker: ChangeTracker, library: Library, *ids: str) -> None:
    for section_id in ids:
        section = library.get(section_id)
        assert section is not None
        tracker.mark_read(section, library.body_of(section))


@pytest.fixture
def rig(qtbot: QtBot, tmp_path: Path) -> Iterator[Rig]:
    content = copy_library(tmp_path / "content")
    first = load_library([content])
    when = [READ_ON - dt.timedelta(days=40)]
    tracker = ChangeTracker.open(tmp_path / "versions.sqlite3", clock=lambda: when[0])
    tracker.record_load(first)
    mark_read(tracker, first, "DWPREC0100")
    when[0] = READ_ON
    stores = open_stores(tmp_path / "user.sqlite3", clock=lambda: READ_ON)
    # On 3 Dec: read and bookmarked DMBM511015, read CSDH0300 and CSDH0100; DWPREC0100 was read
    # 40 days earlier (outside the 30 days).
    mark_read(tracker, first, "DMBM511015", "CSDH0300", "CSDH0100")
    stores.bookmarks.add("DMBM511015", "Customer recording the call")
    stores.history.record("CSDH0300")
    # Then the guidance changed: new text in three of them.
    edit(content, "dmbm/DMBM511015.md", "It is not unlawful", "It is not unlawful (updated)")
    edit(content, "council-data-handling/CSDH0300.md", "the", "the updated")
    edit(content, "dwp-recordings/DWPREC0100.md", "the", "the updated")
    second = load_library([content])
    tracker.record_load(second)
    window = MainWindow(second, render_section, WordSearch(second))
    window.confirm_external = lambda url: False
    qtbot.addWidget(window)
    window.attach_stores(stores)
    install_changes(window, tracker, lambda: window.library)  # the diff view, and shown = read
    alerts = ChangeAlerts(window, tmp_path / "user.sqlite3", tracker.all_last_reads, lambda: 30, clock=lambda: NOW)
    window.resize(1100, 700)
    window.show()
    alerts.library_changed()
    qtbot.waitUntil(lambda: alerts.computations == 1)
    yield Rig(window, alerts, tracker, stores, content)
    alerts.wait()
    window.close()
    stores.close()
    tracker.close()


def section_index(window: MainWindow, section_id: str) -> QModelIndex:
    index = window.contents_model.index_of_section(section_id)
    assert index.isValid()
    return index


def test_changed_sections_of_theirs_carry_a_badge_in_the_contents(rig: Rig) -> None:
    model = rig.window.contents_model
    changed = section_index(rig.window, "DMBM511015")
    assert str(changed.data(Qt.ItemDataRole.DisplayRole)).endswith("(changed)")  # words, not colour only
    assert isinstance(changed.data(Qt.ItemDataRole.DecorationRole), QIcon)
    tooltip = str(changed.data(Qt.ItemDataRole.ToolTipRole))
    assert f"{SENTENCE} (you bookmarked it; you read it recently)" in tooltip
    assert str(changed.data(Qt.ItemDataRole.AccessibleTextRole)).endswith("changed since you read it on 3 dec 2026")
    assert changed.data(ALERT_ROLE).since == READ_ON
    # Read recently, not bookmarked: a badge too.
    assert str(section_index(rig.window, "CSDH0300").data(Qt.ItemDataRole.DisplayRole)).endswith("(changed)")
    # Read and unchanged; never read: no badge.
    for quiet in ("CSDH0100", "CSDH0200"):
        index = section_index(rig.window, quiet)
        assert "changed" not in str(index.data(Qt.ItemDataRole.DisplayRole))
        assert index.data(Qt.ItemDataRole.DecorationRole) is None and index.data(ALERT_ROLE) is None
    # The manuals with a changed section inside say so; the one without does not.
    manuals = {model.index(r, 0).data(Qt.ItemDataRole.UserRole + 2): model.index(r, 0) for r in range(model.rowCount())}
    assert isinstance(manuals["DMBM"].data(Qt.ItemDataRole.DecorationRole), QIcon)
    assert INSIDE_TOOLTIP in str(manuals["DMBM"].data(Qt.ItemDataRole.ToolTipRole))
    assert manuals["DWPREC"].data(Qt.ItemDataRole.DecorationRole) is None


def test_the_bookmarks_and_recent_lists_carry_the_badge(rig: Rig) -> None:
    bookmarks = rig.window.bookmarks_model
    [row] = [bookmarks.index(r) for r in range(bookmarks.rowCount())]
    assert str(row.data(Qt.ItemDataRole.DisplayRole)) == "DMBM511015  Customer recording the call  (changed)"
    assert isinstance(row.data(Qt.ItemDataRole.DecorationRole), QIcon)
    assert SENTENCE in str(row.data(Qt.ItemDataRole.ToolTipRole))
    recent = rig.window.recent_model
    rows = {str(recent.index(r).data(Qt.ItemDataRole.UserRole + 1)): recent.index(r) for r in range(recent.rowCount())}
    assert str(rows["CSDH0300"].data(Qt.ItemDataRole.DisplayRole)).endswith("(changed)")
    assert SENTENCE in str(rows["CSDH0300"].data(Qt.ItemDataRole.ToolTipRole))


def test_opening_a_changed_section_takes_its_badge_away(rig: Rig, qtbot: QtBot) -> None:
    rig.window.open_section("DMBM511015")
    index = section_index(rig.window, "DMBM511015")
    assert "changed" not in str(index.data(Qt.ItemDataRole.DisplayRole))
    assert index.data(Qt.ItemDataRole.DecorationRole) is None
    bookmarks = rig.window.bookmarks_model
    assert "changed" not in str(bookmarks.index(0).data(Qt.ItemDataRole.DisplayRole))
    # The other one keeps its badge.
    assert str(section_index(rig.window, "CSDH0300").data(Qt.ItemDataRole.DisplayRole)).endswith("(changed)")


def test_a_new_bookmark_is_looked_at_again(rig: Rig, qtbot: QtBot) -> None:
    # DWPREC0100 changed since it was read, 40 days ago: not theirs until they bookmark it.
    assert section_index(rig.window, "DWPREC0100").data(ALERT_ROLE) is None
    rig.window.user_lists.stores.bookmarks.add("DWPREC0100", "Recording")
    rig.window.bookmarks_model.refresh()  # as the Bookmarks menu does after a change
    qtbot.waitUntil(lambda: rig.alerts.computations == 2)
    index = section_index(rig.window, "DWPREC0100")
    assert str(index.data(Qt.ItemDataRole.ToolTipRole)).endswith(
        "Changed since you read it on 24 Oct 2026 (you bookmarked it)")


def test_screenshot_of_the_badges(rig: Rig, qtbot: QtBot) -> None:
    """Looked at by eye (H17C_SHOTS=folder): the contents opened at the changed section."""
    rig.window.focus_contents()
    rig.window.contents.expandAll()
    rig.window.contents.setCurrentIndex(rig.window.contents_pane.proxy.mapFromSource(
        section_index(rig.window, "CSDH0300")))
    assert rig.window.contents.isVisible()
    if os.environ.get("H17C_SHOTS"):
        rig.window.grab().save(str(Path(os.environ["H17C_SHOTS"]) / "h17c-contents.png"))
        rig.window.user_lists.focus_bookmarks()
        rig.window.grab().save(str(Path(os.environ["H17C_SHOTS"]) / "h17c-bookmarks.png"))


def test_a_changed_section_opens_with_a_banner(rig: Rig, qtbot: QtBot) -> None:
    rig.window.open_section("DMBM511015")
    banner = rig.window.current_view().change_banner
    qtbot.waitUntil(banner.isVisible)
    assert banner.label.text() == f'<b>{SENTENCE}</b>: <a href="changes:diff">see what changed</a>'
    assert "you bookmarked it" in banner.accessibleDescription()
    if os.environ.get("H17C_SHOTS"):
        rig.window.grab().save(str(Path(os.environ["H17C_SHOTS"]) / "h17c-banner.png"))
    # "see what changed": the word diff against the text read on 3 Dec, in place of the banner.
    view = rig.window.current_view()
    banner.label.linkActivated.emit("changes:diff")
    assert view.showing_changes and view.changes_bar.isVisible() and not banner.isVisible()
    assert "(updated)" in view.browser.toPlainText()
    if os.environ.get("H17C_SHOTS"):
        rig.window.grab().save(str(Path(os.environ["H17C_SHOTS"]) / "h17c-diff.png"))
    view.show_changes(False)
    # Elsewhere, and back once read: no banner (its badge went when it was shown).
    rig.window.open_section("CSDH0100")
    assert not banner.isVisible()
    rig.window.current_view().back()
    assert rig.window.current_view().current_id == "DMBM511015" and not banner.isVisible()
    # A new tab on a changed section has its banner too.
    view = rig.window.new_tab("CSDH0300")
    qtbot.waitUntil(view.change_banner.isVisible)
    assert SENTENCE in view.change_banner.label.text()
