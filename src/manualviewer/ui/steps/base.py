"""What every step view is: `StepView` (the answer part of one step; `value()` is what the engine
is given), the plain `InfoView`, and the small widgets the views are built from."""

from __future__ import annotations

from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.procedures import (
    AnyStep,
    Run,
)


# --- small widgets ---------------------------------------------------------------------------
def framed_box(parent: QWidget | None = None, name: str = "") -> QFrame:
    frame = QFrame(parent)
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setAutoFillBackground(True)
    frame.setBackgroundRole(frame.palette().ColorRole.AlternateBase)
    if name:
        frame.setAccessibleName(name)
    return frame


def mnemonic_safe(text: str) -> str:
    return text.replace("&", "&&")


class ClickLabel(QLabel):
    """A wrapping label that checks its radio button when clicked (QRadioButton cannot wrap)."""

    def __init__(self, text: str, button: QRadioButton, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._button = button
        self.setWordWrap(True)
        self.setBuddy(button)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._button.setChecked(True)
        self._button.setFocus()
        super().mousePressEvent(event)


# --- step views ----------------------------------------------------------------------------
class StepView(QWidget):
    """The answer part of one step. `value()` is what the engine is given."""

    primary_text = "&Continue"
    secondary_text = ""

    def __init__(self, step: AnyStep, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = step
        self.run = run
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)

    def value(self) -> object:
        return None

    def secondary_value(self) -> object:
        return None

    def set_value(self, value: object) -> None:
        """Show an earlier answer, for changing it."""

    def show_field_error(self, field: str | None, message: str) -> bool:
        """Show an error beside its field; False when the view has no such field."""
        return False

    def clear_errors(self) -> None:
        pass

    def focus_first(self) -> None:
        self.setFocus()


class InfoView(StepView):
    primary_text = "&Done, continue"
