"""What makes the next start fast: the per-file parse cache (a file unchanged since the last
load is not parsed again) and the snapshot of the assembled library (a large library opens
without reading its files; `content_fingerprint` tells whether the files changed since)."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

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


# --- the library snapshot shipped in a content pack ------------------------------------------
PACK_SNAPSHOT_FORMAT = "manualviewer-library-snapshot"
_PATH_CLASSES = {"Path", "PosixPath", "WindowsPath", "PurePath", "PurePosixPath", "PureWindowsPath"}
# What a library snapshot is made of, besides manualviewer's own core types: anything else in
# one (os.system, eval, ...) is refused before it is called, whoever signed the pack.
_ALLOWED = {
    "builtins": {"set", "frozenset", "tuple", "list", "dict", "str", "int", "float", "bool", "bytes", "complex"},
    "collections": {"OrderedDict", "defaultdict"},
    "datetime": {"date", "datetime", "time", "timedelta", "timezone"},
    "copyreg": {"_reconstructor"},
}


class SnapshotError(ValueError):
    """A pack's library snapshot that cannot be used (the desktop then parses the content)."""


class _Rebasing(pickle.Unpickler):
    """Unpickles a library snapshot with every path moved from `old` (None: relative paths) to
    `new` (None: relative to `old`), as the platform's own Path (a pack built on Linux opens on
    Windows), and only the classes a library is made of."""

    def __init__(self, data: bytes, old: Path | None, new: Path | None) -> None:
        super().__init__(io.BytesIO(data))
        self.old, self.new = old, new

    def find_class(self, module: str, name: str) -> Any:
        if module == "pathlib" and name in _PATH_CLASSES:
            return self._path
        if module.startswith("manualviewer.core.") or name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise SnapshotError(f"a library snapshot holds no {module}.{name}")

    def _path(self, *parts: str) -> Path:
        path = Path(*parts)
        if self.old is None:
            return path if path.is_absolute() or self.new is None else self.new / path
        if not path.is_relative_to(self.old):
            return path
        relative = path.relative_to(self.old)
        return self.new / relative if self.new is not None else relative


def _rebased(data: bytes, old: Path | None, new: Path | None) -> Any:
    return _Rebasing(data, old, new).load()


def _rebase_outer(data: dict[str, Any], old: Path | None, new: Path | None) -> dict[str, Any]:
    # Paths live in manuals and problems here (and in the sections, see below); links and
    # backlinks hold section IDs only.
    outer = _rebased(pickle.dumps({k: v for k, v in data.items() if k != "blobs"}, pickle.HIGHEST_PROTOCOL),
                     old, new)
    return dict(outer)


# The sections' paths: unpickling and pickling 100,000 sections again to move their paths cost
# ~4 s on a desktop. Instead each section is pickled (protocol 2: no frames, every string with
# a 4-byte length) with its path under this placeholder folder and as pathlib.Path (the
# desktop's own kind of path); a desktop swaps the placeholder's bytes for its folder's.
_ROOT_TOKEN = "manualviewer-pack-root-7f3c9e"
_NATIVE_PATH = b"cpathlib\nPath\n"
# PosixPath or WindowsPath from pathlib (pathlib._local from Python 3.13): each desktop's own Path.
_ANY_PATH = re.compile(rb"cpathlib(?:\._local)?\n(?:Posix|Windows)?Path\n")


def _string_op(text: str) -> bytes:
    data = text.encode("utf-8")
    return b"X" + len(data).to_bytes(4, "little") + data  # BINUNICODE


def _pack_blob(section: Section, root: Path) -> bytes:
    path = section.path
    placed = Path(_ROOT_TOKEN) / path.relative_to(root) if path.is_relative_to(root) else path
    blob = pickle.dumps(replace(section, body="", path=placed), protocol=2)
    return _ANY_PATH.sub(_NATIVE_PATH, blob)


def write_pack_snapshot(path: Path, library: Library, root: Path, app_version: str) -> None:
    """The library as a pack ships it: paths relative to the pack folder `root`, no fingerprint
    (it is of the desktop's files), tagged with the app version that made it."""
    # Bodies stay in the files (a desktop opens the library with lazy bodies, as from its own
    # snapshot): the snapshot is a fraction of the content's size.
    data = _rebase_outer({**library.snapshot(), "fingerprint": ""}, root, None)
    data["blobs"] = {key: _pack_blob(section, root) for key, section in library.sections.items()}
    with path.open("wb") as handle:
        pickle.dump({"format": PACK_SNAPSHOT_FORMAT, "version": SNAPSHOT_VERSION, "app": app_version,
                     "library": data}, handle, protocol=pickle.HIGHEST_PROTOCOL)


def read_pack_snapshot(path: Path, root: Path, app_version: str) -> Library:
    """The library in a pack's snapshot, its paths under the installed pack folder `root`.
    Only for a pack whose signature verified (it is pickled data). SnapshotError when it is
    not one, or was made by another version of the app (its classes may differ)."""
    try:
        raw = _rebased(path.read_bytes(), None, root)
    except SnapshotError:
        raise
    except Exception as exc:
        raise SnapshotError(f"unreadable library snapshot ({type(exc).__name__})") from None
    if not isinstance(raw, dict) or raw.get("format") != PACK_SNAPSHOT_FORMAT:
        raise SnapshotError("not a library snapshot")
    if raw.get("version") != SNAPSHOT_VERSION or raw.get("app") != app_version:
        raise SnapshotError(f"a snapshot of manualviewer {raw.get('app')}, not {app_version}")
    try:
        data = raw["library"]
        token, here = _string_op(_ROOT_TOKEN), _string_op(str(root))
        data["blobs"] = {key: blob.replace(token, here) for key, blob in data["blobs"].items()}
        _check_sample(data["blobs"], root)
        return Library.from_snapshot(data)
    except SnapshotError:
        raise
    except Exception as exc:
        raise SnapshotError(f"unreadable library snapshot ({type(exc).__name__})") from None


def _check_sample(blobs: dict[str, bytes], root: Path) -> None:
    """The first and last sections read back as sections under `root`: sections are unpickled
    only when shown, so a snapshot this app cannot read (another Python's pickles) must be
    found now, while the desktop can still parse the files instead."""
    for key in {next(iter(blobs), None), next(reversed(blobs), None)} - {None}:
        section = _rebased(blobs[str(key)], None, None)
        if not isinstance(section, Section) or not section.path.is_relative_to(root):
            raise SnapshotError("the snapshot's sections do not read back under the pack folder")
