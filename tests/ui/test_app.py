"""The composed app: restarts keep the user's place and bookmarks, a second `open` reaches the
running window, and content changed on disk shows without a restart."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtNetwork import QLocalSocket
from pytestqt.qtbot import QtBot

from manualviewer.app import Application
from manualviewer.ui.reading.section_view import SectionView
from manualviewer.ui.single_instance import send_to_running


@pytest.fixture
def content_copy(tmp_path: Path, bundled_content: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(bundled_content, target, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    return target


def started(qtbot: QtBot, content: Path, section: str | None = None) -> Application:
    app = Application([content])
    qtbot.addWidget(app.window)
    app.start(section)
    qtbot.waitUntil(lambda: app.index_runs >= 1, timeout=30000)
    return app


def reload_and_wait(qtbot: QtBot, app: Application) -> None:
    runs = app.index_runs
    app.reload()
    qtbot.waitUntil(lambda: app.index_runs > runs, timeout=30000)


@pytest.fixture
def running(qtbot: QtBot, content_copy: Path) -> Iterator[Application]:
    app = started(qtbot, content_copy)
    yield app
    app.shutdown()


def test_the_window_opens_inside_the_screen(running: Application) -> None:
    # The offscreen screen (800x600) is smaller than the 1280x800 the window asks for.
    window = running.window
    screen = window.screen()
    assert screen is not None and screen.availableGeometry().contains(window.frameGeometry())


def test_search_works_once_the_index_is_built(qtbot: QtBot, running: Application) -> None:
    window = running.window
    window.focus_search()
    qtbot.keyClicks(window.search_panel.box, "dmbm 511015")
    qtbot.waitUntil(lambda: window.search_panel.model.rowCount() > 0)
    first = window.search_panel.model.hit(0)
    assert first is not None and first.id == "DMBM511015"


def test_session_tabs_zoom_and_bookmarks_survive_a_restart(qtbot: QtBot, content_copy: Path) -> None:
    app = started(qtbot, content_copy, "DMBM511015")
    window = app.window
    window.current_view().open_section("DMBM511130")
    window.new_tab("DWPREC0200")
    window.set_zoom(2)
    window.tabs.setCurrentIndex(0)
    window.act_bookmark.trigger()  # bookmark DMBM511130
    assert window.act_bookmark.isChecked()
    app.shutdown()

    again = started(qtbot, content_copy)
    w2 = again.window
    views = [w2.tabs.widget(i) for i in range(w2.tabs.count())]
    assert [v.current_id for v in views if isinstance(v, SectionView)] == ["DMBM511130", "DWPREC0200"]
    assert w2.tabs.currentIndex() == 0
    assert w2.zoom == 2
    w2.act_back.trigger()
    assert w2.current_view().current_id == "DMBM511015"  # the tab's history came back too
    bookmarks = w2.bookmarks_model
    assert bookmarks.rowCount() == 1
    assert bookmarks.index(0, 0).data().startswith("DMBM511130")
    recent = [w2.recent_model.index(r, 0).data() for r in range(w2.recent_model.rowCount())]
    assert any(r.startswith("DWPREC0200") for r in recent)
    again.shutdown()


def test_bookmark_to_a_renamed_section_still_opens_through_its_alias(
    qtbot: QtBot, content_copy: Path
) -> None:
    app = started(qtbot, content_copy)
    assert app.stores is not None
    app.stores.bookmarks.add("CSDH0099", "Old ID of the feedback section")
    old = content_copy / "council-data-handling" / "CSDH0300.md"
    old.write_text(old.read_text(encoding="utf-8").replace("title:", "aliases: [CSDH0099]\ntitle:", 1),
                   encoding="utf-8")
    reload_and_wait(qtbot, app)
    app.window.bookmarks_model.refresh()
    label = app.window.bookmarks_model.index(0, 0).data()
    assert "now CSDH0300" in label
    app.window.open_bookmark("CSDH0099")
    assert app.window.current_view().current_id == "CSDH0300"
    app.shutdown()


def test_a_refresh_that_finishes_after_shutdown_is_dropped(qtbot: QtBot, content_copy: Path) -> None:
    # A content change seen just before closing: its refresh finishes after the window closed
    # and the stores are shut. Installing that library would query the closed bookmarks database.
    app = started(qtbot, content_copy)
    runs = app.index_runs
    app.reload()
    status = app.window.status_label.text()
    app.shutdown()
    for thread, _relay in app.jobs:
        assert thread.wait(60000)
    # The refresh's result, queued to the GUI thread, arrives now (a failure in it would fail the test).
    QCoreApplication.sendPostedEvents()
    QCoreApplication.processEvents()
    assert app.index_runs == runs
    assert app.window.status_label.text() == status


def test_open_from_a_second_process_reaches_the_running_window(qtbot: QtBot, running: Application) -> None:
    # A second process would call send_to_running(); it blocks, so here the same message is
    # written by hand while the event loop turns.
    socket = QLocalSocket()
    socket.connectToServer(running.server.name)
    assert socket.waitForConnected(1000)
    socket.write(b"open DMBM511340\n")
    socket.flush()
    qtbot.waitUntil(lambda: running.window.current_view().current_id == "DMBM511340")
    socket.disconnectFromServer()


def test_changed_file_on_disk_refreshes_the_open_section(qtbot: QtBot, running: Application,
                                                        content_copy: Path) -> None:
    running.window.open_section("CSDH0300")
    runs = running.index_runs
    path = content_copy / "council-data-handling" / "CSDH0300.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA freshly added sentence about feedback.\n",
                    encoding="utf-8")
    qtbot.waitUntil(
        lambda: "freshly added sentence" in running.window.current_view().browser.toPlainText(), timeout=10000
    )
    qtbot.waitUntil(lambda: running.index_runs > runs, timeout=30000)
    window = running.window
    window.focus_search()
    window.search_panel.box.setText("freshly")
    window.search_panel.run_search()
    assert [window.search_panel.model.hit(r).id for r in range(window.search_panel.model.rowCount())] == [
        "CSDH0300"
    ]


def test_reload_from_the_view_menu_loads_an_edit_the_watcher_did_not_see(qtbot: QtBot, running: Application,
                                                                         content_copy: Path) -> None:
    window = running.window
    assert window.act_reload in window.view_menu.actions()
    assert window.act_reload.shortcut().toString() == "F5"
    running.watcher.blockSignals(True)  # as in a large library, where only folders are watched
    window.open_section("CSDH0300")
    path = content_copy / "council-data-handling" / "CSDH0300.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA sentence the watcher missed.\n", encoding="utf-8")
    runs = running.index_runs
    assert "the watcher missed" not in window.current_view().browser.toPlainText()
    window.act_reload.trigger()
    qtbot.waitUntil(lambda: running.index_runs > runs, timeout=30000)
    assert "the watcher missed" in window.current_view().browser.toPlainText()


def test_a_broken_file_shows_its_problem_and_the_rest_loads(qtbot: QtBot, running: Application,
                                                           content_copy: Path) -> None:
    running.window.open_section("CSDH0400")
    path = content_copy / "council-data-handling" / "CSDH0400.md"
    path.write_text("---\nsection_id: CSDH0400\ntitle: [broken\n---\nBody\n", encoding="utf-8")
    reload_and_wait(qtbot, running)
    assert running.library.get("CSDH0300") is not None
    assert running.library.get("CSDH0400") is None
    assert "1 content problem" in running.window.status_label.text()
    shown = running.window.current_view().browser.toPlainText()
    assert "CSDH0400.md:3" in shown and "invalid YAML" in shown


def test_send_to_running_without_an_app_says_no() -> None:
    assert send_to_running("open DMBM511015", name="manualviewer-test-nobody-listens") is False


def test_a_reload_redraws_without_changing_recent(qtbot: QtBot, running: Application) -> None:
    window = running.window
    window.new_tab("CSDH0200")  # second tab
    window.tabs.setCurrentIndex(0)
    window.open_section("DMBM511015")  # opened last, in the first tab
    reload_and_wait(qtbot, running)  # redraws the first tab, then the second
    recent = [window.recent_model.index(r, 0).data() for r in range(window.recent_model.rowCount())]
    assert recent[0].startswith("DMBM511015")


def test_the_index_is_not_compared_again_when_no_file_changed(tmp_path: Path, content_copy: Path) -> None:
    from manualviewer.core.content.loader import load_library
    from manualviewer.services.search_service import SearchService

    library = load_library([content_copy], cache_file=tmp_path / "lib.pickle")
    service = SearchService(tmp_path / "index")
    assert service.ensure(library) is not None  # built
    assert service.ensure(library) is None  # same files: nothing to compare
    (content_copy / "dmbm" / "DMBM511130.md").write_text(
        (content_copy / "dmbm" / "DMBM511130.md").read_text(encoding="utf-8") + "\nNew words.\n", encoding="utf-8")
    changed = load_library([content_copy], cache_file=tmp_path / "lib.pickle")
    assert changed.fingerprint != library.fingerprint
    stats = service.ensure(changed)
    assert stats is not None and stats.updated == 1  # type: ignore[attr-defined]
    service.close()
