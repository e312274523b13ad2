"""Staging a pack version for `pack sync`: every file pack.json lists, in a new folder, each one
checked before the version is switched to.

Three ways a file gets there, cheapest first:
1. unchanged since the version in use (same path, size and SHA-256 in both manifests): a hard
   link to it (a copy where links fail), no download;
2. on a first install (or any sync missing many files), from the pack's archive of its content
   files (pack.json "archive"): one download instead of one request per file, each member
   checked against pack.json (listed, regular, size, SHA-256) as it is unpacked;
3. the rest, one download each, checked for size and SHA-256 as it arrives.

Every path written comes from pack.json, whose paths were checked not to leave the pack folder
(core/packs/paths.py) when it was parsed; the staging folder is new and only this module
writes in it (folders and regular files, never a link), so joining the checked path to it
cannot lead out."""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Protocol, cast

from manualviewer.core.packs.manifest import Manifest, PackFile
from manualviewer.core.packs.paths import inside
from manualviewer.services.pack_build import CONTENT_DIR, PackError

# A sync missing at least this many content files (and a quarter of the archive's bytes) takes
# them from the archive: below that, one request per file costs less than the whole archive.
ARCHIVE_FROM = 500


class ChunkSource(Protocol):
    def chunks(self, path: str) -> Iterator[bytes]: ...


class Stager:
    """Fills `staging` with the files of `manifest`; counts what it downloaded."""

    def __init__(self, origin: ChunkSource, manifest: Manifest, staging: Path) -> None:
        self.origin = origin
        self.manifest = manifest
        self.root = str(staging)
        self.files_downloaded = 0
        self.bytes_downloaded = 0
        self._made: set[str] = set()

    def stage(self, current_folder: Path | None, current: Manifest | None) -> None:
        pending = self.link_unchanged(current_folder, current)
        pending = self.unpack_archive(pending)
        for entry in pending:
            self.download(entry)

    def _target(self, relative: str) -> str:
        target = os.path.join(self.root, relative)
        parent = os.path.dirname(target)
        if parent not in self._made:
            os.makedirs(parent, exist_ok=True)
            self._made.add(parent)
        return target

    # --- 1. unchanged files ------------------------------------------------------------------
    def link_unchanged(self, current_folder: Path | None, current: Manifest | None) -> list[PackFile]:
        """Link every file unchanged since the version in use; the others, still to fetch."""
        pending: list[PackFile] = []
        base = str(current_folder) if current_folder is not None else ""
        for entry in self.manifest.files:
            if current is None or current.file(entry.path) != entry or not self._link(base, entry):
                pending.append(entry)
        return pending

    def _link(self, base: str, entry: PackFile) -> bool:
        # The version in use was staged by this module from a checked pack.json: its files are
        # at their listed paths, and were checked when they arrived.
        source = os.path.join(base, entry.path)
        target = self._target(entry.path)
        try:
            # A hard link costs no copy; installed files are never written in place (a new
            # version is always a new folder), so sharing them between versions is safe.
            os.link(source, target)
        except OSError:
            try:
                shutil.copyfile(source, target)
            except OSError:
                return False
        return True

    # --- 2. the archive ----------------------------------------------------------------------
    def unpack_archive(self, pending: list[PackFile]) -> list[PackFile]:
        """Take the pending content files from the pack's archive when that is cheaper; the
        files still to fetch (all of `pending` when the archive is not used)."""
        archive = self.manifest.archive
        wanted = {e.path: e for e in pending if e.path.startswith(CONTENT_DIR + "/")}
        if archive is None or len(wanted) < ARCHIVE_FROM or sum(e.size for e in wanted.values()) * 4 < archive.size:
            return pending
        listed = {e.path for e in self.manifest.files}
        got: set[str] = set()
        reader = _CheckedStream(self.origin.chunks(archive.path), archive)
        try:
            # A stream ("r|") reads forward only: read() is all it needs.
            with tarfile.open(fileobj=cast("IO[bytes]", reader), mode="r|") as tar:
                for member in tar:
                    self._unpack(tar, member, wanted, listed, got)
            reader.finish()
        except (tarfile.TarError, http.client.IncompleteRead, ConnectionError, TimeoutError) as exc:
            raise PackError(f"The download of {archive.path} was cut off or damaged ({type(exc).__name__}).") from None
        finally:
            self.bytes_downloaded += reader.size
        return [e for e in pending if e.path not in got]

    def _unpack(self, tar: tarfile.TarFile, member: tarfile.TarInfo, wanted: dict[str, PackFile],
                listed: set[str], got: set[str]) -> None:
        name = self.manifest.archive.path if self.manifest.archive else "the archive"
        if member.name not in listed or not member.isreg() or member.name in got:
            raise PackError(f"{name} holds {member.name!r}, which pack.json does not list (once, as a file).")
        entry = wanted.get(member.name)
        if entry is None:
            return  # unchanged since the version in use: already linked
        handle = tar.extractfile(member)
        data = handle.read(entry.size + 1) if handle is not None else b""
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            raise PackError(f"{entry.path} in {name} does not match its size and SHA-256 in pack.json: "
                            "it was changed or damaged.")
        with open(self._target(entry.path), "wb") as out:
            out.write(data)
        got.add(entry.path)
        self.files_downloaded += 1

    # --- 3. one file -------------------------------------------------------------------------
    def download(self, entry: PackFile) -> None:
        target = inside(Path(self.root), entry.path)
        self._target(entry.path)
        digest = hashlib.sha256()
        size = 0
        try:
            with target.open("wb") as handle:
                for block in self.origin.chunks(entry.path):
                    size += len(block)
                    if size > entry.size:
                        raise PackError(f"{entry.path} is larger than pack.json says ({entry.size} bytes).")
                    digest.update(block)
                    handle.write(block)
        except (http.client.IncompleteRead, ConnectionError, TimeoutError) as exc:
            raise PackError(f"The download of {entry.path} was cut off ({type(exc).__name__}).") from None
        finally:
            self.bytes_downloaded += size
        self.files_downloaded += 1
        if size != entry.size:
            raise PackError(f"The download of {entry.path} stopped at {size} of {entry.size} bytes.")
        if digest.hexdigest() != entry.sha256:
            raise PackError(f"{entry.path} does not match its SHA-256 in pack.json: it was changed or damaged.")


