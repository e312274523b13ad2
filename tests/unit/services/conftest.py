"""What the change-tracking service tests share: a real copy of the bundled library and a
versions database whose clock moves a day at every question."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.packs import copy_library
from tests.helpers.services import TickingClock

from manualviewer.core.content.library import Library
from manualviewer.services.changes import ChangeTracker
from manualviewer.services.workspace import Workspace

DAY_ONE = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def day_clock() -> TickingClock:
    """A day later at every question, from DAY_ONE."""
    return TickingClock(DAY_ONE, dt.timedelta(days=1))


def load(content: Path) -> Library:
    return Workspace((content,)).open_library()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return copy_library(tmp_path / "content")


@pytest.fixture
def tracker(tmp_path: Path) -> Iterator[ChangeTracker]:
    opened = ChangeTracker.open(tmp_path / "versions.sqlite3", day_clock())
    yield opened
    opened.close()
