"""The Escalations panel: every concern sent (or waiting to be sent) with its state in words,
the number of attempts and the last error, and Retry for the ones that have not gone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.procedures.wording import local_time
from manualviewer.storage.outbox import Escalation, EscalationState, Outbox
from manualviewer.ui.checklist.escalation_dialog import message_text
from manualviewer.ui.record_table import RecordTableModel, record_table_view

if TYPE_CHECKING:
    from manualviewer.ui.checklist.controller import ChecklistController

AnyIndex = QModelIndex | QPersistentModelIndex
ESCALATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1

STATE_WORDS = {
    EscalationState.DRAFT: "Draft — not sent",
    EscalationState.QUEUED: "Queued, not yet sent",
    EscalationState.SENDING: "Sending",
    EscalationState.DELIVERED: "Delivered",
    EscalationState.FAILED: "Failed: not sent",
    EscalationState.UNCERTAIN: "May have been delivered",
    EscalationState.REFUSED: "Refused by the mail server: not sent",
}


NO_ADDRESS = "(no address yet: Send now asks for it)"


def state_text(escalation: Escalation) -> str:
    if escalation.state is EscalationState.DELIVERED and escalation.channel == "mailto":
        return "Delivered: handed to your email program"
    if escalation.state is EscalationState.DRAFT and not escalation.to:
        return f"{STATE_WORDS[escalation.state]}, no address yet"
    return STATE_WORDS[escalation.state]


class EscalationsModel(RecordTableModel):
    COLUMNS = ("Created", "State", "Attempts", "To", "Subject", "Last error")

    def __init__(self, outbox: Outbox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._outbox = outbox
        self._rows: list[Escalation] = []
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = list(reversed(self._outbox.list()))  # newest first: the one just sent is on top
        self.endResetModel()

    def escalation(self, row: int) -> Escalation | None:
        record: Escalation | None = self.record(row)
        return record

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        e = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (
                local_time(e.created_at),
                state_text(e),
                str(e.attempts),
                e.to or NO_ADDRESS,
                e.subject,
                e.last_error or "",
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return e.last_error or state_text(e)
        if role == ESCALATION_ID_ROLE:
            return e.id
        return None


class EscalationsPanel(QWidget):
    def __init__(self, controller: ChecklistController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setAccessibleName("Escalations")
        self.model = EscalationsModel(controller.stores.outbox, self)
        self.view = record_table_view(self.model, "Escalations, newest first", self)
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self.show_details())

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Escalations summary")
        # Never squeezed below its wrapped text: the table and details give way instead.
        self.summary.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("The selected escalation")

        self.retry_button = QPushButton("&Retry sending", self)
        self.retry_button.setAccessibleName("Retry sending")
        self.retry_button.setToolTip("Try again to send every escalation that is waiting or failed (Alt+R)")
        self.retry_button.clicked.connect(self.retry)
        self.copy_button = QPushButton("&Copy message", self)
        self.copy_button.setAccessibleName("Copy message")
        self.copy_button.setToolTip("Put the selected message on the clipboard, to send it another way "
                                    "(when no mail program opens, or the mail server refused it)")
        self.copy_button.clicked.connect(self.copy_message)
        self.send_button = QPushButton("Send &now...", self)
        self.send_button.setAccessibleName("Send now")
        self.send_button.setToolTip("Review the selected draft and send it (Alt+N)")
        self.send_button.clicked.connect(self.send_draft)
        self.refresh_button = QPushButton("Re&fresh", self)
        self.refresh_button.setAccessibleName("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)
        controller.changed.connect(lambda change: self.refresh() if change.escalations else None)
        self.refresh()

    def refresh(self) -> None:
        current = self.view.currentIndex().data(ESCALATION_ID_ROLE)
        self.model.refresh()
        rows = [self.model.escalation(r) for r in range(self.model.rowCount())]
        # Everything not delivered is waiting, including one left "sending" by a crash or a quit
        # mid-send: the outbox tries those again.
        done = (EscalationState.DELIVERED, EscalationState.REFUSED)  # refused is never sent again
        drafts = [e for e in rows if e is not None and e.state is EscalationState.DRAFT]
        waiting = [e for e in rows if e is not None and e.state not in done and e not in drafts]
        failed = [e for e in waiting if e.state is EscalationState.FAILED]
        uncertain = [e for e in waiting if e.state is EscalationState.UNCERTAIN]
        refused = [e for e in rows if e is not None and e.state is EscalationState.REFUSED]
        if self.controller.delivering:
            text = "Sending now..."
        elif not rows:
            text = "No escalations yet. When a checklist raises a concern, it is listed here with whether it was sent."
        elif uncertain:
            text = (f"{len(uncertain)} escalation{'s' if len(uncertain) != 1 else ''} may have been delivered. "
                    "Check with the recipient: Retry sending asks before it sends again.")
        elif refused and not waiting:
            text = (f"{len(refused)} escalation{'s were' if len(refused) != 1 else ' was'} refused by the mail server "
                    "and will not be sent again: send the concern another way (see the last error).")
        elif failed:
            text = (f"{len(failed)} escalation{'s' if len(failed) != 1 else ''} could not be sent. They stay here; "
                    "fix the problem shown (or your Settings), then Retry sending.")
        elif waiting:
            text = f"{len(waiting)} waiting to be sent. Retry sending to send them now."
        elif drafts:
            text = (f"{len(drafts)} concern{'s' if len(drafts) != 1 else ''} kept as "
                    f"draft{'s' if len(drafts) != 1 else ''}, not sent: select one and use Send now.")
        else:
            text = f"All {len(rows)} escalation{'s' if len(rows) != 1 else ''} delivered."
        self.summary.setText(text)
        self.retry_button.setEnabled(bool(waiting) and not self.controller.delivering)
        row = self.model.row_of(current) if current is not None else 0
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(max(row, 0), 0))
        self.show_details()

    def show_details(self) -> None:
        e = self.model.escalation(self.view.currentIndex().row())
        self.copy_button.setEnabled(e is not None)
        self.send_button.setEnabled(e is not None and e.state is EscalationState.DRAFT)
        if e is None:
            self.details.setPlainText("")
            return
        lines = [f"State: {state_text(e)}", f"Attempts: {e.attempts}"]
        if e.last_error:
            lines.append(f"Last error: {e.last_error}")
        if e.delivered_at:
            lines.append(f"Delivered: {local_time(e.delivered_at)} by {e.channel}")
        lines += [f"To: {e.to or NO_ADDRESS}", f"Subject: {e.subject}", "", e.body]
        self.details.setPlainText("\n".join(lines))

    def send_draft(self) -> None:
        e = self.model.escalation(self.view.currentIndex().row())
        if e is not None and e.state is EscalationState.DRAFT:
            self.controller.forms.open_kept_draft(e.id)

    def copy_message(self) -> None:
        e = self.model.escalation(self.view.currentIndex().row())
        if e is None:
            return
        QGuiApplication.clipboard().setText(message_text(e.to, e.subject, e.body))
        self.summary.setText("The message is on the clipboard: paste it into an email or the case system.")

    def retry(self) -> None:
        uncertain = self.controller.stores.outbox.uncertain()
        if not uncertain:
            self.controller.deliver()
            return
        others = len(self.controller.stores.outbox.pending())
        answer = ask_resend(self, len(uncertain), others)
        if answer is QMessageBox.StandardButton.Yes:
            self.controller.deliver(resend_uncertain=True)
        elif answer is QMessageBox.StandardButton.No and others:
            self.controller.deliver()
        # Cancel, or the dialog closed: nothing is sent


def ask_resend(parent: QWidget, count: int, others: int) -> QMessageBox.StandardButton:
    """Yes: send those again (and the `others` waiting); No (offered when there are others): only
    the others; Cancel (or the dialog closed): nothing. The safe choice is the default."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Send again?", "", parent=parent)
    some = f"{count} escalation{'s' if count != 1 else ''}"
    box.setText(f"{some} may already have been delivered.")
    box.setInformativeText(
        "The mail server had the whole message when the connection went quiet, so it may have "
        "reached the recipient. Sending again could give them a second copy (with the same "
        "Message-ID, so their mail program can tell it is the same message).\n\n"
        + ("Send these again?" if count != 1 else "Send it again?")
    )
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
    if others:
        buttons |= QMessageBox.StandardButton.No
    box.setStandardButtons(buttons)
    box.button(QMessageBox.StandardButton.Yes).setText("Send again")
    if others:
        box.button(QMessageBox.StandardButton.No).setText(f"Send only the other {others}")
        box.setDefaultButton(QMessageBox.StandardButton.No)
    else:
        box.button(QMessageBox.StandardButton.Cancel).setText("Do not send")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return QMessageBox.StandardButton(box.exec())
