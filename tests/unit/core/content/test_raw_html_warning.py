"""`manualviewer check` warns (file:line) about raw HTML left in a section body."""

from __future__ import annotations

from pathlib import Path

from manualviewer.cli import main
from manualviewer.core.content.loader import load_library
from manualviewer.core.problems import Severity

MANUAL = "---\ncode: TEST\ntitle: Test Manual\norganisation: Test Org\n---\nIntroduction.\n"
BODY = (
    "Text.\n"  # body line 1 = file line 5
    "\n"
    "<table><tr><td>1</td></tr></table>\n"
    "Write `<td>` and <employee name> freely.\n"
    "```\n<p>in code</p>\n```\n"
    "Line with a<br/>break.\n"
)


def make(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "test").mkdir(parents=True)
    (root / "test" / "manual.md").write_text(MANUAL, encoding="utf-8")
    (root / "test" / "TEST100.md").write_text(f"---\nsection_id: TEST100\ntitle: T\n---\n{BODY}", encoding="utf-8")
    return root


def test_raw_html_is_a_warning_with_its_line(tmp_path: Path) -> None:
    library = load_library([make(tmp_path)])
    found = [(p.line, p.severity) for p in library.problems if p.kind == "raw-html"]
    assert found == [(7, Severity.WARNING), (12, Severity.WARNING)]  # not the code span, fence or <employee name>
    assert library.errors == []


def test_check_reports_it_without_failing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["check", "--content", str(make(tmp_path))]) == 0
    output = capsys.readouterr().out
    assert "TEST100.md:7" in output and "raw HTML <table>" in output
