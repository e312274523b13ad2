"""The banner at the top of a section that changed since the user last read it (issue 17
point 2): "Changed since you read it on 3 Dec 2026: see what changed", the link opening the
section's word diff. Put into a section view by ui/reading/change_alerts.py, above the text."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from manualviewer.core.changes.alerts import Alert
from manualviewer.ui.reading.change_badges import badge_icon

DIFF_LINK = "changes:diff"

AlertFor = Callable[[str], Alert | None]  # section ID -> its change alert (ui/reading/change_alerts.py)


def no_alert(_section_id: str) -> Alert | None:
    return None


class ChangeBanner(QFrame):
    diff_requested = Signal(str)  # the section ID whose changes to show

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Section changed")
        self.section_id = ""
        self.alert: Alert | None = None  # the alert shown (None: hidden)
        self.offers_diff = False  # "see what changed" offered with it
        self.marker = QLabel(self)
        self.marker.setPixmap(badge_icon().pixmap(16, 16))
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.label.linkActivated.connect(lambda _link: self.diff_requested.emit(self.section_id))
        self.close_button = QPushButton("Dismiss", self)
        self.close_button.setAccessibleName("Dismiss the change message")
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.marker, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_alert(self, alert: Alert | None, *, diff: bool = True) -> None:
        """Say how the section changed; `diff`: whether "see what changed" can be offered (the
        text read is kept). None hides the banner."""
        self.alert, self.offers_diff = alert, diff and alert is not None
        if alert is None:
            self.section_id = ""
            self.hide()
            return
        self.section_id = alert.section_id
        sentence = html.escape(alert.sentence())
        link = f': <a href="{DIFF_LINK}">see what changed</a>' if diff else "."
        self.label.setText(f"<b>{sentence}</b>{link}")
        self.label.setToolTip(alert.tooltip())
        self.setAccessibleDescription(alert.tooltip())
        self.show()
