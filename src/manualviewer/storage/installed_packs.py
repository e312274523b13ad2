"""Where installed content packs live on a desktop, and which version of each is in use.

    <user data dir>/packs/<name>/state.json        {"current": "<folder>", "previous": "<folder>"|null}
    <user data dir>/packs/<name>/versions/<version>-<manifest hash>/   pack.json, content/, index/
    <user data dir>/packs/sources.json             per source: its ETag and the pack it gave

Switching is one atomic rewrite of state.json (readers see the old version or the new one);
the previous version stays on disk for `pack rollback`, older ones are removed. A version
folder whose signature verified at install holds the marker file VERIFIED; only then is its
prebuilt index used."""

from __future__ import annotations

import contextlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manualviewer.core.files import atomic_write
from manualviewer.core.json_limits import loads_bounded
from manualviewer.core.packs.manifest import SNAPSHOT_FILE
from manualviewer.storage import content_caches, paths

STATE_FILE = "state.json"
SOURCES_FILE = "sources.json"
VERSIONS_DIR = "versions"
VERIFIED_MARKER = "VERIFIED"


@dataclass(frozen=True)
class InstalledPack:
    name: str
    version: str
    folder: Path  # the version folder: pack.json, content/, index/
    verified: bool  # its signature was checked against the configured key at install
    previous: Path | None

    @property
    def content(self) -> Path:
        return self.folder / "content"

    @property
    def index(self) -> Path:
        return self.folder / "index"


def packs_root(root: Path | None = None, *, create: bool = False) -> Path:
    """The packs folder; made (with the private user data folder) only by an install, never
    by a look: a start with no packs leaves no trace."""
    if root is None:
        root = (paths.data_dir() if create else paths.data_dir_path()) / "packs"
    if create:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def installed(root: Path | None = None) -> list[InstalledPack]:
    """Every installed pack, by name; a pack whose state or folder is unreadable (damaged, or JSON
    nested past core/json_limits' depth) is left out."""
    base = packs_root(root)
    if not base.is_dir():
        return []
    found = []
    for state_file in sorted(base.glob(f"*/{STATE_FILE}")):
        pack = _read(state_file.parent)
        if pack is not None:
            found.append(pack)
    return found


def get(name: str, root: Path | None = None) -> InstalledPack | None:
    return _read(packs_root(root) / name)


def _read(pack_dir: Path) -> InstalledPack | None:
    try:
        state = loads_bounded((pack_dir / STATE_FILE).read_text(encoding="utf-8"))
        folder = pack_dir / VERSIONS_DIR / str(state["current"])
        previous = pack_dir / VERSIONS_DIR / str(state["previous"]) if state.get("previous") else None
        return InstalledPack(name=pack_dir.name, version=_version_of(folder), folder=folder,
                             verified=(folder / VERIFIED_MARKER).is_file(),
                             previous=previous if previous is not None and previous.is_dir() else None)
    except (OSError, ValueError, KeyError, TypeError):
        return None


_versions: dict[tuple[str, int, int, int], str] = {}


def _version_of(folder: Path) -> str:
    """The version in the folder's pack.json. Remembered per file (path, inode, size, time): the
    pack.json of 100,000 files is 16 MB, and every look at the installed packs asks."""
    path = folder / "pack.json"
    info = path.stat()
    key = (str(path), info.st_ino, info.st_size, info.st_mtime_ns)
    if key not in _versions:
        _versions[key] = str(loads_bounded(path.read_text(encoding="utf-8"))["version"])
    return _versions[key]


def new_version_dir(name: str, label: str, root: Path | None = None) -> Path:
    """The folder a version is staged into (not yet in use): inside the pack's folder, so the
    switch is a rename on one file system."""
    versions = packs_root(root, create=True) / name / VERSIONS_DIR
    versions.mkdir(parents=True, exist_ok=True)
    return versions / label


def switch(name: str, version_dir: Path, root: Path | None = None) -> None:
    """Make `version_dir` (under the pack's versions/) the current version; the one in use
    becomes the previous; any older one is removed."""
    pack_dir = packs_root(root) / name
    current = _state(pack_dir).get("current")
    state = {"current": version_dir.name, "previous": current if current != version_dir.name else None}
    atomic_write(pack_dir / STATE_FILE, json.dumps(state) + "\n", mode=0o600)
    _prune(pack_dir, {str(v) for v in state.values() if v})
    remove_unused_caches(root)


