"""Word diffs of lists and tables as guidance changes them: a row or item added or removed is that
row or item alone, a column added marks the new cells of each row, a reordered list says what
moved, and renumbering an ordered list (an item added above) is not a change of the items below."""

from __future__ import annotations

from manualviewer.core.changes.worddiff import BlockKind, Piece, PieceKind, diff_plain, diff_sections

TABLE = "| Band | Rate |\n|---|---|\n| A | 10% |\n| B | 20% |\n| C | 40% |\n"
LIST = "Bring:\n\n- a passport\n- a utility bill\n- a bank statement\n"
STEPS = "Steps:\n\n1. Check the name\n2. Check the address\n3. Ask for the reference\n"


def kinds(old: str, new: str) -> list[BlockKind]:
    return [b.kind for b in diff_sections(old, new).blocks]


def test_a_table_row_added_is_that_row_alone() -> None:
    new = TABLE.replace("| B | 20% |\n", "| AB | 15% |\n| B | 20% |\n")
    diff = diff_sections(TABLE, new)
    assert [b.kind for b in diff.blocks] == [BlockKind.SAME] * 3 + [BlockKind.ADDED] + [BlockKind.SAME] * 2
    assert diff.blocks[3].pieces == (Piece(PieceKind.INSERTED, "| AB | 15% |"),)
    assert diff_plain(diff) == "| Band | Rate |\n|---|---|\n| A | 10% |\n{+| AB | 15% |+}\n| B | 20% |\n| C | 40% |\n"


def test_a_table_row_removed_is_that_row_alone() -> None:
    diff = diff_sections(TABLE, TABLE.replace("| B | 20% |\n", ""))
    assert [b.kind for b in diff.blocks] == [BlockKind.SAME] * 3 + [BlockKind.REMOVED, BlockKind.SAME]
    assert diff_plain(diff, context=0) == "[-| B | 20% |-]\n"


def test_a_column_added_marks_the_new_cell_of_each_row_and_the_rule_is_one_row() -> None:
    new = "| Band | Rate | Cap |\n|---|---|---|\n| A | 10% | 100 |\n| B | 20% | 200 |\n| C | 40% | none |\n"
    diff = diff_sections(TABLE, new)
    assert [b.kind for b in diff.blocks] == [BlockKind.CHANGED] * 5  # no row removed and added again
    assert diff_plain(diff) == ("| Band | Rate |{+ Cap |+}\n|---|---|{+---|+}\n| A | 10% |{+ 100 |+}\n"
                                "| B | 20% |{+ 200 |+}\n| C | 40% |{+ none |+}\n")


def test_a_changed_cell_in_a_short_row_is_still_a_changed_row() -> None:
    old, new = "| Q | A |\n|---|---|\n| Recorded | yes |\n", "| Q | A |\n|---|---|\n| Recorded | no |\n"
    assert diff_plain(diff_sections(old, new), context=0) == "| Recorded | [-yes-]{+no+} |\n"


def test_a_list_item_removed_is_that_item_alone() -> None:
    diff = diff_sections(LIST, LIST.replace("- a utility bill\n", ""))
    assert [b.kind for b in diff.blocks] == [BlockKind.SAME, BlockKind.SAME, BlockKind.REMOVED, BlockKind.SAME]
    assert diff_plain(diff) == "Bring:\n\n- a passport\n[-- a utility bill-]\n- a bank statement\n"


def test_a_reordered_list_says_which_item_moved_and_removes_nothing() -> None:
    new = "Bring:\n\n- a bank statement\n- a passport\n- a utility bill\n"
    diff = diff_sections(LIST, new)
    assert diff.count(BlockKind.MOVED) == 1 and diff.count(BlockKind.REMOVED) == diff.count(BlockKind.ADDED) == 0
    assert diff_plain(diff) == "Bring:\n\n(moved here) - a bank statement\n- a passport\n- a utility bill\n"


def test_an_item_added_to_a_numbered_list_does_not_mark_the_renumbered_items_below() -> None:
    new = "Steps:\n\n1. Check the name\n2. Check the date of birth\n3. Check the address\n4. Ask for the reference\n"
    diff = diff_sections(STEPS, new)
    assert [b.kind for b in diff.blocks] == [BlockKind.SAME, BlockKind.SAME, BlockKind.ADDED, BlockKind.SAME,
                                             BlockKind.SAME]
    assert diff_plain(diff) == new.replace("2. Check the date of birth", "{+2. Check the date of birth+}")


def test_an_item_removed_from_a_numbered_list_is_removed_and_the_rest_unchanged() -> None:
    new = "Steps:\n\n1. Check the name\n2. Ask for the reference\n"
    diff = diff_sections(STEPS, new)
    assert [b.kind for b in diff.blocks] == [BlockKind.SAME, BlockKind.SAME, BlockKind.REMOVED, BlockKind.SAME]
    assert diff_plain(diff) == "Steps:\n\n1. Check the name\n[-2. Check the address-]\n2. Ask for the reference\n"


def test_a_numbered_step_reworded_is_marked_in_its_words_not_its_number() -> None:
    new = STEPS.replace("2. Check the address", "2. Check the postcode")
    assert diff_plain(diff_sections(STEPS, new), context=0) == "2. Check the [-address-]{+postcode+}\n"
