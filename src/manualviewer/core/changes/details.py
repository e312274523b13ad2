"""What a reader sees of a section besides its title and text, and those changes said in words.

A section's content hash covers its whole front matter (status, dates, owner, checklists, change
notes...), so a section whose text is the same can still be "changed": the diff then says what
changed ("The status changed from live to withdrawn.") instead of "no change". The details are
kept with each kept text (storage/versions.py) as a flat mapping of strings, so an earlier
version's details can be compared without the file it came from."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from manualviewer.core.model import Section

# (key, the words for it), in the order a reader meets them. Left out: the section ID and its
# aliases (a rename is told apart, services/changes.py) and must_read_by (not in the hash).
DETAIL_LABELS: tuple[tuple[str, str], ...] = (
    ("manual", "manual"),
    ("parent", "section it sits under"),
    ("status", "status"),
    ("archive_date", "archive date"),
    ("superseded_by", "section that replaces it"),
    ("summary", "summary"),
    ("owner", "owner"),
    ("review_by", "review date"),
    ("updated", "date it was last updated"),
    ("procedures", "checklists"),
    ("change_notes", "change notes"),
)
_LABELS = dict(DETAIL_LABELS)


def details_of(section: Section) -> dict[str, str]:
    """The section's reader-visible details as text ("" when not set)."""
    def day(value: dt.date | None) -> str:
        return value.isoformat() if value else ""

    notes = "\n".join(f"{n.date.isoformat() if n.date else 'undated'}: {n.note}" for n in section.change_notes)
    return {
        "manual": section.manual,
        "parent": section.parent or "",
        "status": section.status.value,
        "archive_date": day(section.archive_date),
        "superseded_by": section.superseded_by or "",
        "summary": section.summary,
        "owner": section.owner,
        "review_by": day(section.review_by),
        "updated": day(section.updated),
        "procedures": ", ".join(section.procedures),
        "change_notes": notes,
    }


def details_json(section: Section) -> str:
    return json.dumps(details_of(section), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def details_from_json(text: str | None) -> dict[str, str] | None:
    """The kept details; None when none were kept (a text kept before details were) or unreadable."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {str(k): str(v) for k, v in data.items()}


@dataclass(frozen=True)
class DetailChange:
    key: str
    before: str
    after: str

    @property
    def label(self) -> str:
        return _LABELS.get(self.key, self.key.replace("_", " "))

    def sentence(self) -> str:
        """"The status changed from live to withdrawn.", in the words a reader would use."""
        if self.key == "change_notes":
            return _notes_sentence(self.before, self.after)
        quote = self.key in _FREE_TEXT
        before, after = _shown(self.before, quote), _shown(self.after, quote)
        if not self.before:
            return f"The {self.label} was added: {after}."
        if not self.after:
            return f"The {self.label} was removed (it was {before})."
        return f"The {self.label} changed from {before} to {after}."


def detail_changes(before: Mapping[str, str], after: Mapping[str, str]) -> tuple[DetailChange, ...]:
    """The details that differ, in reading order."""
    return tuple(DetailChange(key, before.get(key, ""), after.get(key, ""))
                 for key, _label in DETAIL_LABELS if before.get(key, "") != after.get(key, ""))


_FREE_TEXT = frozenset({"summary", "owner"})  # written words: quoted, so the sentence reads


def _shown(value: str, quote: bool) -> str:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return f"\u201c{value}\u201d" if quote else value
    return f"{day.day} {day:%b %Y}"


def _notes_sentence(before: str, after: str) -> str:
    old = set(before.splitlines())
    added = [line for line in after.splitlines() if line not in old]
    new = set(after.splitlines())
    removed = [line for line in before.splitlines() if line not in new]
    parts = []
    if added:
        parts.append(("A change note was added: " if len(added) == 1 else "Change notes were added: ")
                     + "; ".join(f"\u201c{_note(line)}\u201d" for line in added))
    if removed:
        parts.append(("A change note was removed: " if len(removed) == 1 else "Change notes were removed: ")
                     + "; ".join(f"\u201c{_note(line)}\u201d" for line in removed))
    return ". ".join(parts) + "." if parts else "The change notes were reordered."


def _note(line: str) -> str:
    when, _sep, text = line.partition(": ")
    try:
        day = dt.date.fromisoformat(when)
    except ValueError:
        return text or line
    return f"{text} ({day.day} {day:%b %Y})"


def guidance_hash(title: str, body: str, details: Mapping[str, str]) -> str:
    """What a reader sees of a section, without its ID and aliases: the same before and after a
    rename that changed nothing else (the content hash changes with the ID: it is in the file's
    front matter)."""
    digest = hashlib.sha256(title.encode() + b"\0" + body.encode() + b"\0")
    digest.update(json.dumps({k: details.get(k, "") for k, _label in DETAIL_LABELS}, sort_keys=True).encode())
    return digest.hexdigest()


def section_guidance(section: Section, body: str | None = None) -> str:
    return guidance_hash(section.title, section.body if body is None else body, details_of(section))
