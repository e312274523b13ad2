"""The window with a relay that answers after the client gave up: the Escalations panel says the
escalation may have been delivered, and Retry asks before it sends it again (same Message-ID)."""

from __future__ import annotations

import email.parser
import email.policy
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from manualviewer.storage.outbox import EscalationState, SmtpChannel
from manualviewer.storage.stores import Stores, open_stores
from tests.helpers.checklist_rig import click, close_windows, make_rig
from tests.helpers.shots import save_shot
from tests.helpers.smtp import Relay, free_port, running
from tests.ui.checklist.test_checklists_escalations import dialog_of, panel_of, run_with_concern


@pytest.fixture
def stores(qtbot: QtBot, tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "user.db")
    yield opened
    close_windows()
    opened.close()


def answer_the_question(button_text: str, asked: list[str]) -> None:
    """When the modal question shows, note its text and press the button named `button_text`."""

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, press)
            return
        asked.append(f"{box.text()} {box.informativeText()}")
        [button] = [b for b in box.buttons() if b.text() == button_text]
        button.click()

    QTimer.singleShot(0, press)


def test_a_late_relay_shows_may_have_been_delivered_and_retry_asks_first(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    port = free_port()
    relay = Relay(late=2.0)
    channel = SmtpChannel("127.0.0.1", port, starttls=False, sender="ann@example.gov.uk", timeout=0.5)
    rig = make_rig(qtbot, bundled_content, stores, channel_factory=lambda _s: channel)
    with running(relay, port):
        run_with_concern(qtbot, rig)
        with qtbot.waitSignal(rig.controller.delivery_finished, timeout=10000):
            click(qtbot, dialog_of(rig).send_button)
        (escalation,) = stores.outbox.list()
        assert escalation.state is EscalationState.UNCERTAIN and len(relay.envelopes) == 1
        panel = panel_of(rig)
        assert panel.model.index(0, 1).data() == "May have been delivered"
        assert "may have been delivered" in panel.summary.text()
        assert "may have been delivered" in rig.window.status_label.text()
        assert panel.retry_button.isEnabled()
        QApplication.processEvents()  # the layout follows the new summary text
        save_shot(panel, "h13c-uncertain")

        asked: list[str] = []
        answer_the_question("Do not send", asked)
        click(qtbot, panel.retry_button)  # returns when the question is answered
        assert asked and "1 escalation may already have been delivered" in asked[0]
        assert "Send it again?" in asked[0]
        assert not rig.controller.delivering and len(relay.envelopes) == 1  # not sent again
        assert stores.outbox.list()[0].state is EscalationState.UNCERTAIN

        answer_the_question("Send again", asked)
        with qtbot.waitSignal(rig.controller.delivery_finished, timeout=10000):
            click(qtbot, panel.retry_button)
    rig.controller.wait_for_delivery()
    (escalation,) = stores.outbox.list()
    assert escalation.state is EscalationState.DELIVERED and escalation.attempts == 2
    assert panel.model.index(0, 1).data() == "Delivered"
    parser = email.parser.BytesParser(policy=email.policy.default)
    ids = [parser.parsebytes(e.content)["Message-ID"] for e in relay.envelopes]  # type: ignore[arg-type]
    assert ids == [escalation.message_id, escalation.message_id]
