"""The segments' postings files (postings.py): what they hold, when they are written, and that
searches give the same answers with them, without them and with a damaged one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from whoosh import index as whoosh_index_module

from manualviewer.core.model import Section
from manualviewer.core.search import postings, whoosh_segments
from manualviewer.core.search.whoosh_index import INDEX_NAME, WhooshIndex
from manualviewer.core.search.whoosh_source import WhooshSource

QUERIES = ["payment", "complaint employer", '"direct debit"', "recording OR payroll", "pay*",
           "complaint -employer", "paye99", "dmbm 511020", "overpayment team", "complant"]


def postings_files(path: Path) -> list[Path]:
    return sorted(path.glob(f"*{postings.SUFFIX}"))


def answers(ix: WhooshIndex) -> list[list[tuple[str, float]]]:
    return [[(h.id, round(h.score, 6)) for h in ix.search(q).hits] for q in QUERIES]


def whoosh_postings(path: Path) -> dict[tuple[str, str], tuple[list[int], list[float]]]:
    ix = whoosh_index_module.open_dir(str(path), indexname=INDEX_NAME)
    out = {}
    with ix.reader() as reader:
        for field in postings.FIELDS:
            for raw in reader.lexicon(field):
                m = reader.postings(field, raw)
                ids, weights = [], []
                while m.is_active():
                    ids.append(m.id())
                    weights.append(m.weight())
                    m.next()
                out[(field, raw.decode())] = (ids, weights)
    return out


@pytest.mark.parametrize(("ids", "weights"), [
    ([7], [1.0]),
    ([0, 3, 255, 256], [1.0, 2.0, 3.0, 300.0]),  # a frequency past one byte
    ([5, 70_000, 70_001], [1.0, 1.0, 4.0]),  # a gap past two bytes
    (list(range(0, 40_000, 3)), [float(i % 7 + 1) for i in range(0, 40_000, 3)]),  # the numpy path
    (list(range(10, 100_010, 1_000)), [1.0] * 100),
])
def test_a_posting_list_reads_back_as_written(ids: list[int], weights: list[float]) -> None:
    docs, freqs = postings.decode(*postings.encode(ids, weights))
    assert docs.tolist() == ids
    assert freqs.tolist() == weights


def test_the_build_writes_one_file_per_segment_holding_whooshs_postings(tmp_path: Path,
                                                                        sections: list[Section]) -> None:
    ix = WhooshIndex(tmp_path / "ix")
    ix.ensure(sections)
    files = postings_files(tmp_path / "ix")
    assert len(files) == ix.segment_count() == 1
    expected = whoosh_postings(tmp_path / "ix")
    stored = postings.SegmentPostings.open(files[0], len(sections))
    assert stored is not None
    for (field, term), (ids, weights) in expected.items():
        got = stored.get(field, term)
        assert got is not None, (field, term)
        assert (got[0].tolist(), got[1].tolist()) == (ids, weights), (field, term)
    assert stored.get("body", "nosuchword") is None
    stored.close()
    ix.close()


def test_an_update_adds_the_new_segments_file_and_a_merge_removes_the_old(tmp_path: Path,
                                                                         sections: list[Section]) -> None:
    # Enough sections that one change stays a small segment of its own (under COMPACT_RATIO).
    sections = sections + [dataclasses.replace(sections[0], id=f"FILL{n}00", body=f"Filler {n}.")
                           for n in range(40)]
    path = tmp_path / "ix"
    ix = WhooshIndex(path)
    ix.ensure(sections)
    first = postings_files(path)
    changed = [dataclasses.replace(s, body=s.body + " Garnishee orders.") if s.id == "DMBM511015" else s
               for s in sections]
    assert ix.ensure(changed).updated == 1
    assert len(postings_files(path)) == ix.segment_count() == 2
    assert [h.id for h in ix.search("garnishee").hits] == ["DMBM511015"]
    ix.compact()
    assert ix.segment_count() == 1
    after = postings_files(path)
    assert len(after) == 1 and after[0] not in first  # Whoosh removed the merged segments' files
    assert [h.id for h in ix.search("garnishee").hits] == ["DMBM511015"]
    ix.close()


def test_searches_answer_the_same_without_the_files_and_ensure_writes_them_back(
        tmp_path: Path, sections: list[Section]) -> None:
    path = tmp_path / "ix"
    ix = WhooshIndex(path)
    ix.ensure(sections)
    with_files = answers(ix)
    assert all(with_files[:3])  # the queries do find things
    ix.close()
    for f in postings_files(path):
        f.unlink()
    slow = WhooshIndex(path)
    assert slow.open()
    assert answers(slow) == with_files  # Whoosh's own postings
    assert not slow.ensure(sections).rebuilt
    assert len(postings_files(path)) == 1
    assert answers(slow) == with_files
    slow.close()


def test_a_damaged_file_is_ignored_not_fatal(tmp_path: Path, sections: list[Section]) -> None:
    path = tmp_path / "ix"
    ix = WhooshIndex(path)
    ix.ensure(sections)
    expected = answers(ix)
    ix.close()
    [f] = postings_files(path)
    f.write_bytes(b"not a database at all" * 100)
    damaged = WhooshIndex(path)
    assert damaged.open()
    assert answers(damaged) == expected
    damaged.close()


def test_a_failure_to_write_the_file_leaves_a_working_index(tmp_path: Path, sections: list[Section],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(path: Path, *args: object) -> None:
        raise OSError(28, "No space left on device")

    # Where every postings file is written: a full build's writer (whoosh_bulk.py) and the
    # pass over an existing segment's files (write_segment_postings) alike.
    monkeypatch.setattr(postings, "write_postings_file", disk_full)
    ix = WhooshIndex(tmp_path / "ix")
    ix.ensure(sections)
    assert postings_files(tmp_path / "ix") == []
    assert [h.id for h in ix.search('"direct debit"').hits] == ["DMBM511020"]
    ix.close()


def test_an_index_from_an_older_version_gets_its_files_even_when_the_library_is_unchanged(
        tmp_path: Path, sections: list[Section]) -> None:
    from manualviewer.core.content.library import Library
    from manualviewer.core.search.library_index import ensure_library

    library = Library(sections={s.id: s for s in sections}, fingerprint="same files")
    path = tmp_path / "ix"
    ix = WhooshIndex(path)
    assert ensure_library(ix, library) is not None
    ix.close()
    for f in postings_files(path):
        f.unlink()
    again = WhooshIndex(path)
    assert ensure_library(again, library) is None  # nothing to compare: same files
    assert len(postings_files(path)) == again.segment_count() == 1
    assert [h.id for h in again.search("payroll").hits] == ["PAYE100100"]
    again.close()


def test_an_unchanged_librarys_index_is_made_ready_for_the_first_search(
        tmp_path: Path, sections: list[Section], monkeypatch: pytest.MonkeyPatch) -> None:
    from manualviewer.core.content.library import Library
    from manualviewer.core.search.library_index import ensure_library

    library = Library(sections={s.id: s for s in sections}, fingerprint="same files")
    ensure_library(WhooshIndex(tmp_path / "ix"), library)
    again = WhooshIndex(tmp_path / "ix")
    assert ensure_library(again, library) is None
    # Ready: the first search, a typo of "complaint", neither reads the typo vocabulary again nor
    # works out the length norms of the fields (ensure_library already did both).
    monkeypatch.setattr(whoosh_segments, "vocabulary_of", lambda *a: pytest.fail("the vocabulary was read again"))
    monkeypatch.setattr(WhooshSource, "average_length", lambda *a: pytest.fail("a length norm was worked out"))
    result = again.search("complant")
    assert result.suggestion == "complaint" and result.hits
    again.close()


def test_the_typo_vocabulary_comes_from_the_files_and_from_whoosh_without_them(tmp_path: Path,
                                                                              sections: list[Section]) -> None:
    import sqlite3

    # White box on purpose: which of the two places the vocabulary is read from (the postings
    # files, or Whoosh's lexicon when an older file has none) is not visible from a search.
    from manualviewer.core.search.whoosh_segments import vocabulary_of

    # Enough sections that one change stays a small segment of its own (under COMPACT_RATIO).
    sections = sections + [dataclasses.replace(sections[0], id=f"FILL{n}00", body=f"Filler {n}.")
                           for n in range(40)]
    ix = WhooshIndex(tmp_path / "ix")
    ix.ensure(sections)
    sections[0] = dataclasses.replace(sections[0], title="Overpayment of zakat")
    assert ix.ensure(sections).updated == 1  # in a second segment
    ix.close()
    path = tmp_path / "ix"
    files = postings_files(path)
    assert len(files) == 2
    whoosh = whoosh_index_module.open_dir(str(path), indexname=INDEX_NAME)
    with whoosh.reader() as reader:
        from_files = set(vocabulary_of(reader, path))
        expected = {t.decode() for f in ("title", "body") for t in reader.lexicon(f) if t.isalpha()}
        assert from_files == expected and {"zakat", "complaint"} <= from_files
        assert not any(w.isdigit() for w in from_files)

        for f in files:  # files from the version before the vocabulary was kept in them
            with sqlite3.connect(f) as db:
                db.execute("DELETE FROM meta WHERE key='vocabulary'")
            db.close()
            assert postings.read_vocabulary(f) is None
        assert set(vocabulary_of(reader, path)) == expected
    fixed = WhooshIndex(path)
    assert [h.id for h in fixed.search("zakt").hits] == [sections[0].id]  # the typo still finds it
    assert not fixed.add_postings_files()  # no file written, but the vocabulary is back in them
    whoosh = whoosh_index_module.open_dir(str(path), indexname=INDEX_NAME)
    with whoosh.reader() as reader:
        assert all(postings.read_vocabulary(f) is not None for f in files)
        assert set(vocabulary_of(reader, path)) == expected
    fixed.close()
