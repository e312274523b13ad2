"""A concern is never dropped: "Not now" keeps it as a draft in the outbox, shown in the
Escalations panel and on its note's row in the Notes panel as "Draft — not sent", and Send now
sends it as it was written, here to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import dataclasses
import email.parser
import email.policy
from email import message_from_bytes
from pathlib import Path

from pytestqt.qtbot import QtBot

from manualviewer.storage.outbox import EscalationState, SmtpChannel
from manualviewer.storage.stores import Stores
from manualviewer.ui.checklist.notes_panel import NotesPanel
from tests.helpers.checklist_rig import click, make_rig
from tests.helpers.shots import save_shot
from tests.helpers.smtp import Relay, free_port, running
from tests.ui.checklist.test_checklists_escalations import dialog_of, folder_settings, panel_of, run_with_concern

DRAFT = "Draft \u2014 not sent"


def test_not_now_keeps_a_draft_that_send_now_delivers(qtbot: QtBot, bundled_content: Path, stores: Stores) -> None:
    port = free_port()
    relay = Relay()
    channel = SmtpChannel("127.0.0.1", port, starttls=False, sender="sam@example.org", timeout=5)
    rig = make_rig(qtbot, bundled_content, stores, channel_factory=lambda _s: channel)
    with running(relay, port):
        run_with_concern(qtbot, rig, extra="The customer said they would post the call online.")
        form = dialog_of(rig)
        form.body_edit.appendPlainText("Added before Not now: the customer sounded upset.")
        click(qtbot, form.later_button)
        assert not form.isVisible()
        (kept,) = stores.outbox.list()
        assert kept.state is EscalationState.DRAFT and kept.note_id == rig.controller.saved_note.id  # type: ignore[union-attr]
        assert kept.body.rstrip().endswith("Added before Not now: the customer sounded upset.")
        assert "kept as a draft, not sent" in rig.window.status_label.text()
        assert relay.envelopes == []

        escalations = panel_of(rig)
        assert escalations.model.index(0, 1).data() == DRAFT
        assert "kept as draft" in escalations.summary.text()
        assert escalations.send_button.isEnabled() and not escalations.retry_button.isEnabled()
        save_shot(escalations, "h14c-draft-escalations")

        rig.controller.raise_panel("notes")  # tabbed with Escalations
        notes = rig.controller.installed.notes  # type: ignore[attr-defined]
        assert isinstance(notes, NotesPanel)
        column = notes.model.COLUMNS.index("Concern")
        assert notes.model.index(0, column).data() == DRAFT
        assert notes.send_button.isEnabled() and "draft, not sent" in notes.details.toPlainText()
        save_shot(notes, "h14c-draft-notes")

        # From the Notes panel: the same review form, the draft as written; Not now keeps it a draft.
        click(qtbot, notes.send_button)
        review = dialog_of(rig)
        qtbot.waitUntil(review.isVisible)
        assert review.kept is not None and review.kept.id == kept.id
        assert review.body_edit.toPlainText() == kept.body and review.body_edit.isReadOnly()
        assert review.send_button.text().replace("&", "") == "Send now"
        save_shot(review, "h14c-draft-review")
        click(qtbot, review.later_button)
        assert [e.state for e in stores.outbox.list()] == [EscalationState.DRAFT]

        # From the Escalations panel: Send now, through the mail server.
        rig.controller.raise_panel("escalations")
        click(qtbot, escalations.send_button)
        review = dialog_of(rig)
        qtbot.waitUntil(review.isVisible)
        with qtbot.waitSignal(rig.controller.delivery_finished, timeout=10000):
            click(qtbot, review.send_button)
    rig.controller.wait_for_delivery()
    (sent,) = stores.outbox.list()
    assert sent.state is EscalationState.DELIVERED and sent.id == kept.id and sent.body == kept.body
    (envelope,) = relay.envelopes
    message = email.parser.BytesParser(policy=email.policy.default).parsebytes(envelope.content)  # type: ignore[arg-type]
    assert message["Message-ID"] == kept.message_id
    assert "the customer sounded upset" in message.get_content()
    assert escalations.model.index(0, 1).data() == "Delivered"
    assert notes.model.index(0, column).data() == "Delivered"
    assert not escalations.send_button.isEnabled() and not notes.send_button.isEnabled()


def test_quitting_with_the_form_open_keeps_the_concern_as_a_draft(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    run_with_concern(qtbot, rig)
    form = dialog_of(rig)
    form.body_edit.appendPlainText("Typed just before closing the app.")
    # What the app runs when it quits (aboutToQuit, connected by install_checklists), called here
    # directly: emitting the signal would reach the controllers of earlier tests too.
    rig.controller.forms.keep_unsent()
    (kept,) = stores.outbox.list()
    assert kept.state is EscalationState.DRAFT and kept.body.rstrip().endswith("Typed just before closing the app.")
    click(qtbot, form.later_button)  # the form closing afterwards keeps nothing twice
    assert len(stores.outbox.list()) == 1


def test_a_concern_kept_before_the_address_is_set_asks_for_it_when_sent(
    qtbot: QtBot, bundled_content: Path, stores: Stores, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    with_manager = folder_settings(drop)
    no_manager = dataclasses.replace(with_manager, line_manager_name="", line_manager_email="")
    rig = make_rig(qtbot, bundled_content, stores, settings=no_manager)
    run_with_concern(qtbot, rig)
    form = dialog_of(rig)
    assert form.to_edit.text() == ""
    click(qtbot, form.later_button)
    (kept,) = stores.outbox.list()
    assert (kept.state, kept.to) == (EscalationState.DRAFT, "")
    assert "no address yet" in rig.window.status_label.text()

    escalations = panel_of(rig)
    assert escalations.model.index(0, 1).data() == f"{DRAFT}, no address yet"
    assert "no address yet" in escalations.model.index(0, 3).data()
    rig.controller.raise_panel("notes")
    notes = rig.controller.installed.notes  # type: ignore[attr-defined]
    assert isinstance(notes, NotesPanel)
    assert notes.model.index(0, notes.model.COLUMNS.index("Concern")).data() == f"{DRAFT}, no address yet"
    assert "with no address yet" in notes.details.toPlainText()

    # Send now with no address anywhere: the form asks for one and nothing is sent.
    rig.controller.raise_panel("escalations")
    click(qtbot, escalations.send_button)
    review = dialog_of(rig)
    qtbot.waitUntil(review.isVisible)
    assert not review.to_edit.isReadOnly() and review.body_edit.isReadOnly() and review.subject_edit.isReadOnly()
    assert "no address yet" in review.intro.text()
    save_shot(review, "h12c-draft-no-address")
    click(qtbot, review.send_button)
    assert review.isVisible() and "no address to send to" in review.error_label.text()
    assert stores.outbox.list() == [kept] and list(drop.iterdir()) == []
    click(qtbot, review.later_button)

    # The address set in Settings meanwhile: Send now (from Notes) fills it in, and the draft goes
    # to it as written.
    rig.controller.apply_settings(with_manager)
    rig.controller.raise_panel("notes")
    click(qtbot, notes.send_button)
    review = dialog_of(rig)
    qtbot.waitUntil(review.isVisible)
    assert review.to_edit.text() == rig.controller.session.recipient() == "Alex Jones <alex@example.org>"
    save_shot(review, "h12c-draft-address-filled")
    click(qtbot, review.send_button)
    assert not review.isVisible()
    (sent,) = stores.outbox.list()
    assert (sent.id, sent.state, sent.to, sent.body, sent.message_id) == (
        kept.id, EscalationState.DELIVERED, "Alex Jones <alex@example.org>", kept.body, kept.message_id)
    (eml,) = drop.iterdir()
    message = message_from_bytes(eml.read_bytes())
    assert message["To"] == "Alex Jones <alex@example.org>" and message["Message-ID"] == kept.message_id
    assert escalations.model.index(0, 3).data() == "Alex Jones <alex@example.org>"
    assert not notes.send_button.isEnabled()
