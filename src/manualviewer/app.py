"""Composition root: settings -> library -> search index -> stores -> main window. The one module
that imports core, storage and ui together."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from manualviewer.core.content.bundled import content_folders
from manualviewer.core.content.glossary import GLOSSARY_FILE
from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import content_fingerprint, load_library, open_snapshot
from manualviewer.core.model import SearchResult
from manualviewer.storage import paths

APP_ID = "manualviewer"


class SearchService:
    """The search index for the window. It searches the index on disk as soon as that opens;
    updates run on a worker thread, and Whoosh lets readers search while a writer works."""

    def __init__(self, index_dir: Path, library: Callable[[], Library] | None = None) -> None:
        from manualviewer.core.search.library_index import open_index

        self.index = open_index(index_dir)
        self._library = library  # the window's current library, for the checklists among the results
        self.ready = False
        self._update_lock = threading.Lock()  # one update at a time

    def open_existing(self) -> bool:
        """Use the index already on disk, before it is checked against the library."""
        try:
            self.ready = self.index.open()
        except Exception:  # a damaged index is rebuilt by the next update
            self.ready = False
        return self.ready

    def ensure(self, library: Library, progress: Callable[[int, int], None] | None = None) -> object:
        from manualviewer.core.search.library_index import ensure_library

        with self._update_lock:
            stats = ensure_library(self.index, library, progress)
            self.ready = True
            return stats

    def search(self, query: str, manual: str | None) -> SearchResult | None:
        """None until there is an index to search (the first build): the window says so and
        asks again when the build is done."""
        if not self.ready:
            return None
        result = self.index.search(query, limit=50, manual=manual)
        if self._library is None:
            return result
        from manualviewer.core.procedures.search import with_checklists

        return with_checklists(result, self._library(), manual)

    def close(self) -> None:
        self.index.close()


def render_section(library: Library, section_id: str) -> str:
    from manualviewer.core.procedures.loader import procedure_titles
    from manualviewer.core.render.html import render_section_html

    section = library.get(section_id)
    if section is None:
        return ""
    return render_section_html(section, library, procedure_titles=procedure_titles(library))


class Application:
    """The running app without its event loop, so tests can start, drive and stop it."""

    def __init__(self, content: Sequence[Path] | None = None) -> None:
        from PySide6.QtCore import QFileSystemWatcher, QTimer

        from manualviewer.storage.settings_file import configured_content_folders
        from manualviewer.ui.main_window import MainWindow
        from manualviewer.ui.single_instance import InstanceServer

        self.folders = content_folders(list(content) if content else None, configured=configured_content_folders())
        self.cache_file = paths.library_cache_path(self.folders)
        # The library as last assembled opens at once (100,000 sections in a fraction of a second);
        # a background check of the files then reloads it if anything changed since.
        self.library = open_snapshot(self.cache_file) or load_library(self.folders, cache_file=self.cache_file)
        for problem in self.library.errors:
            print(problem, file=sys.stderr)
        self.search = SearchService(paths.index_dir(self.folders), lambda: self.library)
        self.window = MainWindow(self.library, render_section, self.search.search)
        self.stores = _open_stores(self.window)
        # Guided checklists, notes and escalations (ui/checklists.py): only with the user's database.
        self.checklists: Any = None
        if self.stores is not None:
            from manualviewer.storage.settings_file import load_user_settings
            from manualviewer.ui.checklists import install_checklists

            self.checklists = install_checklists(self.window, self.stores, load_user_settings)
        # --- Training mode (ui/training_install.py): scenarios on the real checklists. It opens only
        # the separate training database (paths.training_database_path()), never the live notes or
        # outbox, and builds no delivery channel: nothing is ever sent from training.
        from manualviewer.ui.training_install import install_training

        self.training: Any = install_training(self.window, lambda: self.library)
        # --- end of training mode
        self.server = InstanceServer(parent=self.window)
        self.server.message_received.connect(self.on_message)
        self.jobs: list[Any] = []
        self.closing = False
        self.refreshing = False
        self.refresh_pending = False
        self.index_runs = 0  # finished index updates, for the window and for tests
        self.watcher = QFileSystemWatcher(self.window)
        self.reload_timer = QTimer(self.window)
        self.reload_timer.setSingleShot(True)
        self.reload_timer.setInterval(400)  # a content update writes many files: reload once
        self.watcher.directoryChanged.connect(lambda _p: self.reload_timer.start())
        self.watcher.fileChanged.connect(lambda _p: self.reload_timer.start())
        self.reload_timer.timeout.connect(self.reload)
        self.window.reload_requested.connect(self.reload)

    def start(self, section: str | None = None) -> None:
        self.server.listen()
        state = self.window.saved_state()
        if state:
            self.window.restore_state(state)
        if section:
            self.window.open_section(section)
        self.window.status_label.setText(_library_summary(self.library))
        self.window.show()
        self.watch()
        self.search.open_existing()
        self.refresh(check_files=True)

    def on_message(self, text: str) -> None:
        verb, _, arg = text.partition(" ")
        if verb == "open" and arg:
            self.window.open_section(arg)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    # --- content check and indexing, off the GUI thread ---------------------------------
    def refresh(self, *, check_files: bool) -> None:
        """On a worker thread: reload the library if its files changed (always, when
        `check_files` is False: the watcher saw a change), then bring the index up to date."""
        from manualviewer.ui.workers import start_worker

        if self.closing:
            return
        if self.refreshing:
            # One at a time, so an older library can never be installed after a newer one.
            self.refresh_pending = True
            return
        self.refreshing = True
        self.jobs = [(t, r) for t, r in self.jobs if t.is_running()]
        current = self.library
        folders, cache_file = self.folders, self.cache_file

        def job(progress: Callable[[int, int], None]) -> Library | None:
            fresh = None
            fingerprint = content_fingerprint(folders)
            if not check_files or fingerprint != current.fingerprint:
                fresh = load_library(folders, cache_file=cache_file, fingerprint=fingerprint)
            self.search.ensure(fresh or current, progress)
            (fresh or current).prepare_backlinks()
            return fresh

        self.window.status_label.setText("Checking the library and the search index...")
        thread, relay = start_worker(self.window, job, on_done=self._refreshed, on_failed=self._refresh_failed,
                                     on_progress=self.window.set_index_progress)
        self.jobs.append((thread, relay))

    def _refresh_ended(self) -> None:
        self.refreshing = False
        if self.refresh_pending:
            self.refresh_pending = False
            self.refresh(check_files=False)

    def _refreshed(self, fresh: Library | None) -> None:
        if fresh is not None:
            self.library = fresh
            self.window.set_library(fresh)
            self.watch()
        self.index_runs += 1
        self.window.set_index_progress(1, 1)
        self.window.status_label.setText(_library_summary(self.window.library))
        self.window.search_panel.run_search()
        self._refresh_ended()

    def _refresh_failed(self, error: str) -> None:
        self.index_runs += 1
        self.window.set_index_progress(1, 1)
        self.window.status_label.setText(f"Search is not available: {error}")
        self._refresh_ended()

    # --- live content ------------------------------------------------------------
    WATCH_FILES_UP_TO = 5000  # inotify watches are a limited resource: large libraries watch folders

    def watch(self) -> None:
        wanted = {str(f) for f in self.folders if f.is_dir()}
        wanted |= {str(m.path) for m in self.library.manuals.values()}
        # A glossary edited in place changes no folder; watch the file itself.
        wanted |= {str(m.path / GLOSSARY_FILE) for m in self.library.manuals.values()
                   if (m.path / GLOSSARY_FILE).is_file()}
        if len(self.library.sections) <= self.WATCH_FILES_UP_TO:
            wanted |= {str(s.path) for s in self.library.sections.values()}
        current = set(self.watcher.directories()) | set(self.watcher.files())
        if current - wanted:
            self.watcher.removePaths(sorted(current - wanted))
        if wanted - current:
            self.watcher.addPaths(sorted(wanted - current))

    def reload(self) -> None:
        self.refresh(check_files=False)

    def shutdown(self) -> None:
        # Nothing may start once we are closing: a content change seen now would start a job
        # whose thread outlives the window that owns it.
        self.closing = True
        self.reload_timer.stop()
        self.watcher.blockSignals(True)
        self.window.close()
        self.server.close()
        for thread, _worker in self.jobs:
            thread.quit()
            thread.wait(10000)
        self.search.close()
        if self.training is not None:
            self.training.close()  # the training database
        if self.stores is not None:
            self.stores.close()


def main(content: Sequence[Path] | None = None, section: str | None = None, argv: list[str] | None = None) -> int:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from manualviewer.ui.single_instance import send_to_running

    QCoreApplication.setApplicationName(APP_ID)
    QCoreApplication.setOrganizationName(APP_ID)
    qapp = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(qapp, QApplication)
    message = f"open {section}" if section else "show"
    if send_to_running(message):
        print(f"Passed to the running Manual Viewer: {message}")
        return 0
    app = Application(content)
    app.start(section)
    code = qapp.exec()
    app.shutdown()
    return int(code)


def _library_summary(library: Library) -> str:
    problems = len(library.errors)
    text = f"{len(library.sections)} sections in {len(library.manuals)} manuals"
    if problems:
        text += f"; {problems} content problem{'s' if problems != 1 else ''} (run 'manualviewer check')"
    return text


def _open_stores(window: Any) -> Any:
    from manualviewer.storage.stores import open_stores

    try:
        stores = open_stores()
    except Exception as exc:  # the app still shows guidance without the user's database
        print(f"Your notes and bookmarks are not available: {exc}", file=sys.stderr)
        return None
    window.attach_stores(stores)
    return stores
