"""Composition root: settings -> library -> search index -> stores -> main window. The one module
that imports core, storage and ui together."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from manualviewer.core.content.bundled import content_folders
from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import load_library
from manualviewer.core.model import SearchResult
from manualviewer.storage import paths

APP_ID = "manualviewer"


class SearchService:
    """The search index behind a flag: the window searches only once the index is ready, and
    the (worker-thread) update never races a query."""

    def __init__(self, index_dir: Path) -> None:
        from manualviewer.core.search.whoosh_index import WhooshIndex

        self.index = WhooshIndex(index_dir)
        self.ready = False
        self.error: str | None = None
        self._lock = threading.Lock()

    def ensure(self, library: Library, progress: Callable[[int, int], None] | None = None) -> object:
        with self._lock:
            stats = self.index.ensure(list(library.sections.values()), progress=progress)
            self.ready = True
            return stats

    def search(self, query: str, manual: str | None) -> SearchResult | None:
        if not self.ready:
            return None
        with self._lock:
            return self.index.search(query, limit=50, manual=manual)

    def close(self) -> None:
        self.index.close()


def render_section(library: Library, section_id: str) -> str:
    from manualviewer.core.render.html import render_section_html

    section = library.get(section_id)
    if section is None:
        return ""
    return render_section_html(section, library, procedure_titles=procedure_titles(library))


def procedure_titles(library: Library) -> dict[str, str]:
    try:
        from manualviewer.core.procedures.loader import load_procedures
    except ImportError:
        return {}
    cached = _PROCEDURE_TITLES.get(id(library))
    if cached is None:
        procedures, _problems = load_procedures([m.path / "procedures" for m in library.manuals.values()])
        cached = {pid: p.title for pid, p in procedures.items()}
        _PROCEDURE_TITLES.clear()
        _PROCEDURE_TITLES[id(library)] = cached
    return cached


_PROCEDURE_TITLES: dict[int, dict[str, str]] = {}


def main(content: Sequence[Path] | None = None, section: str | None = None, argv: list[str] | None = None) -> int:
    from PySide6.QtCore import QCoreApplication, QFileSystemWatcher, QTimer
    from PySide6.QtWidgets import QApplication

    from manualviewer.ui.main_window import MainWindow
    from manualviewer.ui.single_instance import InstanceServer, send_to_running
    from manualviewer.ui.workers import start_worker

    QCoreApplication.setApplicationName(APP_ID)
    QCoreApplication.setOrganizationName(APP_ID)
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)

    message = f"open {section}" if section else "show"
    if send_to_running(message):
        print(f"Passed to the running Manual Viewer: {message}")
        return 0

    folders = content_folders(list(content) if content else None)
    library = load_library(folders)
    search = SearchService(paths.index_dir())
    window = MainWindow(library, render_section, search.search)
    stores = _open_stores(window)
    for problem in library.errors:
        print(problem, file=sys.stderr)

    server = InstanceServer(parent=window)
    server.listen()

    def on_message(text: str) -> None:
        verb, _, arg = text.partition(" ")
        if verb == "open" and arg:
            window.open_section(arg)
        window.show()
        window.raise_()
        window.activateWindow()

    server.message_received.connect(on_message)

    # --- indexing off the GUI thread ----------------------------------------------
    jobs: list[Any] = []

    def index_library(lib: Library) -> None:
        window.status_label.setText("Updating the search index...")
        thread, worker = start_worker(window, lambda progress: search.ensure(lib, progress))
        worker.progressed.connect(window.set_index_progress)
        worker.finished.connect(lambda stats: _index_done(stats))
        worker.failed.connect(lambda err: window.status_label.setText(f"Search index problem: {err}"))
        jobs.append((thread, worker))

    def _index_done(stats: Any) -> None:
        window.set_index_progress(1, 1)
        window.status_label.setText(_library_summary(window.library))
        window.search_panel.run_search()

    # --- live content -------------------------------------------------------------
    watcher = QFileSystemWatcher(window)
    reload_timer = QTimer(window)
    reload_timer.setSingleShot(True)
    reload_timer.setInterval(400)  # a content update writes many files: reload once

    def watch(lib: Library) -> None:
        wanted = {str(f) for f in folders if f.is_dir()}
        wanted |= {str(m.path) for m in lib.manuals.values()}
        wanted |= {str(s.path) for s in lib.sections.values()}
        current = set(watcher.directories()) | set(watcher.files())
        if current - wanted:
            watcher.removePaths(list(current - wanted))
        if wanted - current:
            watcher.addPaths(sorted(wanted - current))

    def reload() -> None:
        new = load_library(folders)
        window.set_library(new)
        watch(new)
        index_library(new)

    watcher.directoryChanged.connect(lambda _p: reload_timer.start())
    watcher.fileChanged.connect(lambda _p: reload_timer.start())
    reload_timer.timeout.connect(reload)
    window.reload_library = reload  # type: ignore[attr-defined]

    # --- start ------------------------------------------------------------------------
    state = window.saved_state()
    if state:
        window.restore_state(state)
    if section:
        window.open_section(section)
    window.status_label.setText(_library_summary(library))
    window.show()
    watch(library)
    index_library(library)
    code = app.exec()
    server.close()
    for thread, _worker in jobs:
        thread.quit()
        thread.wait(5000)
    search.close()
    if stores is not None:
        stores.close()
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
