"""The escalation form: the concern, the steps followed, the note and the guidance cited,
addressed to the line manager from Settings. Sending stores it in the outbox first, then the
configured channel delivers it; nothing goes anywhere the officer did not set up.

"Not now" (or closing the form) keeps the concern, as the form holds it then, as a draft in the
outbox: a concern is never dropped. A draft opens here again (Send now in the Escalations or
Notes panel) as it was written, read-only: sending it changes only its state."""

from __future__ import annotations

import html
from typing import Any, Protocol

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.procedures.records import EscalationDraft
from manualviewer.core.procedures.wording import addressee, local_time
from manualviewer.storage.outbox import Escalation, EscalationError


class EscalationSender(Protocol):
    """What the form needs from whoever opens it (ui/checklist/escalation_forms.py), named here
    rather than imported."""

    @property
    def changed(self) -> SignalInstance: ...  # emits a SessionChange
    def recipient(self) -> str: ...
    def channel_description(self) -> str: ...
    def open_settings(self, focus_key: str = "") -> Any: ...
    def queue_escalation(self, to: str, subject: str, body: str) -> Escalation: ...
    def keep_draft(self, to: str, subject: str, body: str) -> Escalation | None: ...
    def send_draft(self, escalation_id: int, to: str = "") -> Escalation: ...


