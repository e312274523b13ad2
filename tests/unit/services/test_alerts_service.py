"""The user's change alerts from their real stores: bookmarks, notes saved in the window, the
sections unfinished runs started on, and their reads (issue 17 point 2)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.bundled import library

from manualviewer.core.changes.alerts import Reason, Started
from manualviewer.core.content.library import Library
from manualviewer.services.alerts import compute, interest_of, user_alerts
from manualviewer.storage.notes import NewNote
from manualviewer.storage.runs import StartedGuidance
from manualviewer.storage.stores import Stores, open_stores

NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class Read:
    content_hash: str
    read_at: dt.datetime


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def stores(tmp_path: Path, clock: Clock) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "notes.sqlite3", clock)
    yield opened
    opened.close()


def changed(base: Library, *ids: str) -> Library:
    """`base` with new text (a new content hash) in the sections `ids`."""
    return dataclasses.replace(base, sections={
        k: dataclasses.replace(v, content_hash=f"new-{k}") if k in ids else v for k, v in base.sections.items()})


def read_of(base: Library, section_id: str, when: dt.datetime) -> Read:
    section = base.get(section_id)
    assert section is not None
    return Read(section.content_hash, when)


def note_citing(*sections: str) -> NewNote:
    return NewNote(officer="Sam", text="Called.", record_json=json.dumps({"sections": list(sections)}))


def test_interest_comes_from_bookmarks_recent_notes_and_unfinished_runs(stores: Stores, clock: Clock) -> None:
    base = library()
    stores.bookmarks.add("dmbm511015", "Customer recording the call")  # any case: the current ID
    clock.now = NOW - 40 * DAY
    stores.notes.add(note_citing("CSDH0100"))  # older than the window
    clock.now = NOW - 2 * DAY
    stores.notes.add(note_citing("CSDH0200", "NOPE0001"))  # a section no longer in the library
    stores.notes.add(NewNote(officer="Sam", text="Amends nothing."))  # a note without a record
    clock.now = NOW - 3 * DAY
    stores.runs.save("r1", "p", "{}", StartedGuidance("h", "t", {"DWPREC0100": "old"}))
    clock.now = NOW - DAY
    stores.runs.save("r2", "p", "{}", StartedGuidance("h", "t", {"DWPREC0100": "newer"}))
    clock.now = NOW
    interest = interest_of(stores.bookmarks, stores.notes, stores.runs, base, NOW, days=30)
    assert interest.bookmarked == {"DMBM511015"}
    assert interest.noted == {"CSDH0200"}
    # The oldest unfinished run citing a section decides what it is compared with.
    assert interest.checklists == {"DWPREC0100": Started("old", NOW - 3 * DAY)}


def test_alerts_name_the_reason_and_the_day_and_what_is_above_them(stores: Stores, clock: Clock) -> None:
    base = library()
    stores.bookmarks.add("DMBM511015", "Customer recording the call")
    stores.notes.add(note_citing("CSDH0200"))
    reads = {
        "DMBM511015": read_of(base, "DMBM511015", NOW - 60 * DAY),  # bookmarked: any age
        "CSDH0200": read_of(base, "CSDH0200", NOW - 50 * DAY),  # cited by a recent note
        "CSDH0300": read_of(base, "CSDH0300", NOW - 5 * DAY),  # read recently
        "CSDH0400": read_of(base, "CSDH0400", NOW - 45 * DAY),  # read too long ago, nothing else
        "CSDH0500": read_of(base, "CSDH0500", NOW - 5 * DAY),  # read recently, unchanged
    }
    now_library = changed(base, "DMBM511015", "CSDH0200", "CSDH0300", "CSDH0400")
    interest = interest_of(stores.bookmarks, stores.notes, stores.runs, now_library, NOW)
    found = compute(now_library, interest, reads, now=NOW, days=30)
    assert {k: a.reasons for k, a in found.alerts.items()} == {
        "DMBM511015": (Reason.BOOKMARKED,), "CSDH0200": (Reason.NOTE,), "CSDH0300": (Reason.READ,)}
    alert = found.get("DMBM511015")
    assert alert is not None and alert.since == NOW - 60 * DAY and alert.read
    assert found.above == {"DMBM", "CSDH"}
    # Reading one takes its alert away; what is above it goes when nothing else is below.
    fewer = found.without("DMBM511015")
    assert set(fewer.alerts) == {"CSDH0200", "CSDH0300"} and fewer.above == {"CSDH"}
    assert fewer.without("NOT-ALERTED") is fewer


def test_nothing_changed_nothing_alerted(stores: Stores) -> None:
    base = library()
    stores.bookmarks.add("DMBM511015", "Customer recording the call")
    interest = interest_of(stores.bookmarks, stores.notes, stores.runs, base, NOW)
    found = compute(base, interest, {"DMBM511015": read_of(base, "DMBM511015", NOW - DAY)}, now=NOW)
    assert len(found) == 0 and found.above == frozenset()


def test_user_alerts_read_the_database_on_a_connection_of_their_own(stores: Stores, tmp_path: Path) -> None:
    base = library()
    stores.bookmarks.add("DMBM511015", "Customer recording the call")
    now_library = changed(base, "DMBM511015")
    found = user_alerts(tmp_path / "notes.sqlite3", now_library,
                        {"DMBM511015": read_of(base, "DMBM511015", NOW - DAY)}, now=NOW)
    assert set(found.alerts) == {"DMBM511015"}
