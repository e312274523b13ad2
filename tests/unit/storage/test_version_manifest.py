"""A recorded version's manifest: read back exactly as recorded (across chunks, awkward titles,
manifests written before chunks), and compact: reading 5,000 sections back leaves the garbage
collector no object per section to walk (what froze the window for a quarter of a second at
100,000 sections while What changed was worked out)."""

from __future__ import annotations

import gc
import json
import zlib
from pathlib import Path

import pytest

from manualviewer.core.changes.versions import SectionStamp
from manualviewer.storage.manifest import CHUNK, unpack
from manualviewer.storage.versions import VersionStore, open_versions

AWKWARD = ["Line\nbreak", 'Quote "in" it', "],[\"", "Tab\there", "Ünïcödé – dash", "back\\slash\\", ""]


def many(n: int, manuals: int = 3) -> dict[str, SectionStamp]:
    return {f"S{i:06d}": SectionStamp(f"S{i:06d}", f"M{i % manuals}", AWKWARD[i % len(AWKWARD)] + str(i), f"h{i}")
            for i in range(n)}


def test_a_manifest_over_several_chunks_reads_back_exactly(tmp_path: Path) -> None:
    recorded = many(2 * CHUNK + 7)
    store = VersionStore(open_versions(tmp_path / "v.sqlite3"))
    version = store.record(recorded)
    back = store.stamps(version.seq)
    assert back == recorded
    assert list(back) == list(recorded)  # the order recorded
    assert back["S000005"] == recorded["S000005"]
    assert back.get("S004006") == recorded["S004006"]
    assert back.get("NOPE") is None and "NOPE" not in back and "S000000" in back
    assert store.stamps(version.seq + 99) == {}


def test_an_empty_library_reads_back_empty(tmp_path: Path) -> None:
    store = VersionStore(open_versions(tmp_path / "v.sqlite3"))
    assert dict(store.stamps(store.record({}).seq)) == {}


@pytest.mark.parametrize("count", [0, 1, 50])
@pytest.mark.parametrize("separators", [(",", ":"), (", ", ": ")])
def test_a_manifest_written_before_chunks_is_still_read(tmp_path: Path, count: int,
                                                         separators: tuple[str, str]) -> None:
    recorded = many(count)
    store = VersionStore(open_versions(tmp_path / "v.sqlite3"))
    version = store.record({"X": SectionStamp("X", "M", "T", "h")})
    rows = [[s.id, s.manual, s.title, s.content_hash] for s in recorded.values()]
    old_blob = zlib.compress(json.dumps(rows, ensure_ascii=False, separators=separators).encode(), 6)
    conn = open_versions(tmp_path / "v.sqlite3")
    conn.execute("UPDATE library_versions SET manifest = ? WHERE seq = ?", (old_blob, version.seq))
    conn.close()
    back = store.stamps(version.seq)
    assert back == recorded and list(back) == list(recorded)


@pytest.mark.parametrize("damaged", [b"[", b'[["A","M","T","h"]', b'[["A","M","T","h"]]x', b'[["A","M","T"]]'])
def test_a_damaged_manifest_of_the_earlier_form_is_an_error_not_a_wrong_list(damaged: bytes) -> None:
    with pytest.raises(ValueError):
        unpack(zlib.compress(damaged))


def test_reading_back_leaves_no_object_per_section_for_the_collector(tmp_path: Path) -> None:
    store = VersionStore(open_versions(tmp_path / "v.sqlite3"))
    version = store.record(many(5000))
    gc.collect()
    before = len(gc.get_objects())
    back = store.stamps(version.seq)
    grown = len(gc.get_objects()) - before
    assert len(back) == 5000
    assert grown < 100, grown  # a dict of 5,000 SectionStamps (as before) is 5,000 more
