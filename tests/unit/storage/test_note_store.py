from __future__ import annotations

import csv
import datetime as dt
import io
import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from manualviewer.core.procedures.wording import local_time
from manualviewer.storage.database import open_database
from manualviewer.storage.notes import NewNote, NoteError, NoteStore, StoredNote, export_csv

T0 = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)


class FakeClock:
    def __init__(self, start: dt.datetime = T0) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        current = self.now
        self.now += dt.timedelta(hours=1)
        return current


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    c = open_database(tmp_path / "notes.sqlite3")
    yield c
    c.close()


@pytest.fixture
def store(conn: sqlite3.Connection) -> NoteStore:
    return NoteStore(conn, clock=FakeClock())


def note(text: str = "Customer asked about a late payment.", **kw: object) -> NewNote:
    fields: dict[str, object] = {"officer": "Ann Officer", "text": text}
    fields.update(kw)
    return NewNote(**fields)  # type: ignore[arg-type]


def test_add_and_get(store: NoteStore) -> None:
    stored = store.add(
        note(
            customer_reference="AB123456C",
            procedure_id="debt-hardship",
            procedure_version="3",
            content_version="sha:abc",
            record_json='{"steps": [1, 2]}',
        )
    )
    assert stored.id >= 1
    assert stored.created_at == T0 and stored.created_at.tzinfo is not None
    assert stored.officer == "Ann Officer"
    assert stored.customer_reference == "AB123456C"
    assert (stored.procedure_id, stored.procedure_version, stored.content_version) == (
        "debt-hardship",
        "3",
        "sha:abc",
    )
    assert stored.record == {"steps": [1, 2]}
    assert stored.amends is None
    assert store.get(stored.id) == stored
    assert store.get(9999) is None


@pytest.mark.parametrize(
    ("new", "fragment"),
    [
        (NewNote(officer="A", text="   "), "needs some text"),
        (NewNote(officer=" ", text="x"), "officer"),
        (NewNote(officer="A", text="x", record_json="{not json"), "not valid JSON"),
        (NewNote(officer="A", text="x", amends=42), "no such note"),
    ],
)
def test_invalid_notes_are_refused_and_not_stored(store: NoteStore, new: NewNote, fragment: str) -> None:
    with pytest.raises(NoteError, match=fragment):
        store.add(new)
    assert store.list() == []


