"""`manualviewer changes` and `manualviewer diff` on a copy of the bundled library, in this test's
own user folders (conftest): the exact JSON shape, readable text, and clear not-found exits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.helpers.packs import copy_library

from manualviewer.cli import main

SECTION_FILE = Path("dmbm") / "DMBM511015.md"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return copy_library(tmp_path / "content")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def edit(content: Path, old: str, new: str) -> None:
    path = content / SECTION_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_changes_after_the_first_load_lists_nothing(capsys: pytest.CaptureFixture[str], content: Path) -> None:
    code, out, _ = run(capsys, "changes", "--content", str(content), "--json")
    assert code == 0
    assert json.loads(out) == {"since": None, "sections": []}
    code, out, _ = run(capsys, "changes", "--content", str(content))
    assert code == 0 and "No earlier version of this library is recorded here" in out


def test_changes_lists_what_changed_since_the_last_load_as_json_and_text(
        capsys: pytest.CaptureFixture[str], content: Path) -> None:
    assert run(capsys, "changes", "--content", str(content), "--json")[0] == 0
    edit(content, "status: archive-pending\n",
         "status: archive-pending\nchange_notes:\n  - date: 2026-11-20\n    note: Recording guidance reworded.\n")
    edit(content, "It is not unlawful", "It is not against the law")
    (content / "dmbm" / "DMBM511130.md").unlink()

    code, out, _ = run(capsys, "changes", "--content", str(content), "--json")

    assert code == 0
    report = json.loads(out)
    assert set(report) == {"since", "sections"}
    assert isinstance(report["since"], str) and len(report["since"]) == 16
    assert [(s["id"], s["manual"], s["change"]) for s in report["sections"]] == [
        ("DMBM511015", "DMBM", "changed"), ("DMBM511130", "DMBM", "removed")]
    assert all(set(s) == {"id", "title", "manual", "change"} for s in report["sections"])
    assert report["sections"][1]["title"].startswith("Customer contact and data security: telephone contact")

    code, out, _ = run(capsys, "changes", "--content", str(content))
    assert code == 0
    assert out.startswith("What changed since ") and ": 1 changed, 1 removed." in out.splitlines()[0]
    assert "Debt Management and Banking Manual (DMBM)" in out
    assert "  changed  DMBM511015" in out and "  removed  DMBM511130" in out
    assert "2026-11-20  DMBM511015: Recording guidance reworded." in out

    # --since the version named in the JSON: the same answer; an unknown one is a clear error.
    code, out, _ = run(capsys, "changes", "--content", str(content), "--json", "--since", report["since"])
    assert code == 0 and json.loads(out) == report
    code, out, err = run(capsys, "changes", "--content", str(content), "--since", "2001-02-03")
    assert code == 2 and out == ""
    assert "no library version '2001-02-03' is recorded here" in err


def test_diff_prints_the_changed_words(capsys: pytest.CaptureFixture[str], content: Path) -> None:
    assert run(capsys, "changes", "--content", str(content))[0] == 0
    edit(content, "It is not unlawful", "It is not against the law")

    code, out, _ = run(capsys, "diff", "dmbm 511015", "--content", str(content))

    assert code == 0
    assert out.startswith("DMBM511015 Customer contact")
    assert "It is not [-unlawful-]{+against the law+} for an individual" in out
    assert "Dealing with a customer recording sent to HMRC" not in out  # far from the change: left out


def test_diff_of_an_unknown_section_or_one_never_changed_says_so(
        capsys: pytest.CaptureFixture[str], content: Path) -> None:
    code, out, err = run(capsys, "diff", "DMBM5110", "--content", str(content))
    assert code == 2 and out == ""
    assert "no section DMBM5110 in this library. Did you mean" in err
    code, out, err = run(capsys, "diff", "DMBM511130", "--content", str(content))
    assert code == 2 and out == ""
    assert "no earlier text of DMBM511130 that differs from the current one" in err
    code, out, err = run(capsys, "diff", "DMBM511130", "--content", str(content), "--from", "abcdef12")
    assert code == 2 and "no kept text of DMBM511130 has a content hash starting 'abcdef12'" in err


def test_diff_of_a_title_and_status_change_shows_them_not_no_change(
        capsys: pytest.CaptureFixture[str], content: Path) -> None:
    assert run(capsys, "changes", "--content", str(content))[0] == 0
    edit(content, "customer tells the member of staff they are being recorded",
         "customer says they are recording the call")
    edit(content, "status: archive-pending\n", "status: archived\n")

    code, out, _ = run(capsys, "diff", "DMBM511015", "--content", str(content))

    assert code == 0
    lines = out.splitlines()
    title = next(line for line in lines if line.startswith("Title: "))
    assert title.endswith("customer [-tells the member of staff-]{+says+} they are [-being recorded-]"
                          "{+recording the call+}")
    assert "The status changed from archive-pending to archived." in lines
    assert lines[-1] == "The text itself is the same."
    assert "No change in the text" not in out
