"""Content folders -> library -> search index: the one place that assembles them, for the app
and for every command.

Where the content comes from (--content folders, else MANUALVIEWER_CONTENT, else the settings'
content_folders, else the bundled library), the snapshot of the library as last assembled and
the cache of parsed files (both in the user cache folder, one per set of folders), the search
index folder (one per set of folders), and the refresh after a change on disk. No Qt: the app
runs `refresh` on a worker thread and shows the `Refresh` it returns."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from manualviewer.core.content.bundled import content_folders
from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import content_fingerprint, load_library, open_snapshot
from manualviewer.core.model import IndexStats
from manualviewer.core.search.library_index import Progress, ensure_library, open_index
from manualviewer.core.search.protocol import SearchIndex
from manualviewer.services.search_service import SearchService

if TYPE_CHECKING:
    from manualviewer.services.changes import ChangeTracker, RecordedVersion


@dataclass(frozen=True)
class Refresh:
    """What a refresh changed: the library reloaded from changed files (None when they were as
    they were) and what the index update did (None when the index already matched the files)."""

    library: Library | None
    index: IndexStats | None
    version: RecordedVersion | None = None  # the library version recorded for "what changed"


@dataclass(frozen=True)
class Workspace:
    """One set of content folders and the user's cached files that go with it."""

    folders: tuple[Path, ...]

    @classmethod
    def from_folders(cls, explicit: Iterable[Path] | None = None) -> Workspace:
        """--content folders win, then MANUALVIEWER_CONTENT, then the content_folders of the
        user's settings, then the bundled library."""
        chosen = [Path(p) for p in explicit] if explicit else None
        if chosen:
            configured: tuple[Path, ...] = ()
        else:
            # Storage only when no folder was named (the settings file is not even read then).
            from manualviewer.storage.installed_packs import installed_content_folders
            from manualviewer.storage.settings_file import configured_content_folders

            # Installed content packs (`pack sync`) are content folders like the configured ones.
            configured = configured_content_folders() + installed_content_folders()
        return cls(tuple(content_folders(chosen, configured=configured)))

    # --- where the user's files for these folders live ----------------------------------
    @property
    def cache_file(self) -> Path:
        """The cache of parsed content (and, beside it, the snapshot of the library)."""
        from manualviewer.storage.paths import library_cache_path

        return library_cache_path(self.folders)

    @property
    def index_dir(self) -> Path:
        """The search index of these folders: a search of another library never rewrites the
        index the app uses."""
        return self._index_dir()

    def _index_dir(self, fingerprint: str | None = None) -> Path:
        """`fingerprint`: of the files now, when the caller has just taken it (a stat of every
        file: a second walk costs a second at 100,000 files)."""
        from manualviewer.storage import content_caches
        from manualviewer.storage.installed_packs import remove_unused_caches
        from manualviewer.storage.paths import index_dir

        folder = index_dir(self.folders)
        if not folder.exists():
            _seed_from_pack(self.folders, folder, fingerprint)
            remove_unused_caches()  # new folders: the caches of pack versions now gone go
        content_caches.remember(self.folders)
        return folder

    # --- the library ---------------------------------------------------------------------
    def load(self, *, keep_bodies: bool = True, workers: int = 1) -> Library:
        """Every file parsed now, no cache (`check`, `procedure`, `scenario`)."""
        return load_library(self.folders, keep_bodies=keep_bodies, workers=workers)

    def open_library(self, *, check_files: bool = True) -> Library:
        """The library through the user's content cache, bodies left on disk.

        With `check_files` (the commands), the snapshot of the library as last assembled is
        used only when every file is as it was then. Without (the app's start), the snapshot
        opens at once (100,000 sections in a fraction of a second) and `refresh` checks the
        files afterwards, in the background."""
        cache = self.cache_file
        snapshot = open_snapshot(cache)
        fingerprint = content_fingerprint(self.folders) if check_files or snapshot is None else ""
        if snapshot is None:
            snapshot = _seed_library_from_pack(self.folders, cache, fingerprint)
            if snapshot is not None:
                self._index_dir(fingerprint)  # the pack's index too, while the fingerprint is fresh
        if not check_files:
            return snapshot or load_library(self.folders, cache_file=cache, fingerprint=fingerprint)
        if snapshot is not None and snapshot.fingerprint == fingerprint:
            return snapshot  # every file as it was when the snapshot was taken
        return load_library(self.folders, cache_file=cache, fingerprint=fingerprint)

    def reload_if_changed(self, current: Library, *, check_files: bool = True) -> Library | None:
        """The library loaded again when its files changed since `current` (always, without
        `check_files`: a watcher saw a change); None when they are as they were."""
        fingerprint = content_fingerprint(self.folders)
        if check_files and fingerprint == current.fingerprint:
            return None
        return load_library(self.folders, cache_file=self.cache_file, fingerprint=fingerprint)

    # --- the search index ------------------------------------------------------------------
    def open_index(self) -> SearchIndex:
        """The search index of these folders, not yet opened (`ensure_index` brings it up to date)."""
        return open_index(self.index_dir)

    def search_service(self, library: Callable[[], Library] | None = None) -> SearchService:
        """The window's search: `library` gives the current library, for the checklists among the results."""
        return SearchService(self.index_dir, library)

    def refresh(self, current: Library, search: SearchService, *, check_files: bool,
                progress: Progress | None = None, changes: ChangeTracker | None = None) -> Refresh:
        """After a change (or to check at start): reload the library if its files changed, record
        its version with `changes` (every load records one), then bring the index up to date
        with it. Slow: the app runs it on a worker thread."""
        fresh = self.reload_if_changed(current, check_files=check_files)
        library = fresh or current
        version = self.record_version(library, changes) if changes is not None else None
        stats = search.ensure(library, progress)
        library.prepare_backlinks()
        return Refresh(fresh, stats, version)

    def record_version(self, library: Library, changes: ChangeTracker) -> RecordedVersion | None:
        """The library's version recorded for this user, labelled with the installed packs it
        shows ("org-guidance 1.2"); None when the versions database cannot be written (what
        changed is then unknown for this load; reading goes on)."""
        import sqlite3
        import sys

        try:
            return changes.record_load(library, self.version_label())
        except (sqlite3.Error, OSError) as exc:
            print(f"manualviewer: the library version was not recorded ({exc})", file=sys.stderr)
            return None

    def version_label(self) -> str:
        """The installed packs among these folders, as "name version" (empty for plain folders)."""
        from manualviewer.storage.installed_packs import installed

        shown = set(self.folders)
        return ", ".join(f"{p.name} {p.version}" for p in installed() if p.content in shown)


