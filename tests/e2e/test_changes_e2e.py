"""What changed, end to end: the real app reads a bundled section, the section is edited in a
copied content folder and the app reloads; then `manualviewer changes --json` and `manualviewer
diff` in real subprocesses (the same user folders) list it and show the word change against what
the officer read, and the app's What changed window opens it with its changes marked. A second
walk marks the section must-read in the copy: confirmed before the edit, outstanding again after
it, opened from What changed and confirmed again; `manualviewer attestations list --json` has both
confirmations with the two versions' content hashes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from manualviewer.app import Application
from manualviewer.core.settings import Settings
from manualviewer.storage.settings_file import save_user_settings
from manualviewer.ui.reading.contents_model import SECTION_ID_ROLE
from manualviewer.ui.reading.section_view import SectionView
from tests.helpers.packs import copy_library, copy_library_with_must_read

EDITED = "DMBM511015"


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    # The child inherits this test's user folders (XDG_* set by tests/conftest.py).
    return subprocess.run([sys.executable, "-m", "manualviewer", *argv], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ), check=False)


def open_first_from_what_changed(qtbot: QtBot, app: Application) -> SectionView:
    """View > What changed, the first section of the first manual, Open: the view it opened."""
    dialog = app.changes_ui.show_what_changed()
    qtbot.waitUntil(lambda: not dialog.working, timeout=30000)
    dialog.tree.setCurrentIndex(dialog.model.index(0, 0, dialog.model.index(0, 0)))
    dialog.open_button.click()
    return app.window.current_view()


def test_an_edited_section_is_listed_diffed_and_opened_with_its_changes(qtbot: QtBot, tmp_path: Path) -> None:
    content = copy_library(tmp_path / "content")
    app = Application([content])
    qtbot.addWidget(app.window)
    app.start(EDITED)  # the officer reads the section as it is now
    try:
        qtbot.waitUntil(lambda: app.index_runs >= 1, timeout=60000)
        assert app.changes is not None and len(app.changes.versions()) == 1
        read = app.changes.last_read(EDITED)
        assert read is not None and read.content_hash == app.library.sections[EDITED].content_hash

        path = content / "dmbm" / "DMBM511015.md"
        path.write_text(path.read_text(encoding="utf-8").replace("It is not unlawful", "It is not against the law"),
                        encoding="utf-8")
        # The watcher sees the edit and the app reloads (one refresh at a time): wait until it is done.
        changes = app.changes
        qtbot.waitUntil(lambda: len(changes.versions()) == 2 and not app.refreshing and not app.refresh_pending,
                        timeout=60000)

        listed = cli("changes", "--content", str(content), "--json")
        assert listed.returncode == 0, listed.stderr
        report = json.loads(listed.stdout)
        assert report["since"] == changes.versions()[1].version_id
        assert [(s["id"], s["change"]) for s in report["sections"]] == [(EDITED, "changed")]

        diffed = cli("diff", EDITED, "--content", str(content))
        assert diffed.returncode == 0, diffed.stderr
        assert "Changes from the version you read on " in diffed.stdout
        assert "It is not [-unlawful-]{+against the law+} for an individual" in diffed.stdout

        view = open_first_from_what_changed(qtbot, app)
        assert view.current_id == EDITED and view.showing_changes
        assert "[removed]unlawful[added]against the law" in view.browser.toPlainText()
    finally:
        app.shutdown()


def test_a_confirmed_must_read_section_edited_is_walked_from_what_changed_to_a_new_confirmation(
        qtbot: QtBot, tmp_path: Path) -> None:
    content = tmp_path / "content"
    path = copy_library_with_must_read(content, EDITED)
    save_user_settings(Settings(officer_name="Sam Officer"))
    app = Application([content])
    qtbot.addWidget(app.window)
    app.start(EDITED)
    try:
        qtbot.waitUntil(lambda: app.index_runs >= 1, timeout=60000)
        ui, first_hash = app.must_read, app.library.sections[EDITED].content_hash
        assert ui is not None and ui.count_button.text() == "1 to read"
        bar = ui.bar_of(app.window.current_view())
        assert bar is not None and bar.isVisible() and "31 Dec 2099" in bar.label.text()
        qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)  # confirmed before the edit
        assert bar.label.text().startswith("You confirmed this on ") and not ui.count_button.isVisible()

        path.write_text(path.read_text(encoding="utf-8").replace("It is not unlawful", "It is not against the law"),
                        encoding="utf-8")
        changes = app.changes
        assert changes is not None
        qtbot.waitUntil(lambda: len(changes.versions()) == 2 and not app.refreshing and not app.refresh_pending,
                        timeout=60000)
        second_hash = app.library.sections[EDITED].content_hash
        assert second_hash != first_hash
        # Outstanding again: the count in the status bar and the Must read list say so.
        assert ui.count_button.isVisible() and ui.count_button.text() == "1 to read"
        listed = {ui.model.index(r, 0).data(SECTION_ID_ROLE): ui.model.index(r, 2).data()
                  for r in range(ui.model.rowCount())}
        assert listed == {EDITED: "Changed"}

        view = open_first_from_what_changed(qtbot, app)
        assert view.current_id == EDITED and view.showing_changes
        assert "[removed]unlawful[added]against the law" in view.browser.toPlainText()
        bar = ui.bar_of(view)
        assert bar is not None and bar.isVisible() and bar.button.isVisible()
        assert "This section changed since you confirmed it" in bar.label.text()
        qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
        assert bar.label.text().startswith("You confirmed this on ") and not bar.button.isVisible()
        assert not ui.count_button.isVisible()
    finally:
        app.shutdown()

    listing = cli("attestations", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    records = json.loads(listing.stdout)
    assert [(r["section_id"], r["officer"], r["content_hash"]) for r in records] == [
        (EDITED, "Sam Officer", first_hash), (EDITED, "Sam Officer", second_hash)]
