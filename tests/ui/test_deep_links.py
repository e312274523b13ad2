"""Deep links in the running app: a manualviewer: link or a GOV.UK address from a second process,
the command line or the search box opens the section; one that cannot open says why in the window."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtNetwork import QLocalSocket
from pytestqt.qtbot import QtBot

from manualviewer.app import Application
from manualviewer.core.links import parse_link
from tests.ui.test_app import content_copy, started  # noqa: F401  (content_copy is a fixture)

GOVUK = "https://www.gov.uk/hmrc-internal-manuals/debt-management-and-banking"


@pytest.fixture
def running(qtbot: QtBot, content_copy: Path) -> Iterator[Application]:  # noqa: F811
    app = started(qtbot, content_copy)
    yield app
    app.shutdown()


def send(running: Application, message: str) -> QLocalSocket:
    # A second process would call send_to_running(); it blocks, so the message is written here
    # while the event loop turns.
    socket = QLocalSocket()
    socket.connectToServer(running.server.name)
    assert socket.waitForConnected(1000)
    socket.write(message.encode() + b"\n")
    socket.flush()
    return socket


@pytest.mark.parametrize("link", ["manualviewer://DMBM511340", "manualviewer://section/dmbm511340/",
                                  f"{GOVUK}/dmbm511340?utm_source=email"])
def test_a_link_from_a_second_process_opens_in_the_running_window(qtbot: QtBot, running: Application,
                                                                  link: str) -> None:
    socket = send(running, f"open {link}")
    qtbot.waitUntil(lambda: running.window.current_view().current_id == "DMBM511340")
    socket.disconnectFromServer()


def test_an_unknown_id_in_a_link_says_so_and_keeps_the_window(qtbot: QtBot, running: Application) -> None:
    window = running.window
    socket = send(running, "open manualviewer://NOSUCH999")
    bar = window.current_view().missing_bar
    qtbot.waitUntil(bar.isVisible)
    assert "NOSUCH999 is not in this library" in bar.label.text()
    assert "NOSUCH999 is not in this library" in window.status_label.text()
    assert window.current_view().current_id == ""  # still the start page
    socket.disconnectFromServer()


def test_a_malformed_link_at_start_opens_the_app_with_the_reason(qtbot: QtBot, content_copy: Path) -> None:  # noqa: F811
    app = started(qtbot, content_copy, "manualviewer://section/")
    try:
        bar = app.window.current_view().missing_bar
        assert bar.isVisible()
        assert "That link cannot be opened: the link names no section." in bar.label.text()
        assert not bar.copy_button.isVisible()  # no ID to copy
        assert app.window.isVisible()
    finally:
        app.shutdown()


def test_a_link_given_at_start_opens_its_section(qtbot: QtBot, content_copy: Path) -> None:  # noqa: F811
    app = started(qtbot, content_copy, f"{GOVUK}/DMBM511015/")
    try:
        assert app.window.current_view().current_id == "DMBM511015"
        assert not app.window.current_view().missing_bar.isVisible()
    finally:
        app.shutdown()


def test_copy_link_copies_a_manualviewer_link_that_opens_the_section(qtbot: QtBot, running: Application) -> None:
    window = running.window
    window.open_section("dmbm511015")
    window.act_copy_link.trigger()
    copied = QGuiApplication.clipboard().text()
    assert copied == "manualviewer://DMBM511015"
    assert "manualviewer://DMBM511015" in window.status_label.text()
    window.open_section("DMBM511340")
    assert window.open_reference(copied)
    assert window.current_view().current_id == "DMBM511015"
    parsed = parse_link(copied)
    assert parsed is not None and parsed.section_id == "DMBM511015"


def test_a_govuk_address_pasted_into_the_search_box_opens_the_local_copy(qtbot: QtBot,
                                                                         running: Application) -> None:
    window = running.window
    window.focus_search()
    window.search_panel.box.setText(f"{GOVUK}/dmbm511340#part-2")  # what a paste does
    qtbot.waitUntil(lambda: window.current_view().current_id == "DMBM511340")
    assert "Opened" in window.search_panel.status.text()
    # A later re-run of the search (an index update) does not pull the reader back to it.
    window.open_section("DMBM511015")
    window.search_panel.run_search()
    assert window.current_view().current_id == "DMBM511015"


def test_a_pasted_address_the_library_lacks_says_so(qtbot: QtBot, running: Application) -> None:
    window = running.window
    window.search_panel.box.setText(f"{GOVUK}/dmbm999999")
    qtbot.waitUntil(lambda: "DMBM999999 is not in this library" in window.search_panel.status.text())
    assert window.search_panel.model.rowCount() == 0
    assert window.current_view().current_id == ""


def test_manualviewer_open_link_in_a_subprocess_reaches_the_running_window(qtbot: QtBot,
                                                                            running: Application) -> None:
    # The real command, as the desktop entry (Exec=manualviewer %u) or a case system starts it: the
    # link alone as its argument, and `open LINK`.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for argv, wanted in ((["manualviewer://section/DMBM511340"], "DMBM511340"),
                         (["open", "manualviewer:dmbm511015"], "DMBM511015")):
        proc = subprocess.Popen([sys.executable, "-m", "manualviewer", *argv], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        qtbot.waitUntil(lambda w=wanted: running.window.current_view().current_id == w, timeout=30000)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "Passed to the running Manual Viewer" in out
