"""Composition root: settings -> library -> search index -> stores -> main window. The one module
that imports core, storage and ui together."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from manualviewer.core.content.glossary import GLOSSARY_FILE
from manualviewer.core.content.library import Library
from manualviewer.services.changes import ChangeTracker
from manualviewer.services.workspace import Refresh, Workspace

APP_ID = "manualviewer"
# Set, the app prints the time its window is shown and quits (bench/package_bench.py).
BENCH_SHOWN_ENV = "MANUALVIEWER_BENCH_SHOWN"


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

        from manualviewer.ui.reading.main_window import MainWindow
        from manualviewer.ui.single_instance import InstanceServer

        self.content = list(content) if content else None  # --content: installed packs are not used
        self.workspace = Workspace.from_folders(content)
        self.folders = list(self.workspace.folders)
        # The library as last assembled opens at once (100,000 sections in a fraction of a second);
        # a background check of the files then reloads it if anything changed since.
        self.library = self.workspace.open_library(check_files=False)
        for problem in self.library.errors:
            print(problem, file=sys.stderr)
        from manualviewer.storage.settings_file import load_layered

        for settings_problem in load_layered().problems:  # a broken file is left out; the app starts
            print(f"Settings: {settings_problem}", file=sys.stderr)
        self.search = self.workspace.search_service(lambda: self.library)
        # Through self.search, so a switch to a new pack version swaps the index under the window.
        self.window = MainWindow(self.library, render_section, lambda query, manual: self.search.search(query, manual))
        self.stores = _open_stores(self.window)
        # What changed and what this user read (services/changes.py): every refresh records the
        # library's version; None when its database cannot be opened (reading goes on).
        self.changes: ChangeTracker | None = _open_changes()
        self.changes_ui: Any = None
        if self.changes is not None:
            from manualviewer.ui.changes.install import install_changes

            self.changes_ui = install_changes(self.window, self.changes, lambda: self.library)
        # Guided checklists, notes and escalations (ui/checklist/): only with the user's database.
        self.checklists: Any = None
        self.must_read: Any = None
        if self.stores is not None:
            from manualviewer.storage.settings_file import load_user_settings
            from manualviewer.ui.checklist.deps import ChecklistDeps
            from manualviewer.ui.checklist.install import install_checklists

            self.checklists = install_checklists(self.window, ChecklistDeps(self.stores, load_user_settings))
            from manualviewer.ui.reading.must_read import install_must_read

            w = self.window  # "read and understood": the count, the Must read list, the confirm bar
            self.must_read = install_must_read(w, w.tabs, w.sidebar, w.library, self.stores.attestations,
                                               load_user_settings, w.open_section, w.library_changed,
                                               self.stores.outbox, self.checklists.deliver, w.view_menu)
            if self.changes is not None:  # a confirmation under a renamed section's old ID counts
                self.must_read.same_text = self.changes.same_guidance
                self.must_read.refresh()
        # Badges and banners on the sections of theirs that changed since they read them.
        self.change_alerts: Any = None
        if self.stores is not None and self.changes is not None:
            from manualviewer.ui.reading.change_alerts import install_change_alerts

            self.change_alerts = install_change_alerts(self.window, self.stores, self.changes,
                                                       self.checklists.changed if self.checklists else None)
        # --- Training mode (ui/training/install.py): scenarios on the real checklists. It opens only
        # the separate training database (paths.training_database_path()), never the live notes or
        # outbox, and builds no delivery channel: nothing is ever sent from training.
        from manualviewer.ui.training.install import install_training

        live = self.checklists.live if self.checklists is not None else None
        self.training: Any = install_training(self.window, lambda: self.library, live=live)
        # --- end of training mode
        self.server = InstanceServer(parent=self.window)
        self.server.message_received.connect(self.on_message)
        self.jobs: list[Any] = []
        self.welcome: Any = None  # the first-run welcome while it is open (start)
        self.recovery_notice: Any = None  # the message about kept notes set aside (start)
        self.closing = False
        self.refreshing = False
        self.refresh_pending = False
        self.index_runs = 0  # finished index updates, for the window and for tests
        self.last_refresh: Refresh | None = None
        self._install_pack_updates()
        self.watcher = QFileSystemWatcher(self.window)
        self.reload_timer = QTimer(self.window)
        self.reload_timer.setSingleShot(True)
        self.reload_timer.setInterval(400)  # a content update writes many files: reload once
        self.watcher.directoryChanged.connect(lambda _p: self.reload_timer.start())
        self.watcher.fileChanged.connect(lambda _p: self.reload_timer.start())
        self.reload_timer.timeout.connect(self.reload)
        self.window.reload_requested.connect(self.reload)

    def start(self, section: str | None = None) -> None:
        from manualviewer.ui.geometry import fit_window

        self.server.listen()
        state = self.window.saved_state()
        if state:
            self.window.restore_state(state)
        # Inside the screen on first run and when a saved geometry comes back on a smaller one.
        fit_window(self.window, first_run=not state)
        self.window.status_label.setText(_library_summary(self.library))
        if section:  # an ID, a manualviewer: link or a GOV.UK address; a bad one is said in the window
            self.window.open_reference(section)
        self.window.show()
        fit_window(self.window)  # again once shown: the window frame's size is only known now
        # Notes kept while the database could not be written: said, the ones set aside named.
        from manualviewer.ui.recovery_notice import show_recovery_notice

        self.recovery_notice = show_recovery_notice(self.window, self.stores.recovered if self.stores else None)
        self.welcome = self._welcome_if_needed()
        self.watch()
        self.search.open_existing()
        self.refresh(check_files=True)

    def _welcome_if_needed(self) -> Any:
        """The first-run welcome (ui/first_run.py), over the window and not blocking it: asks for
        the officer's name and line manager once, when neither the user nor the organisation set them."""
        from manualviewer.storage.first_run import welcome_seen
        from manualviewer.storage.settings_file import load_layered, save_user_settings
        from manualviewer.ui.first_run import WelcomeDialog, needs_welcome
        from manualviewer.ui.geometry import fit_window

        layered = load_layered()
        if not needs_welcome(layered, welcome_seen()):
            return None
        dialog = WelcomeDialog(layered.settings, layered.locked, save_user_settings, _remember_welcome, self.window)
        if self.checklists is not None:
            dialog.saved.connect(self.checklists.apply_settings)
        dialog.open()
        fit_window(dialog)
        return dialog

    def on_message(self, text: str) -> None:
        verb, _, arg = text.partition(" ")
        if verb == "open" and arg:
            self.window.open_reference(arg)
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
        current, workspace, search, changes = self.library, self.workspace, self.search, self.changes

        def job(progress: Callable[[int, int], None]) -> Refresh:
            return workspace.refresh(current, search, check_files=check_files, progress=progress, changes=changes)

        self.window.status_label.setText("Checking the library and the search index...")
        thread, relay = start_worker(self.window, job, on_done=self._refreshed, on_failed=self._refresh_failed,
                                     on_progress=self.window.set_index_progress)
        self.jobs.append((thread, relay))

    def _refresh_ended(self) -> None:
        self.refreshing = False
        if not self.packs_started:  # the first sync once the window is up and its library checked
            self.packs_started = True
            self.packs.start()
        if self.switch_pending:
            self.switch_to_installed_packs()
        elif self.refresh_pending:
            self.refresh_pending = False
            self.refresh(check_files=False)

    def _refreshed(self, changes: Refresh) -> None:
        if self.closing:
            return  # finished after shutdown: the window and the stores it would update are closed
        self.last_refresh = changes
        fresh = changes.library
        if fresh is not None:
            self.library = fresh
            self.window.set_library(fresh)
            self.watch()
        if self.change_alerts is not None:
            self.change_alerts.library_changed()
        if self.changes_ui is not None and changes.version is not None:
            self.changes_ui.library_changed()
        self.index_runs += 1
        self.window.set_index_progress(1, 1)
        summary = _library_summary(self.window.library)
        # Once, after a switch to a new pack version: say so beside the summary.
        self.window.status_label.setText(f"{self.pack_news} {summary}" if self.pack_news else summary)
        self.pack_news = ""
        self.window.search_panel.run_search()
        self._refresh_ended()

    def _refresh_failed(self, error: str) -> None:
        if self.closing:
            return
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
        # An installed pack version is never written in place (a sync hard-links its unchanged
        # files into the next version, which the watcher would take for an edit): the pack sync
        # switches versions instead.
        wanted = {w for w in wanted if not Path(w).is_relative_to(self.packs_folder)}
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
        self.packs.stop()
        self.watcher.blockSignals(True)
        self.window.close()
        self.server.close()
        for thread, _worker in self.jobs:
            thread.quit()
            thread.wait(10000)
        self.search.close()
        if self.change_alerts is not None:
            self.change_alerts.wait()  # it reads the versions database: before that closes
        if self.training is not None:
            self.training.close()  # the training database
        if self.stores is not None:
            self.stores.close()
        if self.changes is not None:
            self.changes.close()


    # --- content packs: background sync and the live switch to a new version --------------
    def _install_pack_updates(self) -> None:
        from manualviewer.services.pack_sync import sync_configured
        from manualviewer.storage.installed_packs import packs_root
        from manualviewer.storage.settings_file import load_layered
        from manualviewer.ui.pack_updates import PackUpdates, pack_label

        self.packs = PackUpdates(self.window, sync_configured, load_layered().settings.pack_sync_minutes)
        self.packs.synced.connect(self._packs_synced)
        self.packs_started = False
        self.switch_pending = False
        self.pack_problem = ""
        self.pack_news = ""
        self.pack_switches = 0  # versions switched to in this window, for tests
        self.shown_versions: list[tuple[str, str, bool]] = []  # (name, version, verified) in the window
        self.pack_label = pack_label(self.window.statusBar())
        self.packs_folder = packs_root()
        self._show_packs()

    def _packs_synced(self, results: list[Any]) -> None:
        from manualviewer.services.pack_sync import failure_sentence

        self.pack_problem = failure_sentence(results)
        if self.pack_problem:
            self.window.status_label.setText(self.pack_problem)
        self.window.status_label.setToolTip(self.pack_problem)  # whole, when the bar is narrow
        self.switch_to_installed_packs()  # a new version, or one rolled back to meanwhile

    def switch_to_installed_packs(self) -> None:
        """Show the installed packs' current versions if they are not what the window shows: the
        library loads (and a verified pack's prebuilt index is put in place) on a worker thread;
        the window then keeps its tabs, history and bookmarks, and the index is brought up to date."""
        from manualviewer.ui.workers import start_worker

        self.switch_pending = False
        if self.closing:
            return
        workspace = Workspace.from_folders(self.content)
        if workspace.folders == self.workspace.folders:
            self._show_packs()
            return
        if self.refreshing:  # one job at a time: the switch follows the running one
            self.switch_pending = True
            return
        self.refreshing = True
        self.jobs = [(t, r) for t, r in self.jobs if t.is_running()]

        def job(_progress: Callable[[int, int], None]) -> Library:
            library = workspace.open_library()
            _ = workspace.index_dir  # a verified pack's prebuilt index copied in, off the GUI thread
            return library

        self.window.status_label.setText("Loading the new version of the guidance...")
        thread, relay = start_worker(self.window, job, on_done=lambda library: self._switched(workspace, library),
                                     on_failed=self._switch_failed)
        self.jobs.append((thread, relay))

    def _switched(self, workspace: Workspace, library: Library) -> None:
        from manualviewer.ui.pack_updates import version_text

        earlier, earlier_search = self.library, self.search
        earlier_version = version_text(self.shown_versions)
        self.workspace, self.folders, self.library = workspace, list(workspace.folders), library
        self.search = workspace.search_service(lambda: self.library)
        self.search.open_existing()
        earlier_search.close()
        if self.checklists is not None and earlier_version:
            self.checklists.keep_started_guidance(earlier, earlier_version)
        self.window.set_library(library)
        self.watch()
        self.pack_switches += 1
        self._show_packs()
        self.pack_news = "Guidance updated to " + ", ".join(f"{n} {v}" for n, v, _s in self.shown_versions) + "."
        self.refreshing = False
        self.refresh(check_files=True)  # the index: the pack's own when verified, else built here

    def _switch_failed(self, error: str) -> None:
        self.window.status_label.setText(f"The new version of the guidance could not be opened ({error}); "
                                         "the version in use stays.")
        self._refresh_ended()

    def _pack_versions(self, workspace: Workspace) -> list[tuple[str, str, bool]]:
        """The installed packs whose content `workspace` shows: none with --content folders."""
        from manualviewer.storage.installed_packs import installed

        shown = set(workspace.folders)
        return [(p.name, p.version, p.verified) for p in installed() if p.content in shown]

    def _show_packs(self) -> None:
        from manualviewer.ui.pack_updates import about_lines, show_versions

        versions = self.shown_versions = self._pack_versions(self.workspace)
        show_versions(self.pack_label, versions, self.pack_problem)
        self.window.pack_lines = tuple(about_lines(versions))


