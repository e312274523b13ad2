"""The caches kept for each set of content folders (the search index, `paths.index_dir`; the
parsed content and the library snapshot, `paths.library_cache_path`), and their removal once
nothing can use them.

Each set of folders has its own caches, named by a hash of the folders. An installed content
pack is read from its version folder (installed_packs.py), so every new version is a new set,
and the caches of versions that are gone would pile up on every desktop (well over 100 MB a
version at 100,000 sections). The hash cannot be read back, so a record beside the caches,
`folders-<key>.txt`, names the folders of each set. The caches of a set that includes a pack
version no longer installed are removed; the version in use and the one kept for `pack rollback`
keep theirs. A set of local folders is kept even when a folder is missing: a file share may be
offline only for now, and its index takes minutes to build again."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from pathlib import Path

from manualviewer.core.files import atomic_write
from manualviewer.storage import paths

RECORD_PREFIX = "folders-"


def record_path(key: str) -> Path:
    return paths.cache_dir_path() / f"{RECORD_PREFIX}{key}.txt"


def remember(folders: Iterable[Path]) -> None:
    """Write down which folders the caches of this set are for (once; cheap when done)."""
    resolved = [Path(f).resolve() for f in folders]
    path = record_path(paths.folders_key(resolved))
    if path.is_file():
        return
    paths.cache_dir()
    with contextlib.suppress(OSError):  # no record: only that these caches are never cleaned
        atomic_write(path, "".join(f"{folder}\n" for folder in resolved), mode=0o600)


def remove_unused(packs: Path, kept: Mapping[str, AbstractSet[str]]) -> list[str]:
    """Remove the caches of every set of folders that includes a version folder of a pack in
    `packs` which that pack no longer keeps (`kept`: pack name -> its version folders in use,
    from installed_packs); the keys of the sets removed."""
    cache = paths.cache_dir_path()
    if not cache.is_dir():
        return []
    base = packs.resolve()
    removed = []
    for record in sorted(cache.glob(f"{RECORD_PREFIX}*.txt")):
        key = record.name.removeprefix(RECORD_PREFIX).removesuffix(".txt")
        try:
            folders = [Path(line) for line in record.read_text(encoding="utf-8").splitlines() if line]
        except (OSError, UnicodeDecodeError):
            continue
        if any(_gone_version(folder, base, kept) for folder in folders):
            _remove_caches(key)
            removed.append(key)
    return removed


def _gone_version(folder: Path, base: Path, installed: Mapping[str, AbstractSet[str]]) -> bool:
    """`folder` is inside a pack's version folder, of a version that pack no longer keeps.
    A pack whose state cannot be read is not judged (nothing of it is removed)."""
    try:
        parts = folder.relative_to(base).parts
    except ValueError:
        return False  # a local folder
    if len(parts) < 3 or parts[1] != "versions":  # <packs>/<name>/versions/<version>/...
        return False
    name, version = parts[0], parts[2]
    if name not in installed:
        return not (base / name).exists()  # the pack was removed (state unreadable: not judged)
    return version not in installed[name]


def _remove_caches(key: str) -> None:
    for path in (*paths.caches_of(key), record_path(key)):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()
