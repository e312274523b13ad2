"""The badge rule: which of the user's sections changed since they last saw them, and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from manualviewer.core.changes.alerts import Alert, Interest, Reason, Started, alerts, day_text

NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Read:
    content_hash: str
    read_at: dt.datetime


def test_a_bookmarked_section_changed_since_it_was_read_has_a_badge() -> None:
    found = alerts(Interest(bookmarked=frozenset({"A1"})), {"A1": "new"}, {"A1": Read("old", NOW - 90 * DAY)},
                   now=NOW, days=30)
    assert found == {"A1": Alert("A1", NOW - 90 * DAY, True, (Reason.BOOKMARKED,))}


def test_a_bookmarked_section_unchanged_since_it_was_read_has_none() -> None:
    assert alerts(Interest(bookmarked=frozenset({"A1"})), {"A1": "same"}, {"A1": Read("same", NOW - DAY)},
                  now=NOW) == {}


def test_a_section_read_recently_that_changed_has_a_badge() -> None:
    found = alerts(Interest(), {"A1": "new"}, {"A1": Read("old", NOW - 3 * DAY)}, now=NOW, days=30)
    assert found["A1"].reasons == (Reason.READ,)
    assert found["A1"].since == NOW - 3 * DAY


def test_a_section_read_longer_ago_than_the_window_and_not_otherwise_theirs_has_none() -> None:
    reads = {"A1": Read("old", NOW - 40 * DAY)}
    assert alerts(Interest(), {"A1": "new"}, reads, now=NOW, days=30) == {}
    # ... and the window is the setting: 45 days takes it in.
    assert set(alerts(Interest(), {"A1": "new"}, reads, now=NOW, days=45)) == {"A1"}


def test_the_window_includes_its_first_day() -> None:
    reads = {"A1": Read("old", NOW - 30 * DAY)}
    assert set(alerts(Interest(), {"A1": "new"}, reads, now=NOW, days=30)) == {"A1"}


def test_a_section_a_note_cites_that_changed_since_it_was_read_has_a_badge() -> None:
    found = alerts(Interest(noted=frozenset({"A1"})), {"A1": "new"}, {"A1": Read("old", NOW - 100 * DAY)},
                   now=NOW, days=30)
    assert found["A1"].reasons == (Reason.NOTE,)
    assert found["A1"].read


def test_every_reason_is_listed_in_a_fixed_order() -> None:
    interest = Interest(bookmarked=frozenset({"A1"}), noted=frozenset({"A1"}),
                        checklists={"A1": Started("older", NOW - 10 * DAY)})
    found = alerts(interest, {"A1": "new"}, {"A1": Read("old", NOW - DAY)}, now=NOW)
    assert found["A1"].reasons == (Reason.BOOKMARKED, Reason.READ, Reason.NOTE, Reason.CHECKLIST)


def test_a_section_never_read_has_no_badge_even_when_bookmarked_or_cited_by_a_note() -> None:
    # Nothing to compare with: "changed since you read it" would not be true.
    interest = Interest(bookmarked=frozenset({"A1"}), noted=frozenset({"A2"}))
    assert alerts(interest, {"A1": "x", "A2": "y"}, {}, now=NOW) == {}


def test_a_section_never_read_that_an_unfinished_checklist_cites_compares_with_its_start() -> None:
    interest = Interest(checklists={"A1": Started("at-start", NOW - 2 * DAY)})
    found = alerts(interest, {"A1": "new"}, {}, now=NOW)
    assert found == {"A1": Alert("A1", NOW - 2 * DAY, False, (Reason.CHECKLIST,))}
    assert alerts(interest, {"A1": "at-start"}, {}, now=NOW) == {}


def test_the_later_of_the_read_and_the_checklist_start_is_what_they_last_saw() -> None:
    # Read, then the text changed, then the checklist started on the new text: nothing new since.
    interest = Interest(checklists={"A1": Started("v2", NOW - DAY)})
    assert alerts(interest, {"A1": "v2"}, {"A1": Read("v1", NOW - 5 * DAY)}, now=NOW) == {}
    # Checklist started, then they read the newer text: compared with the read.
    interest = Interest(checklists={"A1": Started("v1", NOW - 5 * DAY)})
    assert alerts(interest, {"A1": "v2"}, {"A1": Read("v2", NOW - DAY)}, now=NOW) == {}
    found = alerts(interest, {"A1": "v3"}, {"A1": Read("v2", NOW - DAY)}, now=NOW)
    assert found["A1"].read and found["A1"].since == NOW - DAY


def test_a_section_no_longer_in_the_library_has_no_badge() -> None:
    assert alerts(Interest(bookmarked=frozenset({"A1"})), {}, {"A1": Read("old", NOW - DAY)}, now=NOW) == {}


def test_sections_that_are_not_theirs_are_left_alone() -> None:
    # Changed, but not bookmarked, not cited and read 200 days ago.
    found = alerts(Interest(bookmarked=frozenset({"B1"})), {"A1": "new", "B1": "new"},
                   {"A1": Read("old", NOW - 200 * DAY), "B1": Read("old", NOW - 200 * DAY)}, now=NOW)
    assert set(found) == {"B1"}


def test_the_sentence_gives_the_day_in_the_users_time_zone() -> None:
    late = dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC)
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert Alert("A1", late, True, (Reason.BOOKMARKED,)).sentence(dt.UTC) == "Changed since you read it on 3 Dec 2026"
    assert Alert("A1", late, True, (Reason.BOOKMARKED,)).sentence(plus_two) == "Changed since you read it on 4 Dec 2026"
    assert Alert("A1", late, False, (Reason.CHECKLIST,)).sentence(dt.UTC) == (
        "Changed since your checklist started on 3 Dec 2026")
    assert Alert("A1", late, True, (Reason.BOOKMARKED, Reason.NOTE)).tooltip(dt.UTC) == (
        "Changed since you read it on 3 Dec 2026 (you bookmarked it; a note of yours cites it)")
    assert day_text(dt.datetime(2026, 1, 9, 8, tzinfo=dt.UTC), dt.UTC) == "9 Jan 2026"
