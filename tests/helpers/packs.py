"""Content packs for tests: a private copy of the bundled library to edit, keys, and builds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from manualviewer.core.packs import signing
from manualviewer.services.pack_build import BuildResult, build_pack
from tests.helpers.bundled import BUNDLED


def copy_library(target: Path) -> Path:
    shutil.copytree(BUNDLED, target, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return target


def copy_library_with_must_read(target: Path, section_id: str, by: str = "2099-12-31") -> Path:
    """A copy of the bundled library (which marks nothing must-read) in which the team marks
    `section_id` "must read by `by`"; the section's file."""
    copy_library(target)
    path = next(target.rglob(f"{section_id}.md"))
    path.write_text(path.read_text(encoding="utf-8").replace("title:", f"must_read_by: {by}\ntitle:", 1),
                    encoding="utf-8")
    return path


def keys() -> tuple[bytes, str]:
    """(private key PEM, public key text)."""
    return signing.generate()


def build(content: Path, out: Path, version: str, key_pem: bytes | None = None) -> BuildResult:
    return build_pack([content], out, name="org-guidance", version=version, key_pem=key_pem)


def manifest_files(pack: Path) -> dict[str, str]:
    """path -> sha256 of every file pack.json lists."""
    return {f["path"]: f["sha256"] for f in json.loads((pack / "pack.json").read_text())["files"]}