class _CheckedStream:
    """The archive's bytes as a file for tarfile, counted and hashed as they pass: never more
    than pack.json's size, and the whole checked against its SHA-256 at the end."""

    def __init__(self, chunks: Iterator[bytes], archive: PackFile) -> None:
        self.chunks = chunks
        self.archive = archive
        self.digest = hashlib.sha256()
        self.size = 0
        self.buffer = b""
        self.position = 0

    def read(self, n: int = -1) -> bytes:
        parts: list[bytes] = []
        left = n
        while n < 0 or left > 0:
            if self.position >= len(self.buffer):
                block = next(self.chunks, b"")
                if not block:
                    break
                self.size += len(block)
                if self.size > self.archive.size:
                    raise PackError(f"{self.archive.path} is larger than pack.json says ({self.archive.size} bytes).")
                self.digest.update(block)
                self.buffer, self.position = block, 0
            available = len(self.buffer) - self.position
            take = available if n < 0 else min(left, available)
            parts.append(self.buffer[self.position:self.position + take])
            self.position += take
            left -= take
        return b"".join(parts)

    def finish(self) -> None:
        while self.read(1 << 20):
            pass  # the end-of-archive blocks tarfile does not read
        if self.size != self.archive.size or self.digest.hexdigest() != self.archive.sha256:
            raise PackError(f"{self.archive.path} does not match its size and SHA-256 in pack.json: "
                            "it was changed, damaged or cut off.")
