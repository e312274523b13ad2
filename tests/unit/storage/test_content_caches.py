"""The caches of pack versions no longer installed are removed; the version in use, the one kept
for rollback and local folders keep theirs. Real packs synced from a real folder."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.packs import build, copy_library

from manualviewer.services.pack_sync import sync_source
from manualviewer.services.workspace import Workspace, ensure_index
from manualviewer.storage import installed_packs, paths

SECTION = Path("dmbm") / "DMBM511015.md"


def _open(workspace: Workspace) -> list[Path]:
    """Search the workspace as the app does (making its caches); its cache files and folders."""
    library = workspace.open_library()
    index = workspace.open_index()
    try:
        ensure_index(index, library)
        assert index.search("complaint").hits
    finally:
        index.close()
    caches = [p for p in paths.caches_of(paths.folders_key(workspace.folders)) if p.exists()]
    assert caches
    return caches


def _install(content: Path, share: Path, version: str) -> list[Path]:
    section = content / SECTION
    section.write_text(section.read_text(encoding="utf-8") + f"\nRevised for {version}.\n", encoding="utf-8")
    build(content, share, version)
    result = sync_source(str(share), public_key=None)
    assert (result.status, result.version) == ("updated", version), result.message
    return _open(Workspace.from_folders())


def test_caches_of_versions_no_longer_installed_are_removed(tmp_path: Path) -> None:
    local = copy_library(tmp_path / "local")
    local_caches = _open(Workspace((local,)))
    content, share = copy_library(tmp_path / "content"), tmp_path / "share" / "org"
    v1 = _install(content, share, "1.0")
    v2 = _install(content, share, "2.0")
    assert all(p.exists() for p in v1 + v2 + local_caches)  # 1.0 is kept for rollback
    v3 = _install(content, share, "3.0")
    assert not any(p.exists() for p in v1)  # 1.0 is gone: so are its index and parsed content
    assert all(p.exists() for p in v2 + v3 + local_caches)
    assert installed_packs.rollback("org-guidance") is not None
    assert Workspace.from_folders().folders[0].parent.name.startswith("2.0")
    assert all(p.exists() for p in v2 + v3)  # rolling back removes nothing


def test_a_local_folder_that_is_missing_keeps_its_caches(tmp_path: Path) -> None:
    # A file share may be offline only for now: its index takes minutes to build again.
    local = copy_library(tmp_path / "share-drive")
    caches = _open(Workspace((local,)))
    local.rename(tmp_path / "offline")
    assert installed_packs.remove_unused_caches() == []
    content, share = copy_library(tmp_path / "content"), tmp_path / "share" / "org"
    _install(content, share, "1.0")
    assert all(p.exists() for p in caches)
