"""Escalations from a checklist: the pre-filled form, the outbox, delivery through the configured
channel (a drop folder here), failures kept visible, Retry."""

from __future__ import annotations

import dataclasses
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from manualviewer.core.settings import EscalationChannel, Settings
from manualviewer.storage.outbox import DeliveryError, Escalation, EscalationState
from manualviewer.storage.stores import Stores
from manualviewer.ui.checklist.escalation_dialog import EscalationDialog
from manualviewer.ui.checklist.escalations_panel import EscalationsPanel
from tests.helpers.checklist_rig import (
    OFFICER,
    Rig,
    choose,
    click,
    confirm,
    fill,
    go_on,
    make_rig,
    step_id,
    type_text,
)

PROCEDURE = "dmbm-customer-recording-call"


def folder_settings(folder: Path, base: Settings = OFFICER) -> Settings:
    return dataclasses.replace(base, escalation_channel=EscalationChannel.FOLDER, drop_folder=folder)


def run_with_concern(qtbot: QtBot, rig: Rig, extra: str = "The customer said they would post it online.") -> None:
    panel = rig.panel
    rig.controller.start_procedure(PROCEDURE)
    fill(qtbot, panel, customer_reference="AB123456C")
    go_on(qtbot, panel)
    choose(qtbot, panel, "not-media")
    go_on(qtbot, panel)
    go_on(qtbot, panel)
    for _ in range(3):
        confirm(qtbot, panel)
    go_on(qtbot, panel)
    choose(qtbot, panel, "concerns")
    go_on(qtbot, panel)
    assert step_id(panel) == "tell-line-manager"
    type_text(qtbot, panel.step_view.extra, extra)  # type: ignore[union-attr]
    go_on(qtbot, panel)
    assert panel.note_editor is not None
    assert "You raised 1 concern" in " ".join(label.text() for label in panel.card.findChildren(type(panel.message)))
    click(qtbot, panel.note_editor.save_button)


def dialog_of(rig: Rig) -> EscalationDialog:
    dialog = rig.controller.forms.dialog
    assert isinstance(dialog, EscalationDialog)
    return dialog


def panel_of(rig: Rig) -> EscalationsPanel:
    panel = rig.controller.installed.escalations  # type: ignore[attr-defined]
    assert isinstance(panel, EscalationsPanel)
    return panel


