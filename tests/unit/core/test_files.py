from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from manualviewer.core.files import atomic_open, atomic_write


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of its own: tmp_path also holds the test's user folders (tests/conftest.py)."""
    path = tmp_path / "files"
    path.mkdir()
    return path


def test_atomic_write_replaces_the_file_and_leaves_nothing_beside_it(folder: Path) -> None:
    target = folder / "a.txt"
    target.write_text("old", encoding="utf-8")
    atomic_write(target, "néw\n")
    assert target.read_bytes() == "néw\n".encode()
    atomic_write(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"
    assert [p.name for p in folder.iterdir()] == ["a.txt"]


def test_mode_is_set_or_left_to_the_umask(tmp_path: Path) -> None:
    atomic_write(tmp_path / "private", "x", mode=0o600)
    assert _mode(tmp_path / "private") == 0o600
    umask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "plain", "x")
    finally:
        os.umask(umask)
    assert _mode(tmp_path / "plain") == 0o644  # as open() would make it


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary_one(folder: Path) -> None:
    target = folder / "cache.pickle"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write(b"half")
        raise RuntimeError("stopped mid-write")
    assert target.read_bytes() == b"old"
    assert [p.name for p in folder.iterdir()] == ["cache.pickle"]
