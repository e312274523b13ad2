"""View > What changed and the section view's changes mode, on a real copy of the bundled library
with a real versions database: the list per manual with change notes, opening a changed section
with its word diff (marked in words and line style, not colour alone), the toggle back to the
clean text, and sections shown marked as read."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from manualviewer.ui.changes.dialog import WORKING
from manualviewer.ui.changes.model import CHANGE_ROLE, SECTION_ID_ROLE
from manualviewer.ui.changes.pages import DARK, LIGHT
from manualviewer.ui.reading.main_window import MainWindow
from tests.helpers.changes_rig import EDITED, Rig
from tests.helpers.palettes import contrast, dark_palette

SHOTS = os.environ.get("MANUALVIEWER_SHOTS", "")


def page_text(window: MainWindow) -> str:
    return window.current_view().browser.toPlainText()


def test_a_section_shown_is_marked_read_with_its_content(rig: Rig) -> None:
    assert rig.tracker.last_read(EDITED) is None
    rig.window.open_section(EDITED)
    read = rig.tracker.last_read(EDITED)
    assert read is not None and read.content_hash == rig.library.sections[EDITED].content_hash


def test_what_changed_lists_the_changed_section_under_its_manual_with_change_notes(qtbot: QtBot, rig: Rig) -> None:
    rig.update("It is not unlawful", "It is not against the law",
               notes="change_notes:\n  - date: 2026-11-20\n    note: Recording guidance reworded.\n")

    dialog = rig.ui.show_what_changed()
    qtbot.waitUntil(lambda: not dialog.working)
    qtbot.waitExposed(dialog)

    model = dialog.model
    assert model.rowCount() == 1
    group = model.index(0, 0)
    assert group.data() == "Debt Management and Banking Manual (DMBM): 1 changed"
    row = model.index(0, 0, group)
    assert row.data() == f"Changed: {EDITED} {rig.library.sections[EDITED].title}"
    assert (row.data(SECTION_ID_ROLE), row.data(CHANGE_ROLE)) == (EDITED, "changed")
    assert dialog.summary.text().startswith("Since ") and dialog.summary.text().count("1 changed") == 1
    assert "20 Nov 2026, DMBM511015: Recording guidance reworded." in dialog.notes.toPlainText()
    assert dialog.open_button.isEnabled()


def test_opening_a_changed_section_shows_its_word_diff_and_the_toggle_returns_to_clean_text(
        qtbot: QtBot, rig: Rig) -> None:
    rig.window.open_section(EDITED)  # read before the update
    rig.window.open_section("DMBM511130")
    rig.update("It is not unlawful", "It is not against the law")
    dialog = rig.ui.show_what_changed()
    qtbot.waitUntil(lambda: not dialog.working)
    row = dialog.model.index(0, 0, dialog.model.index(0, 0))
    dialog.tree.setCurrentIndex(row)

    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)

    view = rig.window.current_view()
    assert view.current_id == EDITED and view.showing_changes
    assert rig.ui.act_show_changes.isChecked()
    text = page_text(rig.window)
    assert "It is not [removed]unlawful[added]against the law for an individual" in text
    assert not view.changes_bar.isHidden()
    assert view.changes_bar.label.text().startswith("Changes since the version you read on ")
    # The change is carried by line style too: underline for added, strike-through for removed.
    styles = {fragment_text: fmt for fragment_text, fmt in fragments(view.browser)}
    assert styles["against the law"].fontUnderline()
    assert styles["unlawful"].fontStrikeOut()

    rig.ui.act_show_changes.trigger()  # back to the clean text
    assert not view.showing_changes and not rig.ui.act_show_changes.isChecked()
    assert "It is not against the law for an individual" in page_text(rig.window)
    assert "[added]" not in page_text(rig.window) and view.changes_bar.isHidden()

    rig.ui.act_show_changes.trigger()  # and again, by the keyboard's action
    assert view.showing_changes and "[added]" in page_text(rig.window)
    view.open_section("DMBM511340")  # a visit elsewhere shows the clean text
    assert not view.showing_changes and not rig.ui.act_show_changes.isChecked()


def test_a_section_with_no_earlier_version_says_so_and_stays_clean(rig: Rig) -> None:
    rig.window.open_section("DMBM511340")
    rig.ui.act_show_changes.trigger()
    view = rig.window.current_view()
    assert not view.showing_changes and not rig.ui.act_show_changes.isChecked()
    assert not view.missing_bar.isHidden()
    assert "No earlier version of DMBM511340 is kept" in view.missing_bar.label.text()


def test_diff_tints_keep_the_text_readable_on_light_and_dark_palettes(rig: Rig) -> None:
    light_text = QColor(rig.window.palette().color(rig.window.palette().ColorRole.Text))
    dark_text = dark_palette().color(dark_palette().ColorRole.Text)
    for tint in (LIGHT.inserted, LIGHT.deleted):
        assert contrast(light_text, QColor(tint)) >= 7
    for tint in (DARK.inserted, DARK.deleted):
        assert contrast(dark_text, QColor(tint)) >= 7
    rig.window.open_section(EDITED)
    rig.update("It is not unlawful", "It is not against the law")
    rig.window.setPalette(dark_palette())
    view = rig.window.current_view()
    assert view.show_changes(True)
    colours = {fmt.background().color().name() for _t, fmt in fragments(view.browser)
               if (fmt.fontUnderline() or fmt.fontStrikeOut()) and not fmt.isAnchor()}  # links are underlined too
    assert colours == {DARK.inserted, DARK.deleted}


def fragments(browser: object) -> Iterator[tuple[str, QTextCharFormat]]:
    document = browser.document()  # type: ignore[attr-defined]
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid():
                yield fragment.text(), fragment.charFormat()
            it += 1
        block = block.next()


def test_a_removed_section_cannot_be_opened_and_an_older_version_can_be_compared(qtbot: QtBot, rig: Rig,
                                                                                 ) -> None:
    (rig.content / "dmbm" / "DMBM511130.md").unlink()
    rig.update("It is not unlawful", "It is not against the law")
    rig.update("business-related", "about business")
    dialog = rig.ui.show_what_changed()
    qtbot.waitUntil(lambda: not dialog.working)
    # Since the version before this one: only the second edit.
    rows = [dialog.model.index(r, 0, dialog.model.index(0, 0)).data() for r in range(dialog.model.rowCount(
        dialog.model.index(0, 0)))]
    assert rows == [f"Changed: {EDITED} {rig.library.sections[EDITED].title}"]
    # Since the first version (the combo lists every earlier one, newest first): the removal too.
    assert dialog.since_box.count() == 3
    dialog.since_box.setCurrentIndex(2)
    dialog.since_box.activated.emit(2)
    qtbot.waitUntil(lambda: not dialog.working)
    group = dialog.model.index(0, 0)
    assert group.data() == "Debt Management and Banking Manual (DMBM): 1 changed, 1 removed"
    removed = dialog.model.index(1, 0, group)
    assert removed.data(CHANGE_ROLE) == "removed"
    dialog.tree.setCurrentIndex(removed)
    assert not dialog.open_button.isEnabled()
    dialog.tree.activated.emit(removed)
    assert dialog.summary.text() == "DMBM511130 was removed from the library in this version: there is nothing to open."
    shown = dialog.notes.toPlainText()
    assert "DMBM511130" in shown and "was removed. Its last text kept on this computer:" in shown
    assert "When out on call, there is often a need to use their phones" in shown
    assert "- they are attempting" not in shown and "##" not in shown  # drawn as the reader draws it
    assert rig.window.current_view().current_id != "DMBM511130"
    # A section named by a link there opens in the window; a web address is not followed from here.
    requested: list[tuple[str, bool]] = []
    dialog.section_requested.connect(lambda section, changes: requested.append((section, changes)))
    dialog.notes.anchorClicked.emit(QUrl("https://www.gov.uk/"))
    dialog.notes.anchorClicked.emit(QUrl(f"section:{EDITED}"))
    assert requested == [(EDITED, True)]


def test_the_toggle_follows_the_current_tab(rig: Rig) -> None:
    rig.window.open_section(EDITED)
    rig.update("It is not unlawful", "It is not against the law")
    rig.ui.act_show_changes.trigger()
    assert rig.ui.act_show_changes.isChecked()
    rig.window.new_tab("DMBM511340")
    assert not rig.ui.act_show_changes.isChecked()
    rig.window.tabs.setCurrentIndex(0)
    assert rig.ui.act_show_changes.isChecked() and rig.window.current_view().showing_changes


# --- worked out off the GUI thread ---------------------------------------------------------------
def job_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "manualviewer-job"]


def test_what_changed_is_worked_out_off_the_gui_thread_then_listed(qtbot: QtBot, rig: Rig) -> None:
    rig.update("It is not unlawful", "It is not against the law")
    dialog = rig.ui.show_what_changed()
    # Straight away, before the worker's answer can arrive: a plain state, nothing to open yet.
    assert dialog.working and dialog.summary.text() == WORKING
    assert dialog.model.rowCount() == 0 and not dialog.open_button.isEnabled()
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "what-changed-working.png"))
    with qtbot.waitSignal(dialog.ready, timeout=10000):
        pass
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "what-changed-ready.png"))
    assert not dialog.working and dialog.summary.text().startswith("Since ")
    assert dialog.model.index(0, 0, dialog.model.index(0, 0)).data(SECTION_ID_ROLE) == EDITED
    assert dialog.open_button.isEnabled() and dialog.since_box.count() == 2


def test_a_result_for_a_library_replaced_meanwhile_is_dropped(qtbot: QtBot, rig: Rig) -> None:
    rig.update("It is not unlawful", "It is not against the law")
    dialog = rig.ui.show_what_changed()
    shown: list[int] = []
    dialog.ready.connect(lambda: shown.append(dialog.model.rowCount()))
    # A reload while the first comparison runs: its answer (for the library before) is not shown.
    rig.update("business-related", "about business")
    qtbot.waitUntil(lambda: not dialog.working and not job_threads(), timeout=10000)
    QApplication.processEvents()  # anything still queued from the first worker is delivered now
    assert shown == [1]
    section = dialog.model.index(0, 0, dialog.model.index(0, 0))
    assert section.data(SECTION_ID_ROLE) == EDITED
    assert dialog.since_box.count() == 3  # the versions of the new library, listed once
    assert dialog.report is not None and dialog.report.current is not None
    assert dialog.report.current.version_id == rig.tracker.current_version(rig.library)


@pytest.mark.parametrize("deleted", [False, True])
def test_the_dialog_can_be_closed_while_it_works(qtbot: QtBot, rig: Rig, deleted: bool) -> None:
    rig.update("It is not unlawful", "It is not against the law")
    dialog = rig.ui.show_what_changed()
    shown: list[bool] = []
    dialog.ready.connect(lambda: shown.append(True))
    assert dialog.working
    dialog.close()
    if deleted:
        dialog.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert not isValid(dialog)
    qtbot.waitUntil(lambda: not job_threads(), timeout=10000)
    QApplication.processEvents()  # the worker's answer arrives: ignored, no error, no Qt warning
    assert shown == []
    if not deleted:
        assert dialog.model.rowCount() == 0
    # Opened again: worked out afresh, and shown.
    again = rig.ui.show_what_changed()
    assert again is not dialog
    qtbot.waitUntil(lambda: not again.working, timeout=10000)
    assert again.model.rowCount() == 1
