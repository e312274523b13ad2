"""The versions database: library versions recorded once each, earlier texts kept and bounded,
reads with the hash read; a private file; a damaged file set aside, not a blocked start."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

from manualviewer.core.changes.versions import SectionStamp, version_id
from manualviewer.storage.versions import VersionStore, open_versions, versions_path

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


class Clock:
    """An hour later at every call."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(hours=1)
        return self.now


def stamps(**hashes: str) -> dict[str, SectionStamp]:
    return {sid: SectionStamp(sid, "DMBM", f"Title {sid}", h) for sid, h in hashes.items()}


def store_at(path: Path, clock: Clock | None = None, **kw: int) -> VersionStore:
    return VersionStore(open_versions(path), clock or Clock(), **kw)


def test_the_file_is_in_the_data_folder_and_private(user_dirs: Path) -> None:
    store = VersionStore(open_versions())
    store.record(stamps(DMBM1="a"))
    store.close()
    path = versions_path()
    assert path.is_relative_to(user_dirs / "data")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_same_version_loaded_again_adds_no_row(tmp_path: Path) -> None:
    store = store_at(tmp_path / "v.sqlite3")
    first = store.record(stamps(DMBM1="a", DMBM2="b"))
    again = store.record(stamps(DMBM2="b", DMBM1="a"))
    assert again == first
    assert len(store.versions()) == 1
    changed = store.record(stamps(DMBM1="a", DMBM2="c"))
    assert [v.version_id for v in store.versions()] == [changed.version_id, first.version_id]
    assert changed.version_id == version_id(stamps(DMBM1="a", DMBM2="c"))


def test_a_version_keeps_its_manifest_and_is_found_by_prefix_label_and_date(tmp_path: Path) -> None:
    clock = Clock()
    store = store_at(tmp_path / "v.sqlite3", clock)
    first = store.record(stamps(DMBM1="a"), label="dmbm 1.0")
    clock.now += dt.timedelta(days=2)
    second = store.record(stamps(DMBM1="b"), label="dmbm 1.1")
    assert store.stamps(first.seq) == stamps(DMBM1="a")
    assert store.find(first.version_id[:6]) == first
    assert store.find("dmbm 1.1") == second
    assert store.find(first.recorded_at.date().isoformat()) == first
    assert store.find(second.recorded_at.date().isoformat()) == second
    assert store.find("2020-01-01") is None
    assert store.find("abc") is None  # too short to be a prefix
    assert store.previous_to(second.version_id) == first
    assert store.latest() == second


def test_versions_are_bounded_oldest_first(tmp_path: Path) -> None:
    store = store_at(tmp_path / "v.sqlite3", keep_versions=3)
    for n in range(5):
        store.record(stamps(DMBM1=f"h{n}"))
    assert [store.stamps(v.seq)["DMBM1"].content_hash for v in store.versions()] == ["h4", "h3", "h2"]


def test_earlier_texts_are_bounded_but_current_and_read_texts_are_kept(tmp_path: Path) -> None:
    store = store_at(tmp_path / "v.sqlite3", keep_texts=10)
    store.mark_read("DMBM0", "read-0", "Read one", "what the officer read")
    for n in range(30):
        store.keep_texts([(f"DMBM{n}", f"h{n}", "t", f"body {n}")])
    current = {"h0", "h1"}  # two old texts that are still the current version's
    dropped = store.prune_texts(current)
    assert dropped == 30 + 1 - 10 - 1 - 2  # 31 texts: 10 earlier kept, the read one, the 2 current
    kept = store.known_hashes(f"h{n}" for n in range(30))
    assert kept == {f"h{n}" for n in range(20, 30)} | current
    assert store.text("read-0") is not None
    assert store.text_count() == 13


def test_texts_of_a_section_newest_first_and_known_hashes(tmp_path: Path) -> None:
    store = store_at(tmp_path / "v.sqlite3")
    store.keep_texts([("DMBM1", "old", "T", "old body")])
    store.keep_texts([("DMBM1", "new", "T", "new body"), ("DMBM2", "x", "T2", "x body")])
    assert store.keep_texts([("DMBM1", "new", "T", "new body")]) == 0  # already kept
    assert [t.content_hash for t in store.texts_of("DMBM1")] == ["new", "old"]
    assert store.known_hashes(["old", "x", "nope"]) == {"old", "x"}
    kept = store.text("old")
    assert kept is not None and kept.body == "old body" and kept.section_id == "DMBM1"


def test_reads_keep_the_hash_read_and_the_read_before_the_current_one(tmp_path: Path) -> None:
    clock = Clock()
    store = store_at(tmp_path / "v.sqlite3", clock)
    store.mark_read("DMBM1", "v1", "T", "first text")
    store.mark_read("DMBM1", "v2", "T", "second text")
    latest = store.last_read("DMBM1")
    assert latest is not None and latest.content_hash == "v2"
    before = store.last_read("DMBM1", other_than="v2")
    assert before is not None and before.content_hash == "v1" and before.read_at < latest.read_at
    store.mark_read("DMBM2", "w1", "T2", "w")
    assert {s: r.content_hash for s, r in store.last_reads(["DMBM1", "DMBM2", "DMBM3"]).items()} == {
        "DMBM1": "v2", "DMBM2": "w1"}
    assert store.last_read("DMBM3") is None


def test_everything_survives_closing_and_opening_again(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite3"
    store = store_at(path)
    recorded = store.record(stamps(DMBM1="a"))
    store.mark_read("DMBM1", "a", "T", "body")
    store.close()
    reopened = store_at(path)
    assert reopened.latest() == recorded
    read = reopened.last_read("DMBM1")
    assert read is not None and read.content_hash == "a"


def test_a_damaged_file_is_set_aside_and_a_new_one_started(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite3"
    path.write_bytes(b"this is not a database" * 200)
    store = store_at(path)
    assert store.latest() is None
    store.record(stamps(DMBM1="a"))
    aside = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
