"""SHA-256 of files, read in blocks (pack files can be large index segments)."""

from __future__ import annotations

import hashlib
from pathlib import Path

BLOCK = 1 << 20


def file_digest(path: Path) -> tuple[int, str]:
    """(size, SHA-256 hex) of the file at `path`."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()
