from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from manualviewer.cli import main


@pytest.fixture
def content_copy(tmp_path: Path, bundled_content: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(bundled_content, target, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    return target


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_check_bundled_library_has_no_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(capsys, "check", "--json")
    assert code == 0
    assert set(report) == {"manuals", "sections", "errors", "warnings", "links"}
    assert report["manuals"] == 3 and report["sections"] == 11
    assert report["errors"] == []
    assert report["links"] == {"total": 6, "resolved": 2, "unresolved": 4}
    warnings = report["warnings"]
    assert isinstance(warnings, list)
    assert {w["message"].split()[0] for w in warnings} == {"DMBM900500", "DMBM512940", "DMBM511200", "DMBM511350"}
    assert set(warnings[0]) == {"path", "line", "kind", "message"}


def test_check_strict_fails_on_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--strict"]) == 1
    assert "0 errors, 4 warnings" in capsys.readouterr().out


def test_check_reports_a_broken_procedure_and_a_broken_section_with_lines(
    capsys: pytest.CaptureFixture[str], content_copy: Path
) -> None:
    procedure = next((content_copy / "dmbm" / "procedures").glob("dmbm-customer-sends-recording.yaml"))
    text = procedure.read_text(encoding="utf-8")
    first_next = next(line for line in text.splitlines() if line.strip().startswith("next:"))
    procedure.write_text(text.replace(first_next, first_next.split("next:")[0] + "next: nowhere", 1), encoding="utf-8")
    broken = "---\nsection_id: DMBM511340\ntitle: [x\n---\n"
    (content_copy / "dmbm" / "DMBM511340.md").write_text(broken, encoding="utf-8")
    code, report = run_json(capsys, "check", "--json", "--content", str(content_copy))
    assert code == 1
    errors = report["errors"]
    assert isinstance(errors, list)
    by_file = {Path(e["path"]).name: e for e in errors}
    assert by_file["DMBM511340.md"]["kind"] == "bad-yaml" and by_file["DMBM511340.md"]["line"] == 3
    proc_errors = [e for e in errors if Path(e["path"]).name == procedure.name]
    assert proc_errors and all(e["line"] > 0 for e in proc_errors)
    assert any("nowhere" in e["message"] for e in proc_errors)
    assert report["sections"] == 10  # the rest loaded


def test_show_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, shown = run_json(capsys, "show", "--json", "dmbm 511130")
    assert code == 0
    assert set(shown) == {"id", "title", "manual", "status", "breadcrumbs", "links", "backlinks", "html"}
    assert shown["id"] == "DMBM511130" and shown["manual"] == "DMBM" and shown["status"] == "archive-pending"
    assert {"target": "DMBM511200", "resolved": False} in shown["links"]  # type: ignore[operator]
    assert "section:DMBM511200" in str(shown["html"])


def test_show_backlinks_and_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, shown = run_json(capsys, "show", "--json", "DWPREC0300")
    assert code == 0 and shown["backlinks"] == ["DWPREC0100", "DWPREC0200"]
    assert main(["show", "DMBM511015"]) == 0
    text = capsys.readouterr().out
    assert "Customer recording the call" in text and "<" not in text.split("\n", 1)[0]


def test_show_unknown_id_exits_2_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "DMBM511016"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "DMBM511016" in err and "DMBM511015" in err


def test_content_folders_from_the_environment(
    capsys: pytest.CaptureFixture[str], content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.rmtree(content_copy / "dmbm")
    monkeypatch.setenv("MANUALVIEWER_CONTENT", str(content_copy))
    _code, report = run_json(capsys, "check", "--json")
    assert report["manuals"] == 2


def test_show_names_the_checklist_a_section_offers(capsys: pytest.CaptureFixture[str]) -> None:
    code, shown = run_json(capsys, "show", "--json", "DMBM511130")
    assert code == 0
    assert "Start checklist: " in str(shown["html"])
    assert "Start checklist: dmbm-mobile-phone-on-call" not in str(shown["html"])  # the title, not the ID


def test_content_folders_from_the_settings(capsys: pytest.CaptureFixture[str], content_copy: Path) -> None:
    from manualviewer.storage import paths

    shutil.rmtree(content_copy / "dwp-recordings")
    paths.settings_path().write_text(f'content_folders = ["{content_copy}"]\n', encoding="utf-8")
    _code, report = run_json(capsys, "check", "--json")
    assert report["manuals"] == 2
    _code, report = run_json(capsys, "check", "--json", "--content", str(content_copy.parent / "nowhere"))
    assert report["manuals"] == 0  # --content wins over the settings
