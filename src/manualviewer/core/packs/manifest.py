"""`pack.json`: what a pack holds, read and written in one canonical form.

The canonical bytes (sorted keys, two-space indent, ASCII, one final newline) are what a
signature covers: `pack.json.sig` signs the exact bytes of `pack.json` as published, so a
desktop verifies what it downloaded before it parses anything else of it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from manualviewer.core.json_limits import JsonTooDeep, loads_bounded
from manualviewer.core.packs.paths import PackPathError, safe_relative_path

MANIFEST_FILE = "pack.json"
SIGNATURE_FILE = "pack.json.sig"
# The parsed library, pickled (core/content/load_cache.py): used only from a verified pack.
SNAPSHOT_FILE = "library.snapshot"
# Every file under content/ in one uncompressed tar, for a first install (one request, not one
# per file); described in pack.json under "archive", not in "files" (a desktop never keeps it).
ARCHIVE_FILE = "content.tar"
FORMAT = 1

# Names and versions become folder names on every desktop: letters, digits and . _ - only.
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class ManifestError(ValueError):
    """A pack.json that cannot be used; the message is one plain sentence."""


@dataclass(frozen=True)
class PackFile:
    path: str  # relative, forward slashes, inside the pack folder
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str
    created: str  # ISO 8601 UTC; the one field two builds of the same input differ in
    min_app_version: str
    sections: int
    files: tuple[PackFile, ...]
    archive: PackFile | None = None  # ARCHIVE_FILE: the content files in one download

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    def file(self, path: str) -> PackFile | None:
        return self._by_path.get(path)

    @cached_property
    def _by_path(self) -> dict[str, PackFile]:
        # A sync asks once per file: a scan each time was quadratic (hours at 100,000 files).
        # cached_property writes the instance's __dict__ directly, which a frozen dataclass allows.
        return {f.path: f for f in self.files}

    def to_bytes(self) -> bytes:
        data: dict[str, Any] = {
            "format": FORMAT,
            "name": self.name,
            "version": self.version,
            "created": self.created,
            "min_app_version": self.min_app_version,
            "sections": self.sections,
            "files": [{"path": f.path, "size": f.size, "sha256": f.sha256}
                      for f in sorted(self.files, key=lambda f: f.path)],
        }
        if self.archive is not None:  # absent from packs without one: their bytes stay as they were
            data["archive"] = {"path": self.archive.path, "size": self.archive.size, "sha256": self.archive.sha256}
        return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=True) + "\n").encode("ascii")


def check_name(value: str, what: str) -> str:
    if not _NAME_RE.match(value) or value in {".", ".."}:
        raise ManifestError(f"The pack {what} {value!r} may use only letters, digits, '.', '_' and '-'.")
    return value


def parse_manifest(data: bytes) -> Manifest:
    """The manifest in `data`; ManifestError when it is not valid JSON of the expected shape,
    or a file path would leave the pack folder."""
    try:
        raw = loads_bounded(data.decode("utf-8"))  # a 100,000-deep file is this error, not a RecursionError
    except JsonTooDeep as exc:
        raise ManifestError(f"The pack's pack.json is nested too deeply: {exc}.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"The pack's pack.json is not valid JSON ({exc}).") from None
    if not isinstance(raw, dict):
        raise ManifestError("The pack's pack.json is not a JSON object.")
    if raw.get("format") != FORMAT:
        raise ManifestError(f"The pack's pack.json has format {raw.get('format')!r}; this app reads format {FORMAT}.")
    try:
        name = check_name(_text(raw, "name"), "name")
        version = check_name(_text(raw, "version"), "version")
        files: list[PackFile] = []
        seen: set[str] = set()
        entries = raw.get("files")
        if not isinstance(entries, list):
            raise ManifestError("The pack's pack.json has no list of files.")
        for entry in entries:
            pack_file = _pack_file(entry)
            if pack_file.path.lower() in seen:
                raise ManifestError(f"The pack's pack.json lists {pack_file.path} twice.")
            seen.add(pack_file.path.lower())
            files.append(pack_file)
        archive = _pack_file(raw["archive"]) if raw.get("archive") is not None else None
        if archive is not None and archive.path.lower() in seen:
            raise ManifestError(f"The pack's pack.json lists {archive.path} twice.")
        sections = raw.get("sections", 0)
        if not isinstance(sections, int) or isinstance(sections, bool):
            raise ManifestError("The pack's pack.json has no valid section count.")
        return Manifest(name=name, version=version, created=_text(raw, "created"),
                        min_app_version=_text(raw, "min_app_version"), sections=sections,
                        files=tuple(sorted(files, key=lambda f: f.path)), archive=archive)
    except PackPathError as exc:
        raise ManifestError(f"The pack's pack.json names a file outside the pack ({exc}).") from None


def _pack_file(entry: object) -> PackFile:
    if not isinstance(entry, dict):
        raise ManifestError("The pack's pack.json lists a file that is not an object.")
    path = safe_relative_path(_text(entry, "path"))
    size = entry.get("size")
    digest = entry.get("sha256")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ManifestError(f"The pack's pack.json gives {path} no valid size.")
    if not isinstance(digest, str) or not _SHA256_RE.match(digest):
        raise ManifestError(f"The pack's pack.json gives {path} no valid SHA-256.")
    return PackFile(path, size, digest)


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise ManifestError(f"The pack's pack.json has no {key}.")
    return value


def version_tuple(version: str) -> tuple[int, ...]:
    """'0.10.2' -> (0, 10, 2); the leading digits of each dotted part (a suffix is ignored)."""
    parts = []
    for part in version.split("."):
        digits = re.match(r"\d*", part)
        parts.append(int(digits.group()) if digits and digits.group() else 0)
    return tuple(parts)
