from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _normal_text_size() -> Iterator[None]:
    """A zoom scales the application font, shared by every test in the session: back to the
    desktop's size after each test."""
    yield
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is not None:
        from manualviewer.ui.text_size import apply_zoom

        apply_zoom(0)
