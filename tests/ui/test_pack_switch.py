"""The app syncs its content packs in the background and switches the open window to a new
version live (issue 16, point 4), against a real HTTP server process on loopback
(tests/helpers/pack_server.py) serving packs built from a copy of the bundled library."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from manualviewer.app import Application
from manualviewer.services.pack_sync import rollback, sync_configured
from tests.helpers.pack_server import PackServer, serve
from tests.helpers.packs import build, copy_library, keys

PROCEDURE = "csdh-no-feedback-contact"
CHANGED = Path("dmbm") / "DMBM511015.md"
NEW_WORD = "quokkaledger"


@dataclass
class Rig:
    app: Application
    server: PackServer
    content: Path
    pem: bytes | None


def _publish(rig_server: PackServer, content: Path, version: str, pem: bytes | None) -> None:
    build(content, rig_server.root / "org", version, pem)


def _write_version_2(content: Path) -> None:
    """One section changed, one renamed with an alias, one removed, and the checklist revised."""
    with (content / CHANGED).open("a", encoding="utf-8") as handle:
        handle.write(f"\nRecordings are now listed in the {NEW_WORD} for audit.\n")
    old = content / "council-data-handling" / "CSDH0400.md"
    text = old.read_text(encoding="utf-8").replace("section_id: CSDH0400", "section_id: CSDH0410\naliases: [CSDH0400]")
    (content / "council-data-handling" / "CSDH0410.md").write_text(text, encoding="utf-8")
    old.unlink()
    (content / "council-data-handling" / "CSDH0500.md").unlink()
    procedure = content / "council-data-handling" / "procedures" / f"{PROCEDURE}.yaml"
    procedure.write_text(procedure.read_text(encoding="utf-8").replace("version: 1", "version: 2", 1),
                         encoding="utf-8")


def _settings(user_dirs: Path, url: str, public: str) -> None:
    site = user_dirs / "site" / "settings.toml"
    site.parent.mkdir(parents=True, exist_ok=True)
    site.write_text(f'content_sources = ["{url}"]\npack_public_key = "{public}"\npack_sync_minutes = 30\n',
                    encoding="utf-8")


def _synced(qtbot: QtBot, app: Application) -> None:
    """Trigger the sync the timer runs, and wait for it (and any switch and index update) to end."""
    before = app.packs.syncs
    assert app.packs.sync_now()
    qtbot.waitUntil(lambda: app.packs.syncs > before and not app.refreshing and not app.switch_pending,
                    timeout=60000)


@pytest.fixture
def rig(request: pytest.FixtureRequest, qtbot: QtBot, tmp_path: Path, user_dirs: Path) -> Iterator[Rig]:
    """The desktop on version 1.0 of a pack, signed unless a test parametrizes it with False."""
    signed = getattr(request, "param", True)
    pem, public = keys() if signed else (None, "")
    content = copy_library(tmp_path / "content")
    root = tmp_path / "www"
    root.mkdir()
    with serve(root, tmp_path / "requests.log") as server:
        _publish(server, content, "1.0", pem)
        _settings(user_dirs, server.url + "org/", public)
        assert [r.status for r in sync_configured()] == ["updated"]  # the desktop has version 1.0
        app = Application()
        qtbot.addWidget(app.window)
        app.start()
        # The first refresh, then the first background sync (nothing new) once the window is up.
        qtbot.waitUntil(lambda: app.index_runs >= 1 and app.packs.syncs >= 1 and not app.refreshing,
                        timeout=60000)
        yield Rig(app, server, content, pem)
        app.shutdown()


def _tab_ids(app: Application) -> list[str]:
    return [v.current_id for v in app.window.views()]


def test_a_new_version_replaces_the_open_one_live(qtbot: QtBot, rig: Rig) -> None:
    app, window = rig.app, rig.app.window
    assert app.packs.timer.isActive() and app.packs.timer.interval() == 30 * 60_000
    assert window.library.get("CSDH0400") is not None
    assert app.pack_label.text() == "Guidance: org-guidance 1.0"
    window.current_view().open_section("CSDH0400")
    window.act_bookmark.trigger()  # bookmark CSDH0400, to be renamed
    window.new_tab("DMBM511015")
    window.new_tab("CSDH0500")  # to be removed
    assert app.checklists is not None and app.checklists.start_procedure(PROCEDURE)
    started_with = app.checklists.session.run.procedure
    assert started_with is not None and started_with.version == 1
    panel = app.checklists.installed.panel
    assert panel.version_notice.isHidden()

    _write_version_2(rig.content)
    _publish(rig.server, rig.content, "2.0", rig.pem)
    runs = app.index_runs
    _synced(qtbot, app)

    assert app.pack_switches == 1
    assert app.index_runs == runs + 1  # one check of the new version; the old one is not reloaded
    # Tabs survive: the renamed section follows its alias; the removed one says so in its tab.
    assert _tab_ids(app) == ["CSDH0410", "DMBM511015", "CSDH0500"]
    views = window.views()
    assert "This section is no longer in the library" in views[2].browser.toPlainText()
    assert NEW_WORD in views[1].browser.toPlainText()
    window.tabs.setCurrentIndex(0)
    window.act_back.trigger()  # the tab's history came along
    assert window.current_view().current_id == ""
    # Bookmarks: still there, showing where the renamed section went, and it opens.
    assert "now CSDH0410" in window.bookmarks_model.index(0, 0).data()
    window.open_bookmark("CSDH0400")
    assert window.current_view().current_id == "CSDH0410"
    # The status bar and Help > About name the version in use.
    assert app.pack_label.text() == "Guidance: org-guidance 2.0"
    assert "org-guidance 2.0 (signature verified)" in window.about_text()
    # The unfinished checklist keeps the procedure it started with, and says so.
    assert app.checklists.session.run.procedure is started_with
    assert app.checklists.session.procedures[PROCEDURE].version == 2  # a checklist started now is the new one
    assert panel.version_notice.isVisibleTo(panel)
    assert panel.version_notice.text() == ("This checklist started on guidance version 1.0; "
                                           "the guidance has since been updated.")
    # The search index is the pack's verified prebuilt one: nothing was indexed here.
    assert app.last_refresh is not None and app.last_refresh.index is None
    result = app.search.search(NEW_WORD, None)
    assert result is not None and [hit.id for hit in result.hits][:1] == ["DMBM511015"]

    # A rollback (`manualviewer pack rollback`) is picked up by the next sync the same way.
    assert rollback("org-guidance") is not None
    _synced(qtbot, app)
    assert app.pack_switches == 2 and app.pack_label.text() == "Guidance: org-guidance 1.0"
    assert "org-guidance 1.0 (signature verified)" in window.about_text()
    assert window.library.get("CSDH0500") is not None and "no longer" not in views[2].browser.toPlainText()


def test_a_failed_sync_keeps_the_version_in_use_and_says_why(qtbot: QtBot, rig: Rig) -> None:
    app, window = rig.app, rig.app.window
    window.current_view().open_section("DMBM511015")
    rig.server.stop()
    _synced(qtbot, app)
    assert app.pack_switches == 0
    sentence = window.status_label.text()
    assert sentence.startswith("Guidance not updated (org-guidance 1.0 stays in use): could not reach "
                               f"{rig.server.url}org/")
    assert sentence.endswith(").") and ". " not in sentence  # one sentence
    assert app.pack_label.text() == "Guidance: org-guidance 1.0"
    assert sentence in app.pack_label.toolTip()
    assert _tab_ids(app) == ["DMBM511015"] and window.library.get("CSDH0400") is not None


@pytest.mark.parametrize("rig", [False], indirect=True, ids=["unsigned"])
def test_an_unsigned_pack_is_indexed_here_in_the_background(qtbot: QtBot, rig: Rig) -> None:
    app = rig.app
    _write_version_2(rig.content)
    _publish(rig.server, rig.content, "2.0", None)
    _synced(qtbot, app)
    assert app.pack_switches == 1 and app.pack_label.text() == "Guidance: org-guidance 2.0"
    assert "org-guidance 2.0 (not signed)" in app.window.about_text()
    # Its prebuilt index was never opened: this desktop built its own, on the worker thread.
    assert app.last_refresh is not None and app.last_refresh.index is not None
    result = app.search.search(NEW_WORD, None)
    assert result is not None and [hit.id for hit in result.hits][:1] == ["DMBM511015"]
