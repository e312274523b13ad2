"""The Notes panel (filter, copy, CSV/JSON export, amend), the Settings dialog, and qtmodeltester
on every model the checklist UI adds."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from manualviewer.core.procedures import answer, load_procedures, out_of_order, start
from manualviewer.core.settings import EscalationChannel, Settings
from manualviewer.storage.notes import NewNote
from manualviewer.storage.settings_file import load_user_settings, save_user_settings
from manualviewer.storage.stores import Stores, open_stores
from manualviewer.ui.checklist.deps import ChecklistDeps
from manualviewer.ui.checklist.escalations_panel import EscalationsModel
from manualviewer.ui.checklist.install import install_checklists
from manualviewer.ui.checklist.note_dialog import NoteDialog
from manualviewer.ui.checklist.notes_panel import NotesModel, NotesPanel
from manualviewer.ui.checklist.settings_dialog import SettingsDialog
from manualviewer.ui.steps.models import PathModel, ProcedureListModel
from tests.helpers.checklist_rig import click, close_windows, make_rig
from tests.helpers.shots import save_shot
from tests.ui.helpers import make_window

T0 = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def stores(qtbot: QtBot, tmp_path: Path) -> Iterator[Stores]:
    times = iter(T0 + dt.timedelta(hours=h) for h in (0, 1, 26, 27, 28, 29, 30))
    opened = open_stores(tmp_path / "user.db", clock=lambda: next(times))
    yield opened
    close_windows()
    opened.close()


def add_notes(stores: Stores) -> None:
    for ref, procedure, text in (
        ("AB123", "dmbm-customer-recording-call", "Customer AB123 wished to record the call."),
        ("CD456", "dmbm-mobile-phone-on-call", "Mobile phone used on a field call."),
        ("AB999", "dmbm-customer-recording-call", "=SUM(A1) typed by the officer"),
    ):
        stores.notes.add(NewNote(officer="Sam Patel", text=text, customer_reference=ref, procedure_id=procedure,
                                 procedure_version="1", record_json=json.dumps({"customer_reference": ref})))


def notes_panel(qtbot: QtBot, bundled_content: Path, stores: Stores) -> NotesPanel:
    rig = make_rig(qtbot, bundled_content, stores)
    rig.controller.installed.actions["show_notes"].trigger()  # type: ignore[attr-defined]
    panel = rig.controller.installed.notes  # type: ignore[attr-defined]
    assert isinstance(panel, NotesPanel) and panel.isVisible()
    return panel


def shown_refs(panel: NotesPanel) -> list[str]:
    column = panel.model.COLUMNS.index("Customer reference")
    return [panel.model.index(r, column).data() for r in range(panel.model.rowCount())]


def test_notes_panel_filters_by_reference_date_and_checklist(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    add_notes(stores)
    panel = notes_panel(qtbot, bundled_content, stores)
    assert shown_refs(panel) == ["AB999", "CD456", "AB123"]  # newest first
    assert panel.count_label.text() == "Showing 3 of 3 notes."

    qtbot.keyClicks(panel.text_filter, "ab")
    qtbot.waitUntil(lambda: shown_refs(panel) == ["AB999", "AB123"])

    panel.text_filter.clear()
    panel.procedure_filter.setCurrentIndex(panel.procedure_filter.findData("dmbm-mobile-phone-on-call"))
    assert shown_refs(panel) == ["CD456"]
    assert panel.procedure_filter.currentText() == "Using your mobile phone whilst out on call"
    checklist = panel.model.COLUMNS.index("Checklist")
    assert panel.model.index(0, checklist).data() == "Using your mobile phone whilst out on call"

    panel.procedure_filter.setCurrentIndex(0)
    panel.date_filter.setText("31/02/2024")
    assert not panel.apply_filter()
    assert panel.filter_error.isVisible() and "is not a date" in panel.filter_error.text()
    local_day = (T0 + dt.timedelta(hours=26)).astimezone().date()
    panel.date_filter.setText(local_day.strftime("%d/%m/%Y"))
    assert panel.apply_filter()
    assert not panel.filter_error.isVisible()
    assert "AB999" in shown_refs(panel) and "AB123" not in shown_refs(panel)


def test_notes_panel_exports_what_it_shows_and_copies_plain_text(
    qtbot: QtBot, bundled_content: Path, stores: Stores, tmp_path: Path
) -> None:
    add_notes(stores)
    panel = notes_panel(qtbot, bundled_content, stores)
    panel.text_filter.setText("AB")
    panel.apply_filter()
    path = panel.export_csv(str(tmp_path / "notes.csv"))
    assert path is not None
    raw = Path(path).read_bytes().decode("utf-8")
    assert "\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert [r["customer_reference"] for r in rows] == ["AB123", "AB999"]  # oldest first, like the store
    assert rows[1]["text"] == "'=SUM(A1) typed by the officer"  # no formula runs in a spreadsheet
    assert panel.status.text() == "Exported 2 notes to notes.csv."

    json_path = panel.export_json(str(tmp_path / "notes.json"))
    assert json_path is not None
    data = json.loads(Path(json_path).read_text(encoding="utf-8"))
    assert [n["record"]["customer_reference"] for n in data] == ["AB123", "AB999"]

    panel.select_note(1)
    click(qtbot, panel.copy_button)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("Note 1 - ") and "Customer reference: AB123" in copied
    assert copied.rstrip().endswith("Customer AB123 wished to record the call.")


def test_amending_a_note_adds_a_new_note_that_points_at_the_old_one(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    add_notes(stores)
    panel = notes_panel(qtbot, bundled_content, stores)
    panel.select_note(2)
    click(qtbot, panel.amend_button)
    dialog = panel.controller.note_dialog
    assert isinstance(dialog, NoteDialog) and dialog.isVisible()
    assert dialog.editor.text() == "Mobile phone used on a field call."
    dialog.editor.set_text("Mobile phone used on a field call (personal phone, not HMRC issue).")
    click(qtbot, dialog.editor.save_button)
    assert not dialog.isVisible()
    notes = stores.notes.list()
    assert len(notes) == 4
    amended = notes[-1]
    assert amended.amends == 2 and amended.customer_reference == "CD456"
    assert amended.procedure_id == "dmbm-mobile-phone-on-call"
    assert stores.notes.get(2).text == "Mobile phone used on a field call."  # type: ignore[union-attr]
    assert panel.model.index(0, panel.model.COLUMNS.index("Amends")).data() == "note 2"
    panel.select_note(2)
    assert "Amended by note 4" in panel.details.toPlainText()


def test_settings_dialog_validates_and_saves_to_the_settings_file(qtbot: QtBot, tmp_path: Path) -> None:
    saved: list[Settings] = []
    original = Settings(officer_name="Sam", content_folders=(tmp_path / "extra",))
    dialog = SettingsDialog(original, lambda s: (save_user_settings(s), saved.append(s)))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.line_manager_email.setText("not an address")
    assert not dialog.save()
    assert saved == [] and "Line manager's email" in dialog.error_label.text()
    assert dialog.tabs.currentIndex() == 0 and dialog.focusWidget() is dialog.line_manager_email

    dialog.line_manager_email.setText("alex@example.org")
    dialog.channel.setCurrentIndex(dialog.channel.findData("folder"))
    assert dialog.drop_folder.isEnabled() and not dialog.smtp_host.isEnabled()
    assert not dialog.save()
    assert "Drop folder" in dialog.error_label.text() and dialog.tabs.currentIndex() == 1

    dialog.drop_folder.setText(str(tmp_path / "drop"))
    dialog.words.setPlainText("rude\n\nobviously\nrude\n")
    dialog.abbreviations.setPlainText("HMRC\nISP")
    with qtbot.waitSignal(dialog.saved) as signal:
        assert dialog.save()
    stored = load_user_settings()
    assert stored == signal.args[0] == saved[0]
    assert stored.escalation_channel is EscalationChannel.FOLDER and stored.drop_folder == tmp_path / "drop"
    assert stored.note_check_words == ("rude", "obviously")
    assert stored.known_abbreviations == ("HMRC", "ISP")
    assert stored.content_folders == (tmp_path / "extra",)  # what the dialog does not show is kept


def test_note_check_follows_the_settings_word_lists(qtbot: QtBot, bundled_content: Path, stores: Stores) -> None:
    rig = make_rig(qtbot, bundled_content, stores,
                   settings=Settings(officer_name="Sam", note_check_words=("grumpy",), known_abbreviations=("ISP",)))
    warnings = rig.controller.session.check("The customer was grumpy and rude. Their ISP and the DVLA.")
    assert [(w.kind, w.token) for w in warnings] == [("listed-word", "grumpy"), ("abbreviation", "DVLA")]


def test_a_broken_settings_file_falls_back_to_defaults_and_says_why(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    window, _ = make_window(bundled_content)
    qtbot.addWidget(window)
    window.attach_stores(stores)

    def broken() -> Settings:
        from manualviewer.core.settings import SettingsError

        raise SettingsError(Path("settings.toml"), "smtp.port", "must be an integer, not a string")

    controller = install_checklists(window, ChecklistDeps(stores, broken))
    assert controller.settings == Settings()
    dialog = controller.open_settings()
    assert "settings.toml: smtp.port: must be an integer" in dialog.error_label.text()


# --- models --------------------------------------------------------------------------------
def test_path_model_passes_qtmodeltester(qtmodeltester: ModelTester, bundled_content: Path) -> None:
    procedures, _ = load_procedures([bundled_content / "dmbm" / "procedures"])
    procedure = procedures["dmbm-customer-recording-call"]
    run = start(procedure, T0)
    run = answer(run, "call-details", {"customer_reference": "AB1"}, T0)
    run = answer(run, "media", "not-media", T0)
    run = out_of_order(run, "late-disclosure", T0)
    model = PathModel()
    model.set_run(run)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 4
    assert [model.state(r) for r in range(4)] == ["answered", "answered", "left", "current"]
    model.set_run(None)
    assert model.rowCount() == 0


def test_procedure_list_model_passes_qtmodeltester(qtmodeltester: ModelTester, bundled_content: Path) -> None:
    procedures, _ = load_procedures([bundled_content / "dmbm" / "procedures"])
    model = ProcedureListModel()
    model.set_procedures(list(procedures.values()), offered=["dmbm-mobile-phone-on-call"])
    qtmodeltester.check(model, force_py=True)
    assert str(model.index(0, 0).data()).startswith("For the open section: ")
    assert model.rowCount() == len(procedures)


def test_notes_and_escalations_models_pass_qtmodeltester(qtmodeltester: ModelTester, stores: Stores) -> None:
    add_notes(stores)
    first = stores.notes.list()[0].id
    stores.outbox.enqueue("alex@example.org", "Concern", "Body")
    stores.outbox.enqueue("alex@example.org", "Kept", "Body", draft=True, note_id=first)
    notes = NotesModel(stores.notes, outbox=stores.outbox)
    qtmodeltester.check(notes, force_py=True)
    assert notes.rowCount() == 3 and notes.columnCount() == 7
    concern = notes.COLUMNS.index("Concern")
    assert [notes.index(r, concern).data() for r in range(3)] == ["", "", "Draft \u2014 not sent"]  # newest first
    escalations = EscalationsModel(stores.outbox)
    qtmodeltester.check(escalations, force_py=True)
    assert [escalations.index(r, 1).data() for r in range(2)] == ["Draft \u2014 not sent", "Queued, not yet sent"]


def test_dialogs_opened_again_and_again_do_not_pile_up(qtbot: QtBot, bundled_content: Path,
                                                       stores: Stores) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    window, _ = make_window(bundled_content)
    qtbot.addWidget(window)
    window.attach_stores(stores)
    controller = install_checklists(window, ChecklistDeps(stores, Settings))
    add_notes(stores)
    note_id = stores.notes.list()[0].id
    for _ in range(4):
        controller.open_settings().reject()
        controller.open_amend(note_id).reject()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(window.findChildren(SettingsDialog)) == 1
    assert len(window.findChildren(NoteDialog)) == 1
    shown = controller.open_settings()  # one still on screen is left alone
    controller.open_settings()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert shown.isVisible() and len(window.findChildren(SettingsDialog)) == 2


def test_the_notes_panel_says_when_a_note_was_changed_outside_the_app(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    for n in (1, 2, 3):
        stores.notes.add(NewNote(officer="Sam Patel", text=f"Call {n}", customer_reference=f"AB{n}"))
    panel = notes_panel(qtbot, bundled_content, stores)
    assert not panel.chain_warning.isVisible()  # intact: nothing said
    # Another program edits note 2 with the append-only trigger out of the way.
    stores.conn.execute("DROP TRIGGER notes_no_update")
    stores.conn.execute("UPDATE notes SET text = 'Call 2, edited' WHERE id = 2")
    panel.refresh()
    assert panel.chain_warning.isVisible()
    assert "note 2 (or a note saved before it) was changed outside manualviewer" in panel.chain_warning.text()
    qtbot.waitUntil(lambda: panel.chain_warning.height() > panel.count_label.height())  # laid out, wrapped
    save_shot(panel.window(), "h13-notes-chain")
