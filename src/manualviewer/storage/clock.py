"""UTC timestamps as stored: fixed-width ISO 8601, so text order in SQL is time order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_db(when: dt.datetime) -> str:
    """'2024-05-01T09:30:00.000000+00:00'. Naive datetimes are refused: their zone is a guess."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"timestamp without a time zone: {when!r}")
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def from_db(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def from_db_optional(text: str | None) -> dt.datetime | None:
    return from_db(text) if text else None
