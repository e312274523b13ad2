"""ArchiveWriter writes content.tar exactly as tarfile (PAX format) wrote it: the same bytes for
the same members, whatever their names and sizes, and its size and SHA-256 as counted."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

from tests.helpers.bundled import BUNDLED

from manualviewer.services.pack_archive import ArchiveWriter

MTIME = 946684800


def with_tarfile(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), MTIME, 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def with_writer(members: list[tuple[str, bytes]]) -> tuple[bytes, ArchiveWriter]:
    buffer = io.BytesIO()
    writer = ArchiveWriter(buffer, MTIME)
    for name, data in members:
        writer.add(name, data)
    writer.close()
    return buffer.getvalue(), writer


def assert_same(members: list[tuple[str, bytes]]) -> None:
    expected = with_tarfile(members)
    written, writer = with_writer(members)
    assert written == expected
    assert (writer.size, writer.sha256()) == (len(expected), hashlib.sha256(expected).hexdigest())
    with tarfile.open(fileobj=io.BytesIO(written)) as tar:
        assert [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()] == members  # type: ignore[union-attr]


def test_the_bundled_library_archives_the_same() -> None:
    members = [(f"content/{p.relative_to(BUNDLED).as_posix()}", p.read_bytes())
               for p in sorted(BUNDLED.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    assert len(members) > 10
    assert_same(members)


def test_any_name_and_size_archives_the_same() -> None:
    members = [
        ("content/a/empty.md", b""),
        ("content/a/one-block.md", b"x" * 512),
        ("content/a/one-more.md", b"y" * 513),
        ("n" * 100, b"exactly a full name field"),
        ("content/" + "long/" * 30 + "name.md", b"a pax header for the path"),
        ("content/caf\u00e9/r\u00e9sum\u00e9.md", b"a pax header: not ASCII"),
        ("content/\udcff-undecodable.md", b"surrogate-escaped bytes of a file name"),
        ("content/z/last.md", bytes(range(256)) * 40),
    ]
    assert_same(members)


def test_an_empty_archive_is_the_same() -> None:
    assert_same([])


def test_a_pack_archive_is_what_tarfile_would_write(tmp_path: Path) -> None:
    from tests.helpers.packs import build, copy_library

    out = tmp_path / "pack"
    build(copy_library(tmp_path / "content"), out, "1.0")
    with tarfile.open(out / "content.tar") as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]
    assert members and all(name.startswith("content/") for name, _ in members)
    assert (out / "content.tar").read_bytes() == with_tarfile(members)
