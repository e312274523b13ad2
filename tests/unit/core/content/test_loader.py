from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from manualviewer.core.content.loader import load_library
from manualviewer.core.model import Status
from manualviewer.core.problems import Severity

MANUAL = """---
code: TEST
title: Test Manual
organisation: Test Org
---
Introduction.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def section(section_id: str, body: str = "Body.", **meta: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in meta.items())
    return f"---\nsection_id: {section_id}\ntitle: Title of {section_id}\n{extra}---\n{body}\n"


@pytest.fixture
def lib_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    write(root, "test/manual.md", MANUAL)
    return root


def test_loads_sections_with_metadata(lib_dir: Path) -> None:
    write(lib_dir, "test/TEST100.md", section("TEST100", status="archive-pending", archive_date="2024-04-30"))
    write(lib_dir, "test/TEST110.md", section("TEST110", parent="TEST100", aliases="[TEST099]"))
    library = load_library([lib_dir])
    assert library.errors == []
    s = library.get("test 100")
    assert s is not None and s.status is Status.ARCHIVE_PENDING
    assert s.archive_date == dt.date(2024, 4, 30)
    assert s.is_past_archive_date(dt.date(2024, 5, 1))
    assert not s.is_past_archive_date(dt.date(2024, 4, 1))
    assert library.breadcrumbs("TEST110") == ("TEST100",)
    assert library.children("TEST", None) == ("TEST100",)
    assert library.children("TEST", "TEST100") == ("TEST110",)
    assert library.resolve("test099") == "TEST110"


def test_bad_yaml_reports_file_and_line_and_rest_loads(lib_dir: Path) -> None:
    bad = write(lib_dir, "test/TEST200.md", "---\nsection_id: TEST200\ntitle: [unclosed\n---\nBody\n")
    write(lib_dir, "test/TEST100.md", section("TEST100"))
    library = load_library([lib_dir])
    assert list(library.sections) == ["TEST100"]
    (problem,) = library.errors
    assert problem.path == bad and problem.kind == "bad-yaml"
    assert problem.line in (3, 4)


def test_missing_fields_and_unknown_keys(lib_dir: Path) -> None:
    write(lib_dir, "test/TEST300.md", "---\ntitle: No id\n---\nBody\n")
    write(lib_dir, "test/TEST301.md", "---\nsection_id: TEST301\n---\nBody\n")
    write(lib_dir, "test/TEST302.md", "---\nsection_id: TEST302\ntitle: T\ncolour: red\n---\nBody\n")
    library = load_library([lib_dir])
    assert sorted(p.kind for p in library.errors) == ["missing-field", "missing-field"]
    (warning,) = [p for p in library.warnings if p.kind == "unknown-key"]
    assert warning.line == 4 and "colour" in warning.message
    assert list(library.sections) == ["TEST302"]


def test_duplicate_id_skips_second_file(lib_dir: Path) -> None:
    write(lib_dir, "test/TEST100.md", section("TEST100"))
    dup = write(lib_dir, "test/TEST100b.md", section("TEST100"))
    library = load_library([lib_dir])
    (problem,) = [p for p in library.errors if p.kind == "duplicate-id"]
    assert problem.path == dup and problem.line == 2


def test_bad_status_and_date(lib_dir: Path) -> None:
    write(lib_dir, "test/TEST100.md", section("TEST100", status="gone"))
    write(lib_dir, "test/TEST101.md", section("TEST101", review_by="next week"))
    library = load_library([lib_dir])
    assert {(p.kind, p.line) for p in library.errors} == {("bad-value", 4)}
    assert len(library.errors) == 2
    assert library.sections == {}


def test_parent_cycle_is_an_error_and_breaks_the_cycle(lib_dir: Path) -> None:
    write(lib_dir, "test/TEST100.md", section("TEST100", parent="TEST101"))
    write(lib_dir, "test/TEST101.md", section("TEST101", parent="TEST100"))
    library = load_library([lib_dir])
    assert [p.kind for p in library.errors] == ["parent-cycle"]
    assert library.errors[0].line == 4
    assert len(library.sections) == 2
    assert library.breadcrumbs("TEST100") in ((), ("TEST101",))


def test_links_resolved_unresolved_and_backlinks(lib_dir: Path) -> None:
    write(lib_dir, "test/TEST100.md", section("TEST100", body="See TEST101 and TEST999.\n\nAgain TEST101."))
    write(lib_dir, "test/TEST101.md", section("TEST101", body="Back to TEST100."))
    library = load_library([lib_dir])
    counts = library.link_counts()
    assert (counts.total, counts.resolved, counts.unresolved) == (3, 2, 1)
    assert library.backlinks("TEST101") == ("TEST100",)
    (warning,) = [p for p in library.warnings if p.kind == "unresolved-link"]
    assert warning.severity is Severity.WARNING and "TEST999" in warning.message
    assert warning.line == 5  # the body starts on line 5 of the file
    assert library.errors == []


def test_missing_parent_is_a_warning_and_section_is_top_level(lib_dir: Path) -> None:
    write(lib_dir, "test/TEST110.md", section("TEST110", parent="TEST100"))
    library = load_library([lib_dir])
    assert [p.kind for p in library.warnings] == ["missing-parent"]
    assert library.children("TEST", None) == ("TEST110",)


def test_bad_manual_skips_its_sections_only(tmp_path: Path) -> None:
    root = tmp_path / "content"
    write(root, "good/manual.md", MANUAL)
    write(root, "good/TEST100.md", section("TEST100"))
    write(root, "bad/manual.md", "---\ntitle: no code\n---\n")
    write(root, "bad/BAD100.md", section("BAD100"))
    library = load_library([root, tmp_path / "nowhere"])
    assert list(library.sections) == ["TEST100"]
    assert {p.kind for p in library.errors} == {"missing-field", "missing-folder"}


def test_not_utf8_is_reported(lib_dir: Path) -> None:
    (lib_dir / "test" / "TEST100.md").write_bytes(b"---\nsection_id: TEST100\ntitle: \xff\n---\n")
    library = load_library([lib_dir])
    assert [p.kind for p in library.errors] == ["bad-encoding"]


def test_cached_lazy_load_reads_only_changed_files(lib_dir: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from manualviewer.core.content import loader

    write(lib_dir, "test/TEST100.md", section("TEST100", body="First body, see TEST101."))
    second = write(lib_dir, "test/TEST101.md", section("TEST101", body="Second body."))
    cache = tmp_path / "cache" / "library.pickle"
    first = load_library([lib_dir], cache_file=cache)
    assert cache.exists() and oct(cache.stat().st_mode & 0o777) == "0o600"
    s = first.get("TEST100")
    assert s is not None and s.body == ""  # not kept in memory
    assert first.body_of(s).strip() == "First body, see TEST101."
    assert first.backlinks("TEST101") == ("TEST100",)

    parsed: list[Path] = []
    real = loader.read_document
    # manual.md files are few and always read; section files come from the cache.
    monkeypatch.setattr(loader, "read_document", lambda p: (p.name != "manual.md" and parsed.append(p)) or real(p))
    again = load_library([lib_dir], cache_file=cache)
    assert parsed == [] and set(again.sections) == {"TEST100", "TEST101"}
    assert again.backlinks("TEST101") == ("TEST100",)

    second.write_text(section("TEST101", body="Changed body, back to TEST100."), encoding="utf-8")
    os.utime(second, ns=(second.stat().st_atime_ns, second.stat().st_mtime_ns + 1_000_000))
    (lib_dir / "test" / "TEST100.md").unlink()
    third = load_library([lib_dir], cache_file=cache)
    assert parsed == [second]
    assert set(third.sections) == {"TEST101"}
    assert "Changed body" in third.body_of(third.sections["TEST101"])
    assert [p.kind for p in third.warnings] == ["unresolved-link"]


def test_a_damaged_cache_is_only_a_slower_start(lib_dir: Path, tmp_path: Path) -> None:
    write(lib_dir, "test/TEST100.md", section("TEST100"))
    cache = tmp_path / "library.pickle"
    cache.write_bytes(b"not a pickle")
    library = load_library([lib_dir], cache_file=cache)
    assert list(library.sections) == ["TEST100"]
    assert load_library([lib_dir], cache_file=cache).sections.keys() == {"TEST100"}


def test_cached_problems_are_reported_again(lib_dir: Path, tmp_path: Path) -> None:
    write(lib_dir, "test/TEST100.md", section("TEST100", colour="red"))
    write(lib_dir, "test/TEST200.md", "---\nsection_id: TEST200\ntitle: [x\n---\n")
    cache = tmp_path / "library.pickle"
    first = load_library([lib_dir], cache_file=cache)
    again = load_library([lib_dir], cache_file=cache)
    assert [str(p) for p in again.problems] == [str(p) for p in first.problems]
    assert {p.kind for p in again.problems} == {"unknown-key", "bad-yaml"}


def test_parallel_parse_gives_the_same_library(lib_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from manualviewer.core.content import loader

    for n in range(40):
        body = f"See TEST{(n + 1) % 40:03d}.\n\n{{procedure:p-{n}}}"
        write(lib_dir, f"test/TEST{n:03d}.md", section(f"TEST{n:03d}", body=body))
    write(lib_dir, "test/TEST900.md", "---\nsection_id: TEST900\ntitle: [x\n---\n")
    serial = load_library([lib_dir])
    monkeypatch.setattr(loader, "PARALLEL_FROM", 10)
    parallel = load_library([lib_dir], workers=2, keep_bodies=False)
    assert parallel.sections.keys() == serial.sections.keys()
    assert parallel.links == serial.links
    assert parallel.embeds == serial.embeds and parallel.embeds["TEST005"] == (("p-5", 7),)
    assert [str(p) for p in parallel.problems] == [str(p) for p in serial.problems]
    assert parallel.body_of(parallel.sections["TEST001"]).startswith("See TEST002.")


def test_snapshot_opens_the_same_library_without_reading_files(lib_dir: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from manualviewer.core.content import loader
    from manualviewer.core.content.loader import content_fingerprint, open_snapshot

    write(lib_dir, "test/TEST100.md", section("TEST100", body="See TEST110 and TEST999."))
    write(lib_dir, "test/TEST110.md", section("TEST110", parent="TEST100", aliases="[TEST099]"))
    cache = tmp_path / "cache.pickle"
    loaded = load_library([lib_dir], cache_file=cache)
    assert loaded.fingerprint == content_fingerprint([lib_dir])

    monkeypatch.setattr(loader, "read_document", lambda p: pytest.fail(f"read {p}"))
    snap = open_snapshot(cache)
    assert snap is not None
    assert snap.fingerprint == loaded.fingerprint
    assert set(snap.sections) == {"TEST100", "TEST110"}
    assert snap.get("test099") == loaded.get("TEST110")
    assert snap.children("TEST", "TEST100") == ("TEST110",)
    assert snap.breadcrumbs("TEST110") == ("TEST100",)
    assert snap.backlinks("TEST110") == ("TEST100",)
    # White box on purpose: that the snapshot's links stay pickled (its backlinks come from its own
    # table) is a matter of start-up time, which no public call shows.
    assert snap._links is None  # the snapshot's own backlinks: every link is not unpickled for them
    assert snap.link_counts() == loaded.link_counts()
    assert [str(p) for p in snap.problems] == [str(p) for p in loaded.problems]
    monkeypatch.undo()
    assert snap.body_of(snap.sections["TEST100"]).strip() == "See TEST110 and TEST999."

    changed = lib_dir / "test" / "TEST110.md"
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 1_000_000))
    assert content_fingerprint([lib_dir]) != snap.fingerprint


def test_snapshot_backlinks_in_chunks_and_in_one_older_blob(lib_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    from manualviewer.core.content import library as library_module
    from manualviewer.core.content.library import Library

    write(lib_dir, "test/TEST100.md", section("TEST100", body="See TEST110, TEST120 and TEST130."))
    for sid in ("TEST110", "TEST120", "TEST130"):
        write(lib_dir, f"test/{sid}.md", section(sid, parent="TEST100", body="Back to TEST100."))
    loaded = load_library([lib_dir])
    expected = {sid: loaded.backlinks(sid) for sid in ("TEST100", "TEST110", "TEST120", "TEST130")}
    assert expected["TEST110"] == ("TEST100",) and expected["TEST100"] == ("TEST110", "TEST120", "TEST130")

    monkeypatch.setattr(library_module, "PICKLE_CHUNK", 1)
    data = loaded.snapshot()
    assert len(data["backlinks"]) == 4  # one chunk per target
    chunked = Library.from_snapshot(data)
    assert {sid: chunked.backlinks(sid) for sid in expected} == expected

    older = Library.from_snapshot({**data, "backlinks": pickle.dumps(dict(loaded.prepare_backlinks()))})
    assert {sid: older.backlinks(sid) for sid in expected} == expected


def test_no_snapshot_or_a_damaged_one_is_none(tmp_path: Path) -> None:
    from manualviewer.core.content.loader import open_snapshot, snapshot_path

    cache = tmp_path / "cache.pickle"
    assert open_snapshot(cache) is None
    snapshot_path(cache).write_bytes(b"garbage")
    assert open_snapshot(cache) is None


def test_a_section_below_a_loop_is_not_itself_in_the_loop(lib_dir: Path) -> None:
    write(lib_dir, "test/TEST100.md", section("TEST100", parent="TEST101"))
    write(lib_dir, "test/TEST101.md", section("TEST101", parent="TEST102"))
    write(lib_dir, "test/TEST102.md", section("TEST102", parent="TEST101"))
    library = load_library([lib_dir])
    cycle = [p for p in library.errors if p.kind == "parent-cycle"]
    assert [p.path.name for p in cycle] == ["TEST101.md"]
    s = library.get("TEST100")
    assert s is not None and s.parent == "TEST101"


def test_a_renamed_manual_changes_its_sections_hashes_so_the_index_takes_the_new_code(
        lib_dir: Path, tmp_path: Path) -> None:
    from manualviewer.core.search.library_index import ensure_library
    from manualviewer.core.search.whoosh_index import WhooshIndex

    write(lib_dir, "test/TEST100.md", section("TEST100", body="Garnishee orders."))
    index = WhooshIndex(tmp_path / "ix")
    ensure_library(index, load_library([lib_dir]))
    assert [h.manual for h in index.search("garnishee").hits] == ["TEST"]
    write(lib_dir, "test/manual.md", MANUAL.replace("code: TEST", "code: RENAMED"))
    renamed = load_library([lib_dir])
    assert renamed.get("TEST100") is not None and renamed.get("TEST100").manual == "RENAMED"  # type: ignore[union-attr]
    ensure_library(index, renamed)
    assert [h.manual for h in index.search("garnishee", manual="RENAMED").hits] == ["RENAMED"]
    assert index.search("garnishee", manual="TEST").hits == ()
    index.close()


def test_aliases_that_look_like_numbers_stay_the_text_written(lib_dir: Path) -> None:
    # YAML 1.1 would read 0041 as 33 (octal), 1_000 as 1000, 1:30 as 90 (base 60), yes as True.
    write(lib_dir, "test/TEST100.md", section("TEST100", aliases="[0041, 1_000, '0042', 1:30, yes, 1.50]",
                                              procedures="[0099]"))
    library = load_library([lib_dir])
    assert library.errors == []
    s = library.sections["TEST100"]
    assert s.aliases == ("0041", "1_000", "0042", "1:30", "YES", "1.50")
    assert s.procedures == ("0099",)
    assert library.resolve("0041") == "TEST100" and library.resolve("33") is None
    assert library.resolve("1_000") == "TEST100" and library.resolve("1000") is None


def test_a_single_alias_that_looks_like_a_number_stays_the_text_written(lib_dir: Path) -> None:
    write(lib_dir, "test/TEST100.md", section("TEST100", aliases="0041"))
    assert load_library([lib_dir]).sections["TEST100"].aliases == ("0041",)


@pytest.mark.parametrize("aliases", ["[~]", "[TEST099, [TEST098]]", "{a: b}", "[TEST099, {a: b}]"])
def test_aliases_that_are_not_text_are_one_problem_on_their_line(lib_dir: Path, aliases: str) -> None:
    path = write(lib_dir, "test/TEST100.md", section("TEST100", aliases=aliases))
    write(lib_dir, "test/TEST200.md", section("TEST200"))
    library = load_library([lib_dir])
    assert [(p.kind, p.path, p.line, p.message) for p in library.errors] == [
        ("bad-value", path, 4, "aliases must be a list of text values")]
    assert list(library.sections) == ["TEST200"]


def test_free_text_fields_that_look_like_numbers_stay_the_text_written(tmp_path: Path) -> None:
    root = tmp_path / "content"
    write(root, "test/manual.md", MANUAL.replace("---\nIntro", "summary: 0041\nlicence: 1_000\n---\nIntro"))
    write(root, "test/TEST100.md", section("TEST100", owner="0041", summary="1:30"))
    library = load_library([root])
    assert library.errors == []
    manual = library.manuals["TEST"]
    assert (manual.summary, manual.licence) == ("0041", "1_000")
    s = library.sections["TEST100"]
    assert (s.owner, s.summary) == ("0041", "1:30")


def test_a_manual_md_that_links_to_nothing_is_reported_and_the_other_manuals_load(lib_dir: Path,
                                                                                   tmp_path: Path) -> None:
    write(lib_dir, "test/TEST100.md", section("TEST100"))
    gone = lib_dir / "gone" / "manual.md"
    gone.parent.mkdir()
    gone.symlink_to(tmp_path / "moved" / "manual.md")
    library = load_library([lib_dir])
    assert list(library.sections) == ["TEST100"]
    assert [(p.kind, p.path, p.message) for p in library.errors] == [
        ("dangling-link", gone, f"the file is a link to {tmp_path / 'moved' / 'manual.md'}, which does not exist")]


def test_change_notes_and_titles_that_look_like_numbers_stay_the_text_written(tmp_path: Path) -> None:
    root = tmp_path / "content"
    write(root, "test/manual.md", MANUAL.replace("title: Test Manual", "title: 2024"))
    write(root, "test/TEST100.md", "---\nsection_id: TEST100\ntitle: 1984\nchange_notes:\n"
          "  - date: 2024-05-01\n    note: 0041\n  - note: 1_000\n  - note: '0042'\n  - note: 1:30\n"
          "  - note: yes\n  - note: 1.50\n---\nBody.\n")
    write(root, "test/TEST101.md", "---\nsection_id: TEST101\ntitle: 0041\n---\nBody.\n")
    library = load_library([root])
    assert library.errors == []
    s = library.sections["TEST100"]
    assert s.title == "1984"
    assert [n.note for n in s.change_notes] == ["0041", "1_000", "0042", "1:30", "yes", "1.50"]
    assert s.change_notes[0].date == dt.date(2024, 5, 1)
    assert library.sections["TEST101"].title == "0041"
    assert library.manuals["TEST"].title == "2024"


def test_a_title_that_is_a_list_or_empty_is_still_a_missing_title(lib_dir: Path) -> None:
    write(lib_dir, "test/TEST100.md", "---\nsection_id: TEST100\ntitle: [a, b]\n---\nBody.\n")
    write(lib_dir, "test/TEST101.md", "---\nsection_id: TEST101\ntitle:\n---\nBody.\n")
    library = load_library([lib_dir])
    assert sorted((p.path.name, p.message) for p in library.errors) == [
        ("TEST100.md", "section needs 'title' (text)"), ("TEST101.md", "section needs 'title' (text)")]
