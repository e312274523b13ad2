"""`pack build`, `pack keygen` and `pack verify`, through the command line and the service."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from tests.helpers.packs import build, copy_library, keys, manifest_files

from manualviewer.cli import main
from manualviewer.services.pack_build import PackError, build_pack, verify_pack


def test_build_json_summary_and_a_signed_pack_that_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_library(tmp_path / "content")
    assert main(["pack", "keygen", "--out", str(tmp_path / "keys" / "org.key")]) == 0
    assert stat.S_IMODE((tmp_path / "keys" / "org.key").stat().st_mode) == 0o600
    public = (tmp_path / "keys" / "org.key.pub").read_text().strip()
    capsys.readouterr()
    out = tmp_path / "pub" / "org"
    assert main(["pack", "build", str(content), "--out", str(out), "--name", "org", "--version", "1.0",
                 "--sign", str(tmp_path / "keys" / "org.key"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert list(summary) == ["name", "version", "sections", "files", "bytes", "signed"]
    listed = json.loads((out / "pack.json").read_text())
    assert summary["files"] == len(listed["files"]) and summary["signed"] is True
    assert summary["bytes"] == sum(f["size"] for f in listed["files"])
    assert summary["sections"] == sum(1 for p in content.glob("*/*.md") if p.name != "manual.md")
    assert {"name", "version", "created", "min_app_version", "files"} <= set(listed)
    assert any(p.startswith("index/") for p in manifest_files(out))  # the prebuilt index ships
    assert main(["pack", "verify", str(out), "--public-key", public]) == 0
    assert "signature verified" in capsys.readouterr().out


def test_verify_finds_a_changed_file_and_a_foreign_signature(tmp_path: Path) -> None:
    pem, _ = keys()
    _, other_public = keys()
    out = tmp_path / "pack"
    build(copy_library(tmp_path / "content"), out, "1.0", pem)
    with pytest.raises(PackError, match="signature does not match"):
        verify_pack(out, other_public)
    section = out / "content" / "dmbm" / "DMBM511015.md"
    data = section.read_bytes()
    section.write_bytes(data[:-1] + (b"X" if data[-1:] != b"X" else b"Y"))
    with pytest.raises(PackError, match=r"DMBM511015\.md does not match its SHA-256"):
        verify_pack(out)


def _every_file(pack: Path) -> dict[str, str]:
    """path -> sha256 of every file in the pack folder, listed in pack.json or not."""
    return {p.relative_to(pack).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(pack.rglob("*")) if p.is_file()}


def _without_created(pack: Path) -> dict[str, object]:
    manifest = json.loads((pack / "pack.json").read_text())
    assert manifest.pop("created")
    return dict(manifest)


def test_builds_of_the_same_content_have_the_same_file_hashes(tmp_path: Path) -> None:
    content = copy_library(tmp_path / "content")
    first, second = build(content, tmp_path / "a", "1.0").out, build(content, tmp_path / "b", "1.0").out
    a, b = _every_file(first), _every_file(second)
    assert any(p.startswith("index/") for p in a)  # the index is part of the claim
    assert a.pop("pack.json") and b.pop("pack.json")
    assert a == b
    assert _without_created(first) == _without_created(second)
    assert {os.stat(first / p).st_mtime for p in a} == {946684800.0}


def test_a_new_version_built_over_copies_of_the_same_pack_is_the_same(tmp_path: Path) -> None:
    content = copy_library(tmp_path / "content")
    build(content, tmp_path / "v1", "1.0")
    shutil.copytree(tmp_path / "v1", tmp_path / "a")
    shutil.copytree(tmp_path / "v1", tmp_path / "b")
    section = content / "dmbm" / "DMBM511015.md"
    section.write_text(section.read_text(encoding="utf-8") + "\nOne new paragraph about zakat.\n", encoding="utf-8")
    first, second = build(content, tmp_path / "a", "2.0").out, build(content, tmp_path / "b", "2.0").out
    a, b = _every_file(first), _every_file(second)
    assert a.pop("pack.json") and b.pop("pack.json")
    assert a == b
    # Built over v1: v1's index files are still there, unchanged, beside the new segment's.
    v1 = _every_file(tmp_path / "v1")
    assert {p for p in v1 if p.startswith("index/") and v1[p] == a.get(p)}
    assert {p for p in a if p.startswith("index/")} - set(v1)


def test_out_of_an_earlier_version_is_replaced_as_a_whole(tmp_path: Path) -> None:
    content = copy_library(tmp_path / "content")
    out = tmp_path / "pub" / "org"
    build(content, out, "1.0")
    (content / "dwp-recordings").rename(tmp_path / "moved-away")
    build(content, out, "2.0")
    assert json.loads((out / "pack.json").read_text())["version"] == "2.0"
    assert not (out / "content" / "dwp-recordings").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["org"]  # no temporary folder left
    verify_pack(out)


def test_a_failed_build_leaves_the_earlier_pack_untouched(tmp_path: Path) -> None:
    content = copy_library(tmp_path / "content")
    out = tmp_path / "pub" / "org"
    build(content, out, "1.0")
    before = manifest_files(out)
    with pytest.raises(PackError, match="does not exist"):
        build_pack([tmp_path / "missing"], out, name="org", version="2.0")
    assert manifest_files(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["org"]


def test_a_new_version_built_over_the_old_one_reindexes_only_what_changed(tmp_path: Path) -> None:
    from manualviewer.core.search.library_index import open_index

    pem, _ = keys()
    content = copy_library(tmp_path / "content")
    out = tmp_path / "pack"
    build(content, out, "1.0", pem)
    before = manifest_files(out)
    section = content / "dmbm" / "DMBM511015.md"
    section.write_text(section.read_text() + "\nA zebracrossing paragraph.\n")
    build(content, out, "1.1", pem)
    after = manifest_files(out)
    old_segments = {p for p in before if p.startswith("index/MAIN_")}
    assert old_segments and all(after.get(p) == before[p] for p in old_segments)  # kept byte for byte
    index = open_index(out / "index")
    try:
        assert index.open()
        assert [hit.id for hit in index.search("zebracrossing").hits] == ["DMBM511015"]
    finally:
        index.close()


def test_only_the_manuals_own_files_are_copied_nested_ones_too(tmp_path: Path) -> None:
    content = copy_library(tmp_path / "content")
    manual = content / "dmbm"
    (manual / "images" / "deep").mkdir(parents=True)
    (manual / "images" / "deep" / "chart.svg").write_text("<svg/>")
    (manual / "images" / "logo.png").write_bytes(b"\x89PNG\0\1")
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_text("not content")
    (manual / "link.md").symlink_to(outside / "secret.txt")
    (manual / "linked-folder").symlink_to(outside / "folder")
    (manual / ".hidden.md").write_text("a dot-file")
    (manual / ".git").mkdir()
    (manual / ".git" / "HEAD").write_text("ref")
    (manual / "__pycache__").mkdir()
    (manual / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (manual / "stale.pyc").write_bytes(b"\0")
    (manual / "__init__.py").write_text("")
    out = tmp_path / "pack"
    build(content, out, "1.0")
    listed = [p for p in manifest_files(out) if p.startswith("content/dmbm/")]
    expected = sorted(f"content/dmbm/{p.relative_to(manual).as_posix()}" for p in manual.rglob("*")
                      if p.is_file() and not p.is_symlink() and not any(part.startswith((".", "__")) for part in
                      p.relative_to(manual).parts) and p.suffix != ".pyc")
    assert "content/dmbm/images/deep/chart.svg" in expected and "content/dmbm/images/logo.png" in expected
    assert listed == expected
    assert (out / "content" / "dmbm" / "images" / "deep" / "chart.svg").read_text() == "<svg/>"
    assert not any((out / "content" / "dmbm" / name).exists()
                   for name in ("link.md", "linked-folder", ".hidden.md", ".git", "__pycache__", "stale.pyc",
                                "__init__.py"))
