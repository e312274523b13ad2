"""The first-run welcome: when the officer's name or the line manager's address is set neither by
the user nor by the organisation, a short dialog asks for them once. "Not now" is remembered
(storage.first_run), so it never asks at every start; Save writes them to the user's settings
file. A value the organisation locks is shown read-only and never asked for."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.settings import Settings, SettingsError
from manualviewer.core.settings_layers import Layered
from manualviewer.ui.widgets import label

# What a note and an escalation cannot do without: the name on every note, the address concerns go to.
NEEDED = ("officer_name", "line_manager_email")
FIELDS = (
    ("officer_name", "Your &name:", "Your name (goes on every note)"),
    ("line_manager_name", "&Line manager's name:", "Your line manager's name"),
    ("line_manager_email", "Line &manager's email:", "Your line manager's email address"),
)
WELCOME_TEXT = (
    "Two things before your first call. Your name goes on every call note, and concerns you "
    "raise in a checklist are sent to your line manager's address. You can change both later "
    "in Edit > Settings."
)


def missing(settings: Settings, locked: frozenset[str]) -> tuple[str, ...]:
    """The needed settings that are empty and that the user may set (a locked one they cannot)."""
    return tuple(key for key in NEEDED if not str(getattr(settings, key)).strip() and key not in locked)


def needs_welcome(layered: Layered, seen: bool) -> bool:
    """Ask once, and only for something the user can give. Not over a broken settings file either:
    saving would replace it, and the Settings dialog is where its problem is shown."""
    return not seen and layered.user_error is None and bool(missing(layered.settings, layered.locked))


class WelcomeDialog(QDialog):
    saved = Signal(object)  # the new Settings

    def __init__(
        self,
        settings: Settings,
        locked: frozenset[str],
        saver: Callable[[Settings], None],
        mark_seen: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Manual Viewer")
        self.setAccessibleName("Welcome")
        self._settings = settings
        self._saver = saver
        self._mark_seen = mark_seen
        self.locked = locked
        self.result_settings: Settings | None = None
        self.fields: dict[str, QLineEdit] = {}
        self.lock_marks: dict[str, QLabel] = {}

        intro = label(WELCOME_TEXT, self, name="About this welcome")
        form = QFormLayout()
        for key, text, name in FIELDS:
            line = QLineEdit(str(getattr(settings, key)), self)
            line.setAccessibleName(name)
            self.fields[key] = line
            caption = QLabel(text, self)
            caption.setBuddy(line)
            form.addRow(caption, self._locked_row(line, key) if key in locked else line)
        self.error_label = label("", self, name="Problem with what was typed")
        self.error_label.hide()
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setAccessibleName("Save your name and your line manager")
        self.save_button.setDefault(True)
        self.not_now_button = buttons.addButton("N&ot now", QDialogButtonBox.ButtonRole.RejectRole)
        self.not_now_button.setAccessibleName("Not now: do not ask again")
        self.not_now_button.setToolTip("Skip this; set them any time in Edit > Settings")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        first = next((self.fields[k] for k, _t, _n in FIELDS if k not in locked and not self.fields[k].text()),
                     None)
        if first is not None:
            first.setFocus()

    def _locked_row(self, line: QLineEdit, key: str) -> QWidget:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        line.setParent(row)
        line.setReadOnly(True)  # readable and selectable, plainly not for typing in
        line.setStyleSheet("background: palette(window);")
        line.setToolTip("Set by your organisation: you cannot change it here.")
        mark = QLabel("Set by your organisation", row)
        mark.setAccessibleName(f"{line.accessibleName()}: set by your organisation")
        mark.setStyleSheet("font-style: italic;")
        layout.addWidget(line, 1)
        layout.addWidget(mark)
        self.lock_marks[key] = mark
        return row

    def settings(self) -> Settings:
        def typed(key: str) -> str:
            current: str = getattr(self._settings, key)
            return current if key in self.locked else self.fields[key].text().strip()

        return dataclasses.replace(self._settings, officer_name=typed("officer_name"),
                                   line_manager_name=typed("line_manager_name"),
                                   line_manager_email=typed("line_manager_email"))

    def save(self) -> bool:
        settings = self.settings()
        try:
            settings.validate()
            self._saver(settings)
        except SettingsError as exc:
            self._show_error(exc.key, exc.message)
            return False
        except OSError as exc:
            self._show_error("", f"your settings file could not be written: {exc.strerror or exc}")
            return False
        self._mark_seen()
        self.result_settings = settings
        self.saved.emit(settings)
        self.accept()
        return True

    def reject(self) -> None:
        """Not now, Escape or the window's close button: remembered, so it does not ask again."""
        self._mark_seen()
        super().reject()

    def _show_error(self, key: str, message: str) -> None:
        self.error_label.setText(f"Not saved: {message}")
        self.error_label.show()
        line = self.fields.get(key)
        if line is not None:
            line.setFocus()
            line.selectAll()