def rollback(name: str, root: Path | None = None) -> InstalledPack | None:
    """Back to the previous version (the current one becomes the previous); None when there
    is no previous version."""
    pack_dir = packs_root(root) / name
    state = _state(pack_dir)
    previous = state.get("previous")
    if not previous or not (pack_dir / VERSIONS_DIR / str(previous)).is_dir():
        return None
    atomic_write(pack_dir / STATE_FILE, json.dumps({"current": previous, "previous": state.get("current")}) + "\n",
                 mode=0o600)
    return _read(pack_dir)


def _state(pack_dir: Path) -> dict[str, Any]:
    try:
        value = loads_bounded((pack_dir / STATE_FILE).read_text(encoding="utf-8"))
        return value if isinstance(value, dict) else {}
    except (OSError, ValueError):
        return {}


def _prune(pack_dir: Path, keep: set[str]) -> None:
    for folder in (pack_dir / VERSIONS_DIR).iterdir():
        if folder.name not in keep and not folder.name.startswith("."):
            with contextlib.suppress(OSError):
                shutil.rmtree(folder)


def kept_versions(root: Path | None = None) -> dict[str, set[str]]:
    """Pack name -> the version folders it keeps: the one in use and the previous one."""
    base = packs_root(root)
    if not base.is_dir():
        return {}
    return {state_file.parent.name: {str(v) for v in (state.get("current"), state.get("previous")) if v}
            for state_file in sorted(base.glob(f"*/{STATE_FILE}"))
            if (state := _state(state_file.parent))}


def remove_unused_caches(root: Path | None = None) -> list[str]:
    """Remove the user's caches (search index, parsed content) of pack versions no longer kept."""
    return content_caches.remove_unused(packs_root(root), kept_versions(root))


def source_state(root: Path | None = None) -> dict[str, dict[str, str]]:
    try:
        value = loads_bounded((packs_root(root) / SOURCES_FILE).read_text(encoding="utf-8"))
        return value if isinstance(value, dict) else {}
    except (OSError, ValueError):
        return {}


def remember_source(source: str, etag: str, name: str, root: Path | None = None) -> None:
    state = source_state(root)
    packs_root(root, create=True)
    state[source] = {"etag": etag, "name": name}
    atomic_write(packs_root(root) / SOURCES_FILE, json.dumps(state, indent=2, sort_keys=True) + "\n", mode=0o600)


def installed_content_folders(root: Path | None = None) -> tuple[Path, ...]:
    """The content folder of each installed pack's current version (the workspace loads them)."""
    return tuple(pack.content for pack in installed(root) if pack.content.is_dir())


def prebuilt_index_for(folders: tuple[Path, ...], root: Path | None = None) -> Path | None:
    """The prebuilt index of the pack when `folders` is exactly one installed pack's content
    and its signature verified at install: Whoosh keeps pickled data in an index, so an index
    from an unverified pack is never opened (the desktop indexes that pack's content itself)."""
    pack = verified_pack_for(folders, root)
    return pack.index if pack is not None and pack.index.is_dir() else None


def prebuilt_snapshot_for(folders: tuple[Path, ...], root: Path | None = None) -> tuple[Path, Path] | None:
    """(the library snapshot, the pack folder its paths are relative to) when `folders` is
    exactly one installed pack's content, its signature verified at install (the snapshot is
    pickled data, like the index) and it ships one (packs built before it did not)."""
    pack = verified_pack_for(folders, root)
    if pack is None or not (pack.folder / SNAPSHOT_FILE).is_file():
        return None
    return pack.folder / SNAPSHOT_FILE, pack.folder


def verified_pack_for(folders: tuple[Path, ...], root: Path | None = None) -> InstalledPack | None:
    """The installed pack whose content is exactly `folders`, when its signature verified."""
    if len(folders) != 1:
        return None
    folder = folders[0].resolve()
    for pack in installed(root):
        if pack.verified and pack.content.resolve() == folder:
            return pack
    return None
