"""Word diffs of a section's Markdown: words, list items, table rows, moved paragraphs; the plain
form carries the change in words. (The HTML form: test_diff_render.py.)"""

from __future__ import annotations

from manualviewer.core.changes.worddiff import (
    BlockKind,
    Piece,
    PieceKind,
    diff_plain,
    diff_sections,
    diff_words,
    split_blocks,
)


def joined(pieces: tuple[Piece, ...], *keep: PieceKind) -> str:
    return "".join(p.text for p in pieces if p.kind in keep)


def test_split_blocks_makes_each_heading_list_item_and_table_row_a_block() -> None:
    text = "# Head\nIntro line\nwraps here.\n\n- one\n- two\n  more of two\n1. first\n| a | b |\n| 1 | 2 |\n"
    assert split_blocks(text) == [
        "# Head\nIntro line\nwraps here.", "- one", "- two\n  more of two", "1. first", "| a | b |", "| 1 | 2 |",
    ]


def test_diff_words_marks_the_changed_word_and_joins_back_to_both_texts() -> None:
    old, new = "The officer must check the ID.", "The officer should check the photo ID."
    pieces = diff_words(old, new)
    assert [(p.kind, p.text.strip()) for p in pieces if p.kind is not PieceKind.SAME] == [
        (PieceKind.DELETED, "must"), (PieceKind.INSERTED, "should"), (PieceKind.INSERTED, "photo")]
    assert joined(pieces, PieceKind.SAME, PieceKind.DELETED) == old
    assert joined(pieces, PieceKind.SAME, PieceKind.INSERTED) == new


def test_unchanged_text_is_one_same_block() -> None:
    diff = diff_sections("Para one.\n\nPara two.\n", "Para one.\n\nPara two.\n")
    assert diff.unchanged
    assert [b.kind for b in diff.blocks] == [BlockKind.SAME, BlockKind.SAME]


def test_a_changed_list_item_is_marked_in_that_item_and_a_new_item_is_added() -> None:
    old = "Bring:\n\n- a passport\n- a utility bill\n- a bank statement\n"
    new = "Bring:\n\n- a passport\n- a council tax bill\n- a bank statement\n- a payslip\n"
    diff = diff_sections(old, new)
    kinds = [b.kind for b in diff.blocks]
    assert kinds == [BlockKind.SAME, BlockKind.SAME, BlockKind.CHANGED, BlockKind.SAME, BlockKind.ADDED]
    changed = diff.blocks[2].pieces
    assert joined(changed, PieceKind.DELETED).strip() == "utility"
    assert joined(changed, PieceKind.INSERTED).strip() == "council tax"
    assert diff.blocks[4].pieces == (Piece(PieceKind.INSERTED, "- a payslip"),)
    assert diff_plain(diff) == (
        "Bring:\n\n- a passport\n- a [-utility-]{+council tax+} bill\n- a bank statement\n{+- a payslip+}\n")


def test_a_changed_table_cell_is_marked_in_its_row_and_the_table_stays_a_table() -> None:
    old = "| Band | Rate |\n|---|---|\n| A | 10% |\n| B | 20% |\n"
    new = "| Band | Rate |\n|---|---|\n| A | 12% |\n| B | 20% |\n"
    diff = diff_sections(old, new)
    assert diff.count(BlockKind.CHANGED) == 1
    row = next(b for b in diff.blocks if b.kind is BlockKind.CHANGED)
    assert joined(row.pieces, PieceKind.DELETED) == "10"
    assert joined(row.pieces, PieceKind.INSERTED) == "12"
    assert diff_plain(diff) == "| Band | Rate |\n|---|---|\n| A | [-10-]{+12+}% |\n| B | 20% |\n"


def test_a_removed_paragraph_is_removed_whole() -> None:
    diff = diff_sections("Keep this.\n\nDrop this paragraph now.\n", "Keep this.\n")
    assert [b.kind for b in diff.blocks] == [BlockKind.SAME, BlockKind.REMOVED]
    assert diff_plain(diff) == "Keep this.\n\n[-Drop this paragraph now.-]\n"


def test_a_paragraph_that_moved_is_moved_not_removed_and_added() -> None:
    old = "First para.\n\nSecond para.\n\nThird para about debts.\n"
    new = "Third para about debts.\n\nFirst para.\n\nSecond para.\n"
    diff = diff_sections(old, new)
    assert diff.count(BlockKind.MOVED) == 1
    assert diff.count(BlockKind.ADDED) == diff.count(BlockKind.REMOVED) == 0
    moved = next(b for b in diff.blocks if b.kind is BlockKind.MOVED)
    assert moved.pieces == (Piece(PieceKind.SAME, "Third para about debts."),)
    assert diff_plain(diff).startswith("(moved here) Third para about debts.")


def test_an_unlike_replacement_is_a_removal_and_an_addition() -> None:
    diff = diff_sections("Alpha beta gamma.\n", "Completely different words here.\n")
    assert {b.kind for b in diff.blocks} == {BlockKind.REMOVED, BlockKind.ADDED}


def test_a_long_paragraph_diffs_by_sentence_and_still_joins_back() -> None:
    sentences = [f"Sentence {n} says the officer records fact {n} in the note." for n in range(800)]
    old = " ".join(sentences)
    changed = list(sentences)
    changed[400] = "Sentence 400 says the officer records nothing more."
    new = " ".join(changed)
    pieces = diff_words(old, new)
    assert joined(pieces, PieceKind.SAME, PieceKind.DELETED) == old
    assert joined(pieces, PieceKind.SAME, PieceKind.INSERTED) == new
    inserted = joined(pieces, PieceKind.INSERTED)
    assert "nothing" in inserted and "more" in inserted
    assert len(joined(pieces, PieceKind.INSERTED)) < 60  # the one sentence, not the paragraph


def test_context_shows_changed_blocks_with_their_neighbours_and_marks_the_gaps() -> None:
    old = "\n\n".join(f"Paragraph {n}." for n in range(10)) + "\n"
    new = old.replace("Paragraph 2.", "Paragraph two.").replace("Paragraph 8.", "Paragraph eight.")
    diff = diff_sections(old, new)
    assert diff_plain(diff, context=1) == (
        "Paragraph 1.\n\nParagraph [-2-]{+two+}.\n\nParagraph 3.\n\n...\n\n"
        "Paragraph 7.\n\nParagraph [-8-]{+eight+}.\n\nParagraph 9.\n")
    assert diff_plain(diff).count("Paragraph") == 10


def test_changes_split_only_by_spaces_are_joined_into_one() -> None:
    old, new = "the caller is being recorded today", "the caller is recording the call today"
    pieces = diff_words(old, new)
    assert [(p.kind, p.text) for p in pieces if p.kind is not PieceKind.SAME] == [
        (PieceKind.DELETED, "being recorded"), (PieceKind.INSERTED, "recording the call")]
    assert "".join(p.text for p in pieces if p.kind is not PieceKind.INSERTED) == old
    assert "".join(p.text for p in pieces if p.kind is not PieceKind.DELETED) == new


def test_two_removals_a_space_apart_add_no_lone_space() -> None:
    pieces = diff_words("keep one two three keep", "keep two keep")
    assert all(p.text.strip() for p in pieces if p.kind is PieceKind.INSERTED)
    assert "".join(p.text for p in pieces if p.kind is not PieceKind.INSERTED) == "keep one two three keep"
    assert "".join(p.text for p in pieces if p.kind is not PieceKind.DELETED) == "keep two keep"
