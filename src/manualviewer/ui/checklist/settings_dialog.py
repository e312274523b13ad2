"""Edit > Settings: who you are, who your line manager is, how escalations are sent, and the
note check's word lists. Saved to the settings file (TOML); a value that cannot work is named
beside its field and nothing is saved."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.settings import EscalationChannel, Settings, SettingsError, SmtpSettings
from manualviewer.ui.widgets import ignore_wheel_unless_focused

CHANNEL_LABELS = {
    EscalationChannel.MAILTO: "Your email program (it opens with the message; you press Send)",
    EscalationChannel.SMTP: "Your organisation's mail server (SMTP)",
    EscalationChannel.FOLDER: "A drop folder that another system collects from",
}


class SettingsDialog(QDialog):
    saved = Signal(object)  # the new Settings

    def __init__(
        self,
        settings: Settings,
        saver: Callable[[Settings], None],
        parent: QWidget | None = None,
        *,
        error: str = "",
        locked: frozenset[str] = frozenset(),
        notice: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self._original = settings
        self._saver = saver
        self.result_settings: Settings | None = None
        self.tabs = QTabWidget(self)
        self.fields: dict[str, tuple[int, QWidget]] = {}
        # Keys the organisation's settings file locks: shown, read-only, marked, never saved.
        self.locked = locked
        self.lock_marks: dict[str, QLabel] = {}

        # You and your line manager.
        people = QWidget(self.tabs)
        form = QFormLayout(people)
        self.officer_name = self._line(settings.officer_name, "Your name (goes on every note)")
        self.officer_email = self._line(settings.officer_email, "Your email address")
        self.line_manager_name = self._line(settings.line_manager_name, "Your line manager's name")
        self.line_manager_email = self._line(settings.line_manager_email, "Your line manager's email address")
        self._row(form, 0, "Your &name:", self.officer_name, "officer_name")
        self._row(form, 0, "Your &email:", self.officer_email, "officer_email")
        self._row(form, 0, "&Line manager's name:", self.line_manager_name, "line_manager_name")
        self._row(form, 0, "Line &manager's email:", self.line_manager_email, "line_manager_email")
        form.addRow(_wrap("Escalations (concerns raised in a checklist) go to your line manager's address.", people))
        self.tabs.addTab(people, "&You")

        # How escalations are sent.
        sending = QWidget(self.tabs)
        form = QFormLayout(sending)
        self.channel = QComboBox(sending)
        self.channel.setAccessibleName("How escalations are sent")
        for channel, label in CHANNEL_LABELS.items():
            self.channel.addItem(label, channel.value)
        self.channel.setCurrentIndex(self.channel.findData(settings.escalation_channel.value))
        self.channel.currentIndexChanged.connect(lambda _i: self._update_enabled())
        self._row(form, 1, "&Send escalations through:", self.channel, "escalation_channel")
        self.smtp_host = self._line(settings.smtp.host, "Mail server host")
        self.smtp_port = QSpinBox(sending)
        self.smtp_port.setRange(1, 65535)
        self.smtp_port.setValue(settings.smtp.port)
        self.smtp_port.setAccessibleName("Mail server port")
        ignore_wheel_unless_focused(self.channel, self.smtp_port)
        self.smtp_starttls = QCheckBox("Use STARTTLS (encrypt the connection)", sending)
        self.smtp_starttls.setChecked(settings.smtp.starttls)
        self.smtp_username = self._line(settings.smtp.username, "Mail server user name")
        self.smtp_password_env = self._line(settings.smtp.password_env,
                                            "Name of the environment variable holding the password")
        self._row(form, 1, "Mail server &host:", self.smtp_host, "smtp.host")
        self._row(form, 1, "Mail server &port:", self.smtp_port, "smtp.port")
        self._row(form, 1, "", self.smtp_starttls, "smtp.starttls")
        self._row(form, 1, "Mail server &user name:", self.smtp_username, "smtp.username")
        self._row(form, 1, "Pass&word variable:", self.smtp_password_env, "smtp.password_env")
        form.addRow(_wrap("Passwords are never stored here: name an environment variable that holds it.", sending))
        folder_row = QWidget(sending)
        folder_layout = QHBoxLayout(folder_row)
        folder_layout.setContentsMargins(0, 0, 0, 0)
        self.drop_folder = self._line(str(settings.drop_folder) if settings.drop_folder else "", "Drop folder")
        browse = QPushButton("&Browse...", folder_row)
        browse.setAccessibleName("Choose the drop folder")
        browse.clicked.connect(self.browse_folder)
        folder_layout.addWidget(self.drop_folder, 1)
        folder_layout.addWidget(browse)
        self.browse_button = browse
        self._row(form, 1, "&Drop folder:", folder_row, "drop_folder", focus=self.drop_folder)
        self.tabs.addTab(sending, "&Sending escalations")

        # The note check.
        check = QWidget(self.tabs)
        form = QFormLayout(check)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.words = self._list(settings.note_check_words, "Words and phrases to avoid in notes, one a line")
        self.abbreviations = self._list(settings.known_abbreviations,
                                        "Abbreviations that need no explanation, one a line")
        self._row(form, 2, "Words and phrases to a&void in notes (one a line):", self.words, "note_check_words")
        self._row(form, 2, "Abbreviations everyone &knows (one a line):", self.abbreviations, "known_abbreviations")
        self.tabs.addTab(check, "&Note check")

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName("Problem with the settings")
        self.error_label.setVisible(bool(error or notice))
        if error:
            self.error_label.setText(f"Your settings file has a problem, so defaults are in use: {error}")
        elif notice:
            self.error_label.setText(notice)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save settings")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._update_enabled()
        self.resize(600, 460)

    # --- building ------------------------------------------------------------------------------
    def _line(self, text: str, name: str) -> QLineEdit:
        line = QLineEdit(text, self)
        line.setAccessibleName(name)
        return line

    def _list(self, values: tuple[str, ...], name: str) -> QPlainTextEdit:
        edit = QPlainTextEdit("\n".join(values), self)
        edit.setTabChangesFocus(True)
        edit.setAccessibleName(name)
        return edit

    def _row(self, form: QFormLayout, tab: int, text: str, widget: QWidget, key: str,
             focus: QWidget | None = None) -> None:
        shown = widget
        if key in self.locked:
            shown = self._locked_row(widget, key)
        if text:
            label = QLabel(text, widget.parentWidget())
            label.setBuddy(focus or widget)
            form.addRow(label, shown)
        else:
            form.addRow(shown)
        self.fields[key] = (tab, focus or widget)

    def _locked_row(self, widget: QWidget, key: str) -> QWidget:
        row = QWidget(widget.parentWidget())
        layout = QBoxLayout(QBoxLayout.Direction.TopToBottom if isinstance(widget, QPlainTextEdit)
                            else QBoxLayout.Direction.LeftToRight, row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget, 1)
        mark = QLabel("Set by your organisation", row)
        mark.setAccessibleName(f"{widget.accessibleName()}: set by your organisation")
        mark.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
        layout.addWidget(mark)
        self.lock_marks[key] = mark
        tip = "Set by your organisation: you cannot change it here."
        widget.setToolTip(tip)
        for child in [widget, *widget.findChildren(QWidget)]:
            if isinstance(child, (QLineEdit, QPlainTextEdit)):
                child.setReadOnly(True)  # still readable and selectable, unlike a disabled field
                child.setStyleSheet("background: palette(window);")  # and plainly not for typing in
            elif isinstance(child, (QComboBox, QSpinBox, QCheckBox, QPushButton)):
                child.setEnabled(False)
        return row

    def is_locked(self, key: str) -> bool:
        return key in self.locked

    def _update_enabled(self) -> None:
        channel = self.channel.currentData()
        smtp = channel == EscalationChannel.SMTP.value
        for key, widget in (("smtp.host", self.smtp_host), ("smtp.port", self.smtp_port),
                            ("smtp.starttls", self.smtp_starttls), ("smtp.username", self.smtp_username),
                            ("smtp.password_env", self.smtp_password_env)):
            widget.setEnabled(smtp and (key not in self.locked or isinstance(widget, QLineEdit)))
        folder = channel == EscalationChannel.FOLDER.value
        self.drop_folder.setEnabled(folder)
        self.browse_button.setEnabled(folder and "drop_folder" not in self.locked)

    def focus_key(self, key: str) -> None:
        """Show the tab of a setting and put the cursor in it (links such as "set your name")."""
        found = self.fields.get(key)
        if found is None:
            return
        tab, widget = found
        self.tabs.setCurrentIndex(tab)
        widget.setFocus()

    def browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose the drop folder", self.drop_folder.text())
        if folder:
            self.drop_folder.setText(folder)

    # --- saving --------------------------------------------------------------------------------
    def settings(self) -> Settings:
        drop = self.drop_folder.text().strip()
        return dataclasses.replace(
            self._original,
            officer_name=self.officer_name.text().strip(),
            officer_email=self.officer_email.text().strip(),
            line_manager_name=self.line_manager_name.text().strip(),
            line_manager_email=self.line_manager_email.text().strip(),
            escalation_channel=EscalationChannel(self.channel.currentData()),
            smtp=SmtpSettings(
                host=self.smtp_host.text().strip(),
                port=self.smtp_port.value(),
                starttls=self.smtp_starttls.isChecked(),
                username=self.smtp_username.text().strip(),
                password_env=self.smtp_password_env.text().strip(),
            ),
            drop_folder=Path(drop).expanduser() if drop else None,
            note_check_words=_lines(self.words.toPlainText()),
            known_abbreviations=_lines(self.abbreviations.toPlainText()),
        )

    def save(self) -> bool:
        settings = self.settings()
        try:
            settings.validate()
            self._saver(settings)
        except SettingsError as exc:
            self.show_error(exc.key, exc.message)
            return False
        except OSError as exc:
            self.show_error("", f"the settings file could not be written: {exc.strerror or exc}")
            return False
        self.result_settings = settings
        self.saved.emit(settings)
        self.accept()
        return True

    def show_error(self, key: str, message: str) -> None:
        name = _FIELD_NAMES.get(key, key)
        self.error_label.setText(f"Not saved. {name}: {message}." if name else f"Not saved: {message}.")
        self.error_label.show()
        self.focus_key(key)


_FIELD_NAMES = {
    "officer_email": "Your email",
    "line_manager_email": "Line manager's email",
    "smtp.host": "Mail server host",
    "smtp.port": "Mail server port",
    "smtp.password_env": "Password variable",
    "drop_folder": "Drop folder",
    "note_check_words": "Words to avoid",
    "known_abbreviations": "Abbreviations",
}


def _lines(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def _wrap(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
