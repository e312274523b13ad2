"""Collect the JSON files an import reads: given files, folders (recursively) and .zip archives."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from manualviewer.core.problems import ContentProblem

# An archive member bigger than this is not a manual page; refuse it rather than fill memory.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
# And in all: a 612 KB zip can declare ten 60 MB members. The largest real HMRC manual export is
# under 40 MB of JSON in about 3,000 files; these limits leave room and refuse a zip bomb before
# a byte is decompressed (the sizes are the archive's own declarations, which zipfile enforces).
MAX_ARCHIVE_BYTES = 256 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 50_000


@dataclass(frozen=True)
class SourceFile:
    path: Path  # what problems name: the file, or "archive.zip/member/path.json"
    data: bytes


@dataclass
class Sources:
    files: list[SourceFile] = field(default_factory=list)
    problems: list[ContentProblem] = field(default_factory=list)
    count: int = 0  # SRC arguments given


def collect(paths: Iterable[Path]) -> Sources:
    sources = Sources()
    for src in paths:
        sources.count += 1
        src = Path(src)
        if src.is_dir():
            found = False
            for path in sorted(src.rglob("*")):
                rel = path.relative_to(src)
                if any(part.startswith((".", "__MACOSX")) for part in rel.parts) or not path.is_file():
                    continue
                if path.suffix.lower() == ".json":
                    found = True
                    _read_file(path, sources)
                elif path.suffix.lower() == ".zip":
                    found = True
                    _read_zip(path, sources)
            if not found:
                sources.problems.append(
                    ContentProblem("no-json", src, 0, "no .json or .zip files in this folder"))
        elif src.is_file() and src.suffix.lower() == ".zip":
            _read_zip(src, sources)
        elif src.is_file():
            _read_file(src, sources)
        else:
            reason = "no such file or folder"
            if src.is_symlink():
                reason = f"a link to {src.readlink()}, which does not exist"
            sources.problems.append(ContentProblem("missing-source", src, 0, reason))
    return sources


def _read_file(path: Path, sources: Sources) -> None:
    try:
        sources.files.append(SourceFile(path, path.read_bytes()))
    except OSError as exc:
        sources.problems.append(ContentProblem("unreadable", path, 0, f"cannot read: {exc.strerror or exc}"))


def _read_zip(path: Path, sources: Sources) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = sorted(
                (info for info in archive.infolist() if _wanted_member(info)), key=lambda i: i.filename
            )
            if not members:
                sources.problems.append(ContentProblem("no-json", path, 0, "no .json files in this archive"))
            total = sum(info.file_size for info in members if info.file_size <= MAX_MEMBER_BYTES)
            if len(members) > MAX_ARCHIVE_MEMBERS or total > MAX_ARCHIVE_BYTES:
                sources.problems.append(ContentProblem(
                    "too-large", path, 0,
                    f"the archive holds {len(members):,} JSON files, {total:,} bytes when unpacked; the limits "
                    f"are {MAX_ARCHIVE_MEMBERS:,} files and {MAX_ARCHIVE_BYTES:,} bytes, so nothing in it is read"))
                return
            for info in members:
                where = path / PurePosixPath(info.filename.lstrip("/"))
                if info.file_size > MAX_MEMBER_BYTES:
                    sources.problems.append(ContentProblem(
                        "too-large", where, 0,
                        f"archive member too large ({info.file_size:,} bytes unpacked; "
                        f"the limit is {MAX_MEMBER_BYTES:,})"))
                    continue
                sources.files.append(SourceFile(where, archive.read(info)))
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError) as exc:
        # RuntimeError: an encrypted member.
        sources.problems.append(ContentProblem("bad-zip", path, 0, f"cannot read the archive: {exc}"))


def _wanted_member(info: zipfile.ZipInfo) -> bool:
    name = PurePosixPath(info.filename)
    if info.is_dir() or name.suffix.lower() != ".json":
        return False
    return not any(part.startswith((".", "__MACOSX")) for part in name.parts)
