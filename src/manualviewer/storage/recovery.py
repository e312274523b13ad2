"""Saves the database could not take, kept in a recovery file until it can.

When a save fails (another program holds the database, the disk is full, the file or folder is
read-only, the file is damaged), the note and its escalations are appended at once to
`<database>.recovery.jsonl` beside the database (0600, one JSON object a line, fsync'd), or, when
that folder cannot be written, to a per-user folder in the temp directory. The next open that can
write the database imports every kept save in one transaction each, exactly once (a save id in
`note_saves`), then removes the file.

A "read and understood" confirmation the database refused is kept the same way (a line with
"kind": "confirmation", storage/attestations.py KeptConfirmation) and recorded at the next open
with the time the officer confirmed, exactly once (the same section, version, officer and moment
is never recorded twice), at the end of the confirmations' hash chain.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import logging
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # not a Unix
    fcntl = None  # type: ignore[assignment]

from manualviewer.core.json_limits import loads_bounded
from manualviewer.storage.attestations import KeptConfirmation, store_kept
from manualviewer.storage.clock import Clock, to_db, utc_now
from manualviewer.storage.database import PRIVATE_MODE, open_database, transaction
from manualviewer.storage.notes import NewNote, check_note, insert_note

SUFFIX = ".recovery.jsonl"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeptEscalation:
    to: str
    subject: str
    body: str
    sender: str
    message_id: str  # fixed when kept, so a copy sent twice is recognisable
    # A concern the officer has not reviewed yet (the window's save): stored as a draft of the
    # note, never sent on its own. The CLI's escalations are queued (False).
    draft: bool = False


@dataclass(frozen=True)
class KeptSave:
    save_id: str
    created_at: str
    note: NewNote
    escalations: tuple[KeptEscalation, ...] = ()
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "save_id": self.save_id,
            "created_at": self.created_at,
            "reason": self.reason,
            "note": asdict(self.note),
            "escalations": [asdict(e) for e in self.escalations],
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> KeptSave:
        return KeptSave(
            save_id=str(data["save_id"]),
            created_at=str(data["created_at"]),
            note=NewNote(**data["note"]),
            escalations=tuple(KeptEscalation(**e) for e in data.get("escalations", [])),
            reason=str(data.get("reason", "")),
        )


def new_save(
    note: NewNote,
    escalations: Iterable[tuple[str, str, str, str]] = (),
    *,
    save_id: str | None = None,
    clock: Clock = utc_now,
    drafts: bool = False,
) -> KeptSave:
    """A save ready to store or keep: `escalations` are (to, subject, body, sender); `drafts`:
    they are stored as drafts of the note (the officer reviews them before they are sent)."""
    kept = []
    for to, subject, body, sender in escalations:
        domain = email.utils.parseaddr(to)[1].rpartition("@")[2] or "manualviewer.local"
        kept.append(KeptEscalation(to.strip(), " ".join(subject.split()), body, sender,
                                   f"<{uuid.uuid4().hex}.mv@{domain}>", drafts))
    return KeptSave(save_id or uuid.uuid4().hex, to_db(clock()), note, tuple(kept))


def stable_save_id(*parts: str) -> str:
    """A save id from what is saved: the same run and text saved twice (a retry) is one save."""
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]


def store_save(conn: sqlite3.Connection, save: KeptSave) -> tuple[int, list[int]]:
    """The note and its escalations in one transaction, once per save id; (note id, outbox ids).
    Raises NoteError, sqlite3.Error."""
    check_note(save.note)
    with transaction(conn):
        done = conn.execute("SELECT note_id FROM note_saves WHERE save_id = ?", (save.save_id,)).fetchone()
        if done is not None:
            ids = [int(r[0]) for e in save.escalations
                   for r in conn.execute("SELECT id FROM outbox WHERE message_id = ?", (e.message_id,))]
            return int(done[0]), ids
        note_id = insert_note(conn, save.note, save.created_at, save.save_id)
        outbox_ids = []
        for e in save.escalations:  # each tied to its note (the Notes panel shows them with it)
            cur = conn.execute(
                'INSERT INTO outbox (created_at, message_id, sender, "to", subject, body, state, note_id) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (save.created_at, e.message_id, e.sender, e.to, e.subject, e.body,
                 "draft" if e.draft else "queued", note_id),
            )
            assert cur.lastrowid is not None
            outbox_ids.append(cur.lastrowid)
    return note_id, outbox_ids


# --- the file ---------------------------------------------------------------------------------


def recovery_path(database: Path) -> Path:
    return database.with_name(database.name + SUFFIX)


def fallback_path(database: Path) -> Path:
    """Where saves go when the database's folder cannot be written: a private per-user folder."""
    key = hashlib.sha256(str(database.absolute()).encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"manualviewer-recovery-{os.getuid()}" / f"{key}{SUFFIX}"


def keep(database: Path, save: KeptSave | KeptConfirmation, reason: str) -> Path:
    """Append `save` to the recovery file (durable when this returns); return the file.
    Raises OSError only when neither place can be written."""
    line = (json.dumps({**save.as_json(), "reason": reason}, ensure_ascii=False) + "\n").encode("utf-8")
    error: OSError | None = None
    for path in (recovery_path(database), fallback_path(database)):
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _append(path, line)
        except OSError as exc:
            error = exc
            continue
        return path
    assert error is not None
    raise error


def _append(path: Path, line: bytes) -> None:
    new = not path.exists()
    fd = _open_locked(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    assert fd is not None  # O_CREAT: there is always a file
    try:
        size = os.fstat(fd).st_size
        try:
            os.fchmod(fd, PRIVATE_MODE)
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError:
            # A disk that filled up mid-line: no half line is left behind (the save goes to the
            # fallback file whole), and a file this made is not left empty.
            with suppress(OSError):
                os.ftruncate(fd, size)
                if new and size == 0:
                    path.unlink()
            raise
    finally:
        os.close(fd)  # releases the lock, after the line is whole and on disk
    if new:  # the file's name must survive a power cut too
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _open_locked(path: Path, flags: int) -> int | None:
    """Open `path` and hold an exclusive lock on it (released when the descriptor is closed);
    None when it does not exist (without O_CREAT).

    A writer appends a whole line under the lock and an importer reads, imports and removes the
    file under it, so an import never reads half a line and never removes a line it did not read.
    The lock is on the open file, so once it is held the name must still lead to that file: an
    importer may have removed it meanwhile (a writer then makes a new one; an importer has
    nothing left to do). flock is Linux's and the BSDs'; where fcntl is missing (Windows, not
    tested here) the file is used without a lock."""
    while True:
        try:
            fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), PRIVATE_MODE)
        except FileNotFoundError:
            if flags & os.O_CREAT:
                raise
            return None
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            opened = os.fstat(fd)
            try:
                named = os.stat(path)
            except FileNotFoundError:
                named = None
        except BaseException:
            os.close(fd)
            raise
        if named is not None and (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino):
            return fd
        os.close(fd)
        if not flags & os.O_CREAT and named is None:
            return None