def _seed_library_from_pack(folders: tuple[Path, ...], cache: Path, fingerprint: str) -> Library | None:
    """A verified pack's parsed library, its paths moved to where the pack is installed, as
    this workspace's snapshot: a new pack (or a new version, which is a new folder) opens
    without parsing its files. None when there is none to use (unsigned, older pack, made by
    another app version): the files are parsed then."""
    from manualviewer import __version__
    from manualviewer.core.content.load_cache import SnapshotError, read_pack_snapshot, snapshot_path, write_snapshot
    from manualviewer.storage.installed_packs import prebuilt_snapshot_for

    shipped = prebuilt_snapshot_for(folders)
    if shipped is None:
        return None
    try:
        library = read_pack_snapshot(shipped[0], shipped[1], __version__)
    except SnapshotError:
        return None
    # The files were checked against the signed pack.json (hashes) at install, and the snapshot
    # was made from those very files: it matches the files as they are now.
    library.fingerprint = fingerprint
    cache.parent.mkdir(parents=True, exist_ok=True)
    write_snapshot(snapshot_path(cache), library)
    return library


def _seed_from_pack(folders: tuple[Path, ...], target: Path, fingerprint: str | None = None) -> None:
    """A verified pack's prebuilt index copied in as this workspace's index (and marked as
    matching the pack's files), so a desktop searches a new pack without indexing it."""
    import contextlib
    import os
    import shutil

    from manualviewer.core.files import atomic_write
    from manualviewer.core.search.library_index import FINGERPRINT_FILE
    from manualviewer.storage.installed_packs import prebuilt_index_for

    prebuilt = prebuilt_index_for(folders)
    if prebuilt is None:
        return
    staging = target.with_name(f".{target.name}.{os.urandom(4).hex()}")
    try:
        # Hard links where the file system has them: at 100,000 sections the index is hundreds
        # of MB. Whoosh never rewrites a segment file (an update adds files, a merge deletes
        # them), and the postings files are opened read-only, so the pack's copy stays intact.
        shutil.copytree(prebuilt, staging, copy_function=_link_or_copy)
        atomic_write(staging / FINGERPRINT_FILE, (fingerprint or content_fingerprint(folders)) + "\n")
        os.replace(staging, target)
    except OSError:
        pass  # no prebuilt index: the desktop indexes the pack itself
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)


def _link_or_copy(source: str, target: str) -> None:
    import os
    import shutil

    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def ensure_index(index: SearchIndex, library: Library, *, rebuild: bool = False) -> IndexStats | None:
    """Bring `index` up to date with `library` for a command (typo tables are made when a search
    needs them: a command searches once). Raises IndexBusyError when the app is writing it."""
    return ensure_library(index, library, rebuild=rebuild, prepare_typos=False)
