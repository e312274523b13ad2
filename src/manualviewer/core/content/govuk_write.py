"""Writing an imported manual folder: content files, and the manifest of what the importer
wrote, so a re-import removes only its own files."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from manualviewer.core.content.frontmatter import FrontMatterError, parse_document
from manualviewer.core.files import atomic_write
from manualviewer.core.json_limits import loads_bounded
from manualviewer.core.model import normalise_id
from manualviewer.core.problems import ContentProblem, Severity

MANIFEST = ".import-manifest.json"
MANIFEST_VERSION = 1
GENERATOR = "manualviewer import-govuk"
_PLAIN_MD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.md$")


def render_document(meta: dict[str, Any], body: str) -> str:
    # safe_dump quotes what needs quoting (titles with colons); a wide line keeps one key a line.
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1_000_000)
    body = body.strip("\n")
    return f"---\n{front}---\n\n{body}\n" if body else f"---\n{front}---\n"


@dataclass(frozen=True)
class ExistingFile:
    path: Path
    meta: dict[str, Any]
    aliases: tuple[str, ...] = ()  # as written: a local `aliases: [0041]` is kept as "0041"


@dataclass
class ManualFolder:
    """What is on disk before the import: files, the previous manifest, section front matter."""

    folder: Path
    manifest_files: set[str] = field(default_factory=set)  # file names the importer wrote before
    sections: dict[str, ExistingFile] = field(default_factory=dict)  # canonical ID -> file
    manual_meta: dict[str, Any] | None = None
    manual_body: str = ""

    @classmethod
    def read(cls, folder: Path, problems: list[ContentProblem]) -> ManualFolder:
        state = cls(folder)
        if not folder.is_dir():
            return state
        manifest = folder / MANIFEST
        if manifest.is_file():
            try:
                data = loads_bounded(manifest.read_text(encoding="utf-8"))
                files = data.get("files") if isinstance(data, dict) else None
                if not isinstance(files, list):
                    raise ValueError("no list of files")
                # Only plain names of Markdown files in this folder: a manifest is no licence to
                # delete anything else.
                state.manifest_files = {f for f in files if isinstance(f, str) and _PLAIN_MD.match(f)}
            except (OSError, ValueError) as exc:
                problems.append(ContentProblem(
                    "bad-manifest", manifest, 0,
                    f"cannot read the import manifest ({exc}); no old files are removed", Severity.WARNING))
        for path in sorted(folder.glob("*.md")):
            try:
                doc = parse_document(path, path.read_text(encoding="utf-8"))
            except (FrontMatterError, OSError, UnicodeDecodeError):
                continue  # not ours to judge; `manualviewer check` reports it
            if path.name == "manual.md":
                state.manual_meta, state.manual_body = doc.meta, doc.body
                continue
            # The ID as written, as the loader reads it (`0041` is "0041", not the octal 33).
            raw_id = doc.raw.get("section_id") if isinstance(doc.meta.get("section_id"), str | int) else None
            if raw_id is not None and raw_id.strip():
                existing = ExistingFile(path, doc.meta, doc.texts("aliases") or ())
                state.sections.setdefault(normalise_id(raw_id), existing)
        return state


@dataclass
class WriteCounts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0


def write_folder(
    state: ManualFolder,
    files: dict[str, str],
    sources: list[str],
    code: str,
    problems: list[ContentProblem],
) -> WriteCounts | None:
    """Write `files` (name -> text) into the folder; delete files the last import wrote that
    this one does not; record the new manifest. Unchanged files are not touched (mtime kept).
    None (one `cannot-write` problem) when the folder cannot be made: nothing is written."""
    folder = state.folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        problems.append(ContentProblem("cannot-write", folder, 0, f"cannot make the manual's folder: {_why(exc)}"))
        return None
    counts = WriteCounts()
    wanted = {name.lower(): name for name in files}
    for old in sorted(state.manifest_files):
        new_name = wanted.get(old.lower())
        if new_name == old:
            continue
        path = folder / old
        # A removed section, or one whose file name changed case: drop the old file first
        # (on a case-insensitive disk the new name is then written as a fresh file).
        try:
            if path.is_file():
                path.unlink()
                if new_name is None and old != "manual.md":
                    counts.removed += 1
        except OSError as exc:
            problems.append(ContentProblem("cannot-remove", path, 0, f"cannot remove an old file: {exc}"))
    for name, text in files.items():
        path = folder / name
        try:
            before = path.read_text(encoding="utf-8") if path.is_file() else None
        except (OSError, UnicodeDecodeError):
            before = ""
        if before == text:
            if name != "manual.md":
                counts.unchanged += 1
            continue
        try:
            atomic_write(path, text)
        except OSError as exc:
            problems.append(ContentProblem("cannot-write", path, 0, f"cannot write: {exc}"))
            continue
        if name != "manual.md":
            if before is None:
                counts.added += 1
            else:
                counts.changed += 1
    manifest = {
        "generator": GENERATOR,
        "version": MANIFEST_VERSION,
        "code": code,
        "imported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "sources": sources,
        "files": sorted(files),
    }
    try:
        atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        problems.append(ContentProblem("cannot-write", folder / MANIFEST, 0, f"cannot write: {exc}"))
    return counts


def _why(exc: OSError) -> str:
    """Why a folder cannot be made, in words."""
    if isinstance(exc, FileExistsError):
        return "a file of that name is in the way"
    if isinstance(exc, NotADirectoryError):
        return "a part of its path is a file, not a folder"
    return exc.strerror or str(exc)
