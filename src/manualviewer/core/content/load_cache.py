"""What makes the next start fast: the per-file parse cache (a file unchanged since the last
load is not parsed again) and the snapshot of the assembled library (a large library opens
without reading its files; `content_fingerprint` tells whether the files changed since)."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from manualviewer.core.content.glossary import GLOSSARY_FILE
from manualviewer.core.content.library import Library
from manualviewer.core.files import atomic_open
from manualviewer.core.model import Section
from manualviewer.core.problems import ContentProblem

MANUAL_FILE = "manual.md"
CACHE_VERSION = 5  # 4: change notes and titles read as written (`note: 0041` is "0041"); 5: must-read marks
SNAPSHOT_VERSION = 4  # 3: the same; 4: must-read marks (Library.must_read, Manual.must_read)


@dataclass(frozen=True)
class FileResult:
    """What one section file contributes; cached by (mtime, size) so an unchanged file is not
    read again on the next start."""

    section: Section | None
    refs: tuple[tuple[str, int], ...]
    problems: tuple[ContentProblem, ...]
    embeds: tuple[tuple[str, int], ...] = ()  # {procedure:ID} and procedure: links, file lines


CachedFiles = dict[str, tuple[int, int, FileResult | None]]  # path -> (mtime_ns, size, result)


def manual_files(folder: Path) -> list[Path]:
    """The manual.md of every manual folder below a content folder (or of the folder itself).

    A manual.md that is a link to nothing is listed too, so that it is reported: a glob skips
    it, and the whole manual would vanish without a word."""
    try:
        below = [entry / MANUAL_FILE for entry in sorted(folder.iterdir()) if entry.is_dir()]
    except OSError:  # a folder that cannot be listed holds no manual we can read (as a glob)
        below = []
    return [path for path in [*below, folder / MANUAL_FILE] if path.exists() or path.is_symlink()]


def read_cache(cache_file: Path | None, codes: tuple[str, ...]) -> CachedFiles:
    if cache_file is None or not cache_file.exists():
        return {}
    try:
        with cache_file.open("rb") as handle:
            data = pickle.load(handle)
    except Exception:  # a damaged or foreign cache is only a slower start
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or data.get("codes") != codes:
        return {}  # links depend on the set of manual codes: a new manual means parsing again
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def write_cache(cache_file: Path, codes: tuple[str, ...], files: CachedFiles) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with atomic_open(cache_file, mode=0o600) as handle:
            pickle.dump({"version": CACHE_VERSION, "codes": codes, "files": files}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        pass  # no cache (full disk, read-only folder): the next start parses again


def snapshot_path(cache_file: Path) -> Path:
    return cache_file.with_suffix(".snapshot")


def content_fingerprint(folders: Iterable[Path]) -> str:
    """Names, sizes and modification times of every content file: equal fingerprints mean the
    files are as they were (a stat of each file, no reading)."""
    digest = hashlib.sha256()
    for folder in folders:
        folder = Path(folder)
        digest.update(f"folder {folder.resolve()}\n".encode())
        if not folder.is_dir():
            continue
        for manual_file in manual_files(folder):
            for entry in sorted(os.scandir(manual_file.parent), key=lambda e: e.name):
                # glossary.yaml too: it is read with the library, so an edit must count as a change.
                if (entry.name.endswith(".md") or entry.name == GLOSSARY_FILE) and entry.is_file():
                    stat = entry.stat()
                    digest.update(f"{entry.path}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    return digest.hexdigest()


def open_snapshot(cache_file: Path) -> Library | None:
    """The library as last assembled, without reading the content (check it with
    content_fingerprint, in the background). None when there is no usable snapshot."""
    path = snapshot_path(cache_file)
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
        if not isinstance(data, dict) or data.get("version") != SNAPSHOT_VERSION:
            return None
        return Library.from_snapshot(data["library"])
    except Exception:  # missing, damaged, or from another version: load the usual way
        return None


def write_snapshot(path: Path, library: Library) -> None:
    try:
        with atomic_open(path, mode=0o600) as handle:
            pickle.dump({"version": SNAPSHOT_VERSION, "library": library.snapshot()}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        pass  # no snapshot: the next start loads the usual way
