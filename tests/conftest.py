"""Every test gets its own user folders, so nothing touches the real user's data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BUNDLED_CONTENT = REPO / "content"
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("MANUALVIEWER_CONTENT", raising=False)
    yield home


@pytest.fixture
def bundled_content() -> Path:
    return BUNDLED_CONTENT
