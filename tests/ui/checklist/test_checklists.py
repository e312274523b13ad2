"""The Checklist panel driven through its widgets: a whole bundled procedure to a saved note,
back and changing an earlier answer, out-of-order steps, validation, the note check, the
letter of a document step, and resuming an unfinished run in a new window."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from manualviewer.core.settings import Settings
from manualviewer.storage.stores import Stores, open_stores
from manualviewer.ui.steps.document_view import DocumentView
from manualviewer.ui.steps.input_view import InputView
from manualviewer.ui.steps.note_editor import NoteEditor
from tests.helpers.checklist_rig import (
    Rig,
    choose,
    click,
    close_windows,
    confirm,
    fill,
    go_on,
    make_rig,
    step_id,
    type_text,
    walk,
)
from tests.ui.helpers import wheel

PROCEDURE = "dmbm-customer-recording-call"


def to_three_points(qtbot: QtBot, panel: object, reference: str = "AB123456C") -> None:
    walk(qtbot, panel, [  # type: ignore[arg-type]
        ("call-details", lambda: (fill(qtbot, panel, customer_reference=reference), go_on(qtbot, panel))),  # type: ignore[arg-type]
        ("media", lambda: (choose(qtbot, panel, "not-media"), go_on(qtbot, panel))),  # type: ignore[arg-type]
    ])


def to_note_after_a_late_disclosure(qtbot: QtBot, rig: Rig) -> NoteEditor:
    """Start the checklist, cover the three points, report a late disclosure with no concerns:
    the note card's editor."""
    panel = rig.panel
    rig.controller.start_procedure(PROCEDURE)
    to_three_points(qtbot, panel)
    click(qtbot, panel.jump_button)
    panel.jump_menu.actions()[1].trigger()
    go_on(qtbot, panel)
    choose(qtbot, panel, "no-concerns")
    go_on(qtbot, panel)
    editor = panel.note_editor
    assert editor is not None
    return editor


