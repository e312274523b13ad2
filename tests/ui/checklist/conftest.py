"""What the checklist window tests share: a user database in the test's folder, closed after
the test's windows (closing a main window saves the session into it). A test file that needs a
clock of its own overrides `stores`."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from manualviewer.storage.stores import Stores, open_stores
from tests.helpers.checklist_rig import close_windows


@pytest.fixture
def stores(qtbot: QtBot, tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "user.db")
    yield opened
    close_windows()
    opened.close()
