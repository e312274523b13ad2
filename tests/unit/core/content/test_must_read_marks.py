"""Must-read marks: a section's `must_read_by`, a manual's `must_read` list, and their problems."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from manualviewer.core.content.loader import load_library, open_snapshot
from manualviewer.core.content.must_read import check_library, due_dates
from manualviewer.core.problems import Severity


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def manual(extra: str = "") -> str:
    return f"---\ncode: TEST\ntitle: Test Manual\norganisation: Test Org\n{extra}---\nIntro.\n"


def section(section_id: str, extra: str = "", body: str = "Body.") -> str:
    return f"---\nsection_id: {section_id}\ntitle: Title of {section_id}\n{extra}---\n{body}\n"


def test_a_sections_must_read_by_is_its_due_date(tmp_path: Path) -> None:
    write(tmp_path, "test/manual.md", manual())
    write(tmp_path, "test/TEST100.md", section("TEST100", "must_read_by: 2026-12-31\n"))
    write(tmp_path, "test/TEST200.md", section("TEST200"))
    library = load_library([tmp_path])
    assert library.problems == []
    assert library.sections["TEST100"].must_read_by == dt.date(2026, 12, 31)
    assert due_dates(library) == {"TEST100": dt.date(2026, 12, 31)}


def test_a_bad_date_is_one_problem_on_its_line_and_the_section_still_loads(tmp_path: Path) -> None:
    write(tmp_path, "test/manual.md", manual())
    path = write(tmp_path, "test/TEST100.md", section("TEST100", "owner: Team\nmust_read_by: 2026-02-30\n"))
    library = load_library([tmp_path])
    assert [(p.kind, p.path, p.line, p.severity) for p in library.problems] == [
        ("bad-value", path, 5, Severity.ERROR)]
    assert "must_read_by" in library.problems[0].message and "2026-02-30" in library.problems[0].message
    assert "TEST100" in library.sections
    assert library.sections["TEST100"].must_read_by is None
    assert due_dates(library) == {}


def test_moving_a_deadline_does_not_change_the_content_hash(tmp_path: Path) -> None:
    write(tmp_path, "test/manual.md", manual())
    path = write(tmp_path, "test/TEST100.md", section("TEST100", "must_read_by: 2026-12-31\n"))
    first = load_library([tmp_path]).sections["TEST100"].content_hash
    path.write_text(section("TEST100", "must_read_by: 2027-01-31\n"), encoding="utf-8")
    assert load_library([tmp_path]).sections["TEST100"].content_hash == first
    path.write_text(section("TEST100", "must_read_by: 2027-01-31\n", body="New words."), encoding="utf-8")
    assert load_library([tmp_path]).sections["TEST100"].content_hash != first


def test_a_manuals_must_read_list_marks_many_sections_and_a_sections_own_date_wins(tmp_path: Path) -> None:
    write(tmp_path, "test/manual.md", manual(
        "must_read:\n  - by: 2026-12-31\n    sections: [TEST100, test 200]\n"
        "  - by: 2026-11-30\n    sections: [TEST300]\n"))
    for sid in ("TEST100", "TEST200"):
        write(tmp_path, f"test/{sid}.md", section(sid))
    write(tmp_path, "test/TEST300.md", section("TEST300", "must_read_by: 2027-03-01\n"))
    write(tmp_path, "test/TEST400.md", section("TEST400", "status: withdrawn\nmust_read_by: 2026-10-01\n"))
    library = load_library([tmp_path])
    assert library.problems == []
    assert due_dates(library) == {"TEST100": dt.date(2026, 12, 31), "TEST200": dt.date(2026, 12, 31),
                                  "TEST300": dt.date(2027, 3, 1)}
    assert check_library(library) == []


def test_bad_manual_entries_are_problems_and_the_manual_still_loads(tmp_path: Path) -> None:
    path = write(tmp_path, "test/manual.md", manual(
        "must_read:\n  - by: someday\n    sections: [TEST100]\n  - sections: [TEST100]\n"
        "  - by: 2026-12-31\n    sections: [TEST100, TEST999]\n"))
    write(tmp_path, "test/TEST100.md", section("TEST100"))
    library = load_library([tmp_path])
    assert "TEST" in library.manuals and "TEST100" in library.sections
    assert [(p.kind, p.path, p.line) for p in library.problems] == [
        ("bad-value", path, 5), ("missing-field", path, 5)]
    assert due_dates(library) == {"TEST100": dt.date(2026, 12, 31)}
    unknown = check_library(library)
    assert [(p.kind, p.path, p.line, p.severity) for p in unknown] == [
        ("unknown-section", path, 5, Severity.WARNING)]
    assert "TEST999" in unknown[0].message


def test_must_read_marks_survive_the_snapshot(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write(content, "test/manual.md", manual())
    write(content, "test/TEST100.md", section("TEST100", "must_read_by: 2026-12-31\n"))
    cache = tmp_path / "cache" / "files.pickle"
    load_library([content], cache_file=cache)
    reopened = open_snapshot(cache)
    assert reopened is not None
    assert due_dates(reopened) == {"TEST100": dt.date(2026, 12, 31)}