def test_whole_procedure_from_the_section_link_to_a_saved_note(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    panel = rig.panel
    rig.window.open_section("DMBM511015")
    # The officer clicks "Start checklist" in the section's text.
    rig.window.current_view().on_link(QUrl(f"procedure:{PROCEDURE}"), False)
    assert rig.controller.installed.docks["checklist"].isVisible()  # type: ignore[attr-defined]
    assert panel.procedure_title.text() == "Customer wants to record the phone call"
    assert "DMBM511015" in panel.guidance_label.text()

    to_three_points(qtbot, panel)
    walk(qtbot, panel, [
        ("three-points", lambda: go_on(qtbot, panel)),
        ("own-purposes", lambda: confirm(qtbot, panel)),
        ("business-related", lambda: confirm(qtbot, panel, confirmed=False)),
        ("privacy", lambda: confirm(qtbot, panel)),
        ("own-note", lambda: go_on(qtbot, panel)),
        ("concerns", lambda: (choose(qtbot, panel, "no-concerns"), go_on(qtbot, panel))),
    ])
    assert step_id(panel) == "end"
    editor = panel.note_editor
    assert editor is not None
    draft = editor.text()
    assert "Customer reference: AB123456C" in draft
    assert "- The conversation was not confirmed as business-related." in draft
    # The note is editable before it is saved.
    editor.editor.moveCursor(editor.editor.textCursor().MoveOperation.End)
    type_text(qtbot, editor.editor, "\nCustomer was calm and polite.")
    click(qtbot, editor.save_button)

    notes = stores.notes.list()
    assert len(notes) == 1
    note = notes[0]
    assert note.text.endswith("Customer was calm and polite.")
    assert note.officer == "Sam Patel"
    assert note.customer_reference == "AB123456C"
    assert (note.procedure_id, note.procedure_version) == (PROCEDURE, "1")
    record = note.record
    assert record["procedure"] == {"id": PROCEDURE, "version": 1, "title": "Customer wants to record the phone call"}
    assert record["content_version"] == note.content_version and len(note.content_version) == 12
    assert record["sections"] == ["DMBM511015"]
    assert record["officer"] == "Sam Patel"
    assert record["note_edited"] is True
    answers = {s["step"]: (s["answer"], s["at"]) for s in record["steps"]}
    assert answers["call-details"][0] == {"customer_reference": "AB123456C"}
    assert answers["media"][0] == "not-media"
    assert answers["business-related"][0] is False
    assert answers["own-purposes"][1] == "2024-05-01T09:05:00Z"  # each answer with its own time
    assert [s["step"] for s in record["steps"]][-1] == "concerns"
    assert record["outcome"] == {"step": "end", "title": "Note of the call"}
    # The run is finished: nothing left to resume; the panel says the note is saved.
    assert stores.runs.load_unfinished() == []
    assert any(label.text() == "Note 1 is saved" for label in panel.card.findChildren(type(panel.message)))
    click(qtbot, panel.finish_button)
    assert panel.pages.currentIndex() == 0


def test_back_and_changing_an_earlier_answer_drops_what_no_longer_applies(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    panel = rig.panel
    rig.controller.start_procedure(PROCEDURE)
    to_three_points(qtbot, panel)
    walk(qtbot, panel, [("three-points", lambda: go_on(qtbot, panel)), ("own-purposes", lambda: confirm(qtbot, panel))])
    assert step_id(panel) == "business-related"

    # Back: the previous step again, its answer cleared.
    click(qtbot, panel.back_button)
    assert step_id(panel) == "own-purposes"
    assert rig.controller.run is not None and rig.controller.run.answer_of("own-purposes") is None
    confirm(qtbot, panel)
    assert step_id(panel) == "business-related"

    # Change an earlier answer by choosing it in the steps so far.
    media_row = panel.path_model.index(1, 0)
    assert "Is the call from the media?" in media_row.data()
    assert "No, the call is not from the media" in media_row.data()
    panel.path_view.clicked.emit(media_row)
    assert panel.editing == "media" and step_id(panel) == "media"
    assert panel.step_view.buttons["not-media"].isChecked()  # type: ignore[union-attr]
    choose(qtbot, panel, "media")
    go_on(qtbot, panel)
    assert panel.editing is None
    assert step_id(panel) == "refer-to-press-office"
    assert "no longer applied" in panel.message.text()
    assert "Cover the three points" in panel.message.text()
    run = rig.controller.run
    assert run is not None and run.path == ("call-details", "media")
    assert panel.path_model.rowCount() == 3

    # Changing an answer so the later ones still apply keeps them.
    panel.path_view.clicked.emit(panel.path_model.index(0, 0))
    view = panel.step_view
    assert isinstance(view, InputView) and view.editors["customer_reference"].text() == "AB123456C"  # type: ignore[attr-defined]
    view.set_field("customer_reference", "ZZ999")
    go_on(qtbot, panel)
    run = rig.controller.run
    assert run is not None and run.path == ("call-details", "media") and run.values["customer_reference"] == "ZZ999"
    # Every change was saved.
    saved = stores.runs.get(rig.controller.session.run_id or "")
    assert saved is not None and json.loads(saved.state_json)["visits"][0]["value"] == {"customer_reference": "ZZ999"}


def test_late_disclosure_out_of_order_goes_into_the_note(qtbot: QtBot, bundled_content: Path, stores: Stores) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    panel = rig.panel
    rig.controller.start_procedure(PROCEDURE)
    to_three_points(qtbot, panel)
    assert step_id(panel) == "three-points"
    assert panel.jump_button.isVisible() and panel.jump_button.isEnabled()
    click(qtbot, panel.jump_button)
    menu = panel.jump_menu
    assert menu is not None
    late = [a for a in menu.actions() if a.text().startswith("The customer says at the end of the call")]
    assert len(late) == 1
    late[0].trigger()
    assert step_id(panel) == "late-disclosure"
    rows = [panel.path_model.index(r, 0).data() for r in range(panel.path_model.rowCount())]
    assert "Left unanswered when something happened out of order" in rows[2]
    assert "(out of order)" in rows[3]
    assert not panel.jump_button.isEnabled()  # already on the path
    go_on(qtbot, panel)
    walk(qtbot, panel, [("concerns", lambda: (choose(qtbot, panel, "no-concerns"), go_on(qtbot, panel)))])
    assert panel.note_editor is not None
    assert "impossible to cover the three points" in panel.note_editor.text()
    click(qtbot, panel.note_editor.save_button)
    steps = stores.notes.list()[0].record["steps"]
    assert [(s["step"], s["out_of_order"]) for s in steps if s["step"] == "late-disclosure"] == [
        ("late-disclosure", True)]


def test_late_disclosure_is_still_possible_at_the_note(qtbot: QtBot, bundled_content: Path, stores: Stores) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    panel = rig.panel
    rig.controller.start_procedure(PROCEDURE)
    to_three_points(qtbot, panel)
    go_on(qtbot, panel)
    for _ in range(3):
        confirm(qtbot, panel)
    go_on(qtbot, panel)
    choose(qtbot, panel, "no-concerns")
    go_on(qtbot, panel)
    assert step_id(panel) == "end" and panel.jump_button.isEnabled()
    click(qtbot, panel.jump_button)
    panel.jump_menu.actions()[1].trigger()  # type: ignore[union-attr]
    assert step_id(panel) == "late-disclosure"
    go_on(qtbot, panel)
    choose(qtbot, panel, "no-concerns")
    go_on(qtbot, panel)
    assert panel.note_editor is not None and "impossible to cover the three points" in panel.note_editor.text()
    click(qtbot, panel.note_editor.save_button)
    assert stores.notes.list()[0].record["steps"][-2]["step"] == "late-disclosure"
    click(qtbot, panel.finish_button)
    assert "Note 1 is in the Notes panel" in rig.window.status_label.text()


def test_input_validation_messages_name_the_field(qtbot: QtBot, bundled_content: Path, stores: Stores) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    panel = rig.panel
    rig.controller.start_procedure(PROCEDURE)
    view = panel.step_view
    assert isinstance(view, InputView)
    go_on(qtbot, panel)  # nothing typed
    assert step_id(panel) == "call-details"
    assert view.errors["customer_reference"].isVisible()
    assert view.errors["customer_reference"].text() == "Customer reference is required"
    assert panel.error_label.isVisible() and "Customer reference is required" in panel.error_label.text()
    fill(qtbot, panel, customer_reference="<script>")
    go_on(qtbot, panel)
    assert step_id(panel) == "call-details"
    assert "is not a reference (letters, digits, spaces, / . -)" in view.errors["customer_reference"].text()
    view.set_field("customer_reference", "AB 123")
    go_on(qtbot, panel)
    assert step_id(panel) == "media"


def test_date_and_choice_fields_are_checked_and_stored_in_their_own_form(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    panel = rig.panel
    rig.controller.start_procedure("dmbm-customer-sends-recording")
    view = panel.step_view
    assert isinstance(view, InputView)
    fill(qtbot, panel, customer_reference="AB1", call_date="31/02/2024")
    go_on(qtbot, panel)
    assert view.errors["call_date"].text() == (
        "Date of the recorded call: '31/02/2024' is not a date (use DD/MM/YYYY or YYYY-MM-DD)")
    assert not view.errors["customer_reference"].isVisible()
    view.set_field("call_date", "29/02/2024")
    go_on(qtbot, panel)
    assert step_id(panel) == "recorded-by-hmrc"
    run = rig.controller.run
    assert run is not None and run.values["call_date"] == "2024-02-29"
    panel.path_view.clicked.emit(panel.path_model.index(0, 0))
    editing = panel.step_view
    assert isinstance(editing, InputView)
    assert editing.editors["call_date"].text() == "29/02/2024"  # type: ignore[attr-defined]

    rig.controller.start_procedure("csdh-no-feedback-contact")
    while not isinstance(panel.step_view, InputView):
        go_on(qtbot, panel)
    fill(qtbot, panel, customer_reference="C9")
    go_on(qtbot, panel)
    view = panel.step_view
    assert isinstance(view, InputView)
    assert view.errors["told_us_by"].text() == "The customer told us by is required"
    view.set_field("told_us_by", "email")
    go_on(qtbot, panel)
    assert panel.note_editor is not None and "They told us by email." in panel.note_editor.text()


def test_question_needs_a_choice(qtbot: QtBot, bundled_content: Path, stores: Stores) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    panel = rig.panel
    rig.controller.start_procedure(PROCEDURE)
    fill(qtbot, panel, customer_reference="AB1")
    go_on(qtbot, panel)
    go_on(qtbot, panel)
    assert step_id(panel) == "media"
    assert panel.error_label.text() == "Choose one of the answers first."


def test_note_check_warnings_are_shown_and_saving_is_still_allowed(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    editor = to_note_after_a_late_disclosure(qtbot, rig)
    assert "no words to avoid" in editor.warning_label.text()
    editor.editor.moveCursor(editor.editor.textCursor().MoveOperation.End)
    type_text(qtbot, editor.editor, "\nThe customer was rude. They will contact their ISP.")
    text = editor.warning_label.text()
    assert "2 things to look at" in text
    assert "&#x27;rude&#x27; is on the list of words to avoid" in text or "'rude' is on the list" in text
    assert "ISP is not explained" in text
    assert "You can still save" in text
    assert len(editor.editor.extraSelections()) == 2  # the words are marked in the text too
    assert editor.save_button.isEnabled()
    click(qtbot, editor.save_button)
    note = stores.notes.list()[0]
    assert "rude" in note.text
    assert [w["kind"] for w in note.record["note_check"]] == ["listed-word", "abbreviation"]


def test_a_note_needs_the_officer_name_and_says_where_to_set_it(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    rig = make_rig(qtbot, bundled_content, stores, settings=Settings())
    panel = rig.panel
    rig.controller.start_procedure(PROCEDURE)
    fill(qtbot, panel, customer_reference="AB1")
    go_on(qtbot, panel)
    choose(qtbot, panel, "media")
    go_on(qtbot, panel)
    go_on(qtbot, panel)
    assert step_id(panel) == "end-press-office"
    assert panel.officer_notice.isVisible()
    editor = panel.note_editor
    assert editor is not None
    click(qtbot, editor.save_button)
    assert stores.notes.list() == []
    assert editor.error_label.isVisible() and "set it in Settings" in editor.error_label.text()
    # The link opens Settings at the officer's name; saving there lets the note be saved.
    editor.error_label.linkActivated.emit("settings:officer_name")
    dialog = rig.controller.settings_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.tabs.currentIndex() == 0
    dialog.officer_name.setText("Sam Patel")
    click(qtbot, dialog.save_button)
    assert rig.saved_settings[-1].officer_name == "Sam Patel"
    assert not panel.officer_notice.isVisible()
    click(qtbot, editor.save_button)
    assert [n.officer for n in stores.notes.list()] == ["Sam Patel"]


def test_document_step_produces_the_letter(qtbot: QtBot, bundled_content: Path, stores: Stores,
                                           tmp_path: Path) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    panel = rig.panel
    rig.controller.start_procedure("dwp-claimant-published-recording")
    fill(qtbot, panel, customer_reference="CL42")
    go_on(qtbot, panel)
    go_on(qtbot, panel)  # write-to-claimant
    view = panel.step_view
    assert isinstance(view, DocumentView)
    # The letter so far, the choices still to make in brackets (issue 14, point 4).
    draft = view.preview.toPlainText()
    assert draft.startswith("[intend to publish / have published] It is your right to do so.")
    assert "[Paragraph: please confirm you have understood this letter: Include / Delete]" in draft
    assert "Still to choose" in view.status.text() and not view.copy_button.isEnabled()
    view.choose("senior_manager_paragraph", "include")
    assert "experienced from [Jobcentre Plus / PDCS] then" in view.preview.toPlainText()
    # The wheel does not change a choice the user scrolls past; once focused, it does.
    combo = view.combos["opening"]
    wheel(combo)
    assert combo.currentData() is None
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    wheel(combo)
    assert combo.currentData() is not None
    view.choose("opening", "have-published")
    view.choose("confirm_paragraph", "include")
    assert view.combos["further_use"].isEnabled()
    view.choose("further_use", "no-further-use")
    view.choose("senior_manager_paragraph", "delete")
    assert not view.combos["service"].isEnabled()  # inside a deleted paragraph: no choice needed
    assert "not used with the choices above" in view.labels["service"].text()
    letter = view.preview.toPlainText()
    assert letter.startswith("It has come to the attention of the Department that you have published on the "
                             "internet recordings of your business with DWP. It is your right to do so.")
    assert "that no further use of the material" in letter
    assert "senior manager" not in letter
    assert "\n\n\n" not in letter
    click(qtbot, view.copy_button)
    assert QGuiApplication.clipboard().text() == letter
    text_path = view.save_text(str(tmp_path / "letter.txt"))
    assert text_path is not None and Path(text_path).read_text(encoding="utf-8") == letter + "\n"
    pdf_path = view.save_pdf(str(tmp_path / "letter.pdf"))
    assert pdf_path is not None and Path(pdf_path).read_bytes().startswith(b"%PDF")
    go_on(qtbot, panel)
    choose(qtbot, panel, "not-proportionate")
    go_on(qtbot, panel)
    choose(qtbot, panel, "no-concerns")
    go_on(qtbot, panel)
    assert panel.note_editor is not None and letter in panel.note_editor.text()
    click(qtbot, panel.note_editor.save_button)
    assert stores.notes.list()[0].record["documents"] == {"letter": letter}


def test_unfinished_run_is_offered_again_in_a_new_window(
    qtbot: QtBot, bundled_content: Path, tmp_path: Path
) -> None:
    first_stores = open_stores(tmp_path / "user.db")
    rig = make_rig(qtbot, bundled_content, first_stores)
    assert not rig.panel.resume_bar.isVisible()
    rig.controller.start_procedure(PROCEDURE)
    to_three_points(qtbot, rig.panel, "AB777")
    rig.window.close()
    first_stores.close()

    stores = open_stores(tmp_path / "user.db")
    try:
        again = make_rig(qtbot, bundled_content, stores)
        bar = again.panel.resume_bar
        assert again.controller.installed.docks["checklist"].isVisible()  # type: ignore[attr-defined]
        assert bar.isVisible() and again.window.isEnabled()  # a bar, not a modal
        assert again.controller.run is None
        (run_id,) = bar.buttons
        label_text = " ".join(w.text() for w in bar.findChildren(type(again.panel.message)))
        assert "Customer wants to record the phone call" in label_text and "AB777" in label_text
        assert "Cover the three points" in label_text
        resume, _discard = bar.buttons[run_id]
        click(qtbot, resume)
        assert step_id(again.panel) == "three-points"
        run = again.controller.run
        assert run is not None and run.path == ("call-details", "media")
        assert not bar.isVisible()
        go_on(qtbot, again.panel)
        assert step_id(again.panel) == "own-purposes"
    finally:
        close_windows()
        stores.close()


def test_discarding_a_saved_run_from_the_bar(qtbot: QtBot, bundled_content: Path, stores: Stores) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    rig.controller.start_procedure(PROCEDURE)
    first = rig.controller.session.run_id
    rig.controller.start_procedure("dmbm-mobile-phone-on-call")  # the first one stays saved
    assert "is saved: resume it" in rig.window.status_label.text()
    bar = rig.panel.resume_bar
    assert list(bar.buttons) == [first]
    click(qtbot, bar.buttons[first][1])
    assert [r.run_id for r in stores.runs.load_unfinished()] == [rig.controller.session.run_id]
    assert not bar.isVisible()
    # Discarding the one on screen asks first, in the panel.
    click(qtbot, rig.panel.discard_button)
    assert rig.panel.confirm_discard.isVisible()
    click(qtbot, rig.panel.discard_yes)
    assert stores.runs.load_unfinished() == [] and rig.controller.run is None


def test_checklists_menu_offers_the_sections_procedures_and_every_action_has_a_shortcut(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    installed = rig.controller.installed  # type: ignore[attr-defined]
    menu = installed.menu
    section_menu, all_menu = (a.menu() for a in menu.actions() if a.menu() is not None)
    rig.window.open_section("DMBM511015")
    section_menu.aboutToShow.emit()
    offered = ["Customer wants to record the phone call", "Customer sends us a recording of their phone call"]
    assert [a.text() for a in section_menu.actions()] == offered
    all_menu.aboutToShow.emit()
    assert len(all_menu.actions()) == len(rig.controller.session.procedures) >= 8
    # Ctrl+Shift+K: this section offers two, so the officer picks one.
    installed.actions["start"].trigger()
    assert rig.controller.run is None
    start_menu = rig.panel.start_menu
    assert start_menu is not None
    assert [a.text() for a in start_menu.actions()[1:]] == offered
    start_menu.actions()[1].trigger()
    assert rig.controller.run is not None and rig.controller.run.procedure.id == PROCEDURE
    for key, action in installed.actions.items():
        assert not action.shortcut().isEmpty(), key
        assert action.text().replace("&", "").strip(), key
    # Continue by keyboard action.
    rig.panel.step_view.set_field("customer_reference", "AB1")  # type: ignore[union-attr]
    installed.actions["continue"].trigger()
    assert step_id(rig.panel) == "media"
    installed.actions["back"].trigger()
    assert step_id(rig.panel) == "call-details"
    assert installed.actions["settings"] in rig.window.edit_menu.actions()


def test_cited_section_link_opens_in_the_viewer(qtbot: QtBot, bundled_content: Path, stores: Stores) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    rig.window.open_section("DMBM511130")
    rig.controller.start_procedure(PROCEDURE)
    rig.panel.guidance_label.linkActivated.emit("section:DMBM511015")
    assert rig.window.current_view().current_id == "DMBM511015"


def test_an_edited_note_survives_a_redraw_and_a_step_back(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    panel = rig.panel
    editor = to_note_after_a_late_disclosure(qtbot, rig)
    drafted = editor.text()
    editor.set_text(drafted + "\nMy own addition.")
    panel.refresh()  # a redraw: settings changed, a message shown...
    assert panel.note_editor is not None and panel.note_editor is not editor
    assert panel.note_editor.text().endswith("My own addition.")
    rig.controller.back()  # back a step and the same answer again: the same note, edits kept
    choose(qtbot, panel, "no-concerns")
    go_on(qtbot, panel)
    assert panel.note_editor is not None and panel.note_editor.text().endswith("My own addition.")
    # Had the answers changed, the checklist's new draft replaces the edited text.
    from manualviewer.ui.steps.panel_common import keep_note_text, kept_note_text

    keep_note_text(panel)
    assert kept_note_text(panel, drafted + "\nA different answer.") == drafted + "\nA different answer."


def test_an_edited_note_is_kept_through_a_crash_before_it_is_saved(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    from PySide6.QtGui import QTextCursor

    rig = make_rig(qtbot, bundled_content, stores)
    panel = rig.panel
    editor = to_note_after_a_late_disclosure(qtbot, rig)
    run_id = rig.controller.session.run_id
    assert run_id is not None

    def kept() -> str:
        saved = stores.runs.get(run_id)
        assert saved is not None
        return saved.note_text or ""

    assert kept() == ""  # nothing typed, nothing kept
    editor.editor.moveCursor(QTextCursor.MoveOperation.End)
    type_text(qtbot, editor.editor, "\nCustomer asked for a copy.")
    qtbot.waitUntil(lambda: kept().endswith("Customer asked for a copy."), timeout=3000)
    type_text(qtbot, editor.editor, " Sent.")
    panel.refresh()  # the card is rebuilt at once: what was just typed is kept first
    assert kept().endswith("Customer asked for a copy. Sent.")

    # The app crashes; on the next start the officer resumes the checklist.
    again = make_rig(qtbot, bundled_content, stores)
    assert again.controller.resume(run_id)
    assert again.panel.note_editor is not None
    assert again.panel.note_editor.text().endswith("Customer asked for a copy. Sent.")
    # Once saved, the note is the record and the kept draft goes with the run.
    again.panel.note_editor.request_save()
    assert stores.runs.get(run_id) is None
    assert stores.notes.list()[0].text.endswith("Customer asked for a copy. Sent.")


def test_tab_leaves_the_note_text_for_the_save_button(qtbot: QtBot, bundled_content: Path, stores: Stores) -> None:
    from PySide6.QtWidgets import QApplication

    rig = make_rig(qtbot, bundled_content, stores)
    editor = to_note_after_a_late_disclosure(qtbot, rig)
    rig.window.activateWindow()
    qtbot.waitUntil(rig.window.isActiveWindow, timeout=2000)
    qtbot.waitUntil(editor.save_button.isVisible, timeout=2000)  # shown from the event loop
    editor.editor.setFocus()
    qtbot.waitUntil(editor.editor.hasFocus, timeout=2000)
    before = editor.text()
    qtbot.keyClick(editor.editor, Qt.Key.Key_Tab)
    assert editor.text() == before  # no tab character typed into the note
    assert QApplication.focusWidget() is editor.save_button