def kept_files(database: Path) -> list[Path]:
    return [p for p in (recovery_path(database), fallback_path(database)) if p.is_file()]


Kept = KeptSave | KeptConfirmation


def kept_confirmations(database: Path) -> list[KeptConfirmation]:
    """The confirmations kept for `database` and not imported yet (a line being written is not
    read: it is not whole)."""
    found: list[KeptConfirmation] = []
    for path in kept_files(database):
        with suppress(OSError):
            found += [k for k, _line in _parse_kept(path.read_bytes())[0] if isinstance(k, KeptConfirmation)]
    return found


def read_kept(path: Path) -> tuple[list[tuple[Kept, str]], list[str]]:
    """The saves in a recovery file, each with its line, and the lines that could not be read
    (a line cut off when the program was stopped while writing it, or damaged)."""
    return _parse_kept(path.read_bytes())


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_kept(data: bytes) -> tuple[list[tuple[Kept, str]], list[str]]:
    saves: list[tuple[Kept, str]] = []
    bad: list[str] = []
    for line in data.decode("utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            item = loads_bounded(line)
            kept: Kept = (KeptConfirmation.from_json(item) if item.get("kind") == "confirmation"
                          else KeptSave.from_json(item))
            saves.append((kept, line))
        except (ValueError, TypeError, KeyError, AttributeError):
            bad.append(line)
    return saves, bad


@dataclass(frozen=True)
class Imported:
    notes: tuple[int, ...]
    problems: tuple[str, ...] = ()
    confirmations: tuple[int, ...] = ()  # ids of the "read and understood" rows it recorded


NOTHING_KEPT = Imported(())


def import_kept(conn: sqlite3.Connection, database: Path) -> Imported:
    """Import every kept save (exactly once), then remove its file. Lines that cannot be read or
    saved are never dropped: they are set aside in `<file>.unreadable-<time>` (0600) beside it,
    and `problems` says so in plain words."""
    notes: list[int] = []
    confirmations: list[int] = []
    problems: list[str] = []
    for path in kept_files(database):
        fd = _open_locked(path, os.O_RDONLY)
        if fd is None:  # another import took it meanwhile
            continue
        try:  # a save being kept waits for the lock: it goes in this file whole, or in a new one
            saves, bad = _parse_kept(_read_all(fd))
            for save, line in saves:
                if isinstance(save, KeptConfirmation):
                    recorded = store_kept(conn, save)
                    confirmations += [recorded] if recorded is not None else []
                    continue
                try:
                    notes.append(store_save(conn, save)[0])
                except ValueError as exc:  # NoteError: the kept note itself cannot be saved
                    problems.append(f"a kept note (save {save.save_id}) could not be added to your notes: {exc}")
                    bad.append(line)
            if bad:
                aside = path.with_name(f"{path.name}.unreadable-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}")
                _append(aside, "".join(f"{line}\n" for line in bad).encode("utf-8"))
                problems.append(
                    f"{len(bad)} kept save(s) in {path} could not be read or added to your notes (a line cut off "
                    f"when the program was stopped, or damaged); they are set aside in {aside}: open it to copy "
                    "the text into your notes by hand")
            path.unlink()
        finally:
            os.close(fd)
    for problem in problems:
        _log.warning("manualviewer: %s", problem)
    return Imported(tuple(notes), tuple(problems), tuple(confirmations))


def open_notes_database(path: Path) -> sqlite3.Connection:
    """open_database, then import the saves kept while it could not be written. An import that
    fails leaves the file for the next open. Raises DatabaseError."""
    return open_and_import(path)[0]


def open_and_import(path: Path) -> tuple[sqlite3.Connection, Imported]:
    """open_notes_database, with what the import did, for the window to say (the CLI says the
    problems on stderr through the log)."""
    conn = open_database(path)
    files = kept_files(path)
    if not files:
        return conn, NOTHING_KEPT
    try:
        return conn, import_kept(conn, path)
    except (sqlite3.Error, OSError) as exc:
        problem = (f"the notes kept in {', '.join(map(str, files))} could not be added to your notes yet ({exc}); "
                   "they stay there and are added the next time manualviewer starts")
        _log.warning("manualviewer: %s", problem)
        return conn, Imported((), (problem,))
