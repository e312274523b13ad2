"""`pack sync` and `pack rollback` against a real HTTP server process on loopback
(tests/helpers/pack_server.py) and a real folder."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.pack_server import PackServer, serve
from tests.helpers.packs import build, copy_library, keys, manifest_files

from manualviewer.cli import main
from manualviewer.services.pack_sync import failure_sentence, sync_source
from manualviewer.services.workspace import Workspace
from manualviewer.storage import installed_packs

SECTION = Path("dmbm") / "DMBM511015.md"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[PackServer]:
    root = tmp_path / "www"
    root.mkdir()
    with serve(root, tmp_path / "requests.log") as server:
        yield server


@pytest.fixture
def key() -> tuple[bytes, str]:
    return keys()


def _publish(server: PackServer, content: Path, version: str, pem: bytes | None) -> str:
    build(content, server.root / "org", version, pem)
    return server.url + "org/"


def _current() -> installed_packs.InstalledPack:
    pack = installed_packs.get("org-guidance")
    assert pack is not None
    return pack


def test_full_then_incremental_sync_over_http(tmp_path: Path, served: PackServer, key: tuple[bytes, str]) -> None:
    pem, public = key
    content = copy_library(tmp_path / "content")
    url = _publish(served, content, "1.0", pem)
    first = sync_source(url, public_key=public)
    v1 = manifest_files(served.root / "org")
    assert (first.status, first.version, first.files_downloaded) == ("updated", "1.0", len(v1))
    pack = _current()
    assert pack.verified and manifest_files(pack.folder) == v1

    with (content / SECTION).open("a") as handle:
        handle.write("\nA new paragraph about recordings kept for audit.\n")
    _publish(served, content, "1.1", pem)
    v2 = manifest_files(served.root / "org")
    second = sync_source(url, public_key=public)
    changed = {p for p, h in v2.items() if v1.get(p) != h}
    assert (second.status, second.version, second.files_downloaded) == ("updated", "1.1", len(changed))
    assert f"content/{SECTION.as_posix()}" in changed and len(changed) < len(v2)
    assert second.bytes_downloaded == sum((served.root / "org" / p).stat().st_size for p in changed)
    fetched = {line.split()[1] for line in served.requests()[-len(changed) - 2:]}
    assert f"/org/content/{SECTION.as_posix()}" in fetched
    assert "/org/content/dmbm/manual.md" not in {line.split()[1] for line in served.requests()[len(v1) + 2:]}
    assert manifest_files(_current().folder) == v2 and _current().previous is not None


def test_not_modified_costs_one_request(tmp_path: Path, served: PackServer, key: tuple[bytes, str]) -> None:
    pem, public = key
    url = _publish(served, copy_library(tmp_path / "content"), "1.0", pem)
    assert sync_source(url, public_key=public).status == "updated"
    before = len(served.requests())
    again = sync_source(url, public_key=public)
    assert (again.status, again.files_downloaded, again.bytes_downloaded) == ("unchanged", 0, 0)
    assert served.requests()[before:] == ["GET /org/pack.json 304"]


def test_the_workspace_loads_an_installed_pack_and_its_verified_index(
        tmp_path: Path, served: PackServer, key: tuple[bytes, str]) -> None:
    pem, public = key
    url = _publish(served, copy_library(tmp_path / "content"), "1.0", pem)
    assert sync_source(url, public_key=public).status == "updated"
    workspace = Workspace.from_folders()
    assert workspace.folders == (_current().content,)
    segments = {p.name for p in _current().index.iterdir()}
    assert segments <= {p.name for p in workspace.index_dir.iterdir()}  # seeded from the pack
    index = workspace.open_index()
    try:
        from manualviewer.services.workspace import ensure_index

        assert ensure_index(index, workspace.open_library()) is None  # nothing to index
        assert any(hit.id == "DMBM511015" for hit in index.search("recording").hits)
    finally:
        index.close()


def test_an_unsigned_pack_is_used_without_its_prebuilt_index(tmp_path: Path, served: PackServer) -> None:
    url = _publish(served, copy_library(tmp_path / "content"), "1.0", None)
    assert sync_source(url, public_key=None).status == "updated"
    assert not _current().verified
    workspace = Workspace.from_folders()
    assert workspace.folders == (_current().content,)
    assert not workspace.index_dir.exists()  # the desktop indexes the content itself


def _assert_failed_and_kept(result_status: str, message: str, expected: str, kept: dict[str, str]) -> None:
    assert result_status == "failed"
    assert expected in message and message.endswith(".")
    assert manifest_files(_current().folder) == kept
    staging = [p for p in (_current().folder.parent).iterdir() if p.name.startswith(".")]
    assert staging == []


def test_connection_dropped_mid_file_keeps_the_old_version(tmp_path: Path, served: PackServer,
                                                          key: tuple[bytes, str]) -> None:
    pem, public = key
    content = copy_library(tmp_path / "content")
    url = _publish(served, content, "1.0", pem)
    sync_source(url, public_key=public)
    kept = manifest_files(_current().folder)
    with (content / SECTION).open("a") as handle:
        handle.write("\n" + "A long new paragraph. " * 200 + "\n")
    _publish(served, content, "1.1", pem)
    served.drop_in_middle_of(f"org/content/{SECTION.as_posix()}")
    result = sync_source(url, public_key=public)
    _assert_failed_and_kept(result.status, result.message, "DMBM511015.md", kept)
    assert "The version in use stays." in result.message


def test_server_down(tmp_path: Path, served: PackServer, key: tuple[bytes, str]) -> None:
    pem, public = key
    url = _publish(served, copy_library(tmp_path / "content"), "1.0", pem)
    sync_source(url, public_key=public)
    kept = manifest_files(_current().folder)
    served.stop()
    result = sync_source(url, public_key=public)
    _assert_failed_and_kept(result.status, result.message, "Could not reach", kept)
    assert result.message == f"Could not reach {url} (Connection refused). The version in use stays."
    # The app's status bar: one sentence, what stays in use and why.
    assert failure_sentence([result]) == (f"Guidance not updated (org-guidance 1.0 stays in use): could not reach "
                                           f"{url} (Connection refused).")
    other = dataclasses.replace(result, source="/srv/none", name=None, message="Could not read /srv/none/pack.json.")
    assert failure_sentence([result, other]).endswith("(Connection refused); 1 more source also failed.")
    assert failure_sentence([dataclasses.replace(result, status="unchanged")]) == ""


def test_wrong_hash_and_bad_or_missing_signature_are_refused(tmp_path: Path, served: PackServer,
                                                             key: tuple[bytes, str]) -> None:
    pem, public = key
    content = copy_library(tmp_path / "content")
    url = _publish(served, content, "1.0", pem)
    sync_source(url, public_key=public)
    kept = manifest_files(_current().folder)
    with (content / SECTION).open("a") as handle:
        handle.write("\nChanged.\n")
    _publish(served, content, "1.1", pem)
    published = served.root / "org" / "content" / SECTION
    data = published.read_bytes()
    published.write_bytes(data.replace(b"recording", b"RECORDING", 1))  # same size, other bytes
    result = sync_source(url, public_key=public)
    _assert_failed_and_kept(result.status, result.message, "does not match its SHA-256", kept)

    published.write_bytes(data)
    manifest = served.root / "org" / "pack.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"1.1"', b'"1.2"'))
    result = sync_source(url, public_key=public)
    _assert_failed_and_kept(result.status, result.message, "signature does not match", kept)

    (served.root / "org" / "pack.json.sig").unlink()
    result = sync_source(url, public_key=public)
    _assert_failed_and_kept(result.status, result.message, "not signed", kept)


def test_manifest_path_traversal_writes_nothing_outside(tmp_path: Path, served: PackServer) -> None:
    pack = served.root / "evil"
    pack.mkdir()
    (served.root / "payload").write_text("x")
    manifest = {"format": 1, "name": "evil", "version": "1", "created": "2026-01-01T00:00:00Z",
                "min_app_version": "0.1.0", "sections": 0,
                "files": [{"path": "../payload", "size": 1, "sha256": hashlib.sha256(b"x").hexdigest()}]}
    (pack / "pack.json").write_text(json.dumps(manifest))
    result = sync_source(served.url + "evil/", public_key=None)
    assert result.status == "failed" and "outside the pack" in result.message
    assert installed_packs.get("evil") is None
    assert not any(p.name == "payload" for p in (tmp_path / "home").rglob("*"))


def test_sync_from_a_folder_and_rollback(tmp_path: Path, key: tuple[bytes, str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    pem, public = key
    content = copy_library(tmp_path / "content")
    share = tmp_path / "share" / "org"
    build(content, share, "1.0", pem)
    (tmp_path / "org.pub").write_text(public)
    args = ["pack", "sync", str(share), "--public-key", str(tmp_path / "org.pub"), "--json"]
    assert main(args) == 0
    [first] = json.loads(capsys.readouterr().out)
    assert list(first) == ["source", "name", "version", "status", "files_downloaded", "bytes_downloaded", "message"]
    assert (first["status"], first["version"]) == ("updated", "1.0")
    v1 = manifest_files(share)
    (content / SECTION).write_text((content / SECTION).read_text() + "\nRevised.\n")
    build(content, share, "2.0", pem)
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)[0]["version"] == "2.0"
    assert main(["pack", "rollback", "org-guidance"]) == 0
    assert "back to version 1.0" in capsys.readouterr().out
    assert manifest_files(_current().folder) == v1
    assert Workspace.from_folders().folders == (_current().content,)
    (share / "pack.json.sig").unlink()
    assert main(args) == 1  # failed: exit 1, and still on 1.0
    assert json.loads(capsys.readouterr().out)[0]["status"] == "failed"
    assert _current().version == "1.0"


def test_a_port_nobody_listens_on_fails_plainly() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = sync_source(f"http://127.0.0.1:{port}/org/", public_key=None)
    assert (result.status, result.name) == ("failed", None)
    assert result.message.startswith("Could not reach")
