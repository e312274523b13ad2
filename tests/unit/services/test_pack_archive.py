"""A pack's archive of its content files (one download for a first install) and its parsed-library
snapshot (a desktop opens a new pack or version without parsing it), against a real HTTP server
process on loopback (tests/helpers/pack_server.py) and real folders.

The archive is used from ARCHIVE_FROM missing files (500); the bundled library is smaller, so
these tests lower the threshold to 1 (the rule that a one-file update never takes the archive
holds at any threshold: it also needs a quarter of the archive's bytes to be missing)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.pack_server import PackServer, serve
from tests.helpers.packs import build, copy_library, keys, manifest_files

from manualviewer.core.content.load_cache import snapshot_path
from manualviewer.core.content.loader import load_library
from manualviewer.services import pack_stage
from manualviewer.services.pack_build import PackError, verify_pack
from manualviewer.services.pack_sync import sync_source
from manualviewer.services.workspace import Workspace, ensure_index
from manualviewer.storage import installed_packs

SECTION = Path("dmbm") / "DMBM511015.md"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[PackServer]:
    root = tmp_path / "www"
    root.mkdir()
    with serve(root, tmp_path / "requests.log") as server:
        yield server


@pytest.fixture
def archive_from_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pack_stage, "ARCHIVE_FROM", 1)


def _current() -> installed_packs.InstalledPack:
    pack = installed_packs.get("org-guidance")
    assert pack is not None
    return pack


def _paths(server: PackServer) -> list[str]:
    return [line.split()[1] for line in server.requests()]


def _repack(pack: Path, members: list[tuple[str, bytes]]) -> None:
    """Replace the pack's archive with `members` and describe it in pack.json (an unsigned pack)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    (pack / "content.tar").write_bytes(buffer.getvalue())
    manifest = json.loads((pack / "pack.json").read_text())
    manifest["archive"] = {"path": "content.tar", "size": len(buffer.getvalue()),
                           "sha256": hashlib.sha256(buffer.getvalue()).hexdigest()}
    (pack / "pack.json").write_text(json.dumps(manifest))


def _members(pack: Path) -> list[tuple[str, bytes]]:
    with tarfile.open(pack / "content.tar") as tar:
        return [(m.name, tar.extractfile(m).read()) for m in tar if m.isreg()]  # type: ignore[union-attr]


def test_the_archive_holds_every_content_file_and_verify_checks_it(tmp_path: Path) -> None:
    pack = tmp_path / "pub" / "org"
    build(copy_library(tmp_path / "content"), pack, "1.0")
    listed = json.loads((pack / "pack.json").read_text())
    content = {p: h for p, h in manifest_files(pack).items() if p.startswith("content/")}
    assert {name: hashlib.sha256(data).hexdigest() for name, data in _members(pack)} == content
    assert listed["archive"]["size"] == (pack / "content.tar").stat().st_size
    assert "content.tar" not in manifest_files(pack)  # described on its own, never installed
    verify_pack(pack)
    with (pack / "content.tar").open("r+b") as handle:
        handle.seek(1024)
        handle.write(b"X")
    with pytest.raises(PackError, match=r"content\.tar does not match"):
        verify_pack(pack)


def test_a_first_install_downloads_the_archive_not_each_file(tmp_path: Path, served: PackServer,
                                                             archive_from_one: None) -> None:
    pem, public = keys()
    content = copy_library(tmp_path / "content")
    build(content, served.root / "org", "1.0", pem)
    url = served.url + "org/"
    result = sync_source(url, public_key=public)
    assert result.status == "updated", result.message
    listed = manifest_files(served.root / "org")
    assert manifest_files(_current().folder) == listed
    for path, digest in listed.items():
        assert hashlib.sha256((_current().folder / path).read_bytes()).hexdigest() == digest
    fetched = _paths(served)
    assert "/org/content.tar" in fetched
    assert not any(p.startswith("/org/content/") for p in fetched)  # no request per content file
    others = [p for p in listed if not p.startswith("content/")]
    assert result.files_downloaded == len(listed)
    assert result.bytes_downloaded == (served.root / "org" / "content.tar").stat().st_size + sum(
        (served.root / "org" / p).stat().st_size for p in others)
    assert not (_current().folder / "content.tar").exists()

    # An update of one section fetches that file alone, not the archive again.
    with (content / SECTION).open("a") as handle:
        handle.write("\nA new paragraph about recordings kept for audit.\n")
    build(content, served.root / "org", "1.1", pem)
    before = len(served.requests())
    update = sync_source(url, public_key=public)
    assert update.status == "updated", update.message
    fetched = _paths(served)[before:]
    assert f"/org/content/{SECTION.as_posix()}" in fetched and "/org/content.tar" not in fetched
    assert manifest_files(_current().folder) == manifest_files(served.root / "org")


