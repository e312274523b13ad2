"""`manualviewer procedure list` and `manualviewer procedure run` against the bundled library."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from manualviewer.cli import main
from manualviewer.storage import paths
from manualviewer.storage.database import open_database
from manualviewer.storage.notes import NoteStore
from manualviewer.storage.outbox import Outbox

LATE_DISCLOSURE = {
    "call-details": {"customer_reference": "AB 123"},
    "media": "not-media",
    "late-disclosure": None,
    "concerns": "concerns",
    "tell-line-manager": "He said he would post it.",
}


def write_answers(tmp_path: Path, answers: dict[str, Any]) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    return str(path)


def write_settings(text: str) -> None:
    paths.settings_path().write_text(textwrap.dedent(text), encoding="utf-8")


def saved() -> tuple[list[Any], list[Any]]:
    conn = open_database(paths.database_path())
    try:
        return NoteStore(conn).list(), Outbox(conn).list()
    finally:
        conn.close()


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["procedure", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 8
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    published = next(r for r in rows if r["id"] == "dwp-claimant-published-recording")
    assert published == {
        "id": "dwp-claimant-published-recording",
        "title": "Claimant publishes, or intends to publish, a recording on the internet",
        "version": 1,
        "sections": ["DWPREC0200", "DWPREC0300"],
    }


def test_list_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["procedure", "list"]) == 0
    out = capsys.readouterr().out
    assert "dmbm-customer-recording-call  v1  Customer wants to record the phone call  [DMBM511015]" in out


def test_run_json_dry_run_prints_note_record_escalations_path_and_saves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = write_answers(tmp_path, LATE_DISCLOSURE)
    code = main(["procedure", "run", "dmbm-customer-recording-call", "--answers", answers, "--json", "--dry-run"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    # The late disclosure comes when the first point needed an answer the file does not give.
    assert result["path"] == [
        "call-details",
        "media",
        "three-points",
        "late-disclosure",
        "concerns",
        "tell-line-manager",
        "end",
    ]
    assert "told me at the end of the call that they had recorded it" in result["note"]
    assert result["record"]["customer_reference"] == "AB 123"
    assert result["record"]["sections"] == ["DMBM511015"]
    assert len(result["record"]["content_version"]) == 12
    [escalation] = result["escalations"]
    assert escalation["to"] == "line manager"
    assert "He said he would post it." in escalation["body"]
    assert "saved" not in result
    assert saved() == ([], [])


def test_run_saves_the_note_and_queues_the_escalation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_settings(
        """\
        officer_name = "Sam Officer"
        line_manager_name = "Lee Manager"
        line_manager_email = "lee@example.org"
        """
    )
    answers = write_answers(tmp_path, LATE_DISCLOSURE)
    assert main(["procedure", "run", "dmbm-customer-recording-call", "--answers", answers, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    notes, escalations = saved()
    [note] = notes
    assert result["saved"] == {"note_id": note.id, "escalation_ids": [escalations[0].id]}
    assert note.officer == "Sam Officer"
    assert note.customer_reference == "AB 123"
    assert (note.procedure_id, note.procedure_version) == ("dmbm-customer-recording-call", "1")
    assert note.content_version == result["record"]["content_version"]
    assert note.text == result["note"]
    assert note.record["steps"][3]["out_of_order"] is True
    [queued] = escalations
    assert queued.to == "Lee Manager <lee@example.org>"
    assert queued.subject == "Escalation: Customer wants to record the phone call (AB 123)"


def test_run_with_escalation_but_no_recipient_saves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = write_answers(tmp_path, LATE_DISCLOSURE)
    code = main(["procedure", "run", "dmbm-customer-recording-call", "--answers", answers, "--officer", "Sam"])
    assert code == 2
    assert "no line_manager_email" in capsys.readouterr().err
    assert saved() == ([], [])


def test_run_without_officer_name_is_refused_unless_dry_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = write_answers(tmp_path, {"customer-details": {"customer_reference": "C1", "told_us_by": "phone"}})
    assert main(["procedure", "run", "csdh-no-feedback-contact", "--answers", answers]) == 2
    assert "no officer name" in capsys.readouterr().err
    assert main(["procedure", "run", "csdh-no-feedback-contact", "--answers", answers, "--officer", "Sam"]) == 0
    out = capsys.readouterr().out
    assert "They told us by phone." in out
    assert [n.customer_reference for n in saved()[0]] == ["C1"]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"call-details": {"customer_reference": "AB 1"}}, "no answer for step 'media'"),
        ({"call-details": {}}, "invalid answer for step 'call-details': Customer reference is required"),
        ({"call-details": {"customer_reference": "AB 1"}, "media": "radio"}, "choose one of not-media"),
    ],
)
def test_run_missing_or_invalid_answer_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answers: dict[str, Any], message: str
) -> None:
    path = write_answers(tmp_path, answers)
    assert main(["procedure", "run", "dmbm-customer-recording-call", "--answers", path, "--dry-run"]) == 2
    assert message in capsys.readouterr().err


def test_run_unknown_procedure_and_bad_answers_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = write_answers(tmp_path, {})
    assert main(["procedure", "run", "dmbm-customer-recording-cal", "--answers", answers]) == 2
    assert "Did you mean: dmbm-customer-recording-call" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["procedure", "run", "csdh-no-feedback-contact", "--answers", str(bad)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    bad.write_text("[1, 2]", encoding="utf-8")
    assert main(["procedure", "run", "csdh-no-feedback-contact", "--answers", str(bad)]) == 2
    assert "one JSON object" in capsys.readouterr().err


def test_run_refuses_a_procedure_with_content_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manual = tmp_path / "content" / "test"
    (manual / "procedures").mkdir(parents=True)
    (manual / "manual.md").write_text("---\ncode: TEST\ntitle: Test\norganisation: Us\n---\nIntro.\n", encoding="utf-8")
    (manual / "TEST0001.md").write_text("---\nsection_id: TEST0001\ntitle: One\n---\nBody.\n", encoding="utf-8")
    (manual / "procedures" / "broken.yaml").write_text(
        "id: broken\ntitle: Broken\nversion: 1\nsections: [TEST0001]\nsteps:\n"
        "  - {id: a, kind: info, title: A, next: nowhere}\n  - {id: e, kind: end, title: E, note: n}\n",
        encoding="utf-8",
    )
    answers = write_answers(tmp_path, {})
    content = ["--content", str(tmp_path / "content")]
    assert main(["procedure", "list", "--json", *content]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["broken"]
    assert main(["procedure", "run", "broken", "--answers", answers, *content]) == 1
    err = capsys.readouterr().err
    assert "content errors" in err
    assert "broken.yaml:6" in err
