"""The escalation form: the concern, the steps followed, the note and the guidance cited,
addressed to the line manager from Settings. Sending stores it in the outbox first, then the
configured channel delivers it; nothing goes anywhere the officer did not set up."""

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
from manualviewer.core.procedures.wording import addressee
from manualviewer.storage.outbox import Escalation, EscalationError


class EscalationSender(Protocol):
    """What the form needs from the checklist controller (which opens the form, so the form names
    the calls it makes rather than importing the controller)."""

    @property
    def changed(self) -> SignalInstance: ...  # emits a SessionChange
    def recipient(self) -> str: ...
    def channel_description(self) -> str: ...
    def open_settings(self, focus_key: str = "") -> Any: ...
    def queue_escalation(self, to: str, subject: str, body: str) -> Escalation: ...


class EscalationDialog(QDialog):
    def __init__(self, controller: EscalationSender, draft: EscalationDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.draft = draft
        self.queued: Escalation | None = None
        who = addressee(draft.to)
        self.setWindowTitle(f"Send a concern to {who}")
        self.setAccessibleName(f"Send a concern to {who}")

        intro = QLabel(
            f"The guidance says this concern goes to <b>{html.escape(who)}</b>. Check the message "
            "below; it already holds the concern, the steps you followed, your note and the guidance cited. "
            "Add anything you need, then send it.", self)
        intro.setWordWrap(True)
        self.recipient_notice = QLabel(self)
        self.recipient_notice.setWordWrap(True)
        self.recipient_notice.setTextFormat(Qt.TextFormat.RichText)
        self.recipient_notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.recipient_notice.setAccessibleName("Line manager address")
        self.recipient_notice.linkActivated.connect(self.on_link)

        self.to_edit = QLineEdit(self)
        self.to_edit.setAccessibleName("To")
        self.subject_edit = QLineEdit(draft.subject, self)
        self.subject_edit.setAccessibleName("Subject")
        self.body_edit = QPlainTextEdit(draft.body, self)
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
        self.later_button.setToolTip("Close without sending; the checklist panel can open this again (Escape)")
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
        self.refresh_recipient()
        controller.changed.connect(lambda change: self.refresh_recipient() if change.settings else None)

    def refresh_recipient(self) -> None:
        """Fill in the line manager from Settings (again after Settings changes, unless the
        officer typed an address of their own)."""
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
                        "manager's email in Settings</a>.")
            return
        try:
            self.queued = self.controller.queue_escalation(to, self.subject_edit.text(), self.body_edit.toPlainText())
        except EscalationError as exc:
            self._error(f"<b>Not sent:</b> {html.escape(str(exc))}")
            return
        self.accept()

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
