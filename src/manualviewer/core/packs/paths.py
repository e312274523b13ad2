"""Paths inside a pack: a manifest comes from the network, so every path it names is checked
to stay inside the pack folder before anything is written or read by it."""

from __future__ import annotations

import re
from pathlib import Path

_WINDOWS_DRIVE_RE = re.compile(r"^[A-Za-z]:")
# Names Windows refuses or maps to devices; refused everywhere so a pack installs on any desktop.
_NOT_NAMES = {"", ".", ".."}
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


class PackPathError(ValueError):
    pass


def safe_relative_path(text: str) -> str:
    """`text` as a relative POSIX path with no '..', no absolute root, no drive, no backslash,
    no empty or dot part; PackPathError otherwise."""
    if not text or "\\" in text or "\0" in text or _WINDOWS_DRIVE_RE.match(text):
        raise PackPathError(repr(text))
    # Plain string checks (a manifest lists 100,000 paths): with no empty, "." or ".." part the
    # text is already the normal form of a relative path ("/x" has an empty first part).
    parts = text.split("/")
    if any(part in _NOT_NAMES or part.split(".")[0].lower() in _RESERVED for part in parts):
        raise PackPathError(repr(text))
    return text


def inside(root: Path, relative: str) -> Path:
    """`root / relative`, checked again after resolving (a symlink in the way cannot lead out)."""
    target = root / safe_relative_path(relative)
    resolved_root = root.resolve()
    if not target.resolve().is_relative_to(resolved_root):
        raise PackPathError(repr(relative))
    return target
