"""What changed, end to end: the real app reads a bundled section, the section is edited in a
copied content folder and the app reloads; then `manualviewer changes --json` and `manualviewer
diff` in real subprocesses (the same user folders) list it and show the word change against what
the officer read, and the app's What changed window opens it with its changes marked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from manualviewer.app import Application
from tests.helpers.packs import copy_library

EDITED = "DMBM511015"


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    # The child inherits this test's user folders (XDG_* set by tests/conftest.py).
    return subprocess.run([sys.executable, "-m", "manualviewer", *argv], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ), check=False)


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

        dialog = app.changes_ui.show_what_changed()
        qtbot.waitUntil(lambda: not dialog.working, timeout=30000)
        section_row = dialog.model.index(0, 0, dialog.model.index(0, 0))
        dialog.tree.setCurrentIndex(section_row)
        dialog.open_button.click()
        view = app.window.current_view()
        assert view.current_id == EDITED and view.showing_changes
        assert "[removed]unlawful[added]against the law" in view.browser.toPlainText()
    finally:
        app.shutdown()
