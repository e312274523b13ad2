"""The library versions this user has loaded, the sections they read (with the hash of what they
read) and the texts of earlier versions, so "what changed" and diffs work offline.

A database of its own (`versions.sqlite3` beside the notes database): it is a bounded record
that can be rebuilt, not the officer's notes, so a damaged file is set aside and started again
rather than blocking anything, and the notes database's migrations stay its own."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from manualviewer.core.changes.versions import SectionStamp, version_id
from manualviewer.storage.clock import Clock, from_db, to_db, utc_now
from manualviewer.storage.database import LOCK_WAIT_SECONDS, PRIVATE_MODE, restrict_permissions, transaction
from manualviewer.storage.manifest import pack, unpack

# Bounded, and settable: versions of the whole library (a manifest each), and earlier texts of
# sections (texts of the current version and texts the user read are kept besides).
DEFAULT_KEEP_VERSIONS = 30
DEFAULT_KEEP_TEXTS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS library_versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    version_id TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    sections INTEGER NOT NULL,
    manifest BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS library_versions_id ON library_versions (version_id);
CREATE TABLE IF NOT EXISTS section_texts (
    content_hash TEXT PRIMARY KEY,
    section_id TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    details TEXT
);
CREATE INDEX IF NOT EXISTS section_texts_section ON section_texts (section_id, stored_at);
CREATE TABLE IF NOT EXISTS section_reads (
    section_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    read_at TEXT NOT NULL,
    guidance TEXT,
    PRIMARY KEY (section_id, content_hash)
);
CREATE INDEX IF NOT EXISTS section_reads_latest ON section_reads (section_id, read_at);
"""


@dataclass(frozen=True)
class RecordedVersion:
    seq: int
    version_id: str
    label: str
    recorded_at: dt.datetime
    sections: int


@dataclass(frozen=True)
class StoredText:
    section_id: str
    content_hash: str
    title: str
    body: str
    stored_at: dt.datetime
    details: str | None = None  # JSON (core/changes/details.py); None: kept before details were


@dataclass(frozen=True)
class SectionRead:
    section_id: str
    content_hash: str
    read_at: dt.datetime
    # What the reader saw without the ID (core/changes/details.guidance_hash): tells a rename
    # from a change. "" for a read recorded before it was kept.
    guidance: str = ""


def versions_path() -> Path:
    from manualviewer.storage import paths

    return paths.data_dir() / "versions.sqlite3"


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_MODE))  # 0600 from the first moment
    # One connection for the app's threads (a load records on a worker, a read on the GUI
    # thread); the ChangeTracker above serialises the calls.
    conn = sqlite3.connect(path, isolation_level=None, timeout=LOCK_WAIT_SECONDS, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(LOCK_WAIT_SECONDS * 1000)}")
    conn.execute("PRAGMA journal_mode = WAL")
    rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
    if rows != ["ok"]:
        conn.close()
        raise sqlite3.DatabaseError("; ".join(rows[:3]))
    conn.executescript(_SCHEMA)
    columns = {str(r[1]) for r in conn.execute("PRAGMA table_info(section_texts)")}
    if "details" not in columns:  # a file from before details were kept: its texts have none
        conn.execute("ALTER TABLE section_texts ADD COLUMN details TEXT")
    if "guidance" not in {str(r[1]) for r in conn.execute("PRAGMA table_info(section_reads)")}:
        conn.execute("ALTER TABLE section_reads ADD COLUMN guidance TEXT")
    restrict_permissions(path)
    return conn


def open_versions(path: Path | None = None) -> sqlite3.Connection:
    """Open the versions database; a damaged one is renamed `*.damaged-<time>` and a new one
    started (what changed before is then unknown: the next load is the new baseline)."""
    target = path if path is not None else versions_path()
    try:
        return _connect(target)
    except sqlite3.DatabaseError:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.replace(f"{target}{suffix}", f"{target}.damaged-{stamp}{suffix}")
        return _connect(target)


