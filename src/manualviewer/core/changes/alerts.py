"""Which changed sections matter to this user, and why: the badge rule (issue 17 point 2), pure.

A section is *theirs* when they bookmarked it, read it in the last `days` days, cite it in a note
they saved in the last `days` days, or an unfinished checklist of theirs cites it. One of theirs
carries the badge when its text now differs from the text they last saw:

- the text they last read (the read record: when, and the content hash read);
- for a section an unfinished checklist cites, the text when that checklist started, when that
  is later than their last read (or they never opened the section: the checklist showed it to
  them in its steps, so "changed since your checklist started" is still true and useful).

A section they never read and no unfinished checklist cites has nothing to compare with: no badge
("changed since you read it" would be false; the What changed view lists it for everyone). A
section no longer in the library has no badge either (it is not in the contents; What changed
lists it as removed, the bookmarks list says it is gone). Only ids are compared, by content hash:
no text is read, so the rule costs the same for any size of library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

DEFAULT_ALERT_DAYS = 30


class Reason(Enum):
    """Why a section is one of theirs, as a tooltip says it."""

    BOOKMARKED = "you bookmarked it"
    READ = "you read it recently"
    NOTE = "a note of yours cites it"
    CHECKLIST = "an unfinished checklist of yours cites it"


class Seen(Protocol):
    """The text a user saw, and when: a read record (storage/versions.SectionRead) fits."""

    @property
    def content_hash(self) -> str: ...

    @property
    def read_at(self) -> dt.datetime: ...


@dataclass(frozen=True)
class Started:
    """A section's text when an unfinished checklist citing it started."""

    content_hash: str
    read_at: dt.datetime  # when the checklist started (named as Seen names it)


@dataclass(frozen=True)
class Interest:
    """The sections that are the user's, by where they come from."""

    bookmarked: frozenset[str] = frozenset()
    noted: frozenset[str] = frozenset()  # cited by notes saved in the window
    checklists: Mapping[str, Started] = field(default_factory=dict)  # cited by unfinished runs


@dataclass(frozen=True)
class Alert:
    section_id: str
    since: dt.datetime  # when they last saw the text that has since changed
    read: bool  # True: they read it then; False: their checklist started then
    reasons: tuple[Reason, ...]

    def sentence(self, tz: dt.tzinfo | None = None) -> str:
        """"Changed since you read it on 3 Dec 2026" (the date in the user's own time zone)."""
        when = day_text(self.since, tz)
        if self.read:
            return f"Changed since you read it on {when}"
        return f"Changed since your checklist started on {when}"

    def tooltip(self, tz: dt.tzinfo | None = None) -> str:
        why = "; ".join(r.value for r in self.reasons)
        return f"{self.sentence(tz)} ({why})"


def day_text(moment: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """"3 Dec 2026" in `tz` (None: the computer's own time zone)."""
    here = moment.astimezone(tz)
    return f"{here.day} {here:%b %Y}"


def recent_reads(reads: Iterable[tuple[str, Seen]], now: dt.datetime, days: int) -> frozenset[str]:
    """The sections read in the last `days` days (`now` included)."""
    cutoff = now - dt.timedelta(days=days)
    return frozenset(section_id for section_id, read in reads if read.read_at >= cutoff)


def alerts(
    interest: Interest,
    current: Mapping[str, str],
    reads: Mapping[str, Seen],
    *,
    now: dt.datetime,
    days: int = DEFAULT_ALERT_DAYS,
) -> dict[str, Alert]:
    """The user's sections whose text changed since they last saw it, by section ID.

    `current`: section ID -> content hash now (a section not in it is not in the library);
    `reads`: section ID -> the last read record. Sections read in the last `days` days are theirs
    too, taken from `reads`."""
    recent = recent_reads(reads.items(), now, days)
    candidates = interest.bookmarked | interest.noted | interest.checklists.keys() | recent
    result: dict[str, Alert] = {}
    for section_id in candidates:
        now_hash = current.get(section_id)
        if now_hash is None:
            continue
        seen = _last_seen(reads.get(section_id), interest.checklists.get(section_id))
        if seen is None or seen.content_hash == now_hash:
            continue
        reasons = tuple(reason for reason, ids in (
            (Reason.BOOKMARKED, interest.bookmarked),
            (Reason.READ, recent),
            (Reason.NOTE, interest.noted),
            (Reason.CHECKLIST, interest.checklists),
        ) if section_id in ids)
        result[section_id] = Alert(section_id, seen.read_at, not isinstance(seen, Started), reasons)
    return result


def _last_seen(read: Seen | None, started: Started | None) -> Seen | None:
    # The later of the two is what they last saw; a read wins a tie (it is the stronger claim).
    if read is None or started is None:
        return read if read is not None else started
    return started if started.read_at > read.read_at else read

