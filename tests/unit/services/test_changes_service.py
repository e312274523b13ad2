"""ChangeTracker over a real copy of the bundled library: each load records a version, what
changed since the one before (or a named one), change notes, reads, and word diffs offline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.unit.services.conftest import day_clock as Clock
from tests.unit.services.conftest import load

from manualviewer.core.changes.versions import Change
from manualviewer.core.changes.worddiff import BlockKind, PieceKind
from manualviewer.services.changes import ChangeTracker, UnknownVersion
from manualviewer.services.workspace import Workspace

EDITED = "DMBM511015"
EDITED_FILE = Path("dmbm") / "DMBM511015.md"
REMOVED_FILE = Path("dmbm") / "DMBM511130.md"


def edit(content: Path, old: str, new: str, relative: Path = EDITED_FILE) -> None:
    path = content / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_first_load_is_the_baseline_with_nothing_changed(tracker: ChangeTracker, content: Path) -> None:
    library = load(content)
    recorded = tracker.record_load(library)
    assert recorded.sections == len(library.sections)
    report = tracker.changes_since(library)
    assert report.since is None and report.sections == ()
    assert report.as_json() == {"since": None, "sections": []}
    assert tracker.record_load(load(content)) == recorded  # the same files again: no new version


def test_sections_added_changed_and_removed_since_the_last_load(tracker: ChangeTracker, content: Path) -> None:
    first = tracker.record_load(load(content))
    edit(content, "It is not unlawful", "It is not against the law")
    (content / REMOVED_FILE).unlink()
    added = content / "dmbm" / "DMBM511999.md"
    added.write_text("---\nsection_id: DMBM511999\ntitle: A new section\n---\nNew guidance.\n", encoding="utf-8")
    library = load(content)
    tracker.record_load(library)

    report = tracker.changes_since(library)

    assert report.since == first
    assert [(c.id, c.change) for c in report.sections] == [
        ("DMBM511015", Change.CHANGED), ("DMBM511130", Change.REMOVED), ("DMBM511999", Change.ADDED)]
    document = report.as_json()
    assert document["since"] == first.version_id
    assert document["sections"][2] == {"id": "DMBM511999", "title": "A new section", "manual": "DMBM",  # type: ignore[index]
                                       "change": "added"}
    assert report.manual_titles["DMBM"] == "Debt Management and Banking Manual"


def test_since_names_a_version_by_prefix_label_or_date(tracker: ChangeTracker, content: Path) -> None:
    first = tracker.record_load(load(content), label="org-guidance 1.0")
    edit(content, "It is not unlawful", "It is not against the law")
    tracker.record_load(load(content), label="org-guidance 1.1")
    edit(content, "conversation is business-related", "conversation is about business")
    library = load(content)
    tracker.record_load(library, label="org-guidance 1.2")

    assert tracker.changes_since(library).since is not None
    for since in (first.version_id[:8], "org-guidance 1.0", first.recorded_at.date().isoformat()):
        report = tracker.changes_since(library, since)
        assert report.since == first, since
        assert [c.id for c in report.sections] == [EDITED]
    with pytest.raises(UnknownVersion, match="'nothing-like-this'"):
        tracker.changes_since(library, "nothing-like-this")


def test_change_notes_of_changed_sections_come_with_the_report(tracker: ChangeTracker, content: Path) -> None:
    tracker.record_load(load(content))
    edit(content, "status: archive-pending\n",
         "status: archive-pending\nchange_notes:\n  - date: 2026-11-20\n    note: Recording guidance reworded.\n")
    library = load(content)
    tracker.record_load(library)
    notes = tracker.changes_since(library).notes["DMBM"]
    assert [(n.section_id, n.date, n.note) for n in notes] == [
        (EDITED, dt.date(2026, 11, 20), "Recording guidance reworded.")]


def test_a_section_changed_since_it_was_read_and_read_again(tracker: ChangeTracker, content: Path) -> None:
    library = load(content)
    tracker.record_load(library)
    section = library.sections[EDITED]
    tracker.mark_read(section, library.body_of(section))
    read = tracker.last_read(EDITED)
    assert read is not None and read.content_hash == section.content_hash
    assert tracker.changed_since_read(library, [EDITED, "DMBM511130"]) == {}

    edit(content, "It is not unlawful", "It is not against the law")
    changed = load(content)
    tracker.record_load(changed)
    assert set(tracker.changed_since_read(changed, [EDITED, "DMBM511130"])) == {EDITED}

    fresh = changed.sections[EDITED]
    tracker.mark_read(fresh, changed.body_of(fresh))
    assert tracker.changed_since_read(changed, [EDITED]) == {}


def test_the_diff_is_against_the_text_last_read_even_after_reading_the_new_one(
        tracker: ChangeTracker, content: Path) -> None:
    library = load(content)
    tracker.record_load(library)
    tracker.mark_read(library.sections[EDITED], library.body_of(library.sections[EDITED]))
    edit(content, "It is not unlawful", "It is not against the law")
    changed = load(content)
    tracker.record_load(changed)
    section = changed.sections[EDITED]
    tracker.mark_read(section, changed.body_of(section))  # the viewer shows it: the diff stays

    result = tracker.diff(section, body=changed.body_of(section))

    assert result is not None
    assert result.from_hash == library.sections[EDITED].content_hash
    blocks = [b for b in result.diff.blocks if b.kind is BlockKind.CHANGED]
    assert len(blocks) == 1
    deleted = "".join(p.text for p in blocks[0].pieces if p.kind is PieceKind.DELETED)
    inserted = "".join(p.text for p in blocks[0].pieces if p.kind is PieceKind.INSERTED)
    assert (deleted.strip(), inserted.strip()) == ("unlawful", "against the law")


def test_a_section_never_read_diffs_against_its_text_kept_at_the_earlier_load(
        tracker: ChangeTracker, content: Path) -> None:
    before = load(content)
    tracker.record_load(before)
    edit(content, "It is not unlawful", "It is not against the law")
    changed = load(content)
    tracker.record_load(changed)
    section = changed.sections[EDITED]
    result = tracker.diff(section, body=changed.body_of(section))
    assert result is not None and result.from_hash == before.sections[EDITED].content_hash
    # By content hash prefix and by date, too; an unknown one is a clear error.
    by_hash = tracker.diff(section, before.sections[EDITED].content_hash[:8], body=changed.body_of(section))
    assert by_hash is not None and by_hash.diff == result.diff
    first_day = tracker.changes_since(changed).since
    assert first_day is not None
    by_date = tracker.diff(section, first_day.recorded_at.date().isoformat(), body=changed.body_of(section))
    assert by_date is not None and by_date.from_hash == result.from_hash
    with pytest.raises(UnknownVersion, match="ffff"):
        tracker.diff(section, "ffff")
    with pytest.raises(UnknownVersion, match="2001-01-01"):
        tracker.diff(section, "2001-01-01")


def test_no_earlier_text_means_no_diff(tracker: ChangeTracker, content: Path) -> None:
    library = load(content)
    tracker.record_load(library)
    section = library.sections[EDITED]
    assert tracker.diff(section, body=library.body_of(section)) is None


def test_a_library_over_the_bound_keeps_the_texts_that_changed(tmp_path: Path, content: Path) -> None:
    tracker = ChangeTracker.open(tmp_path / "v.sqlite3", Clock(), keep_section_versions=2)
    try:
        library = load(content)
        assert len(library.sections) > 2
        tracker.record_load(library)
        section = library.sections[EDITED]
        assert tracker.diff(section, body=library.body_of(section)) is None  # nothing kept yet
        edit(content, "It is not unlawful", "It is not against the law")
        tracker.record_load(load(content))  # keeps the changed text
        edit(content, "against the law", "against any law")
        latest = load(content)
        tracker.record_load(latest)
        section = latest.sections[EDITED]
        result = tracker.diff(section, body=latest.body_of(section))
        assert result is not None
        inserted = [p.text.strip() for b in result.diff.blocks for p in b.pieces if p.kind is PieceKind.INSERTED]
        assert inserted == ["any"]
    finally:
        tracker.close()


def test_every_workspace_refresh_records_the_library_version(tracker: ChangeTracker, content: Path) -> None:
    workspace = Workspace((content,))
    library = workspace.open_library()
    search = workspace.search_service(lambda: library)
    try:
        first = workspace.refresh(library, search, check_files=True, changes=tracker)
        assert first.version is not None and first.version.label == ""  # a plain folder: no pack label
        assert tracker.changes_since(library).since is None
        edit(content, "It is not unlawful", "It is not against the law")
        second = workspace.refresh(library, search, check_files=True, changes=tracker)
        assert second.library is not None and second.version is not None
        assert second.version.version_id != first.version.version_id
        assert [c.id for c in tracker.changes_since(second.library).sections] == [EDITED]
    finally:
        search.close()
