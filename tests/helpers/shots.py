"""Screenshots for people to look at: saved only when MANUALVIEWER_SHOTS names a folder, so a
test run writes nothing outside its own temporary folders."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QWidget


def save_shot(widget: QWidget, name: str) -> None:
    """`widget` as `<MANUALVIEWER_SHOTS>/<name>.png`, when that variable is set."""
    folder = os.environ.get("MANUALVIEWER_SHOTS", "")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))
