"""The parsed library a content pack ships (load_cache.write_pack_snapshot / read_pack_snapshot):
paths relative to the pack, moved to where the desktop installed it; only the classes a library
is made of; only from the app version that made it."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
from tests.helpers.bundled import BUNDLED

from manualviewer.core.content.load_cache import (
    PACK_SNAPSHOT_FORMAT,
    SNAPSHOT_VERSION,
    SnapshotError,
    read_pack_snapshot,
    write_pack_snapshot,
)
from manualviewer.core.content.loader import load_library


def _pack(tmp_path: Path) -> Path:
    root = tmp_path / "built"
    shutil.copytree(BUNDLED, root / "content", ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    write_pack_snapshot(root / "library.snapshot", load_library([root / "content"]), root, "9.9")
    return root


def test_paths_move_to_where_the_pack_is_installed(tmp_path: Path) -> None:
    built = _pack(tmp_path)
    assert str(built).encode() not in (built / "library.snapshot").read_bytes()  # no builder's path in it
    installed = tmp_path / "desktop" / "v1"
    shutil.copytree(built, installed)
    shutil.rmtree(built)
    library = read_pack_snapshot(installed / "library.snapshot", installed, "9.9")
    parsed = load_library([installed / "content"])
    assert sorted(library.sections) == sorted(parsed.sections)
    assert all(library.sections[key].path == parsed.sections[key].path for key in parsed.sections)
    assert {code: m.path for code, m in library.manuals.items()} == {code: m.path for code, m in parsed.manuals.items()}
    some = next(iter(library.sections.values()))
    assert some.body == "" and library.body_of(some) == parsed.sections[some.id].body  # bodies from the files


def test_a_snapshot_of_another_app_version_is_not_used(tmp_path: Path) -> None:
    built = _pack(tmp_path)
    with pytest.raises(SnapshotError, match=r"9\.9, not 10\.0"):
        read_pack_snapshot(built / "library.snapshot", built, "10.0")


class _Runs:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, ("touch should-not-exist",)


def test_a_snapshot_naming_any_other_class_is_refused_before_it_runs(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "library.snapshot"
    path.write_bytes(pickle.dumps({"format": PACK_SNAPSHOT_FORMAT, "version": SNAPSHOT_VERSION, "app": "9.9",
                                   "library": {"blobs": {}, "x": _Runs()}}))
    with pytest.raises(SnapshotError, match="system"):
        read_pack_snapshot(path, tmp_path, "9.9")
    assert not (tmp_path / "should-not-exist").exists()
    path.write_bytes(b"not a pickle")
    with pytest.raises(SnapshotError):
        read_pack_snapshot(path, tmp_path, "9.9")


def test_a_snapshot_whose_sections_do_not_read_back_under_the_pack_is_not_used(tmp_path: Path) -> None:
    root = tmp_path / "built"
    shutil.copytree(BUNDLED, root / "content", ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    # Made relative to another folder: the sections keep absolute paths outside the install folder.
    write_pack_snapshot(root / "library.snapshot", load_library([root / "content"]), tmp_path / "other", "9.9")
    with pytest.raises(SnapshotError, match="under the pack folder"):
        read_pack_snapshot(root / "library.snapshot", tmp_path / "desktop", "9.9")


def test_section_paths_are_pickled_as_the_desktops_own_path_class(tmp_path: Path) -> None:
    data = pickle.loads((_pack(tmp_path) / "library.snapshot").read_bytes())
    blob = next(iter(data["library"]["blobs"].values()))
    assert b"cpathlib\nPath\n" in blob and b"PosixPath" not in blob and b"WindowsPath" not in blob
