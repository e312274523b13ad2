"""A full build on several processes: the same searches as a build in one, one segment per
process that updates leave alone, the same files for the same input. Real forked processes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from manualviewer.core.model import Section
from manualviewer.core.search import whoosh_index, whoosh_parallel
from manualviewer.core.search.whoosh_index import WhooshIndex

QUERIES = ("payment", "complaint", "arrears recorded", "zakat", "DMBM511015")


def _segments(folder: Path) -> set[str]:
    return {f.name.split(".")[0] for f in folder.glob(f"{whoosh_index.INDEX_NAME}_*.trm")}


def _files(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir()) if f.is_file() and "LOCK" not in f.name}


def _results(ix: WhooshIndex) -> list[list[tuple[str, float]]]:
    return [[(h.id, round(h.score, 6)) for h in ix.search(q, limit=50).hits] for q in QUERIES]


@pytest.fixture
def many(sections: list[Section], monkeypatch: pytest.MonkeyPatch) -> list[Section]:
    monkeypatch.setattr(whoosh_parallel, "PARALLEL_FROM", 10)
    filler = [dataclasses.replace(sections[n % len(sections)], id=f"FILL{n:04d}", content_hash="",
                                  body=f"Filler {n}: payment of arrears, complaint number {n}.")
              for n in range(40)]
    return sections + filler


def test_a_build_on_two_processes_finds_what_a_build_on_one_finds(tmp_path: Path, many: list[Section]) -> None:
    one, two = WhooshIndex(tmp_path / "one"), WhooshIndex(tmp_path / "two")
    one.build(many)
    stats = two.build(many, workers=2)
    assert stats.rebuilt and stats.added == len(many)
    assert len(_segments(tmp_path / "one")) == 1 and len(_segments(tmp_path / "two")) == 2
    assert _results(two) == _results(one) and _results(one)[0]
    one.close()
    two.close()


def test_updates_leave_the_processes_segments_alone_and_builds_are_reproducible(
        tmp_path: Path, many: list[Section]) -> None:
    for name in ("a", "b"):
        ix = WhooshIndex(tmp_path / name)
        ix.build(many, workers=2)
        ix.close()
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    parts = _segments(tmp_path / "a")
    ix = WhooshIndex(tmp_path / "a")
    changed = dataclasses.replace(many[0], body="Zakat is paid in arrears.", content_hash="")
    assert ix.update([changed, *many[1:]]).updated == 1
    assert parts < _segments(tmp_path / "a")  # both big segments kept, one small one added
    assert [h.id for h in ix.search("zakat").hits] == [many[0].id]
    ix.close()
    again = WhooshIndex(tmp_path / "a")  # and it opens again from disk
    assert again.open() and [h.id for h in again.search("zakat").hits] == [many[0].id]
    again.close()
