"""Read and understood in the window: the count in the status bar, the Must read list, and the
confirm bar in a must-read section (its confirmation shown after; a refused save said plainly)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from manualviewer.core.content.loader import load_library
from manualviewer.core.procedures.wording import local_time
from manualviewer.core.settings import EscalationChannel, Settings
from manualviewer.storage.outbox import FolderChannel
from manualviewer.storage.stores import Stores, open_stores
from manualviewer.ui.reading.main_window import MainWindow
from manualviewer.ui.reading.must_read import MustReadUi, install_must_read
from tests.helpers.notes_faults import another_program_holding
from tests.ui.helpers import make_window


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def section(section_id: str, title: str, extra: str = "", body: str = "Body.") -> str:
    return f"---\nsection_id: {section_id}\ntitle: {title}\n{extra}---\n{body}\n"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    write(root, "test/manual.md", "---\ncode: TEST\ntitle: Test Manual\norganisation: Test Org\n---\nIntro.\n")
    write(root, "test/TEST100.md", section("TEST100", "Recording a call", "must_read_by: 2020-01-31\n",
                                           "Write down what the customer said."))
    write(root, "test/TEST200.md", section("TEST200", "Vulnerable customers", "must_read_by: 2099-12-31\n"))
    write(root, "test/TEST300.md", section("TEST300", "Other guidance"))
    return root


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "user.db")
    yield opened
    opened.close()


def window_with_must_read(qtbot: QtBot, content: Path, stores: Stores, officer: str = "Sam Officer",
                          ) -> tuple[MainWindow, MustReadUi]:
    window, _ = make_window(content)
    qtbot.addWidget(window)
    ui = install_must_read(window, window.tabs, window.sidebar, window.library, stores.attestations,
                           lambda: Settings(officer_name=officer), window.open_section, window.library_changed,
                           menu=window.view_menu)
    window.show()
    return window, ui


def test_the_count_in_the_status_bar_opens_the_list(qtbot: QtBot, content: Path, stores: Stores) -> None:
    window, ui = window_with_must_read(qtbot, content, stores)
    assert ui.count_button.isVisible() and ui.count_button.text() == "2 to read (1 overdue)"
    assert window.sidebar.indexOf(ui.panel) >= 0
    qtbot.mouseClick(ui.count_button, Qt.MouseButton.LeftButton)
    assert window.sidebar.currentWidget() is ui.panel
    model = ui.model
    rows = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    assert rows == [["TEST100  Recording a call", "31 Jan 2020", "Overdue"],
                    ["TEST200  Vulnerable customers", "31 Dec 2099", "To read"]]
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert "Overdue: it was due by 31 Jan 2020" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    ui.panel.view.activated.emit(model.index(1, 0))
    assert window.current_view().current_id == "TEST200"
    window.sidebar.setCurrentIndex(0)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    assert ui.act_list in window.view_menu.actions() and ui.act_list.isVisible()
    ui.act_list.trigger()  # the keyboard's way to the list: View > Must-read sections
    assert window.sidebar.currentWidget() is ui.panel
    qtbot.waitUntil(ui.panel.view.hasFocus, timeout=2000)


def test_confirming_a_section_shows_when_and_counts_down(qtbot: QtBot, content: Path, stores: Stores) -> None:
    window, ui = window_with_must_read(qtbot, content, stores)
    window.open_section("TEST300")
    bar = ui.bar_of(window.current_view())
    assert bar is not None and not bar.isVisible()  # not a must-read section
    window.open_section("TEST100")
    assert bar.isVisible() and bar.button.isVisible()
    assert "overdue" in bar.label.text() and "31 Jan 2020" in bar.label.text()
    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    (kept,) = stores.attestations.list()
    assert (kept.section_id, kept.officer, kept.content_hash) == (
        "TEST100", "Sam Officer", window.library.sections["TEST100"].content_hash)
    assert bar.label.text().startswith("You confirmed this on ") and not bar.button.isVisible()
    assert ui.count_button.text() == "1 to read"
    # A second tab on the same section says so too, and so does the list.
    other = window.new_tab("TEST100")
    other_bar = ui.bar_of(other)
    assert other_bar is not None and other_bar.label.text().startswith("You confirmed this on ")
    statuses = [ui.model.index(r, 2).data() for r in range(ui.model.rowCount())]
    assert statuses == ["To read", "Confirmed"]


def test_a_change_to_the_section_asks_again(qtbot: QtBot, content: Path, stores: Stores) -> None:
    window, ui = window_with_must_read(qtbot, content, stores)
    window.open_section("TEST200")
    assert ui.confirm("TEST200")
    assert ui.count_button.text() == "1 to read (1 overdue)"
    write(content, "test/TEST200.md", section("TEST200", "Vulnerable customers", "must_read_by: 2099-12-31\n",
                                              "A new rule."))
    window.set_library(load_library([content]))
    bar = ui.bar_of(window.current_view())
    assert bar is not None and bar.button.isVisible()
    assert "changed since you confirmed it" in bar.label.text()
    assert ui.count_button.text() == "2 to read (1 overdue)"
    assert ui.model.index(1, 2).data() == "Changed"
    assert "Changed since you confirmed it" in ui.model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_a_refused_save_says_why_and_keeps_the_button(qtbot: QtBot, content: Path, stores: Stores,
                                                       tmp_path: Path) -> None:
    window, ui = window_with_must_read(qtbot, content, stores)
    window.open_section("TEST200")
    bar = ui.bar_of(window.current_view())
    assert bar is not None
    with another_program_holding(tmp_path / "user.db"):
        qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
        pressed = dt.datetime.now(dt.UTC)
    text = bar.label.text()
    assert "could not be recorded yet" in text and "another program is using" in text
    assert "kept safe on this computer" in text and "recorded the next time manualviewer starts" in text
    assert bar.button.isVisible() and stores.attestations.list() == []
    assert ui.count_button.text() == "1 to read (1 overdue)"  # kept: no longer to read
    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)  # once the other program is done
    assert bar.label.text().startswith("You confirmed this on ")
    (record,) = stores.attestations.list()
    assert record.confirmed_at <= pressed  # the time it was first pressed, kept


def test_without_an_officer_name_nothing_is_recorded(qtbot: QtBot, content: Path, stores: Stores) -> None:
    window, ui = window_with_must_read(qtbot, content, stores, officer="")
    window.open_section("TEST200")
    bar = ui.bar_of(window.current_view())
    assert bar is not None
    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    assert "Not recorded" in bar.label.text() and "Edit &gt; Settings" in bar.label.text()  # rich text
    assert bar.button.isVisible()
    assert stores.attestations.list() == []


def test_a_library_without_must_reads_shows_no_count_and_no_list(qtbot: QtBot, bundled_content: Path,
                                                                   stores: Stores) -> None:
    window, ui = window_with_must_read(qtbot, bundled_content, stores)
    assert not ui.count_button.isVisible()
    assert window.sidebar.indexOf(ui.panel) < 0
    assert not ui.act_list.isVisible()
    # Not in a tab, the list must not float over the sidebar either (it did, at its top left).
    assert not ui.panel.isVisible()


def test_the_list_goes_away_when_the_must_reads_do(qtbot: QtBot, content: Path, bundled_content: Path,
                                                   stores: Stores) -> None:
    window, ui = window_with_must_read(qtbot, content, stores)
    ui.show_list()
    assert ui.panel.isVisible()
    ui.set_library(load_library([bundled_content]))
    assert window.sidebar.indexOf(ui.panel) < 0
    assert not ui.panel.isVisible()


def test_a_confirmation_goes_to_the_line_manager_when_the_settings_ask(
        qtbot: QtBot, content: Path, stores: Stores, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    settings = Settings(officer_name="Sam Officer", line_manager_email="lee@example.org",
                        escalation_channel=EscalationChannel.FOLDER, drop_folder=drop,
                        confirmations_to_line_manager=True)
    window, _ = make_window(content)
    qtbot.addWidget(window)
    ui = install_must_read(window, window.tabs, window.sidebar, window.library, stores.attestations,
                           lambda: settings, window.open_section, window.library_changed, stores.outbox,
                           lambda: stores.outbox.deliver_pending(FolderChannel(drop)))
    window.show()
    window.open_section("TEST200")
    bar = ui.bar_of(window.current_view())
    assert bar is not None
    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    assert "Sending it to your line manager through the drop folder" in window.statusBar().currentMessage()
    (message,) = drop.iterdir()
    mail = email.message_from_bytes(message.read_bytes(), policy=email.policy.default)
    assert "Sam Officer confirmed that they have read and understood" in mail.get_body().get_content()
    assert [e.subject for e in stores.outbox.list()] == ["Read and understood: TEST200 Vulnerable customers"]


def test_a_kept_confirmation_shows_as_kept_until_it_is_recorded(qtbot: QtBot, content: Path, tmp_path: Path) -> None:
    """Refused (another program holds the database), the confirmation is kept: the list says
    "Kept - will be recorded" and the count leaves it out; at the next start it is recorded
    and shows as confirmed, with the time it was pressed."""
    stores = open_stores(tmp_path / "user.db")
    window, ui = window_with_must_read(qtbot, content, stores)
    window.open_section("TEST200")
    bar = ui.bar_of(window.current_view())
    assert bar is not None
    with another_program_holding(tmp_path / "user.db"):
        qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    assert "could not be recorded yet" in bar.label.text() and stores.attestations.list() == []
    model = ui.model
    rows = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    assert rows == [["TEST100  Recording a call", "31 Jan 2020", "Overdue"],
                    ["TEST200  Vulnerable customers", "31 Dec 2099", "Kept - will be recorded"]]
    assert model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole).startswith(
        "TEST200: Vulnerable customers\nKept - will be recorded: you confirmed this on ")
    assert ui.count_button.text() == "1 to read (1 overdue)"
    assert ui.count_button.toolTip().startswith("1 must-read section to read and confirm")
    assert ui.panel.summary.text().startswith("1 to read and confirm, 1 overdue.")
    assert "1 confirmation is kept on this computer and will be recorded" in ui.panel.summary.text()
    window.open_section("TEST300")
    window.open_section("TEST200")  # back on it: the bar says kept (and the button can record it now)
    assert bar.label.text().startswith("<b>Kept - will be recorded.</b> You confirmed this on ")
    assert bar.button.isVisible()
    ui.show_list()
    shots = os.environ.get("MANUALVIEWER_SHOTS")
    if shots:
        window.grab().save(str(Path(shots) / "must-read-kept.png"))
    window.close()
    stores.close()

    again = open_stores(tmp_path / "user.db")  # the next start: the kept confirmation is recorded
    try:
        (record,) = again.attestations.list()
        window, ui = window_with_must_read(qtbot, content, again)
        assert [ui.model.index(r, 2).data() for r in range(ui.model.rowCount())] == ["Overdue", "Confirmed"]
        assert ui.count_button.text() == "1 to read (1 overdue)"
        assert ui.panel.summary.text() == ("1 to read and confirm, 1 overdue. Open a section, read it, "
                                           "then press \u201cI have read and understood\u201d.")
        assert record.section_id == "TEST200" and local_time(record.confirmed_at) in (
            ui.model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole))
        window.close()
    finally:
        again.close()
