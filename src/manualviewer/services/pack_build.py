"""`pack build` and `pack verify`: a versioned content pack from content folders, and the check
that a pack folder holds exactly what its manifest (and signature) say.

A pack folder:

    pack.json        the manifest (core/packs/manifest.py)
    pack.json.sig    base64 Ed25519 signature over pack.json's exact bytes (when signed)
    content/<manual>/...   the manuals' files, as the desktop loads them
    index/...        the search index built from content/ (used only from a verified pack)
    content.tar      every file of content/ in one archive, for a first install (in pack.json
                     as "archive", not in "files": desktops do not keep it)
    library.snapshot the parsed library, paths relative to the pack (used only from a verified
                     pack, by the same app version; others parse content/)

Reproducible: files are copied in sorted order with one fixed modification time, and the
manifest lists them sorted; index segments are named after what they hold (see
core/search/whoosh_segments.py), so two builds of the same input give the same files, index
included, apart from `created` in pack.json. A build over the previous version (`--out` the
same folder) starts from that pack's checked index, so unchanged index files keep their bytes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from manualviewer import __version__
from manualviewer.core.content.load_cache import write_pack_snapshot
from manualviewer.core.content.loader import load_library
from manualviewer.core.packs import signing
from manualviewer.core.packs.hashing import file_digest
from manualviewer.core.packs.manifest import (
    ARCHIVE_FILE,
    MANIFEST_FILE,
    SIGNATURE_FILE,
    SNAPSHOT_FILE,
    Manifest,
    ManifestError,
    PackFile,
    check_name,
    parse_manifest,
)
from manualviewer.core.packs.paths import PackPathError, inside
from manualviewer.core.problems import Severity
from manualviewer.core.search.library_index import ensure_library, open_index
from manualviewer.services.pack_archive import ArchiveWriter

CONTENT_DIR = "content"
INDEX_DIR = "index"
MANUAL_FILE = "manual.md"
# 2000-01-01T00:00:00Z: every file of a pack gets this modification time, so a copy or a
# second build looks the same to tools that compare times.
FIXED_MTIME = 946684800
# Python package plumbing of the bundled library, never content.
_SKIPPED = {"__init__.py", "__pycache__"}


class PackError(Exception):
    """A pack that cannot be built or used; the message is one plain sentence."""


@dataclass(frozen=True)
class BuildResult:
    manifest: Manifest
    signed: bool
    out: Path

    def summary(self) -> dict[str, object]:
        """The `pack build --json` object, exactly these keys."""
        return {"name": self.manifest.name, "version": self.manifest.version,
                "sections": self.manifest.sections, "files": len(self.manifest.files),
                "bytes": self.manifest.total_bytes, "signed": self.signed}


def build_pack(content: list[Path], out: Path, *, name: str, version: str,
               key_pem: bytes | None = None, now: datetime | None = None) -> BuildResult:
    """Build a pack of the manuals in `content` into `out`, replacing an earlier pack there as
    a whole: everything is built in a sibling temporary folder and renamed into place."""
    try:
        check_name(name, "name")
        check_name(version, "version")
    except ManifestError as exc:
        raise PackError(str(exc)) from None
    key = signing.load_private_key(key_pem) if key_pem is not None else None
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.build-{os.getpid()}-{os.urandom(4).hex()}"
    staging.mkdir()
    try:
        _copy_manuals(content, staging / CONTENT_DIR)
        reused = _reuse_index(out, staging / INDEX_DIR, key)
        sections = _build_index(staging, incremental=reused)
        files, archive = _describe_all(staging)
        manifest = Manifest(name=name, version=version,
                            created=(now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                            min_app_version=__version__, sections=sections, files=files, archive=archive)
        data = manifest.to_bytes()
        (staging / MANIFEST_FILE).write_bytes(data)
        if key is not None:
            (staging / SIGNATURE_FILE).write_bytes(signing.sign(key, data))
        for path in (staging / MANIFEST_FILE, staging / SIGNATURE_FILE):
            if path.exists():
                os.utime(path, (FIXED_MTIME, FIXED_MTIME))
        _swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(manifest, key is not None, out)


def _manual_dirs(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise PackError(f"The content folder {folder} does not exist.")
    if (folder / MANUAL_FILE).is_file():
        return [folder]
    found = sorted(p.parent for p in folder.glob(f"*/{MANUAL_FILE}"))
    if not found:
        raise PackError(f"The content folder {folder} holds no manual (no */{MANUAL_FILE}).")
    return found


def _copy_manuals(content: list[Path], target: Path) -> None:
    if not content:
        raise PackError("Name at least one content folder to build a pack from.")
    used: dict[str, Path] = {}
    for folder in content:
        for manual in _manual_dirs(Path(folder).expanduser()):
            if manual.name in used:
                raise PackError(f"Two manuals have the folder name {manual.name!r}: {used[manual.name]} and {manual}.")
            used[manual.name] = manual
            made: set[str] = set()
            for relative in _files_under(manual, skip=_SKIPPED):
                # Plain string paths, each folder made once: 100,000 files are copied here.
                parent = os.path.dirname(relative)
                if parent not in made:
                    (target / manual.name / parent).mkdir(parents=True, exist_ok=True)
                    made.add(parent)
                _copy_file(os.path.join(manual, relative), os.path.join(target, manual.name, relative))


def _copy_file(source: str, destination: str) -> None:
    """A file's bytes (no metadata, as shutil.copyfile; content files are small: one read)."""
    with open(source, "rb") as handle:
        data = handle.read()
    with open(destination, "wb") as handle:
        handle.write(data)


