"""Whether the user has seen the first-run welcome: a small marker file in the user's state
folder (platformdirs user_state_dir), so "Not now" is remembered and the welcome never asks at
every start. Tests give every home the marker (tests/conftest.py) so no test meets the dialog
unless it asks for it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from manualviewer.core.files import atomic_write
from manualviewer.storage import paths

WELCOME_FILE = "welcome-seen"


def welcome_marker_path() -> Path:
    """Where the marker is, without making its folder (asking must leave no trace)."""
    return Path(platformdirs.user_state_dir(paths.APP_NAME, appauthor=False)) / WELCOME_FILE


def welcome_seen() -> bool:
    return welcome_marker_path().is_file()


def mark_welcome_seen(now: datetime | None = None) -> None:
    """Remember that the welcome was shown (saved or skipped), with when, for whoever looks."""
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    atomic_write(paths.state_dir() / WELCOME_FILE, f"seen {when}\n", mode=0o600)
