"""Item 3 of issue 13 (bounded work): procedure patterns, deep answers JSON, a zip bomb, a huge
section. Real files and real `python -m manualviewer` processes; no timing asserts (a hang shows
as the subprocess timeout)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from manualviewer.core.procedures.patterns import PatternTimeout, fullmatch, pattern_problem

PROCEDURE = """\
id: pattern-check
title: Pattern check
version: 1
steps:
  - id: details
    kind: input
    title: Details
    next: end
    fields:
      - name: ref
        label: Reference
        pattern: "{pattern}"
  - id: end
    kind: end
    title: Done
    note: "Reference {{ref}}"
"""


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "manualviewer", *args], capture_output=True, text=True,
                          input=stdin, timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=False)


@pytest.fixture
def library(tmp_path: Path, bundled_content: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(bundled_content / "dmbm", content / "dmbm", ignore=shutil.ignore_patterns("__pycache__"))
    return content


def add_procedure(library: Path, pattern: str) -> Path:
    path = library / "dmbm" / "procedures" / "pattern-check.yaml"
    path.write_text(PROCEDURE.format(pattern=pattern), encoding="utf-8")
    return path


def test_check_refuses_a_nested_quantifier_on_its_line(library: Path) -> None:
    path = add_procedure(library, "(a+)+$")
    done = cli("check", "--json", "--content", str(library))
    assert "Traceback" not in done.stderr, done.stderr
    errors = [e for e in json.loads(done.stdout)["errors"] if Path(e["path"]) == path]
    assert [(e["kind"], e["line"]) for e in errors] == [("unsafe-pattern", 12)]
    assert "(a+)+" in errors[0]["message"]


@pytest.mark.parametrize("pattern", ["(a+)+$", r"(\w*)*", "(a?)+", r"(?:[a-z]+\s?)+"])
def test_nested_repeats_are_refused(pattern: str) -> None:
    assert pattern_problem(pattern) is not None


@pytest.mark.parametrize("pattern", [r"[A-Z]{2}\d{6}[A-D]", r"(\d{3}-)+\d{4}", "[a-z ]*", r"\d{1,6}", "(ab|cd)+"])
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    assert pattern_problem(pattern) is None


def test_a_pattern_the_check_cannot_see_is_stopped_at_run_time(library: Path) -> None:
    """(a|a)*$ is exponential without a nested repeat: the timeout stops it, and the run says why."""
    add_procedure(library, "(a|a)*$")
    answers = json.dumps({"details": {"ref": "a" * 40 + "b"}})
    done = cli("procedure", "run", "pattern-check", "--dry-run", "--officer", "T", "--answers", "-",
               "--content", str(library), stdin=answers)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2
    assert "cannot be checked against the expected form" in done.stderr
    with pytest.raises(PatternTimeout):
        fullmatch("(a|a)*$", "a" * 40 + "b")
    assert fullmatch("(a|a)*$", "aaaa")


def test_a_100000_deep_answers_file_is_a_clear_error(library: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text('{"x": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    done = cli("procedure", "run", "dmbm-mobile-phone-on-call", "--dry-run", "--officer", "T",
               "--answers", str(answers), "--content", str(library))
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr, done.stderr
    assert done.returncode == 2
    assert "nested too deeply" in done.stderr and "100,001 levels" in done.stderr


def zip_bomb(path: Path) -> Path:
    """Ten members of 60 MB of spaces each (valid JSON whitespace, under the per-member cap):
    about 600 KB on disk."""
    import zipfile

    block = b" " * (60 * 1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for number in range(10):
            archive.writestr(f"member{number}.json", block)
    return path


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bomb.zip")
    assert bomb.stat().st_size < 1024 * 1024
    done = cli("import-govuk", str(bomb), "--out", str(tmp_path / "out"))
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1  # nothing imported
    assert "bomb.zip: error: the archive holds 10 JSON files, 629,145,600 bytes when unpacked" in done.stderr
    assert "[too-large]" in done.stderr


def test_import_exits_3_when_it_imported_but_an_input_had_an_error(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "data" / "govuk"
    src = tmp_path / "src"
    shutil.copytree(source, src)
    (src / "broken.json").write_text("{", encoding="utf-8")
    done = cli("import-govuk", str(src), "--out", str(tmp_path / "out"))
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 3
    assert "broken.json:1: error: invalid JSON" in done.stderr
    clean = cli("import-govuk", str(source), "--out", str(tmp_path / "out2"))
    assert clean.returncode == 0, clean.stderr


def test_an_integer_section_id_in_an_import_is_refused(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "data" / "govuk"
    src = tmp_path / "src"
    shutil.copytree(source, src)
    section = next(p for p in sorted(src.rglob("*.json"))
                   if isinstance(json.loads(p.read_text(encoding="utf-8")).get("details", {}).get("section_id"), str))
    data = json.loads(section.read_text(encoding="utf-8"))
    data["details"]["section_id"] = 511015
    section.write_text(json.dumps(data), encoding="utf-8")
    done = cli("import-govuk", str(src), "--out", str(tmp_path / "out"))
    assert done.returncode == 3
    expected = "error: details.section_id is the number 511015, not text; file skipped [bad-id]"
    assert f"{section.name}: {expected}" in done.stderr


def test_a_100000_deep_govuk_json_is_one_problem_and_the_rest_imports(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "data" / "govuk"
    src = tmp_path / "src"
    shutil.copytree(source, src)
    (src / "deep.json").write_text('{"details": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    done = cli("import-govuk", str(src), "--out", str(tmp_path / "out"))
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr, done.stderr
    assert done.returncode == 3  # imported, but an input had an error
    problems = [line for line in done.stderr.splitlines() if ": error: " in line]
    assert problems == [
        f"{src / 'deep.json'}: error: the file is nested too deeply to be a GOV.UK document: "
        "it nests 100,001 levels deep; the limit is 200 [bad-json]"
    ]
    assert list((tmp_path / "out").glob("*/manual.md"))  # the other files were imported


def test_show_of_a_50_mb_section_is_cut_with_a_notice(tmp_path: Path) -> None:
    manual = tmp_path / "content" / "m"
    manual.mkdir(parents=True)
    (manual / "manual.md").write_text("---\ncode: M\ntitle: M\norganisation: O\n---\n", encoding="utf-8")
    paragraph = "A long paragraph about recordings and safety. " * 20 + "\n\n"
    body = "First words.\n\n" + paragraph * (50 * 1024 * 1024 // len(paragraph)) + "Last words.\n"
    (manual / "M1.md").write_text(f"---\nsection_id: M1\ntitle: Huge\n---\n{body}", encoding="utf-8")
    done = cli("show", "M1", "--content", str(tmp_path / "content"))
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0
    assert "First words." in done.stdout and "Last words." not in done.stdout
    assert "characters are shown. Open the file to read the rest." in done.stdout
    assert f"of {len(body) - 1:,} characters" in done.stdout or f"of {len(body):,} characters" in done.stdout


def test_a_zip_of_more_files_than_the_member_cap_is_refused_before_reading(tmp_path: Path) -> None:
    import zipfile

    from manualviewer.core.content.govuk_sources import MAX_ARCHIVE_MEMBERS

    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w", compression=zipfile.ZIP_STORED) as archive:
        for number in range(MAX_ARCHIVE_MEMBERS + 1):
            archive.writestr(f"m{number}.json", b"{}")
    done = cli("import-govuk", str(many), "--out", str(tmp_path / "out"))
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1  # nothing imported
    assert f"many.zip: error: the archive holds {MAX_ARCHIVE_MEMBERS + 1:,} JSON files" in done.stderr
    assert "[too-large]" in done.stderr


def test_the_window_checklist_stops_a_runaway_pattern_and_says_why(library: Path, tmp_path: Path) -> None:
    """The window's checklist (services/checklist_session.py, what the Checklist panel calls)
    on a pattern the check cannot see: the answer is refused with the reason, the run stays."""
    from manualviewer.core.content.loader import load_library
    from manualviewer.core.procedures import AnswerError
    from manualviewer.core.settings import Settings
    from manualviewer.services.checklist_session import ChecklistSession
    from manualviewer.storage.outbox import FolderChannel
    from manualviewer.storage.stores import open_stores

    add_procedure(library, "(a|a)*$")
    loaded = load_library([library])
    stores = open_stores(tmp_path / "notes.sqlite3")
    try:
        session = ChecklistSession(stores, lambda: Settings(officer_name="T"), lambda: loaded,
                                   lambda _s: FolderChannel(tmp_path))
        assert session.start("pattern-check").run
        with pytest.raises(AnswerError, match="cannot be checked against the expected form"):
            session.answer("details", {"ref": "a" * 40 + "b"})
        assert session.run is not None and session.run.current_step.id == "details"
        session.answer("details", {"ref": "aaaa"})
        assert session.run.current_step.id == "end"
    finally:
        stores.close()
