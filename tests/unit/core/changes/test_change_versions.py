"""Library versions as (ID, content hash) sets: what was added, changed and removed, by hash."""

from __future__ import annotations

from pathlib import Path

from manualviewer.core.changes.versions import Change, SectionChange, SectionStamp, compare, stamps_of, version_id
from manualviewer.core.model import Section


def stamp(section_id: str, content_hash: str, manual: str = "DMBM", title: str = "") -> SectionStamp:
    return SectionStamp(section_id, manual, title or f"Title of {section_id}", content_hash)


def stamps(*items: SectionStamp) -> dict[str, SectionStamp]:
    return {s.id: s for s in items}


def test_added_changed_and_removed_sections_are_listed_by_manual_then_id() -> None:
    old = stamps(stamp("DMBM100", "a"), stamp("DMBM200", "b"), stamp("VATREC1", "c", "VATREC"))
    new = stamps(stamp("DMBM100", "a"), stamp("DMBM200", "B2"), stamp("DMBM300", "d"))

    changes = compare(old, new)

    assert changes == (
        SectionChange("DMBM200", "Title of DMBM200", "DMBM", Change.CHANGED),
        SectionChange("DMBM300", "Title of DMBM300", "DMBM", Change.ADDED),
        SectionChange("VATREC1", "Title of VATREC1", "VATREC", Change.REMOVED),
    )


def test_the_same_hashes_are_no_change_even_with_another_title_order() -> None:
    old = stamps(stamp("DMBM1", "x"), stamp("DMBM2", "y"))
    new = stamps(stamp("DMBM2", "y"), stamp("DMBM1", "x"))
    assert compare(old, new) == ()
    assert version_id(old) == version_id(new)


def test_version_id_follows_content_hashes() -> None:
    before = stamps(stamp("DMBM1", "x"), stamp("DMBM2", "y"))
    after = stamps(stamp("DMBM1", "x"), stamp("DMBM2", "z"))
    assert version_id(before) != version_id(after)
    assert len(version_id(before)) == 16


def test_a_rename_by_alias_alone_is_no_change_of_guidance() -> None:
    old = stamps(stamp("DMBM1", "x"))
    new = stamps(stamp("DMBM9", "x"))
    assert compare(old, new, {"DMBM1": "DMBM9"}) == ()
    # Without the alias it is a removal and an addition.
    kinds = {(c.id, c.change) for c in compare(old, new)}
    assert kinds == {("DMBM1", Change.REMOVED), ("DMBM9", Change.ADDED)}


def test_a_renamed_section_whose_text_changed_counts_once_as_changed_under_its_new_id() -> None:
    old = stamps(stamp("DMBM1", "x"))
    new = stamps(stamp("DMBM9", "x2"))
    assert compare(old, new, {"DMBM1": "DMBM9"}) == (
        SectionChange("DMBM9", "Title of DMBM9", "DMBM", Change.CHANGED),)


def test_stamps_of_sections_keep_id_manual_title_and_hash() -> None:
    section = Section("DMBM5", "DMBM", "Debt", "body", Path("x.md"), 1, content_hash="h5")
    assert stamps_of([section]) == {"DMBM5": SectionStamp("DMBM5", "DMBM", "Debt", "h5")}


def test_as_json_is_the_cli_shape() -> None:
    change = SectionChange("DMBM5", "Debt", "DMBM", Change.REMOVED)
    assert change.as_json() == {"id": "DMBM5", "title": "Debt", "manual": "DMBM", "change": "removed"}
