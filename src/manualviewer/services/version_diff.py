"""A section's diff against an earlier text of it, as the section view and `manualviewer diff`
show it: the body's word diff, the title's, the details a reader sees in words, and a rename.
Made by services/changes.ChangeTracker.diff (re-exported there)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from manualviewer.core.changes.details import DetailChange
from manualviewer.core.changes.worddiff import BlockDiff, BlockKind, Piece, PieceKind, SectionDiff


@dataclass(frozen=True)
class VersionDiff:
    """A section now against an earlier text of it. `diff` is the body's; the title and the
    details a reader sees (status, dates, owner...) are compared too, because they are in the
    content hash: a section badged "changed" always has something here to show."""

    section_id: str
    title: str
    from_hash: str
    from_date: dt.datetime | None  # when the user read that text, else when it was kept
    diff: SectionDiff
    read: bool = False  # the text the user last read (else one kept at a load, or asked for)
    from_title: str = ""
    title_diff: tuple[Piece, ...] = ()  # word diff of the title; () when the title is the same
    details: tuple[DetailChange, ...] = ()
    details_kept: bool = True  # False: the earlier text was kept without its details
    renamed_from: str = ""  # the ID it had in that earlier text, when it was renamed since

    @property
    def title_changed(self) -> bool:
        return bool(self.title_diff)

    @property
    def text_changed(self) -> bool:
        return not self.diff.unchanged

    @property
    def unchanged(self) -> bool:
        """Nothing a reader sees changed: text, title, details and ID are as they were."""
        return (self.diff.unchanged and not self.title_diff and not self.details and self.details_kept
                and not self.renamed_from)

    def shown(self) -> SectionDiff:
        """What a diff view shows: the title's word diff as a heading first when it changed,
        then the text's blocks."""
        if not self.title_diff:
            return self.diff
        heading = BlockDiff(BlockKind.CHANGED, (Piece(PieceKind.SAME, "# "), *self.title_diff))
        return SectionDiff((heading, *self.diff.blocks))

    def changed_parts(self) -> tuple[str, ...]:
        """What changed besides the text, in a few words each ("the title", "the status")."""
        parts = ["its ID"] if self.renamed_from else []
        parts += ["the title"] if self.title_diff else []
        parts += [f"the {change.label}" for change in self.details]
        if not self.details_kept and not parts and self.diff.unchanged:
            parts.append("other details (not kept on this desktop)")
        return tuple(parts)

    def what_changed(self, *, title: bool = True) -> tuple[str, ...]:
        """Sentences for what changed besides the text, in reading order (none when only the
        text changed); `title=False` leaves the title out (a view that shows its word diff)."""
        said: list[str] = []
        if self.renamed_from:
            said.append(f"This section was {self.renamed_from} in that version; it is now {self.section_id} "
                        f"({self.renamed_from} still leads here).")
        if self.title_diff and title:
            said.append(f"The title changed from \u201c{self.from_title}\u201d to \u201c{self.title}\u201d.")
        said.extend(change.sentence() for change in self.details)
        if not self.details_kept and not said and not self.title_diff and self.diff.unchanged:
            said.append("The title and text are the same; other details of the section (such as its status "
                        "or dates) changed, but what they were then was not kept on this desktop.")
        return tuple(said)
