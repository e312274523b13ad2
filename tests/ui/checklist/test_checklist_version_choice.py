"""Resuming a checklist whose procedure changed since the run started (issue 17 point 2): the
resume bar says so, Resume asks first (carry on with the version started, or start again on the
current version), and the choice is carried out. Real content in a copy of the bundled library,
edited between two app sessions as a content update would."""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from manualviewer.storage.stores import Stores, open_stores
from tests.helpers.checklist_rig import Rig, click, close_windows, make_rig
from tests.helpers.packs import copy_library

PROCEDURE = "dmbm-customer-recording-call"
OLD_TITLE = "Is the call from the media?"
NEW_TITLE = "Is the caller from the press, TV or radio?"


def started_then_updated(qtbot: QtBot, tmp_path: Path) -> tuple[Path, str]:
    """A run two answers in, the app closed, then the checklist updated to version 2."""
    content = copy_library(tmp_path / "content")
    first_stores = open_stores(tmp_path / "user.db")
    rig = make_rig(qtbot, content, first_stores)
    rig.controller.start_procedure(PROCEDURE)
    rig.controller.answer("call-details", {"customer_reference": "AB777"})
    rig.controller.answer("media", "not-media")
    run_id = rig.controller.session.run_id
    assert run_id is not None
    rig.window.close()
    first_stores.close()
    path = content / "dmbm" / "procedures" / f"{PROCEDURE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("version: 1", "version: 2", 1)
                    .replace(OLD_TITLE, NEW_TITLE, 1), encoding="utf-8")
    return content, run_id


def reopened(qtbot: QtBot, tmp_path: Path, content: Path) -> tuple[Rig, Stores]:
    stores = open_stores(tmp_path / "user.db")
    return make_rig(qtbot, content, stores), stores


def bar_text(rig: Rig) -> str:
    return " ".join(w.text() for w in rig.panel.resume_bar.findChildren(type(rig.panel.message)))


def test_resume_asks_and_carries_on_with_the_version_started(qtbot: QtBot, tmp_path: Path) -> None:
    content, run_id = started_then_updated(qtbot, tmp_path)
    rig, stores = reopened(qtbot, tmp_path, content)
    try:
        assert "the checklist has changed since you started" in bar_text(rig)
        click(qtbot, rig.panel.resume_bar.buttons[run_id][0])
        dialog = rig.controller.version_dialog
        assert dialog is not None
        qtbot.waitUntil(dialog.isVisible)
        assert dialog.text().startswith("This checklist\u2019s guidance changed since you started it on ")
        assert "Version 1 when you started; version 2 now." in dialog.informativeText()
        assert rig.controller.run is None  # nothing happens until the officer picks
        if os.environ.get("H17C_SHOTS"):
            dialog.grab().save(str(Path(os.environ["H17C_SHOTS"]) / "h17c-version-choice.png"))
        assert dialog.continue_button is not None and dialog.defaultButton() is dialog.continue_button
        click(qtbot, dialog.continue_button)
        run = rig.controller.run
        assert run is not None and run.procedure.version == 1 and rig.controller.session.run_id == run_id
        assert run.procedure.step("media").title == OLD_TITLE  # type: ignore[union-attr]
        notice = rig.panel.version_notice
        qtbot.waitUntil(notice.isVisible)
        assert "as it was when you started on" in notice.text()
        assert "(version 1); it has changed since." in notice.text()
        assert "as it was when you started" not in " ".join(  # said once, in the frame, not twice
            w.text() for w in rig.panel.findChildren(type(notice)) if w is not notice and w.isVisible())
        step_view = rig.panel.step_view
        assert step_view is not None
        qtbot.waitUntil(step_view.isVisible)
        if os.environ.get("H17C_SHOTS"):
            rig.window.grab().save(str(Path(os.environ["H17C_SHOTS"]) / "h17c-kept-version.png"))
    finally:
        close_windows()
        stores.close()


def test_resume_can_start_again_on_the_current_version(qtbot: QtBot, tmp_path: Path) -> None:
    content, run_id = started_then_updated(qtbot, tmp_path)
    rig, stores = reopened(qtbot, tmp_path, content)
    try:
        assert rig.controller.resume(run_id) is False
        dialog = rig.controller.version_dialog
        assert dialog is not None
        qtbot.waitUntil(dialog.isVisible)
        click(qtbot, dialog.restart_button)
        run = rig.controller.run
        assert run is not None and run.procedure.version == 2 and run.current_step.id == "call-details"
        assert rig.controller.session.run_id != run_id and stores.runs.get(run_id) is None
        assert "again on the current version" in rig.window.status_label.text()
        assert not rig.panel.version_notice.isVisible()
    finally:
        close_windows()
        stores.close()


def test_cancel_leaves_the_run_saved(qtbot: QtBot, tmp_path: Path) -> None:
    content, run_id = started_then_updated(qtbot, tmp_path)
    rig, stores = reopened(qtbot, tmp_path, content)
    try:
        rig.controller.resume(run_id)
        dialog = rig.controller.version_dialog
        assert dialog is not None
        qtbot.waitUntil(dialog.isVisible)
        click(qtbot, dialog.cancel_button)
        assert rig.controller.run is None and stores.runs.get(run_id) is not None
        assert rig.panel.resume_bar.isVisible()
    finally:
        close_windows()
        stores.close()