def main(content: Sequence[Path] | None = None, section: str | None = None, argv: list[str] | None = None) -> int:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from manualviewer import __version__
    from manualviewer.ui.identity import DESKTOP_ID, app_icon
    from manualviewer.ui.single_instance import send_to_running

    QCoreApplication.setApplicationName(APP_ID)
    QCoreApplication.setOrganizationName(APP_ID)
    QCoreApplication.setApplicationVersion(__version__)
    qapp = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(qapp, QApplication)
    qapp.setWindowIcon(app_icon())
    QGuiApplication.setDesktopFileName(DESKTOP_ID)  # the task bar matches the window to its .desktop entry
    message = f"open {section}" if section else "show"
    if send_to_running(message):
        print(f"Passed to the running Manual Viewer: {message}")
        return 0
    app = Application(content)
    app.start(section)
    if os.environ.get(BENCH_SHOWN_ENV):
        _report_shown_and_quit(qapp)
    code = qapp.exec()
    app.shutdown()
    return int(code)


def _report_shown_and_quit(qapp: Any) -> None:
    """For bench/package_bench.py: a packaged app cannot run the bench's own script, so it prints
    when its window is up (the moment bench/startup_bench.py takes) and quits."""
    import json
    import time

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: (print(json.dumps({"shown": time.time()}), flush=True), qapp.quit()))


