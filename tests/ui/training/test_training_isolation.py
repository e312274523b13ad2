"""The proof that training never reaches real notes or real mail: a scenario with an escalation
and a note, driven to its end on a window that also has the live checklists (on the user's real
database, delivering to a drop folder), leaves the live database without a note or an outbox
row, writes no .eml file, builds no channel and opens no mail program or mail server. The note
and the held escalation are in the training database only."""

from __future__ import annotations

import dataclasses
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from manualviewer.core.settings import EscalationChannel
from manualviewer.storage import outbox as outbox_module
from manualviewer.storage import paths
from manualviewer.storage import smtp as smtp_module
from manualviewer.storage.outbox import EscalationState
from manualviewer.storage.stores import Stores, open_stores
from manualviewer.ui.checklist import deps as checklists_module
from manualviewer.ui.training.controller import TRAINING_RECIPIENT
from tests.helpers.checklist_rig import OFFICER
from tests.helpers.training_rig import (
    THIRD_PARTY,
    close_windows,
    make_training_rig,
    open_debrief,
    save_training_note,
    start_scenario,
    texts,
    walk_third_party_right,
)


class Spy:
    def __init__(self, name: str) -> None:
        self.name = name
        self.calls: list[tuple[object, ...]] = []

    def __call__(self, *args: object, **kwargs: object) -> object:
        self.calls.append(args)
        raise AssertionError(f"training called {self.name}")


@pytest.fixture
def spies(monkeypatch: pytest.MonkeyPatch) -> dict[str, Spy]:
    """Every way out of the app a message could take, replaced by a spy that records and fails."""
    found: dict[str, Spy] = {}

    def spy(target: object, name: str, label: str) -> None:
        found[label] = Spy(label)
        monkeypatch.setattr(target, name, found[label])

    spy(QDesktopServices, "openUrl", "QDesktopServices.openUrl")  # mailto: opens the mail program
    spy(outbox_module, "channel_from_settings", "channel_from_settings")
    spy(checklists_module, "channel_from_settings", "checklists.channel_from_settings")
    spy(checklists_module, "_desktop_opener", "mailto opener")
    spy(outbox_module, "mailto_url", "mailto_url")
    spy(outbox_module.MailtoChannel, "deliver", "MailtoChannel.deliver")
    spy(outbox_module.FolderChannel, "deliver", "FolderChannel.deliver")
    spy(outbox_module.SmtpChannel, "deliver", "SmtpChannel.deliver")
    spy(smtp_module.smtplib, "SMTP", "smtplib.SMTP")
    spy(smtp_module.smtplib, "SMTP_SSL", "smtplib.SMTP_SSL")
    spy(socket, "create_connection", "socket.create_connection")  # how smtplib reaches a relay
    spy(outbox_module.Outbox, "deliver_pending", "Outbox.deliver_pending")
    return found


@pytest.fixture
def live(qtbot: QtBot) -> Iterator[Stores]:
    opened = open_stores()  # the user's real database, where the app keeps live notes
    assert Path(opened.conn.execute("PRAGMA database_list").fetchone()[2]) == paths.database_path()
    yield opened
    close_windows()
    opened.close()


def count(database: Path, table: str) -> int:
    conn = sqlite3.connect(database)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_training_leaves_no_live_note_no_outbox_row_and_sends_no_mail(
    qtbot: QtBot, bundled_content: Path, live: Stores, spies: dict[str, Spy], tmp_path: Path, user_dirs: Path,
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    settings = dataclasses.replace(OFFICER, escalation_channel=EscalationChannel.FOLDER, drop_folder=drop)
    factory = Spy("the live checklists' channel factory")
    rig = make_training_rig(qtbot, bundled_content, live, settings=settings, channel_factory=factory)
    try:
        start_scenario(qtbot, rig, THIRD_PARTY, trainee="Priya Shah")
        walk_third_party_right(qtbot, rig, concern="The customer will pass it to a neighbour.")
        assert rig.training.session is not None and rig.training.session.run.escalations  # escalate step on the path
        save_training_note(qtbot, rig)

        qtbot.waitUntil(lambda: "NOT SENT" in texts(rig.panel), timeout=2000)
        shown = texts(rig.panel)
        assert "Would be sent to the line manager" in shown and "NOT SENT (training)" in shown
        assert "kept in the training records" in shown
        debrief = open_debrief(qtbot, rig)
        assert debrief.attempt.grade.perfect
    finally:
        rig.training.close()

    # Live: nothing.
    assert count(paths.database_path(), "notes") == 0
    assert count(paths.database_path(), "outbox") == 0
    assert live.notes.list() == [] and live.outbox.list() == []
    assert list(tmp_path.rglob("*.eml")) == [] and list(drop.iterdir()) == []
    assert factory.calls == []
    for name, spy in spies.items():
        assert spy.calls == [], name

    # Training: the note, and the escalation held as "would be sent", never tried.
    assert paths.training_database_path() != paths.database_path()
    training = open_stores(paths.training_database_path())
    try:
        notes = training.notes.list()
        assert len(notes) == 1
        note = notes[0]
        assert note.officer == "Priya Shah"
        assert note.customer_reference == "PW 300418"
        assert note.record["training"] == {"scenario": THIRD_PARTY, "trainee": "Priya Shah"}
        held = training.outbox.list()
        assert len(held) == 1
        assert held[0].to == TRAINING_RECIPIENT and held[0].to.endswith("@training.invalid>")
        assert held[0].subject.startswith("[TRAINING] ")
        assert "never sent" in held[0].body and "The customer will pass it to a neighbour." in held[0].body
        assert held[0].state is EscalationState.QUEUED and held[0].attempts == 0
    finally:
        training.close()
