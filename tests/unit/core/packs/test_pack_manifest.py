"""pack.json: canonical bytes, parsing, and paths that cannot leave the pack folder."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from manualviewer.core.packs import signing
from manualviewer.core.packs.manifest import Manifest, ManifestError, PackFile, parse_manifest, version_tuple
from manualviewer.core.packs.paths import PackPathError, inside, safe_relative_path

SHA = "a" * 64


def _manifest(*paths: str) -> Manifest:
    return Manifest(name="org", version="1.0", created="2026-01-01T00:00:00Z", min_app_version="0.1.0",
                    sections=1, files=tuple(PackFile(p, 3, SHA) for p in paths))


def test_manifest_round_trips_through_its_canonical_bytes() -> None:
    manifest = _manifest("content/b.md", "content/a.md")
    data = manifest.to_bytes()
    parsed = parse_manifest(data)
    assert [f.path for f in parsed.files] == ["content/a.md", "content/b.md"]
    assert parsed.to_bytes() == data
    assert json.loads(data)["name"] == "org"


@pytest.mark.parametrize("path", ["../evil.md", "content/../../evil.md", "/etc/passwd", "C:/x.md",
                                  "content\\..\\x.md", "content//x.md", "./x.md", "content/nul.md", "",
                                  "content/", "content/.", "content/..", "a\0b"])
def test_paths_that_would_leave_the_pack_are_refused(path: str) -> None:
    with pytest.raises(PackPathError):
        safe_relative_path(path)
    data = json.loads(_manifest("content/a.md").to_bytes())
    data["files"][0]["path"] = path
    with pytest.raises(ManifestError):
        parse_manifest(json.dumps(data).encode())


def test_a_relative_path_is_kept_as_written() -> None:
    for path in ("content/dm/DMBM1.md", "index/_MAIN_1.toc", "a.b/c d/é.md", "content/console.md"):
        assert safe_relative_path(path) == path


def test_the_archive_is_described_only_when_there_is_one() -> None:
    plain = _manifest("content/a.md")
    assert "archive" not in json.loads(plain.to_bytes())  # packs without one keep their bytes
    with_archive = dataclasses.replace(plain, archive=PackFile("content.tar", 10, "c" * 64))
    assert parse_manifest(with_archive.to_bytes()) == with_archive
    data = json.loads(with_archive.to_bytes())
    data["archive"]["path"] = "../content.tar"
    with pytest.raises(ManifestError, match="outside the pack"):
        parse_manifest(json.dumps(data).encode())


def test_a_symlink_inside_the_pack_cannot_lead_out(tmp_path: Path) -> None:
    root = tmp_path / "pack"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    assert inside(root, "content/a.md") == root / "content" / "a.md"
    with pytest.raises(PackPathError):
        inside(root, "link/secret")


@pytest.mark.parametrize("change", [{"name": "../x"}, {"version": "1 0"}, {"format": 2}, {"files": "x"}])
def test_a_malformed_manifest_is_refused_with_a_sentence(change: dict[str, object]) -> None:
    data = json.loads(_manifest("content/a.md").to_bytes())
    data.update(change)
    with pytest.raises(ManifestError, match=r"^The pack"):
        parse_manifest(json.dumps(data).encode())


def test_signatures_verify_only_the_signed_bytes_with_the_matching_key() -> None:
    pem, public = signing.generate()
    _, other_public = signing.generate()
    data = _manifest("content/a.md").to_bytes()
    signature = signing.sign(signing.load_private_key(pem), data)
    assert signing.verify(signing.load_public_key(public), data, signature)
    assert not signing.verify(signing.load_public_key(public), data.replace(b"1.0", b"1.1"), signature)
    assert not signing.verify(signing.load_public_key(other_public), data, signature)
    assert not signing.verify(signing.load_public_key(public), data, b"not base64!")


def test_versions_compare_numerically() -> None:
    assert version_tuple("0.10.0") > version_tuple("0.9.3")
    assert version_tuple("1.2rc1") == (1, 2)


def test_a_manifest_nested_past_the_json_depth_limit_is_a_manifest_error() -> None:
    deep = b'{"format": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(ManifestError, match="nested too deeply: it nests 100,001 levels deep; the limit is 200"):
        parse_manifest(deep)
