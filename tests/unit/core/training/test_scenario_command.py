"""`manualviewer scenario list` and `manualviewer scenario run`: the JSON contracts, exit
statuses, and no database at all."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.helpers.bundled import BUNDLED, scenarios
from tests.helpers.training import JOURNALIST

from manualviewer.cli import main

LATE = "dmbm-late-disclosure-recorded-call"
WRONG_LATE = {
    "media": "not-media",
    "own-purposes": True,
    "business-related": True,
    "privacy": True,
    "concerns": "no-concerns",
}


def answers_file(tmp_path: Path, answers: Any) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    return str(path)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "scenario", "list", "--json")
    assert [r["id"] for r in rows] == sorted(scenarios())
    assert all(list(r) == ["id", "title", "procedure"] for r in rows)
    assert {
        "id": LATE,
        "title": "The customer says at the end of the call that they recorded it",
        "procedure": "dmbm-customer-recording-call",
    } in rows


def test_list_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "list"]) == 0
    out = capsys.readouterr().out
    assert (
        f"{LATE}  [dmbm-customer-recording-call]  The customer says at the end of the call that they recorded it" in out
    )


def test_run_json_right_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = answers_file(tmp_path, {"media": "media"})
    result = run_json(capsys, "scenario", "run", "dmbm-media-caller-wants-to-record", "--answers", path, "--json")
    assert result == {
        "scenario": "dmbm-media-caller-wants-to-record",
        "score": {"correct": 1, "total": 1},
        "steps": [
            {
                "step": "media",
                "given": "media",
                "expected": "media",
                "correct": True,
                "reason": "where the call is from any section of the media (national, trade, regional, online), "
                "this must be referred to the Press Office",
                "section": "DMBM511015",
            }
        ],
    }


def test_run_json_wrong_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "scenario", "run", LATE, "--answers", answers_file(tmp_path, WRONG_LATE), "--json")
    assert list(result) == ["scenario", "score", "steps"]
    assert result["score"] == {"correct": 2, "total": 3}
    assert [(s["step"], s["given"], s["expected"], s["correct"]) for s in result["steps"]] == [
        ("media", "not-media", "not-media", True),
        ("late-disclosure", None, True, False),
        ("concerns", "no-concerns", "no-concerns", True),
    ]


def test_run_text_and_answers_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(WRONG_LATE)))
    assert main(["scenario", "run", LATE, "--answers", "-"]) == 0
    captured = capsys.readouterr()
    assert "Score: 2/3" in captured.out
    assert (
        "WRONG   The customer says at the end of the call that they recorded it [late-disclosure]: not reached"
        in captured.out
    )
    assert "Expected path: call-details > media > three-points > late-disclosure > concerns > end" in captured.out
    assert "Re-read: DMBM511015" in captured.out
    assert "answers not used (steps not on the path)" not in captured.err


def test_run_reports_unused_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = answers_file(tmp_path, {"media": "media", "privacy": True})
    assert main(["scenario", "run", "dmbm-media-caller-wants-to-record", "--answers", path]) == 0
    assert "answers not used (steps not on the path): privacy" in capsys.readouterr().err


def test_run_unknown_scenario_or_bad_answers_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = answers_file(tmp_path, {})
    assert main(["scenario", "run", "dmbm-late-disclosure-recorded", "--answers", path]) == 2
    assert f"Did you mean: {LATE}" in capsys.readouterr().err
    assert main(["scenario", "run", LATE, "--answers", answers_file(tmp_path, ["not", "an", "object"])]) == 2
    assert "one JSON object" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    assert main(["scenario", "run", LATE, "--answers", str(tmp_path / "bad.json")]) == 2
    assert main(["scenario", "run", LATE, "--answers", str(tmp_path / "missing.json")]) == 2
    assert main(["scenario"]) == 2


def test_run_refuses_a_scenario_with_content_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    shutil.copytree(BUNDLED, content, ignore=shutil.ignore_patterns("__pycache__"))
    text = JOURNALIST.replace("procedure: dmbm-customer-recording-call", "procedure: gone")
    (content / "dmbm" / "scenarios" / "journalist.yaml").write_text(text, encoding="utf-8")
    code = main(["scenario", "run", "journalist", "--content", str(content), "--answers", answers_file(tmp_path, {})])
    assert code == 1
    assert "procedure 'gone' is not in the library" in capsys.readouterr().err


def test_run_touches_no_database(
    tmp_path: Path, user_dirs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import manualviewer.storage.database as database

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("scenario run opened a database")

    monkeypatch.setattr(database, "open_database", refuse)
    path = answers_file(
        tmp_path,
        {
            "media": "own-business-affairs",
            "own-purposes": True,
            "business-related": True,
            "privacy": True,
            "concerns": "concerns",
            "tell-line-manager": "worried",
        },
    )
    for scenario_id in ("dmbm-journalist-own-tax-affairs", "dmbm-recording-for-a-third-party"):
        assert main(["scenario", "run", scenario_id, "--answers", path, "--json"]) == 0
    capsys.readouterr()
    data_dir = user_dirs / "data"
    assert not data_dir.exists() or not any(data_dir.rglob("*"))


def test_run_refuses_a_procedure_with_content_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    shutil.copytree(BUNDLED, content, ignore=shutil.ignore_patterns("__pycache__"))
    procedure = content / "dmbm" / "procedures" / "dmbm-customer-sends-recording.yaml"
    procedure.write_text(
        procedure.read_text(encoding="utf-8").replace("next: end-listened", "next: end-gone"), encoding="utf-8"
    )
    answers = answers_file(tmp_path, {"recorded-by-hmrc": "not-recorded", "forward-to-complaint-team": True})
    scenario = "dmbm-recording-sent-not-recorded-by-hmrc"
    code = main(["scenario", "run", scenario, "--content", str(content), "--answers", answers])
    assert code == 1
    assert "procedure dmbm-customer-sends-recording has content errors" in capsys.readouterr().err