class EscalationDialog(QDialog):
    def __init__(self, controller: EscalationSender, draft: EscalationDraft | None, parent: QWidget | None = None,
                 *, kept: Escalation | None = None) -> None:
        """For one of the run's concerns (`draft`), or for a draft kept in the outbox (`kept`)."""
        super().__init__(parent)
        assert (draft is None) != (kept is None)
        self.controller = controller
        self.draft = draft
        self.kept = kept
        self.queued: Escalation | None = None
        self.kept_as_draft: Escalation | None = None
        if kept is not None:
            self.setWindowTitle("Send a concern kept as a draft")
            intro_text = (
                f"You kept this concern as a draft on {html.escape(local_time(kept.created_at))}; it has not been "
                "sent. It is sent exactly as written below. If it needs more, use Copy message and send it "
                "another way.")
            if not kept.to:
                intro_text += " <b>It has no address yet</b>: check the one in To, then Send now."
            subject, body = kept.subject, kept.body
        else:
            assert draft is not None
            who = addressee(draft.to)
            self.setWindowTitle(f"Send a concern to {who}")
            intro_text = (
                f"The guidance says this concern goes to <b>{html.escape(who)}</b>. Check the message "
                "below; it already holds the concern, the steps you followed, your note and the guidance cited. "
                "Add anything you need, then send it.")
            subject, body = draft.subject, draft.body
        self.setAccessibleName(self.windowTitle())

        self.intro = intro = QLabel(intro_text, self)
        intro.setWordWrap(True)
        self.recipient_notice = QLabel(self)
        self.recipient_notice.setWordWrap(True)
        self.recipient_notice.setTextFormat(Qt.TextFormat.RichText)
        self.recipient_notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.recipient_notice.setAccessibleName("Line manager address")
        self.recipient_notice.linkActivated.connect(self.on_link)

        self.to_edit = QLineEdit(self)
        self.to_edit.setAccessibleName("To")
        self.subject_edit = QLineEdit(subject, self)
        self.subject_edit.setAccessibleName("Subject")
        self.body_edit = QPlainTextEdit(body, self)
        self.body_edit.setAccessibleName("Message")
        self.body_edit.setTabChangesFocus(True)
        form = QFormLayout()
        for text, editor in (("&To:", self.to_edit), ("S&ubject:", self.subject_edit), ("&Message:", self.body_edit)):
            label = QLabel(text, self)
            label.setBuddy(editor)
            form.addRow(label, editor)

        self.channel_label = QLabel(self)
        self.channel_label.setWordWrap(True)
        self.channel_label.setAccessibleName("How it is sent")
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.RichText)
        self.error_label.setAccessibleName("Problem sending")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.error_label.linkActivated.connect(self.on_link)
        self.error_label.hide()

        buttons = QDialogButtonBox(self)
        self.send_button = buttons.addButton("&Send", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setAccessibleName("Send")
        self.send_button.setToolTip("Store in the outbox and send (Ctrl+Enter)")
        self.send_button.clicked.connect(self.send)
        # Whatever happens to the mail program or the relay, the officer can paste the message.
        self.copy_button = buttons.addButton("&Copy message", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setAccessibleName("Copy message")
        self.copy_button.setToolTip("Put the address, subject and message on the clipboard, to send another way")
        self.copy_button.clicked.connect(self.copy_message)
        self.later_button = buttons.addButton("&Not now", QDialogButtonBox.ButtonRole.RejectRole)
        self.later_button.setAccessibleName("Not now")
        self.later_button.setToolTip("Close without sending: it stays in your outbox as a draft, "
                                     "to send later from the Escalations panel (Escape)")
        self.later_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.send)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.recipient_notice)
        layout.addLayout(form, 1)
        layout.addWidget(self.channel_label)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(640, 620)
        self._shown_recipient = ""
        if kept is not None:
            # Kept as written: what the officer reviewed then is what goes. A draft kept with no
            # address yet asks for one: the line manager from Settings, or one typed here.
            self.to_edit.setText(kept.to)
            for editor in (self.to_edit, self.subject_edit, self.body_edit):
                editor.setReadOnly(editor is not self.to_edit or bool(kept.to))
            self.recipient_notice.hide()
            self.send_button.setText("&Send now")
            self.send_button.setAccessibleName("Send now")
            self.later_button.setToolTip("Close; it stays a draft in your outbox (Escape)")
            self.channel_label.setText(f"It is sent through {controller.channel_description()}. If sending fails "
                                       "it stays in the outbox and the Escalations panel shows why, with Retry.")
        if self.asks_address:
            self.refresh_recipient()
            controller.changed.connect(lambda change: self.refresh_recipient() if change.settings else None)
            if kept is not None:
                self.recipient_notice.show()
                self.to_edit.setFocus()

    @property
    def asks_address(self) -> bool:
        """The To field is the officer's to fill: a concern of the run, or a draft kept without one."""
        return self.kept is None or not self.kept.to

    def refresh_recipient(self) -> None:
        """Fill in the line manager from Settings (again after Settings changes, unless the
        officer typed an address of their own)."""
        if not self.asks_address:
            return
        recipient = self.controller.recipient()
        if not self.to_edit.text().strip() or self.to_edit.text() == self._shown_recipient:
            self.to_edit.setText(recipient)
        self._shown_recipient = recipient
        if recipient:
            self.recipient_notice.setText(
                f"To your line manager from Settings: {html.escape(recipient)}. "
                "<a href='settings:line_manager_email'>Change in Settings</a>")
        else:
            self.recipient_notice.setText(
                "<b>No line manager email address is set</b>, so there is nowhere to send this yet. "
                "<a href='settings:line_manager_email'>Set it in Settings</a> (Ctrl+,), then send.")
        if self.kept is None:
            self.channel_label.setText(
                f"It is kept in your outbox first, then sent through {self.controller.channel_description()}. "
                "If sending fails it stays in the outbox and the Escalations panel shows why, with Retry.")

    def on_link(self, link: str) -> None:
        scheme, _, key = link.partition(":")
        if scheme == "settings":
            self.controller.open_settings(key)

    def send(self) -> None:
        to = self.to_edit.text().strip()
        if not to:
            self._error("There is no address to send to. <a href='settings:line_manager_email'>Set your line "
                        "manager's email in Settings</a>, or type it in To.")
            self.to_edit.setFocus()
            return
        try:
            if self.kept is not None:
                self.queued = self.controller.send_draft(self.kept.id, "" if self.kept.to else to)
            else:
                self.queued = self.controller.queue_escalation(to, self.subject_edit.text(),
                                                               self.body_edit.toPlainText())
        except EscalationError as exc:
            self._error(f"<b>Not sent:</b> {html.escape(str(exc))}")
            return
        self.accept()

    def reject(self) -> None:
        """Not now, Escape or the window closed: a concern of the run is kept as a draft."""
        self.keep_as_draft()
        super().reject()

    def keep_as_draft(self) -> None:
        """A concern of the run not sent (nor kept) yet goes to the outbox as the form holds it now."""
        if self.draft is not None and self.queued is None and self.kept_as_draft is None:
            self.kept_as_draft = self.controller.keep_draft(
                self.to_edit.text().strip(), self.subject_edit.text(), self.body_edit.toPlainText())

    def copy_message(self) -> None:
        QGuiApplication.clipboard().setText(
            message_text(self.to_edit.text().strip(), self.subject_edit.text(), self.body_edit.toPlainText()))
        self.error_label.setText("The message is on the clipboard: paste it into an email or the case system.")
        self.error_label.show()

    def _error(self, message_html: str) -> None:
        self.error_label.setText(message_html)
        self.error_label.show()


def message_text(to: str, subject: str, body: str) -> str:
    """A message as plain text to paste: who it is for, the subject, then the body."""
    return f"To: {to or '(no address set)'}\nSubject: {subject}\n\n{body.rstrip()}\n"
