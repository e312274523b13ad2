"""A section badged "changed" always has something to show: its content hash covers the title and
the front matter too, so the diff compares the title (a word diff) and the details a reader sees
(status, archive date, owner...), and says "no change" only when none of them changed.
Over a real copy of the bundled library, loaded before and after an edit of its file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.unit.services.conftest import load

from manualviewer.core.changes.worddiff import BlockKind, PieceKind
from manualviewer.core.content.library import Library
from manualviewer.services.changes import ChangeTracker, VersionDiff

EDITED = "DMBM511015"
EDITED_FILE = Path("dmbm") / "DMBM511015.md"
OLD_TITLE = "customer tells the member of staff they are being recorded"


def edit(content: Path, old: str, new: str) -> None:
    path = content / EDITED_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def read_then_edit(tracker: ChangeTracker, content: Path, old: str, new: str) -> tuple[Library, VersionDiff]:
    """Read the section, edit its file, load again: the diff against what was read."""
    before = load(content)
    tracker.record_load(before)
    tracker.mark_read(before.sections[EDITED], before.body_of(before.sections[EDITED]))
    edit(content, old, new)
    after = load(content)
    tracker.record_load(after)
    section = after.sections[EDITED]
    assert section.content_hash != before.sections[EDITED].content_hash  # badged as changed
    result = tracker.diff(section, body=after.body_of(section))
    assert result is not None and result.read
    return after, result


def test_a_title_change_alone_is_a_change_with_a_word_diff_of_the_title(
        tracker: ChangeTracker, content: Path) -> None:
    _library, result = read_then_edit(tracker, content, OLD_TITLE, "customer says they are recording the call")

    assert not result.unchanged and result.title_changed and not result.text_changed
    heading = result.shown().blocks[0]
    assert heading.kind is BlockKind.CHANGED
    title = heading.pieces[1:]  # after the heading mark
    assert "".join(p.text for p in title if p.kind is not PieceKind.INSERTED) == result.from_title
    assert "".join(p.text for p in title if p.kind is not PieceKind.DELETED) == result.title
    assert [p.text.strip() for p in title if p.kind is PieceKind.DELETED] == [
        "tells the member of staff", "being recorded"]
    assert [p.text.strip() for p in title if p.kind is PieceKind.INSERTED] == ["says", "recording the call"]
    assert any(p.kind is PieceKind.SAME and "they are" in p.text for p in title)  # words kept are not marked
    assert result.shown().blocks[1:] == result.diff.blocks  # then the text, unchanged
    assert result.what_changed()[0].startswith("The title changed from \u201cCustomer contact")
    assert result.what_changed(title=False) == ()


def test_the_status_and_archive_date_are_said_in_words(tracker: ChangeTracker, content: Path) -> None:
    _library, result = read_then_edit(tracker, content, "status: archive-pending\n",
                                      "status: archived\narchive_date: 2026-11-30\n")

    assert not result.unchanged and not result.text_changed and not result.title_changed
    assert result.what_changed() == (
        "The status changed from archive-pending to archived.",
        "The archive date was added: 30 Nov 2026.",
    )


def test_checklists_owner_and_change_notes_are_said_in_words(tracker: ChangeTracker, content: Path) -> None:
    _library, result = read_then_edit(
        tracker, content, "  - dmbm-customer-sends-recording\n",
        "owner: Debt Management policy team\nchange_notes:\n  - date: 2026-11-20\n    note: Checklist list tidied.\n")

    assert result.what_changed() == (
        "The owner was added: \u201cDebt Management policy team\u201d.",
        "The checklists changed from dmbm-customer-recording-call, dmbm-customer-sends-recording "
        "to dmbm-customer-recording-call.",
        "A change note was added: \u201cChecklist list tidied. (20 Nov 2026)\u201d.",
    )


def test_a_field_no_reader_sees_is_not_called_a_change_of_the_text(tracker: ChangeTracker, content: Path) -> None:
    _library, result = read_then_edit(tracker, content, "status: archive-pending\n",
                                      "status: archive-pending\nreviewer_note: checked\n")
    assert result.unchanged and result.what_changed() == ()


def test_a_text_kept_before_details_were_kept_says_so_instead_of_no_change(
        tracker: ChangeTracker, content: Path, tmp_path: Path) -> None:
    before = load(content)
    tracker.record_load(before)
    tracker.mark_read(before.sections[EDITED], before.body_of(before.sections[EDITED]))
    with sqlite3.connect(tmp_path / "versions.sqlite3") as conn:  # as an older version of the app kept it
        conn.execute("UPDATE section_texts SET details = NULL")
    edit(content, "status: archive-pending\n", "status: withdrawn\n")
    after = load(content)
    section = after.sections[EDITED]

    result = tracker.diff(section, body=after.body_of(section))

    assert result is not None and not result.unchanged and not result.details_kept
    assert result.what_changed() == (
        "The title and text are the same; other details of the section (such as its status or dates) changed, "
        "but what they were then was not kept on this desktop.",)


def test_a_title_and_text_change_shows_both(tracker: ChangeTracker, content: Path) -> None:
    _library, result = read_then_edit(tracker, content, OLD_TITLE, "customer is recording the call")
    edited = load(content)
    tracker.mark_read(edited.sections[EDITED], edited.body_of(edited.sections[EDITED]))
    edit(content, "It is not unlawful", "It is not against the law")
    after = load(content)
    section = after.sections[EDITED]
    both = tracker.diff(section, from_=result.from_hash[:12], body=after.body_of(section))

    assert both is not None and both.title_changed and both.text_changed
    kinds = [b.kind for b in both.shown().blocks if b.kind is not BlockKind.SAME]
    assert kinds == [BlockKind.CHANGED, BlockKind.CHANGED]  # the title, then the paragraph
