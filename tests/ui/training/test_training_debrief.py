"""The debrief's exports: the trainer's records as CSV (core debrief_csv: one row per trainee per
scenario, kept across sessions in the training database) and the debrief as a PDF file."""

from __future__ import annotations

import csv
from pathlib import Path

from pytestqt.qtbot import QtBot

from manualviewer.core.training import DEBRIEF_COLUMNS
from manualviewer.ui.training.controller import attempt_from_json, attempt_to_json
from manualviewer.ui.training.install import RecordsDialog
from tests.helpers.training_rig import (
    LATE,
    THIRD_PARTY,
    TrainingRig,
    choose,
    close_windows,
    go_on,
    make_training_rig,
    open_debrief,
    save_training_note,
    start_scenario,
    walk_third_party_right,
)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == DEBRIEF_COLUMNS
        return list(reader)


def test_csv_has_one_row_per_trainee_per_scenario_and_the_pdf_is_written(
    qtbot: QtBot, rig: TrainingRig, tmp_path: Path
) -> None:
    start_scenario(qtbot, rig, THIRD_PARTY, trainee="=Jo Bloggs")  # a name a spreadsheet would run
    walk_third_party_right(qtbot, rig)
    save_training_note(qtbot, rig)
    first = open_debrief(qtbot, rig)
    first.close()

    start_scenario(qtbot, rig, LATE, trainee="Ana Lee")
    go_on(qtbot, rig)
    choose(qtbot, rig, "media")  # wrong: the call is not from the media
    debrief = open_debrief(qtbot, rig)

    path = tmp_path / "records.csv"
    assert debrief.export_csv(str(path)) == str(path)
    rows = read_csv(path)
    assert [(r["trainee"], r["scenario"]) for r in rows] == [("'=Jo Bloggs", THIRD_PARTY), ("Ana Lee", LATE)]
    jo, ana = rows
    assert (jo["score"], jo["total"], jo["sections_to_reread"]) == ("5", "5", "")
    assert (ana["score"], ana["total"], ana["sections_to_reread"]) == ("0", "3", "DMBM511015")
    assert jo["procedure"] == ana["procedure"] == "dmbm-customer-recording-call"
    assert int(jo["time_taken_seconds"]) > 0
    assert "Saved the trainer's records" in debrief.status.text()

    pdf = tmp_path / "debrief.pdf"
    assert debrief.save_pdf(str(pdf)) == str(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    html = debrief.html()
    assert "Ana Lee" in html and "TRAINING" in html and "DMBM511015" in html and "\u2718 Not right" in html


def test_the_records_survive_a_restart_and_a_second_attempt_replaces_the_first(
    qtbot: QtBot, bundled_content: Path, tmp_path: Path
) -> None:
    rig = make_training_rig(qtbot, bundled_content)
    start_scenario(qtbot, rig, LATE, trainee="Ana Lee")
    go_on(qtbot, rig)
    choose(qtbot, rig, "media")
    open_debrief(qtbot, rig)
    close_windows()
    rig.training.close()

    again = make_training_rig(qtbot, bundled_content)  # a later session, same training database
    try:
        assert [a.trainee for a in again.training.attempts()] == ["Ana Lee"]
        start_scenario(qtbot, again, LATE, trainee="Ana Lee")
        go_on(qtbot, again)
        choose(qtbot, again, "not-media")
        open_debrief(qtbot, again)
        again.ui.extras["records"]()
        dialog = again.ui.records
        assert isinstance(dialog, RecordsDialog)
        assert dialog.model.rowCount() == 1  # the latest attempt per trainee per scenario
        assert dialog.model.cell(0, 2) == "1 of 3"
        path = tmp_path / "records.csv"
        dialog.export_csv(str(path))
        rows = read_csv(path)
        assert len(rows) == 1 and rows[0]["score"] == "1"
    finally:
        close_windows()
        again.training.close()


def test_an_attempt_round_trips_through_json(qtbot: QtBot, rig: TrainingRig) -> None:
    start_scenario(qtbot, rig, THIRD_PARTY)
    walk_third_party_right(qtbot, rig)
    attempt = rig.training.finish()
    assert attempt is not None
    assert attempt_from_json(attempt_to_json(attempt)) == attempt
