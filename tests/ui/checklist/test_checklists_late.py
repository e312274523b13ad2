"""A late disclosure from the Checklist panel: at the note, "Something the customer said later..."
records a new answer to an earlier step beside the original one (nothing rewound), the note says
so, the officer's own edits to the note stay, and a concern the late answer leads to is raised."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from manualviewer.storage.stores import Stores, open_stores
from manualviewer.ui.checklist.escalation_dialog import EscalationDialog
from manualviewer.ui.checklist.late_dialog import LateAnswerDialog
from manualviewer.ui.steps.choice_views import QuestionView
from tests.helpers.checklist_rig import choose, click, close_windows, confirm, fill, go_on, make_rig, step_id
from tests.helpers.shots import save_shot

PROCEDURE = "dmbm-customer-recording-call"


@pytest.fixture
def stores(qtbot: QtBot, tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "user.db")
    yield opened
    close_windows()
    opened.close()


def late_dialog(qtbot: QtBot, panel: object) -> LateAnswerDialog:
    click(qtbot, panel.late_button)  # type: ignore[attr-defined]
    dialog = panel.controller.late_dialog  # type: ignore[attr-defined]
    assert isinstance(dialog, LateAnswerDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_something_said_later_is_recorded_beside_the_earlier_answer(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    panel = rig.panel
    rig.controller.start_procedure(PROCEDURE)
    fill(qtbot, panel, customer_reference="AB123456C")
    go_on(qtbot, panel)
    choose(qtbot, panel, "not-media")
    go_on(qtbot, panel)
    go_on(qtbot, panel)
    for _ in range(3):
        confirm(qtbot, panel)
    go_on(qtbot, panel)
    choose(qtbot, panel, "no-concerns")
    go_on(qtbot, panel)
    assert panel.note_editor is not None and step_id(panel) == "end"
    visits = rig.controller.run.visits  # type: ignore[union-attr]

    dialog = late_dialog(qtbot, panel)
    assert [dialog.step_box.itemData(i) for i in range(dialog.step_box.count())] == [
        "call-details", "media", "own-purposes", "business-related", "privacy", "concerns"]
    dialog.step_box.setCurrentIndex(dialog.step_box.findData("media"))
    assert "No, the call is not from the media" in dialog.earlier.text()
    assert isinstance(dialog.answer_view, QuestionView)
    click(qtbot, dialog.record_button)
    assert dialog.isVisible() and "Choose the answer" in dialog.error_label.text()  # nothing chosen yet
    dialog.answer_view.choose("own-business-affairs")
    assert dialog.error_label.isHidden()  # chosen now: the reminder goes
    qtbot.keyClicks(dialog.said, "they are a journalist")
    QApplication.processEvents()
    save_shot(dialog, "h14c-late-dialog")
    click(qtbot, dialog.record_button)
    assert not dialog.isVisible()

    run = rig.controller.run
    assert run is not None and run.visits == visits and run.answer_of("media") == "not-media"  # nothing rewound
    assert step_id(panel) == "end" and panel.note_editor is not None
    text = panel.note_editor.text()
    assert "- At the end of the call (" in text and "the customer said they are a journalist. So: Is the call " \
        "from the media? The customer (for example a journalist)" in text
    assert "The earlier answer stays on record: No, the call is not from the media (" in text
    assert "the earlier answer stays in the record" in rig.window.status_label.text()

    # The officer's own edits stay when something else is said later; its line is added.
    panel.note_editor.editor.appendPlainText("Customer was calm throughout.")
    dialog = late_dialog(qtbot, panel)
    dialog.step_box.setCurrentIndex(dialog.step_box.findData("concerns"))
    assert isinstance(dialog.answer_view, QuestionView)
    dialog.answer_view.choose("concerns")
    click(qtbot, dialog.record_button)
    text = panel.note_editor.text()
    assert "Customer was calm throughout." in text and "they are a journalist" in text
    assert text.rstrip().endswith("Yes, I still have concerns. The earlier answer stays on record: No, I have no "
                                  f"remaining concerns ({text.rsplit('remaining concerns (', 1)[1]}")
    assert "It raises a concern" in rig.window.status_label.text()
    qtbot.waitUntil(panel.note_editor.isVisible)
    save_shot(rig.window, "h14c-late-note")

    # The concern the late answer leads to is raised when the note is saved.
    click(qtbot, panel.note_editor.save_button)
    form = rig.controller.forms.dialog
    assert isinstance(form, EscalationDialog)
    qtbot.waitUntil(form.isVisible)
    body = form.body_edit.toPlainText()
    assert "I still have concerns about customer AB123456C" in body
    assert "Raised by what was said later in the call: Yes, I still have concerns" in body
    (note,) = stores.notes.list()
    assert "they are a journalist" in note.text and "Customer was calm throughout." in note.text
    assert '"late_answers"' in note.record_json


def test_during_the_call_each_answered_step_offers_it_in_the_steps_list(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    from PySide6.QtWidgets import QMenu

    from manualviewer.ui.steps.models import STEP_ID_ROLE

    rig = make_rig(qtbot, bundled_content, stores)
    panel = rig.panel
    rig.controller.start_procedure(PROCEDURE)
    fill(qtbot, panel, customer_reference="AB123456C")
    go_on(qtbot, panel)
    choose(qtbot, panel, "not-media")
    go_on(qtbot, panel)
    assert step_id(panel) == "three-points"

    model, view = panel.path_model, panel.path_view
    [row] = [r for r in range(model.rowCount()) if model.index(r, 0).data(STEP_ID_ROLE) == "media"]
    view.customContextMenuRequested.emit(view.visualRect(model.index(row, 0)).center())
    menu = next(m for m in view.findChildren(QMenu) if m.isVisible())
    [action] = menu.actions()
    assert action.text().replace("&", "") == "Something the customer said later about this..."
    save_shot(menu, "h14c-late-menu")
    action.trigger()
    menu.close()
    dialog = rig.controller.late_dialog
    assert isinstance(dialog, LateAnswerDialog) and dialog.step_box.currentData() == "media"
    assert isinstance(dialog.answer_view, QuestionView)
    dialog.answer_view.choose("own-business-affairs")
    click(qtbot, dialog.record_button)
    assert step_id(panel) == "three-points"  # the officer keeps their place

    go_on(qtbot, panel)
    for _ in range(3):
        confirm(qtbot, panel)
    go_on(qtbot, panel)
    choose(qtbot, panel, "no-concerns")
    go_on(qtbot, panel)
    assert panel.note_editor is not None
    assert "- Later in the call (" in panel.note_editor.text()  # said before the checklist reached its note

    # Not offered for a step that only asks to be read.
    [read] = [r for r in range(model.rowCount()) if model.index(r, 0).data(STEP_ID_ROLE) == "three-points"]
    view.customContextMenuRequested.emit(view.visualRect(model.index(read, 0)).center())
    assert not [m for m in view.findChildren(QMenu) if m.isVisible()]