class VersionStore:
    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now, *,
                 keep_versions: int = DEFAULT_KEEP_VERSIONS, keep_texts: int = DEFAULT_KEEP_TEXTS) -> None:
        self._conn = conn
        self._clock = clock
        self._keep_versions = max(2, keep_versions)
        self._keep_texts = max(10, keep_texts)

    def close(self) -> None:
        self._conn.close()

    # --- library versions ------------------------------------------------------------------
    def record(self, stamps: dict[str, SectionStamp], label: str = "") -> RecordedVersion:
        """Record the library as loaded now, unless it is the version recorded last."""
        vid = version_id(stamps)
        latest = self.latest()
        if latest is not None and latest.version_id == vid and latest.label == label:
            return latest
        blob = pack(stamps)
        now = self._clock()
        with transaction(self._conn):
            cursor = self._conn.execute(
                "INSERT INTO library_versions (version_id, label, recorded_at, sections, manifest) "
                "VALUES (?, ?, ?, ?, ?)",
                (vid, label, to_db(now), len(stamps), blob),
            )
            self._conn.execute(
                "DELETE FROM library_versions WHERE seq NOT IN "
                "(SELECT seq FROM library_versions ORDER BY seq DESC LIMIT ?)",
                (self._keep_versions,),
            )
        seq = int(cursor.lastrowid or 0)
        return RecordedVersion(seq, vid, label, from_db(to_db(now)), len(stamps))

    def versions(self) -> list[RecordedVersion]:
        """Newest first."""
        rows = self._conn.execute(
            "SELECT seq, version_id, label, recorded_at, sections FROM library_versions ORDER BY seq DESC"
        )
        return [_version(r) for r in rows]

    def latest(self) -> RecordedVersion | None:
        versions = self.versions()
        return versions[0] if versions else None

    def previous_to(self, current_id: str) -> RecordedVersion | None:
        """The latest version recorded that is not `current_id`: the one before the last update."""
        row = self._conn.execute(
            "SELECT seq, version_id, label, recorded_at, sections FROM library_versions "
            "WHERE version_id != ? ORDER BY seq DESC LIMIT 1",
            (current_id,),
        ).fetchone()
        return None if row is None else _version(row)

    def find(self, since: str) -> RecordedVersion | None:
        """A version by its ID (or a prefix of at least 4 characters), its label (a pack's
        "name version"), or a date (YYYY-MM-DD: the last version recorded on or before it)."""
        text = since.strip()
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(text)
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
            row = self._conn.execute(
                "SELECT seq, version_id, label, recorded_at, sections FROM library_versions "
                "WHERE recorded_at < ? ORDER BY seq DESC LIMIT 1",
                (to_db(end),),
            ).fetchone()
            return None if row is None else _version(row)
        for version in self.versions():
            if version.label == text or (len(text) >= 4 and version.version_id.startswith(text.lower())):
                return version
        return None

    def stamps(self, seq: int) -> Mapping[str, SectionStamp]:
        """The sections of a recorded version (none when it is not recorded), read back compact
        and in chunks (storage/manifest.py: no stall of the window while a worker reads them)."""
        row = self._conn.execute("SELECT manifest FROM library_versions WHERE seq = ?", (seq,)).fetchone()
        return {} if row is None else unpack(bytes(row["manifest"]))

    # --- texts of sections, as they were ---------------------------------------------------
    def keep_texts(self, texts: Iterable[tuple[str, ...]]) -> int:
        """(section ID, content hash, title, body[, details JSON]) kept unless already kept;
        return how many new."""
        now = to_db(self._clock())
        added = 0
        with transaction(self._conn):
            for section_id, content_hash, title, body, *rest in texts:
                cursor = self._conn.execute(
                    "INSERT OR IGNORE INTO section_texts (content_hash, section_id, title, body, stored_at, details) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (content_hash, section_id, title, body, now, rest[0] if rest else None),
                )
                added += cursor.rowcount
        return added

    def prune_texts(self, current: set[str]) -> int:
        """Drop the oldest earlier texts past the bound: never a text of the current version
        (`current`: its content hashes, the base of the next diff) nor one the user read."""
        rows = self._conn.execute(
            "SELECT content_hash FROM section_texts WHERE content_hash NOT IN "
            "(SELECT content_hash FROM section_reads) ORDER BY stored_at DESC, rowid DESC").fetchall()
        earlier = [str(r[0]) for r in rows if str(r[0]) not in current]
        dropped = earlier[self._keep_texts:]
        with transaction(self._conn):
            for start in range(0, len(dropped), 500):
                chunk = dropped[start:start + 500]
                self._conn.execute(
                    f"DELETE FROM section_texts WHERE content_hash IN ({','.join('?' * len(chunk))})", chunk)
        return len(dropped)

    def text_count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM section_texts").fetchone()[0])

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        wanted = list(hashes)
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(str(r[0]) for r in self._conn.execute(
                f"SELECT content_hash FROM section_texts WHERE content_hash IN ({marks})", chunk))
        return found

    def text(self, content_hash: str) -> StoredText | None:
        row = self._conn.execute("SELECT * FROM section_texts WHERE content_hash = ?", (content_hash,)).fetchone()
        return None if row is None else _text(row)

    def texts_of(self, section_id: str | Sequence[str]) -> list[StoredText]:
        """Every kept text of a section (under any of these IDs), newest first."""
        ids = [section_id] if isinstance(section_id, str) else list(section_id)
        rows = self._conn.execute(
            f"SELECT * FROM section_texts WHERE section_id IN ({','.join('?' * len(ids))}) "
            "ORDER BY stored_at DESC, rowid DESC", ids)
        return [_text(r) for r in rows]

    # --- what this user read ----------------------------------------------------------------
    def mark_read(self, section_id: str, content_hash: str, title: str, body: str,
                  details: str | None = None, guidance: str = "") -> None:
        """The user opened this section at this content: keep its text (to diff against later)."""
        self.keep_texts([(section_id, content_hash, title, body) + ((details,) if details is not None else ())])
        if details is not None:  # a text kept before details were: it gets them now
            with transaction(self._conn):
                self._conn.execute("UPDATE section_texts SET details = ? WHERE content_hash = ? AND details IS NULL",
                                   (details, content_hash))
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO section_reads (section_id, content_hash, read_at, guidance) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(section_id, content_hash) DO UPDATE SET read_at = excluded.read_at, "
                "guidance = excluded.guidance",
                (section_id, content_hash, to_db(self._clock()), guidance or None),
            )

    def last_read(self, section_id: str | Sequence[str], *, other_than: str = "") -> SectionRead | None:
        """When the user last read the section (under any of these IDs: its own and the ones it
        had before a rename), and at which content; with `other_than`, the last read of any
        other content (the version read before the one shown now)."""
        ids = [section_id] if isinstance(section_id, str) else list(section_id)
        row = self._conn.execute(
            f"SELECT * FROM section_reads WHERE section_id IN ({','.join('?' * len(ids))}) AND content_hash != ? "
            "ORDER BY read_at DESC LIMIT 1", (*ids, other_than)).fetchone()
        return None if row is None else _read(row)

    def last_reads(self, section_ids: Iterable[str]) -> dict[str, SectionRead]:
        """The last read of each of these sections that the user ever read."""
        wanted = list(dict.fromkeys(section_ids))
        found: dict[str, SectionRead] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = self._conn.execute(
                f"SELECT * FROM section_reads WHERE section_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY read_at", chunk)
            for row in rows:
                found[str(row["section_id"])] = _read(row)  # later rows win: the latest read
        return found

    def reads(self) -> Iterator[SectionRead]:
        for row in self._conn.execute("SELECT * FROM section_reads ORDER BY read_at"):
            yield _read(row)


def _read(row: sqlite3.Row) -> SectionRead:
    return SectionRead(str(row["section_id"]), str(row["content_hash"]), from_db(row["read_at"]),
                       str(row["guidance"] or ""))


def _version(row: sqlite3.Row) -> RecordedVersion:
    return RecordedVersion(int(row["seq"]), str(row["version_id"]), str(row["label"]),
                           from_db(row["recorded_at"]), int(row["sections"]))


def _text(row: sqlite3.Row) -> StoredText:
    return StoredText(row["section_id"], row["content_hash"], row["title"], row["body"], from_db(row["stored_at"]),
                      row["details"])