def test_notes_table_rejects_update_and_delete(store: NoteStore, conn: sqlite3.Connection) -> None:
    stored = store.add(note("Original words."))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE notes SET text = 'rewritten' WHERE id = ?", (stored.id,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM notes WHERE id = ?", (stored.id,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM notes")
    assert store.get(stored.id) == stored


def test_amendments_are_new_notes_chained_to_the_original(store: NoteStore) -> None:
    first = store.add(note("Customer said 3 children.", customer_reference="R1"))
    fix = store.add(note("Correction: 2 children.", customer_reference="R1", amends=first.id))
    fix2 = store.add(note("Correction to correction: 2 children, 1 adult dependant.", amends=fix.id))
    other = store.add(note("Unrelated.", customer_reference="R2"))
    assert fix.amends == first.id and fix2.amends == fix.id
    assert store.get(first.id) == first  # the original is untouched
    assert [n.id for n in store.amendments_of(first.id)] == [fix.id, fix2.id]
    assert [n.id for n in store.amendments_of(fix.id)] == [fix2.id]
    assert store.amendments_of(other.id) == []
    assert len(store.list()) == 4


def ids(notes: list[StoredNote]) -> list[int]:
    return [n.id for n in notes]


def test_list_filters(store: NoteStore) -> None:
    a = store.add(note("Payment plan agreed for Siân.", customer_reference="R1", procedure_id="plan"))
    b = store.add(note("Called back about STRASSE address.", customer_reference="R2"))
    c = store.add(note("Payment plan cancelled.", customer_reference="R1", procedure_id="cancel"))
    assert ids(store.list()) == [a.id, b.id, c.id]
    assert ids(store.list(customer_reference="R1")) == [a.id, c.id]
    assert ids(store.list(customer_reference=" R1 ")) == [a.id, c.id]
    assert ids(store.list(procedure_id="plan")) == [a.id]
    assert ids(store.list(customer_reference="R1", procedure_id="cancel")) == [c.id]
    # since inclusive, until exclusive; notes are at T0, T0+1h, T0+2h.
    assert ids(store.list(since=T0 + dt.timedelta(hours=1))) == [b.id, c.id]
    assert ids(store.list(until=T0 + dt.timedelta(hours=1))) == [a.id]
    # A time in another zone means the same instant.
    bst = dt.timezone(dt.timedelta(hours=1))
    assert ids(store.list(since=dt.datetime(2024, 5, 1, 11, 0, tzinfo=bst))) == [b.id, c.id]
    with pytest.raises(ValueError, match="time zone"):
        store.list(since=dt.datetime(2024, 5, 1))
    # Text: case-insensitive substring, beyond ASCII, also matching the customer reference.
    assert ids(store.list(text="payment PLAN")) == [a.id, c.id]
    assert ids(store.list(text="SIÂN")) == [a.id]
    assert ids(store.list(text="straße")) == [b.id]  # casefold: ß matches SS
    assert ids(store.list(text="strasse")) == [b.id]
    assert ids(store.list(text="r2")) == [b.id]
    assert ids(store.list(text="50%_")) == []  # LIKE wildcards mean nothing here
    assert ids(store.list(text="plan", since=T0 + dt.timedelta(minutes=1))) == [c.id]


def test_exports(store: NoteStore) -> None:
    a = store.add(
        note(
            'Said "no", then\nagreed, 100%.',
            customer_reference="R1",
            procedure_id="plan",
            procedure_version="2",
            content_version="v9",
            record_json='{"answers": {"q1": "yes"}}',
        )
    )
    b = store.add(note('=HYPERLINK("http://x")', amends=a.id))
    notes = store.list()

    rows = list(csv.DictReader(io.StringIO(store.export_csv(notes))))
    assert [r["id"] for r in rows] == [str(a.id), str(b.id)]
    assert rows[0]["text"] == 'Said "no", then\nagreed, 100%.'
    assert rows[0]["created_at"] == "2024-05-01T09:00:00.000000+00:00"
    assert rows[0]["amends"] == "" and rows[1]["amends"] == str(a.id)
    assert json.loads(rows[0]["record_json"]) == {"answers": {"q1": "yes"}}
    assert rows[1]["text"] == '\'=HYPERLINK("http://x")'  # not run as a formula by a spreadsheet
    assert export_csv([]).strip() == "id,created_at,officer,customer_reference,procedure_id," + (
        "procedure_version,content_version,amends,text,record_json"
    )

    data = json.loads(store.export_json(notes))
    assert data[0]["record"] == {"answers": {"q1": "yes"}}
    assert data[0]["text"] == a.text
    assert data[1]["text"] == b.text  # JSON keeps the exact text
    assert data[1]["amends"] == a.id
    assert set(data[0]) == {
        "id",
        "created_at",
        "officer",
        "customer_reference",
        "procedure_id",
        "procedure_version",
        "content_version",
        "amends",
        "text",
        "record",
    }

    text = store.export_text(notes)
    assert f"Note {a.id} - 01 May 2024 09:00 UTC - Ann Officer" in text
    assert "Customer reference: R1" in text
    assert "Procedure: plan (version 2), guidance version v9" in text
    assert f"Amends note {a.id}" in text
    assert 'Said "no", then\nagreed, 100%.' in text
    assert text.index(a.text) < text.index(b.text)
    assert store.export_text([]) == ""

    # What the Notes panel shows and copies: local time to the minute, no guidance fingerprint.
    shown = store.export_text([a], readable=True)
    assert f"Note {a.id} - {local_time(a.created_at)} - Ann Officer" in shown
    assert "Procedure: plan (version 2)\n" in shown and "v9" not in shown and "UTC" not in shown


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_each_note_survives_sigkill_right_after_add(tmp_path: Path) -> None:
    db = tmp_path / "durable.sqlite3"
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from pathlib import Path
        from manualviewer.storage.database import open_database
        from manualviewer.storage.notes import NewNote, NoteStore
        store = NoteStore(open_database(Path({str(db)!r})))
        n = store.add(NewNote(officer="Ann", text="Saved before the crash", customer_reference="K1"))
        print("saved", n.id, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        print("not reached", flush=True)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    words = proc.stdout.split()
    assert words[0] == "saved" and "not reached" not in proc.stdout
    saved_id = int(words[1])
    conn = open_database(db)
    found = NoteStore(conn).get(saved_id)
    conn.close()
    assert isinstance(found, StoredNote)
    assert found.text == "Saved before the crash" and found.customer_reference == "K1"


def test_a_second_connection_sees_notes_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    app, cli = open_database(path), open_database(path)
    NoteStore(app).add(note("From the app."))
    assert [n.text for n in NoteStore(cli).list()] == ["From the app."]
    app.close()
    cli.close()
