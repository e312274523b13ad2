"""Bookmarked sections: one per section, with the title kept so the list shows without content."""

from __future__ import annotations

import builtins
import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from manualviewer.core.json_limits import JsonTooDeep, JsonTooLarge, loads_bounded
from manualviewer.storage.clock import Clock, from_db, to_db, utc_now
from manualviewer.storage.database import transaction

EXPORT_FORMAT = "manualviewer-bookmarks"
EXPORT_VERSION = 1
# An export of 100,000 bookmarks is about 20 MB; a bigger file is not one of ours.
MAX_IMPORT_CHARS = 64_000_000


@dataclass(frozen=True)
class Bookmark:
    id: int
    section_id: str
    title: str
    label: str  # the officer's own name for it; empty means use the title
    created_at: dt.datetime

    @property
    def display_name(self) -> str:
        return self.label or self.title or self.section_id


class BookmarkImportError(ValueError):
    """A bookmarks file that is not one manualviewer wrote (or was damaged)."""


class BookmarkStore:
    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    def add(self, section_id: str, title: str, label: str = "") -> Bookmark:
        """Bookmark a section; if it already is, return the existing bookmark unchanged."""
        if not section_id.strip():
            raise ValueError("section_id must not be empty")
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO bookmarks (section_id, title, label, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(section_id) DO NOTHING",
                (section_id.strip(), title, label.strip(), to_db(self._clock())),
            )
        found = self.get(section_id)
        assert found is not None
        return found

    def get(self, section_id: str) -> Bookmark | None:
        row = self._conn.execute(
            "SELECT id, section_id, title, label, created_at FROM bookmarks WHERE section_id = ?",
            (section_id.strip(),),
        ).fetchone()
        return _bookmark(row) if row is not None else None

    def contains(self, section_id: str) -> bool:
        return self.get(section_id) is not None

    def rename(self, section_id: str, label: str) -> Bookmark:
        with transaction(self._conn):
            cur = self._conn.execute(
                "UPDATE bookmarks SET label = ? WHERE section_id = ?", (label.strip(), section_id.strip())
            )
        if cur.rowcount == 0:
            raise KeyError(section_id)
        found = self.get(section_id)
        assert found is not None
        return found

    def delete(self, section_id: str) -> bool:
        with transaction(self._conn):
            cur = self._conn.execute("DELETE FROM bookmarks WHERE section_id = ?", (section_id.strip(),))
        return cur.rowcount > 0

    def toggle(self, section_id: str, title: str) -> bool:
        """Add the bookmark if absent, remove it if present; True if the section is now bookmarked."""
        if self.delete(section_id):
            return False
        self.add(section_id, title)
        return True

    def list(self) -> builtins.list[Bookmark]:
        """Bookmarks in the order they were made."""
        rows = self._conn.execute(
            "SELECT id, section_id, title, label, created_at FROM bookmarks ORDER BY created_at, id"
        )
        return [_bookmark(r) for r in rows]

    def export_json(self) -> str:
        data = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "bookmarks": [
                {
                    "section_id": b.section_id,
                    "title": b.title,
                    "label": b.label,
                    "created_at": to_db(b.created_at),
                }
                for b in self.list()
            ],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def import_json(self, text: str) -> int:
        """Add the bookmarks in an export that are not here yet (all or none); return how many."""
        entries = _parse_export(text)
        added = 0
        with transaction(self._conn):
            for e in entries:
                cur = self._conn.execute(
                    "INSERT INTO bookmarks (section_id, title, label, created_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(section_id) DO NOTHING",
                    (e["section_id"], e["title"], e["label"], e["created_at"]),
                )
                added += cur.rowcount
        return added


def _parse_export(text: str) -> list[dict[str, str]]:
    try:
        data: Any = loads_bounded(text, max_chars=MAX_IMPORT_CHARS)
    except (JsonTooDeep, JsonTooLarge) as exc:
        raise BookmarkImportError(f"not a manualviewer bookmarks file: {exc}") from exc
    except ValueError as exc:
        raise BookmarkImportError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise BookmarkImportError("not a manualviewer bookmarks file")
    if data.get("version") != EXPORT_VERSION:
        raise BookmarkImportError(f"unsupported bookmarks file version {data.get('version')!r}")
    items = data.get("bookmarks")
    if not isinstance(items, list):
        raise BookmarkImportError("'bookmarks' must be a list")
    entries = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise BookmarkImportError(f"bookmark {n}: not an object")
        section_id = item.get("section_id")
        if not isinstance(section_id, str) or not section_id.strip():
            raise BookmarkImportError(f"bookmark {n}: section_id missing")
        title, label = item.get("title", ""), item.get("label", "")
        if not isinstance(title, str) or not isinstance(label, str):
            raise BookmarkImportError(f"bookmark {n}: title and label must be strings")
        created = item.get("created_at")
        try:
            created_db = to_db(from_db(created)) if isinstance(created, str) else to_db(utc_now())
        except ValueError as exc:
            raise BookmarkImportError(f"bookmark {n}: bad created_at {created!r}") from exc
        entries.append(
            {
                "section_id": section_id.strip(),
                "title": title,
                "label": label.strip(),
                "created_at": created_db,
            }
        )
    return entries


def _bookmark(row: sqlite3.Row) -> Bookmark:
    return Bookmark(
        id=row["id"],
        section_id=row["section_id"],
        title=row["title"],
        label=row["label"],
        created_at=from_db(row["created_at"]),
    )
