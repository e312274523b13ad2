"""A section renamed (the new section lists the old ID in `aliases`) keeps what the user did under
the old ID: its reads (last read, changed since read, badges and the diff's "version you last
read"), bookmarks and "read and understood" confirmations. Only the ID changed: nothing to say,
nothing asked again. The text changed too: the badge carries the old read's date, the diff is
against what was read under the old ID, and the confirmation is asked again. Real files loaded
before and after the rename, a real versions database and user database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.helpers.services import TickingClock

from manualviewer.core.changes.alerts import Interest
from manualviewer.core.changes.worddiff import BlockKind
from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import load_library
from manualviewer.services.alerts import compute, interest_of
from manualviewer.services.changes import ChangeTracker
from manualviewer.services.must_read import ReadState, confirm, status_of
from manualviewer.storage.stores import Stores, open_stores

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 10)
BODY = "Write down what the customer said.\n\nAsk before you record the call."


def Clock() -> TickingClock:
    """An hour later at every question."""
    return TickingClock(T0, dt.timedelta(hours=1))


def section_file(section_id: str, body: str = BODY, aliases: str = "") -> str:
    extra = f"aliases: [{aliases}]\n" if aliases else ""
    return (f"---\nsection_id: {section_id}\ntitle: Recording a call\nmust_read_by: 2026-12-31\n{extra}---\n"
            f"{body}\n")


@dataclass
class Rig:
    content: Path
    tracker: ChangeTracker
    stores: Stores
    clock: TickingClock

    def load(self) -> Library:
        library = load_library([self.content])
        self.tracker.record_load(library)
        return library

    def read(self, library: Library, section_id: str) -> None:
        section = library.sections[section_id]
        self.tracker.mark_read(section, library.body_of(section))

    def rename(self, body: str = BODY) -> Library:
        """TEST100 becomes TEST150, which lists TEST100 in its aliases."""
        (self.content / "test" / "TEST100.md").unlink()
        (self.content / "test" / "TEST150.md").write_text(section_file("TEST150", body, aliases="TEST100"),
                                                           encoding="utf-8")
        return self.load()

    def alerts_now(self, library: Library) -> dict[str, dt.datetime]:
        now = self.clock()
        interest = interest_of(self.stores.bookmarks, self.stores.notes, self.stores.runs, library, now)
        found = compute(library, interest, self.tracker.all_last_reads(), now=now)
        return {key: alert.since for key, alert in found.alerts.items()}


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    content = tmp_path / "content"
    (content / "test").mkdir(parents=True)
    (content / "test" / "manual.md").write_text("---\ncode: TEST\ntitle: T\norganisation: O\n---\n", encoding="utf-8")
    (content / "test" / "TEST100.md").write_text(section_file("TEST100"), encoding="utf-8")
    clock = Clock()
    tracker = ChangeTracker.open(tmp_path / "versions.sqlite3", clock)
    stores = open_stores(tmp_path / "user.sqlite3", clock)
    yield Rig(content, tracker, stores, clock)
    stores.close()
    tracker.close()


def read_and_confirm_before_the_rename(rig: Rig) -> dt.datetime:
    before = rig.load()
    rig.read(before, "TEST100")
    read = rig.tracker.last_read("TEST100")
    assert read is not None
    rig.stores.bookmarks.add("TEST100", "Recording a call")
    confirm(before, rig.stores.attestations, "TEST100", "Sam Officer")
    return read.read_at


def test_a_rename_alone_keeps_the_read_the_bookmark_and_the_confirmation(rig: Rig) -> None:
    read_at = read_and_confirm_before_the_rename(rig)
    after = rig.rename()
    renamed = after.sections["TEST150"]

    last = rig.tracker.last_read("TEST150", after)
    assert last is not None and last.read_at == read_at and last.content_hash == renamed.content_hash
    assert rig.tracker.last_read("TEST100", after) == last  # the old ID leads to the same read
    assert rig.tracker.changed_since_read(after, ["TEST150"]) == {}
    assert rig.alerts_now(after) == {}  # bookmarked (under the old ID) and read: no badge
    assert rig.tracker.changes_since(after).sections == ()  # What changed: a rename alone is no change
    mine = status_of(after, rig.stores.attestations, "TEST150", TODAY, rig.tracker.same_guidance)
    assert mine is not None and mine.state is ReadState.CONFIRMED and not mine.outstanding
    assert mine.confirmed is not None and mine.confirmed.section_id == "TEST100"
    # Without a way to compare the texts, a confirmation under the old ID is asked again.
    unsure = status_of(after, rig.stores.attestations, "TEST150", TODAY)
    assert unsure is not None and unsure.state is ReadState.CHANGED


def test_a_rename_with_a_changed_text_shows_it_against_what_was_read_under_the_old_id(rig: Rig) -> None:
    read_at = read_and_confirm_before_the_rename(rig)
    after = rig.rename(BODY.replace("Ask before you record", "Tell the customer before you record"))
    renamed = after.sections["TEST150"]

    changed = rig.tracker.changed_since_read(after, ["TEST150"])
    assert set(changed) == {"TEST150"} and changed["TEST150"].read_at == read_at
    assert rig.alerts_now(after) == {"TEST150": read_at}  # the badge: changed since that read
    assert [(c.id, c.change.value) for c in rig.tracker.changes_since(after).sections] == [("TEST150", "changed")]
    mine = status_of(after, rig.stores.attestations, "TEST150", TODAY, rig.tracker.same_guidance)
    assert mine is not None and mine.state is ReadState.CHANGED
    assert mine.describe().startswith("Changed since you confirmed it")

    result = rig.tracker.diff(renamed, body=after.body_of(renamed))
    assert result is not None and result.read and result.from_date == read_at
    assert result.renamed_from == "TEST100" and not result.title_changed
    assert [b.kind for b in result.diff.blocks] == [BlockKind.SAME, BlockKind.CHANGED]
    assert result.what_changed()[0].startswith("This section was TEST100 in that version; it is now TEST150")

    rig.read(after, "TEST150")  # read as it is now: the badge goes, the diff stays on the old read
    assert rig.alerts_now(after) == {}
    again = rig.tracker.diff(renamed, body=after.body_of(renamed))
    assert again is not None and again.from_hash == result.from_hash


def test_a_rename_the_user_never_saw_under_either_id_has_no_badge(rig: Rig) -> None:
    rig.load()
    after = rig.rename(BODY + "\n\nA new paragraph.")
    assert rig.tracker.last_read("TEST150", after) is None
    assert rig.alerts_now(after) == {}
    assert Interest() == interest_of(rig.stores.bookmarks, rig.stores.notes, rig.stores.runs, after, rig.clock())


def test_an_alias_that_is_another_sections_id_does_not_bring_that_sections_reads(rig: Rig) -> None:
    clash = rig.content / "test" / "TEST200.md"
    clash.write_text(section_file("TEST200", "Other guidance.", aliases="TEST100"), encoding="utf-8")
    before = rig.load()
    assert before.aliases.get("TEST100") is None  # the library ignores the clashing alias
    rig.read(before, "TEST100")
    clash.write_text(section_file("TEST200", "Other guidance, changed.", aliases="TEST100"), encoding="utf-8")
    after = rig.load()
    section = after.sections["TEST200"]

    result = rig.tracker.diff(section, body=after.body_of(section), library=after)

    assert result is not None and not result.read and result.renamed_from == ""  # its own kept text
    assert rig.tracker.changed_since_read(after, ["TEST200"]) == {}  # never read: nothing since


def test_a_change_no_reader_can_see_badges_nothing_and_asks_nothing_again(rig: Rig) -> None:
    read_at = read_and_confirm_before_the_rename(rig)
    text = section_file("TEST100", aliases="TEST099").replace("---\nWrite", "reviewer_note: checked\n---\nWrite")
    (rig.content / "test" / "TEST100.md").write_text(text, encoding="utf-8")  # an alias and an unknown key
    after = rig.load()
    section = after.sections["TEST100"]
    read = rig.tracker.last_read("TEST100")
    assert read is not None and read.content_hash != section.content_hash  # the file did change

    assert rig.tracker.changed_since_read(after, ["TEST100"]) == {}
    last = rig.tracker.last_read("TEST100", after)
    assert last is not None and last.read_at == read_at
    assert rig.alerts_now(after) == {}
    assert rig.tracker.changes_since(after).sections == ()
    mine = status_of(after, rig.stores.attestations, "TEST100", TODAY, rig.tracker.same_guidance)
    assert mine is not None and mine.state is ReadState.CONFIRMED
    result = rig.tracker.diff(section, body=after.body_of(section), library=after)
    assert result is not None and result.unchanged

    edited = text.replace("---\nWrite", "owner: Debt policy team\n---\nWrite")
    (rig.content / "test" / "TEST100.md").write_text(edited, encoding="utf-8")  # a change readers see
    owned = rig.load()
    assert set(rig.tracker.changed_since_read(owned, ["TEST100"])) == {"TEST100"}
    assert rig.alerts_now(owned) == {"TEST100": read_at}
    mine = status_of(owned, rig.stores.attestations, "TEST100", TODAY, rig.tracker.same_guidance)
    assert mine is not None and mine.state is ReadState.CHANGED
