"""Incremental updates from content hashes, reopening, rebuilding damaged or stale indexes."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

from manualviewer.core.model import Section
from manualviewer.core.search import whoosh_index
from manualviewer.core.search.protocol import SearchIndex, section_hash
from manualviewer.core.search.whoosh_index import VERSION_FILE, WhooshIndex


def edited(section: Section, body: str) -> Section:
    return dataclasses.replace(section, body=body, content_hash="")


def test_whoosh_index_is_a_search_index(index: WhooshIndex) -> None:
    assert isinstance(index, WhooshIndex)
    typed: SearchIndex = index  # the static check is in whoosh_index (mypy --strict)
    assert typed.search("payment").hits


def test_first_ensure_builds(tmp_path: Path, sections: list[Section]) -> None:
    ix = WhooshIndex(tmp_path / "ix")
    seen: list[tuple[int, int]] = []
    stats = ix.ensure(sections, progress=lambda done, total: seen.append((done, total)))
    assert stats.rebuilt and stats.added == len(sections)
    assert seen[-1] == (len(sections), len(sections))
    ix.close()


def test_unchanged_library_changes_nothing(index: WhooshIndex, sections: list[Section]) -> None:
    stats = index.update(sections)
    assert (stats.added, stats.updated, stats.removed, stats.rebuilt) == (0, 0, 0, False)


def test_one_changed_section_is_reindexed(index: WhooshIndex, sections: list[Section]) -> None:
    changed = [edited(s, "Now about a garnishee order.") if s.id == "DMBM511020" else s for s in sections]
    stats = index.update(changed)
    assert (stats.added, stats.updated, stats.removed) == (0, 1, 0)
    assert [h.id for h in index.search("garnishee").hits] == ["DMBM511020"]
    assert index.search("month").hits == ()  # the old text is gone


def test_removed_and_added_sections(index: WhooshIndex, sections: list[Section], make_section) -> None:  # type: ignore[no-untyped-def]
    kept = [s for s in sections if s.id != "DMBM511030"]
    stats = index.update([*kept, make_section("DMBM511050", "Write-offs", "When a debt is written off.")])
    assert (stats.added, stats.updated, stats.removed) == (1, 0, 1)
    assert "DMBM511030" not in [h.id for h in index.search("overpayment").hits]
    assert [h.id for h in index.search("written off").hits] == ["DMBM511050"]


def test_index_survives_reopen(tmp_path: Path, sections: list[Section]) -> None:
    path = tmp_path / "ix"
    first = WhooshIndex(path)
    first.ensure(sections)
    first.update([edited(s, "Now about a garnishee order.") if s.id == "DMBM511020" else s for s in sections])
    first.close()
    again = WhooshIndex(path)
    assert again.open()
    assert [h.id for h in again.search("garnishee").hits] == ["DMBM511020"]
    stats = again.ensure([edited(s, "Now about a garnishee order.") if s.id == "DMBM511020" else s
                          for s in sections])
    assert (stats.added, stats.updated, stats.removed, stats.rebuilt) == (0, 0, 0, False)
    again.close()


def test_many_updates_keep_results_right(index: WhooshIndex, sections: list[Section]) -> None:
    current = list(sections)
    for n in range(6):
        current = [edited(s, f"Revision number{n} of the text.") if s.id == "DMBM511015" else s
                   for s in current]
        assert index.update(current).updated == 1
    assert [h.id for h in index.search("number5").hits] == ["DMBM511015"]
    assert index.search("number4").hits == ()
    assert index.segment_count() <= 2


def test_hash_computed_when_the_loader_gave_none(sections: list[Section]) -> None:
    s = sections[0]
    assert s.content_hash == ""
    assert section_hash(s) == section_hash(dataclasses.replace(s))
    assert section_hash(s) != section_hash(edited(s, "other"))
    assert section_hash(dataclasses.replace(s, content_hash="abc")) == "abc"


def test_corrupt_index_is_rebuilt(tmp_path: Path, sections: list[Section]) -> None:
    path = tmp_path / "ix"
    WhooshIndex(path).ensure(sections)
    for f in path.iterdir():
        if f.is_file() and f.name != VERSION_FILE:
            f.write_bytes(b"\x00garbage" * 100)
    ix = WhooshIndex(path)
    assert ix.search("payment").hits == ()  # broken: empty, no exception
    stats = ix.ensure(sections)
    assert stats.rebuilt
    assert ix.search("payment").hits
    ix.close()


def test_truncated_segment_file_is_rebuilt(tmp_path: Path, sections: list[Section]) -> None:
    path = tmp_path / "ix"
    WhooshIndex(path).ensure(sections)
    for f in path.glob("*.trm"):
        f.write_bytes(f.read_bytes()[:10])
    ix = WhooshIndex(path)
    assert ix.ensure(sections).rebuilt
    assert ix.search("payment").hits
    ix.close()


def test_schema_version_change_rebuilds(tmp_path: Path, sections: list[Section], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ix"
    WhooshIndex(path).ensure(sections)
    assert not WhooshIndex(path).ensure(sections).rebuilt
    monkeypatch.setattr(whoosh_index, "SCHEMA_VERSION", "999")
    ix = WhooshIndex(path)
    assert not ix.open()
    assert ix.ensure(sections).rebuilt
    assert (path / VERSION_FILE).read_text().strip() == "999"
    ix.close()


def test_missing_version_file_rebuilds(tmp_path: Path, sections: list[Section]) -> None:
    path = tmp_path / "ix"
    WhooshIndex(path).ensure(sections)
    (path / VERSION_FILE).unlink()
    assert WhooshIndex(path).ensure(sections).rebuilt


def test_searches_answer_from_the_old_index_while_a_build_runs(
        index: WhooshIndex, sections: list[Section], make_section) -> None:  # type: ignore[no-untyped-def]
    started, release = threading.Event(), threading.Event()

    def progress(done: int, total: int) -> None:
        if done < total and not started.is_set():
            started.set()
            assert release.wait(10)

    new = [*sections, make_section("DMBM511060", "Garnishee orders", "Orders to third parties.")]
    worker = threading.Thread(target=index.build, args=(new, progress))
    worker.start()
    assert started.wait(10)
    try:
        assert index.search("employer returns").hits[0].id == "PAYE100000"
        assert index.search("garnishee").hits == ()
    finally:
        release.set()
        worker.join(10)
    assert [h.id for h in index.search("garnishee").hits] == ["DMBM511060"]


def test_replaced_section_in_a_second_segment_is_found_once(tmp_path: Path, make_section) -> None:  # type: ignore[no-untyped-def]
    # Large enough that one change does not rewrite the big segment: old copy marked deleted.
    library = [make_section(f"DMBM{100 + i}", f"Topic {i}", f"Shared words and number{i}.") for i in range(40)]
    ix = WhooshIndex(tmp_path / "ix")
    ix.build(library)
    library[7] = edited(library[7], "Shared words, and now a garnishee.")
    assert ix.update(library).updated == 1
    assert ix.segment_count() == 2
    assert [h.id for h in ix.search("garnishee").hits] == ["DMBM107"]
    assert ix.search("number7").hits == ()
    assert len(ix.search("shared", limit=100).hits) == 40
    ix.close()


def test_bodies_left_on_disk_are_read_for_indexing(tmp_path: Path, make_section) -> None:  # type: ignore[no-untyped-def]
    # A large library keeps bodies on disk (Section.body == ""): the index reads them itself.
    path = tmp_path / "DMBM1.md"
    path.write_text("---\nsection_id: DMBM1\ntitle: Lazy\n---\n\nThe garnishee text.\n", encoding="utf-8")
    lazy = dataclasses.replace(make_section("DMBM1", "Lazy", ""), path=path, body_line=5, content_hash="h1")
    ix = WhooshIndex(tmp_path / "ix")
    ix.ensure([lazy])
    assert [h.id for h in ix.search("garnishee").hits] == ["DMBM1"]
    ix.build([lazy], body_of=lambda s: "Given by the library: a tribunal.")
    assert [h.id for h in ix.search("tribunal").hits] == ["DMBM1"]
    ix.close()


def test_failure_inside_a_search_rebuilds_at_next_ensure(index: WhooshIndex, sections: list[Section],
                                                        monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from manualviewer.core.search import executor

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("damaged postings")

    with monkeypatch.context() as m:
        m.setattr(executor.Executor, "run", broken)
        assert index.search("payment").hits == ()
    assert index.ensure(sections).rebuilt
    assert index.search("payment").hits
    assert not index.ensure(sections).rebuilt


def test_another_writer_makes_update_busy_not_broken(tmp_path: Path, sections: list[Section],
                                                      monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ix"
    ix = WhooshIndex(path)
    ix.ensure(sections)
    from whoosh import index as whoosh_store

    # Another process's writer, as `ix` sees it: Whoosh's own, holding the index's write lock.
    held = whoosh_store.open_dir(str(path), indexname=whoosh_index.INDEX_NAME).writer()
    monkeypatch.setattr(whoosh_index, "WRITE_TIMEOUT", 0.05)
    try:
        with pytest.raises(whoosh_index.IndexBusyError):
            ix.ensure([edited(s, "changed") if s.id == "DMBM511015" else s for s in sections])
        assert ix.search("employer returns").hits  # still searchable
    finally:
        held.cancel()
    assert ix.ensure([edited(s, "changed") if s.id == "DMBM511015" else s for s in sections]).updated == 1
    ix.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir()) if f.is_file() and "LOCK" not in f.name}


def test_the_same_sections_give_the_same_index_files_and_each_commit_a_new_segment(
        tmp_path: Path, sections: list[Section]) -> None:
    # Content packs are published by file hash: Whoosh's random segment names made every build differ.
    for name in ("a", "b"):
        ix = WhooshIndex(tmp_path / name)
        ix.build(sections)
        ix.update([edited(sections[0], "Zakat is paid in arrears."), *sections[1:]])
        ix.close()
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    ix = WhooshIndex(tmp_path / "a")
    names = _segments(tmp_path / "a")
    ix.compact()  # the same sections again, a later generation: a new name, no file overwritten
    after = _segments(tmp_path / "a")
    assert len(after) == 1 and not after & names
    assert [h.id for h in ix.search("zakat").hits] == [sections[0].id]
    ix.close()


def _segments(folder: Path) -> set[str]:
    """The names of the segments in the index's folder (each has one term file, NAME.trm)."""
    return {f.name.split(".")[0] for f in folder.glob(f"{whoosh_index.INDEX_NAME}_*.trm")}