def test_escalation_is_queued_then_delivered_to_the_drop_folder(
    qtbot: QtBot, bundled_content: Path, stores: Stores, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    rig = make_rig(qtbot, bundled_content, stores, settings=folder_settings(drop))
    run_with_concern(qtbot, rig)

    dialog = dialog_of(rig)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.to_edit.text() == "Alex Jones <alex@example.org>"
    assert dialog.subject_edit.text() == "Escalation: Customer wants to record the phone call (AB123456C)"
    body = dialog.body_edit.toPlainText()
    assert "After following DMBM511015, I still have concerns about customer AB123456C" in body
    assert "The customer said they would post it online." in body
    assert "Steps followed:\n1. About the call: Customer reference: AB123456C" in body
    assert "Note:\nCustomer reference: AB123456C" in body
    assert "Guidance cited: DMBM511015" in body
    assert "the drop folder" in dialog.channel_label.text()

    with qtbot.waitSignal(rig.controller.delivery_finished):
        click(qtbot, dialog.send_button)
    assert not dialog.isVisible()
    (escalation,) = stores.outbox.list()
    assert escalation.state is EscalationState.DELIVERED and escalation.attempts == 1
    assert escalation.sender == "Sam Patel <sam@example.org>"
    (eml,) = drop.glob("*.eml")
    message = message_from_bytes(eml.read_bytes())
    assert message["To"] == "Alex Jones <alex@example.org>"
    payload = message.get_payload(decode=True)
    assert isinstance(message, Message) and isinstance(payload, bytes)
    assert "I still have concerns" in payload.decode()

    panel = panel_of(rig)
    assert rig.controller.installed.docks["escalations"].isVisible()  # type: ignore[attr-defined]
    assert panel.model.index(0, 1).data() == "Delivered"
    assert panel.model.index(0, 2).data() == "1"
    assert panel.summary.text() == "All 1 escalation delivered."
    assert not panel.retry_button.isEnabled()
    assert "delivered" in rig.window.status_label.text().lower() or "sent" in rig.window.status_label.text()

    # Sent once: the concern is no longer a draft, so it cannot be queued a second time.
    assert rig.controller.session.escalation_drafts == []
    assert rig.controller.forms.open_next() is None
    assert len(stores.outbox.list()) == 1


def test_a_failing_channel_leaves_it_failed_and_visible_and_retry_delivers(
    qtbot: QtBot, bundled_content: Path, stores: Stores, tmp_path: Path
) -> None:
    drop = tmp_path / "share-not-mounted"
    rig = make_rig(qtbot, bundled_content, stores, settings=folder_settings(drop))
    run_with_concern(qtbot, rig)
    with qtbot.waitSignal(rig.controller.delivery_finished):
        click(qtbot, dialog_of(rig).send_button)
    (escalation,) = stores.outbox.list()
    assert escalation.state is EscalationState.FAILED
    assert "the drop folder does not exist" in escalation.last_error

    panel = panel_of(rig)
    assert panel.model.index(0, 1).data() == "Failed: not sent"
    assert "the drop folder does not exist" in panel.model.index(0, 5).data()
    assert "could not be sent" in panel.summary.text()
    assert "Last error: the drop folder does not exist" in panel.details.toPlainText()
    assert "could not be sent" in rig.window.status_label.text()
    assert panel.retry_button.isEnabled()

    drop.mkdir()  # the share comes back
    with qtbot.waitSignal(rig.controller.delivery_finished):
        click(qtbot, panel.retry_button)
    (escalation,) = stores.outbox.list()
    assert escalation.state is EscalationState.DELIVERED and escalation.attempts == 2
    assert panel.model.index(0, 1).data() == "Delivered"
    assert panel.model.index(0, 2).data() == "2"
    assert len(list(drop.glob("*.eml"))) == 1


class BrokenChannel:
    name = "test"

    def __init__(self) -> None:
        self.working = False
        self.delivered: list[Escalation] = []

    def unavailable_reason(self) -> str | None:
        return None

    def deliver(self, escalation: Escalation) -> None:
        if not self.working:
            raise DeliveryError("relay refused the connection")
        self.delivered.append(escalation)


def test_an_injected_channel_is_the_only_way_out(qtbot: QtBot, bundled_content: Path, stores: Stores) -> None:
    channel = BrokenChannel()
    rig = make_rig(qtbot, bundled_content, stores, channel_factory=lambda _s: channel)
    run_with_concern(qtbot, rig)
    with qtbot.waitSignal(rig.controller.delivery_finished):
        click(qtbot, dialog_of(rig).send_button)
    assert stores.outbox.list()[0].last_error == "relay refused the connection"
    channel.working = True
    with qtbot.waitSignal(rig.controller.delivery_finished):
        click(qtbot, panel_of(rig).retry_button)
    assert [e.subject for e in channel.delivered] == [stores.outbox.list()[0].subject]


def test_without_a_line_manager_address_the_form_says_so_and_links_to_settings(
    qtbot: QtBot, bundled_content: Path, stores: Stores, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    no_manager = dataclasses.replace(folder_settings(drop), line_manager_name="", line_manager_email="")
    rig = make_rig(qtbot, bundled_content, stores, settings=no_manager)
    run_with_concern(qtbot, rig)
    dialog = dialog_of(rig)
    assert dialog.to_edit.text() == ""
    assert "No line manager email address is set" in dialog.recipient_notice.text()
    click(qtbot, dialog.send_button)
    assert stores.outbox.list() == []
    assert dialog.isVisible() and "no address to send to" in dialog.error_label.text()

    dialog.recipient_notice.linkActivated.emit("settings:line_manager_email")
    settings_dialog = rig.controller.settings_dialog
    assert settings_dialog is not None and settings_dialog.focusWidget() is settings_dialog.line_manager_email
    settings_dialog.line_manager_email.setText("boss@example.org")
    click(qtbot, settings_dialog.save_button)
    assert dialog.to_edit.text() == "boss@example.org"
    with qtbot.waitSignal(rig.controller.delivery_finished):
        click(qtbot, dialog.send_button)
    assert [e.to for e in stores.outbox.list()] == ["boss@example.org"]


def test_not_now_sends_nothing_and_the_panel_can_open_the_form_again(
    qtbot: QtBot, bundled_content: Path, stores: Stores, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    rig = make_rig(qtbot, bundled_content, stores, settings=folder_settings(drop))
    run_with_concern(qtbot, rig)
    dialog = dialog_of(rig)
    assert dialog.windowTitle() == "Send a concern to your line manager"  # the role this guidance names
    # Copy message, whatever happens to mail: address, subject and the whole message.
    click(qtbot, dialog.copy_button)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"To: {dialog.to_edit.text()}\nSubject: {dialog.subject_edit.text()}\n\n")
    assert dialog.body_edit.toPlainText().rstrip() in copied
    assert "\n3. Read: Cover the three points (" in copied and ": read (" not in copied  # never "Answer: read"
    assert "?:" not in copied
    model = rig.panel.path_model
    shown = [str(model.index(r, 0).data()) for r in range(model.rowCount())]
    assert "3. Cover the three points\n    Read" in shown and not any("Answer: read" in t for t in shown)
    click(qtbot, dialog.later_button)
    # Nothing sent, nothing dropped: kept as a draft in the outbox (drafts.py tests sending it).
    assert [e.state for e in stores.outbox.list()] == [EscalationState.DRAFT]
    assert list(drop.iterdir()) == []

    def send_buttons() -> list[QPushButton]:
        buttons = rig.panel.card.findChildren(QPushButton)
        return [b for b in buttons if b.text().startswith("Review and send the concern")]

    qtbot.waitUntil(lambda: len(send_buttons()) == 1)  # the card is built again; the old one goes
    again = send_buttons()
    assert "(1 not sent yet)" in again[0].text()
    click(qtbot, again[0])
    reopened = dialog_of(rig)
    assert reopened.isVisible() and reopened.kept is not None and reopened.body_edit.isReadOnly()


def test_mailto_hands_the_message_to_the_mail_program(
    qtbot: QtBot, bundled_content: Path, stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("manualviewer.ui.checklist.deps._desktop_opener", lambda url: opened.append(url) or True)
    rig = make_rig(qtbot, bundled_content, stores)  # mailto is the default channel
    run_with_concern(qtbot, rig)
    with qtbot.waitSignal(rig.controller.delivery_finished):
        click(qtbot, dialog_of(rig).send_button)
    assert len(opened) == 1 and opened[0].startswith("mailto:Alex%20Jones%20%3Calex@example.org%3E?subject=Escalation")
    assert panel_of(rig).model.index(0, 1).data() == "Delivered: handed to your email program"
    panel = panel_of(rig)
    click(qtbot, panel.copy_button)
    sent = stores.outbox.list()[0]
    assert QGuiApplication.clipboard().text() == f"To: {sent.to}\nSubject: {sent.subject}\n\n{sent.body.rstrip()}\n"


def test_smtp_delivers_off_the_gui_thread_and_shows_sending(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    import threading

    threads: list[str] = []

    class SlowRelay(BrokenChannel):
        name = "smtp"

        def deliver(self, escalation: Escalation) -> None:
            threads.append(threading.current_thread().name)
            super().deliver(escalation)

    channel = SlowRelay()
    channel.working = True
    rig = make_rig(qtbot, bundled_content, stores, channel_factory=lambda _s: channel)
    run_with_concern(qtbot, rig)
    with qtbot.waitSignal(rig.controller.delivery_finished, timeout=10000):
        click(qtbot, dialog_of(rig).send_button)
        assert rig.controller.delivering and panel_of(rig).summary.text() == "Sending now..."
    assert threads and threads[0] != threading.main_thread().name
    assert not rig.controller.delivering
    assert panel_of(rig).model.index(0, 1).data() == "Delivered"
    rig.controller.wait_for_delivery()