def _files_under(root: Path, skip: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Every file below `root`, as its path relative to `root` with forward slashes, sorted;
    dot-files and dot-folders, symlinks, *.pyc and the names in `skip` left out (a symlink
    could point anywhere on the builder's disk). A folder that cannot be read is left out, as
    os.walk leaves it."""
    found: list[str] = []
    pending = [""]
    while pending:
        prefix = pending.pop()
        try:
            with os.scandir(os.path.join(root, prefix)) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            name = entry.name
            if name.startswith(".") or name in skip or entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(f"{prefix}{name}/")
            elif not name.endswith(".pyc"):
                found.append(f"{prefix}{name}")
    found.sort()
    return found


def _reuse_index(out: Path, target: Path, key: signing.Ed25519PrivateKey | None) -> bool:
    """Start from the index of the pack already in `out` (when it checks out: hashes, and the
    signature with this very key when signing), so only changed sections are indexed again and
    the unchanged index segments keep their names and bytes: desktops download only the new
    ones. A pack from another key, damaged, or of an older index format is not reused."""
    if not (out / MANIFEST_FILE).is_file() or not (out / INDEX_DIR).is_dir():
        return False
    try:
        verify_pack(out, signing.public_key_text(key.public_key()) if key is not None else None)
        shutil.copytree(out / INDEX_DIR, target)
    except (PackError, OSError):
        shutil.rmtree(target, ignore_errors=True)
        return False
    return True


def _build_index(staging: Path, *, incremental: bool = False) -> int:
    # Every core: the builder is a command, its process has no threads to upset by forking.
    workers = os.cpu_count() or 1
    library = load_library([staging / CONTENT_DIR], workers=workers)
    errors = [p for p in library.problems if p.severity is Severity.ERROR]
    if errors:
        raise PackError(f"The content has {len(errors)} error(s); the first: {errors[0]}. "
                        "Run `manualviewer check` on it.")
    # The parsed library too, so a desktop opens it without parsing 100,000 files (only from a
    # verified pack: it is pickled data).
    write_pack_snapshot(staging / SNAPSHOT_FILE, library, staging, __version__)
    index = open_index(staging / INDEX_DIR)
    try:
        ensure_library(index, library, rebuild=not incremental, prepare_typos=False, workers=workers)
    finally:
        index.close()
    for path in (staging / INDEX_DIR).glob("*LOCK*"):
        path.unlink()  # lock files say nothing to a reader and must not be published
    return len(library.sections)


def _describe_all(staging: Path) -> tuple[tuple[PackFile, ...], PackFile]:
    """Every file's size and SHA-256, and the archive of the content files, in one reading of
    them. The archive is reproducible: sorted, one fixed time, no owner."""
    files: list[PackFile] = []
    hidden = staging / f".{ARCHIVE_FILE}"  # a dot-file is not listed while it is written
    with hidden.open("wb") as out:
        archive = ArchiveWriter(out, FIXED_MTIME)
        for relative in _files_under(staging):
            path = os.path.join(staging, relative)
            os.utime(path, (FIXED_MTIME, FIXED_MTIME))
            if not relative.startswith(CONTENT_DIR + "/"):
                files.append(PackFile(relative, *file_digest(Path(path))))
                continue
            with open(path, "rb") as handle:
                data = handle.read()  # section files are small
            files.append(PackFile(relative, len(data), hashlib.sha256(data).hexdigest()))
            archive.add(relative, data)
        archive.close()
    os.utime(hidden, (FIXED_MTIME, FIXED_MTIME))
    os.replace(hidden, staging / ARCHIVE_FILE)
    return tuple(files), PackFile(ARCHIVE_FILE, archive.size, archive.sha256())


def _swap_into_place(staging: Path, out: Path) -> None:
    """Move the finished pack to `out`. An earlier pack there is first renamed aside, then the
    new one renamed in (two renames on one file system: a web server serving `out` sees the
    old pack whole, for an instant no pack, then the new pack whole, never a mix of files)."""
    if out.exists() and not (out / MANIFEST_FILE).is_file() and any(out.iterdir()):
        raise PackError(f"{out} is not empty and holds no pack.json: refusing to replace it.")
    old = out.parent / f".{out.name}.old-{os.getpid()}-{os.urandom(4).hex()}"
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    with contextlib.suppress(OSError):
        shutil.rmtree(old)


# --- verify ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verified:
    manifest: Manifest
    signature_checked: bool  # a public key was given and the signature matched it
    signed: bool  # a signature file is present


def read_signed_manifest(manifest_bytes: bytes, signature: bytes | None,
                         public_key: str | None) -> tuple[Manifest, bool]:
    """Parse pack.json after checking its signature when a public key is configured: an
    unsigned or wrongly signed pack is refused then. (manifest, signature_checked)."""
    checked = False
    if public_key:
        key = signing.load_public_key(public_key)
        if signature is None:
            raise PackError("The pack is not signed, and this desktop accepts only signed packs.")
        if not signing.verify(key, manifest_bytes, signature):
            raise PackError("The pack's signature does not match the organisation's public key: "
                            "it was changed after signing, or signed with another key.")
        checked = True
    try:
        return parse_manifest(manifest_bytes), checked
    except ManifestError as exc:
        raise PackError(str(exc)) from None


def verify_pack(folder: Path, public_key: str | None = None) -> Verified:
    """Check a pack folder: signature (when a key is given), then every listed file's size and
    SHA-256. PackError with the first problem."""
    folder = Path(folder)
    try:
        data = (folder / MANIFEST_FILE).read_bytes()
    except OSError:
        raise PackError(f"{folder} holds no readable {MANIFEST_FILE}.") from None
    sig_path = folder / SIGNATURE_FILE
    signature = sig_path.read_bytes() if sig_path.is_file() else None
    manifest, checked = read_signed_manifest(data, signature, public_key)
    for entry in manifest.files:
        try:
            path = inside(folder, entry.path)
            size, digest = file_digest(path)
        except PackPathError:
            raise PackError(f"{entry.path} leads outside the pack folder.") from None
        except OSError:
            raise PackError(f"{entry.path} is missing from the pack.") from None
        if size != entry.size:
            raise PackError(f"{entry.path} has {size} bytes; pack.json says {entry.size}.")
        if digest != entry.sha256:
            raise PackError(f"{entry.path} does not match its SHA-256 in pack.json: it was changed or damaged.")
    if manifest.archive is not None:
        try:
            size, digest = file_digest(inside(folder, manifest.archive.path))
        except (PackPathError, OSError):
            raise PackError(f"{manifest.archive.path} is missing from the pack.") from None
        if (size, digest) != (manifest.archive.size, manifest.archive.sha256):
            raise PackError(f"{manifest.archive.path} does not match its size and SHA-256 in pack.json.")
    return Verified(manifest, checked, signature is not None)