def _remember_welcome() -> None:
    from manualviewer.storage.first_run import mark_welcome_seen

    try:
        mark_welcome_seen()
    except OSError as exc:  # it will ask again next time; nothing else is lost
        print(f"Could not remember that the welcome was seen: {exc}", file=sys.stderr)


def _library_summary(library: Library) -> str:
    problems = len(library.errors)
    text = f"{len(library.sections)} sections in {len(library.manuals)} manuals"
    if problems:
        text += f"; {problems} content problem{'s' if problems != 1 else ''} (run 'manualviewer check')"
    return text


def _open_changes() -> ChangeTracker | None:
    import sqlite3

    from manualviewer.storage.settings_file import load_layered

    try:
        return ChangeTracker.open(keep_section_versions=load_layered().settings.keep_section_versions)
    except (sqlite3.Error, OSError) as exc:
        print(f"manualviewer: what changed cannot be tracked ({exc})", file=sys.stderr)
        return None


def _open_stores(window: Any) -> Any:
    from manualviewer.storage.stores import open_stores

    try:
        stores = open_stores()
    except Exception as exc:  # the app still shows guidance without the user's database
        print(f"Your notes and bookmarks are not available: {exc}", file=sys.stderr)
        stores = _offer_repair(window, exc)
        if stores is None:
            return None
    window.attach_stores(stores)
    return stores


def _offer_repair(window: Any, exc: Exception) -> Any:
    """A damaged database (quick_check at open): the window offers the way out (issue 13), then
    opens the new database when one was made."""
    from manualviewer.storage import paths
    from manualviewer.storage.database import DAMAGED, DatabaseError
    from manualviewer.storage.stores import open_stores
    from manualviewer.ui.repair_dialog import Choice, ask_and_repair

    if not isinstance(exc, DatabaseError) or exc.reason != DAMAGED:
        return None
    choice, message = ask_and_repair(window, paths.database_path(), exc, ask=_ASK_REPAIR)
    print(message, file=sys.stderr)
    window.statusBar().showMessage(message)
    if choice is Choice.KEEP:
        return None
    try:
        return open_stores()
    except Exception as again:
        print(f"Your notes and bookmarks are not available: {again}", file=sys.stderr)
        return None


# Tests set this to click a button of the dialog instead of running it modally.
_ASK_REPAIR: Any = None