def test_a_changed_member_or_one_pack_json_does_not_list_is_refused(tmp_path: Path, served: PackServer,
                                                                    archive_from_one: None) -> None:
    pack = served.root / "org"
    build(copy_library(tmp_path / "content"), pack, "1.0")
    members = _members(pack)
    name, data = members[0]
    _repack(pack, [(name, data.replace(b"a", b"b", 1)), *members[1:]])  # same size, other bytes
    result = sync_source(served.url + "org/", public_key=None)
    assert result.status == "failed" and "does not match its size and SHA-256" in result.message
    assert installed_packs.get("org-guidance") is None
    assert not list((tmp_path / "home").rglob("*.md"))  # nothing of the staging folder left

    (served.root / "payload").unlink(missing_ok=True)
    _repack(pack, [("../payload", b"x"), *members])
    result = sync_source(served.url + "org/", public_key=None)
    assert result.status == "failed" and "which pack.json does not list" in result.message
    assert not any(p.name == "payload" for p in tmp_path.rglob("*"))
    assert installed_packs.get("org-guidance") is None


def test_an_archive_cut_off_in_the_middle_installs_nothing(tmp_path: Path, served: PackServer,
                                                           archive_from_one: None) -> None:
    build(copy_library(tmp_path / "content"), served.root / "org", "1.0")
    served.drop_in_middle_of("org/content.tar")
    result = sync_source(served.url + "org/", public_key=None)
    assert result.status == "failed" and "content.tar" in result.message, result.message
    assert installed_packs.get("org-guidance") is None
    assert not list((tmp_path / "home").rglob("*.md"))


def test_a_pack_without_an_archive_still_installs_file_by_file(tmp_path: Path, served: PackServer,
                                                               archive_from_one: None) -> None:
    pack = served.root / "org"
    build(copy_library(tmp_path / "content"), pack, "1.0")
    manifest = json.loads((pack / "pack.json").read_text())
    del manifest["archive"]  # as packs built before archives were
    (pack / "pack.json").write_text(json.dumps(manifest, indent=2))
    (pack / "content.tar").unlink()
    result = sync_source(served.url + "org/", public_key=None)
    assert result.status == "updated", result.message
    assert manifest_files(_current().folder) == manifest_files(pack)
    assert f"/org/content/{SECTION.as_posix()}" in _paths(served)


# --- the parsed library in the pack -------------------------------------------------------------
def test_a_verified_pack_opens_from_its_snapshot_without_parsing(tmp_path: Path, served: PackServer) -> None:
    pem, public = keys()
    content = copy_library(tmp_path / "content")
    build(content, served.root / "org", "1.0", pem)
    assert sync_source(served.url + "org/", public_key=public).status == "updated"
    workspace = Workspace.from_folders()
    library = workspace.open_library()
    # Parsing writes the per-file cache; the shipped snapshot writes only the workspace's snapshot.
    assert not workspace.cache_file.exists() and snapshot_path(workspace.cache_file).exists()
    parsed = load_library([_current().content])
    assert sorted(library.sections) == sorted(parsed.sections)
    for key in parsed.sections:
        mine, theirs = library.sections[key], parsed.sections[key]
        assert mine.path == theirs.path and mine.title == theirs.title
        assert library.body_of(mine) == theirs.body
    assert [(p.path, p.line, p.message) for p in library.problems] == \
        [(p.path, p.line, p.message) for p in parsed.problems]
    assert library.prepare_backlinks() == parsed.prepare_backlinks()
    index = workspace.open_index()
    try:
        assert ensure_index(index, library) is None  # nothing indexed on the desktop
        assert any(hit.id == "DMBM511015" for hit in index.search("recording").hits)
    finally:
        index.close()
    assert workspace.open_library().fingerprint == library.fingerprint  # the next start: the same snapshot

    # A new version is a new folder: it opens from its own snapshot, with the change.
    (content / SECTION).write_text((content / SECTION).read_text() + "\nPhrase zebracrossing added.\n")
    build(content, served.root / "org", "1.1", pem)
    assert sync_source(served.url + "org/", public_key=public).status == "updated"
    updated = Workspace.from_folders()
    assert updated.folders != workspace.folders
    library = updated.open_library()
    assert not updated.cache_file.exists()
    assert "zebracrossing" in library.body_of(library.sections["DMBM511015"])
    assert library.sections["DMBM511015"].path == _current().content / SECTION


def test_an_unsigned_pack_is_parsed_not_opened_from_its_snapshot(tmp_path: Path, served: PackServer) -> None:
    build(copy_library(tmp_path / "content"), served.root / "org", "1.0")
    assert sync_source(served.url + "org/", public_key=None).status == "updated"
    assert (_current().folder / "library.snapshot").is_file() and not _current().verified
    workspace = Workspace.from_folders()
    library = workspace.open_library()
    assert workspace.cache_file.exists()  # parsed, file by file
    assert library.sections["DMBM511015"].path == _current().content / SECTION
