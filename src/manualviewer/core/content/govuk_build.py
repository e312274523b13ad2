"""The second half of a GOV.UK import: one manual's files (manual.md and a file per section)
as text, with parents, change notes, aliases for moved sections and rewritten links, keeping
the front-matter keys the importer does not own."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from manualviewer.core.content.govuk_ids import moved_from, moved_to
from manualviewer.core.content.govuk_links import GOVUK, LinkRewriter
from manualviewer.core.content.govuk_markdown import replace_withheld
from manualviewer.core.content.govuk_parse import RawChangeNote, RawManual
from manualviewer.core.content.govuk_plan import ManualPlan
from manualviewer.core.content.govuk_write import ManualFolder, render_document
from manualviewer.core.model import SECTION_ID_RE
from manualviewer.core.problems import ContentProblem, Severity

LICENCE = "Open Government Licence v3.0"
ORGANISATION = "HM Revenue & Customs"
# Front-matter keys the importer writes; any other key in an existing file is local and kept.
SECTION_KEYS_OWNED = ("section_id", "title", "parent", "summary", "updated", "aliases", "change_notes")
MANUAL_KEYS_OWNED = ("code", "title", "organisation", "summary", "source_url", "licence", "attribution")


@dataclass
class BuiltManual:
    files: dict[str, str]
    targets: dict[str, set[str]]  # section -> distinct link targets
    aliases: set[str]
    title: str
    attached: int
    elsewhere: int
    withheld: int


def build_manual(
    plan: ManualPlan,
    state: ManualFolder,
    rewriter: LinkRewriter,
    imported_ids: set[str],
    claimed_aliases: set[str],
    problems: list[ContentProblem],
) -> BuiltManual:
    parents = _parents(plan, problems)
    notes, attached, elsewhere, manual_notes = _attach_change_notes(plan)
    aliases = _aliases(plan, state, notes, imported_ids, claimed_aliases)

    files: dict[str, str] = {}
    targets: dict[str, set[str]] = {}
    withheld_total = 0
    for key, raw in plan.sections.items():
        body, withheld = replace_withheld(raw.body)
        withheld_total += withheld
        body, found = rewriter.rewrite(body)
        targets[key] = set(found)
        meta: dict[str, Any] = {"section_id": raw.section_id, "title": raw.title}
        if parents.get(key):
            meta["parent"] = parents[key]
        if raw.description:
            meta["summary"] = raw.description
        if raw.updated:
            meta["updated"] = raw.updated
        if aliases.get(key):
            meta["aliases"] = aliases[key]
        if notes.get(key):
            meta["change_notes"] = [
                {"date": n.date, "note": n.note} if n.date else {"note": n.note} for n in notes[key]
            ]
        existing = state.sections.get(key)
        if existing is not None:
            meta.update({k: v for k, v in existing.meta.items() if k not in SECTION_KEYS_OWNED})
        name = existing.path.name if existing is not None else f"{raw.section_id}.md"
        files[name] = render_document(meta, body)

    title, manual_text = _manual_file(plan, state, rewriter, manual_notes, problems)
    files["manual.md"] = manual_text
    return BuiltManual(
        files=files, targets=targets, aliases={a.upper() for v in aliases.values() for a in v},
        title=title, attached=attached, elsewhere=elsewhere, withheld=withheld_total,
    )


def _parents(plan: ManualPlan, problems: list[ContentProblem]) -> dict[str, str]:
    """Parent per section: the last breadcrumb, else the section whose child groups list it.

    A parent that is not in the import is reported; the section then hangs under its nearest
    imported ancestor, or at the top of the manual, so the written folder loads cleanly."""
    listed_by: dict[str, str] = {}
    for key, raw in plan.sections.items():
        for child in raw.children:
            if child.upper() != key:
                listed_by.setdefault(child.upper(), key)
    parents: dict[str, str] = {}
    for key, raw in plan.sections.items():
        crumbs = [c.upper() for c in raw.breadcrumbs if c.upper() != key]
        if crumbs:
            present = next((c for c in reversed(crumbs) if c in plan.sections), None)
            if present != crumbs[-1]:
                where = f"under {present}" if present else "at the top of the manual"
                problems.append(ContentProblem(
                    "missing-parent", raw.source, 0,
                    f"parent {crumbs[-1]} of section {raw.section_id} is not in this import; "
                    f"the section is placed {where}", Severity.WARNING))
            if present:
                parents[key] = _spelling(plan, present)
        elif key in listed_by:
            parents[key] = _spelling(plan, listed_by[key])
    # Publishers' data can loop (A lists B, B's breadcrumb is A's child); cut such a loop.
    for key in list(parents):
        seen = {key}
        current = parents.get(key, "").upper()
        while current:
            if current in seen:
                raw = plan.sections[key]
                problems.append(ContentProblem(
                    "parent-cycle", raw.source, 0,
                    f"the parents of section {raw.section_id} loop back to it; it is placed at the top",
                    Severity.WARNING))
                del parents[key]
                break
            seen.add(current)
            current = parents.get(current, "").upper()
    return parents


def _spelling(plan: ManualPlan, key: str) -> str:
    return plan.sections[key].section_id


def _attach_change_notes(
    plan: ManualPlan,
) -> tuple[dict[str, list[RawChangeNote]], int, int, list[RawChangeNote]]:
    """Manual change notes onto the sections they name: one pass, a dict lookup each."""
    notes: dict[str, list[RawChangeNote]] = defaultdict(list)
    attached = elsewhere = 0
    manual_level: list[RawChangeNote] = []
    for note in plan.manual.change_notes if plan.manual else ():
        if note.section_id is None:
            manual_level.append(note)
        elif note.section_id.upper() in plan.sections:
            notes[note.section_id.upper()].append(note)
            attached += 1
        else:
            elsewhere += 1
            notes[note.section_id.upper()].append(note)  # kept for move detection, not written
    for key, raw in plan.sections.items():
        notes[key].extend(raw.change_notes)
    result: dict[str, list[RawChangeNote]] = {}
    for key, items in notes.items():
        unique = list(dict.fromkeys((n.date, n.note) for n in items))
        ordered = sorted(unique, key=lambda dn: dn[0].toordinal() if dn[0] else 0, reverse=True)
        result[key] = [RawChangeNote(key, date, text) for date, text in ordered]
    return result, attached, elsewhere, manual_level


def _aliases(
    plan: ManualPlan,
    state: ManualFolder,
    notes: dict[str, list[RawChangeNote]],
    imported_ids: set[str],
    claimed: set[str],
) -> dict[str, list[str]]:
    """Old IDs that must still resolve: those already in our files, and IDs that disappeared
    where a change note says where their text went ("merged with X", "moved from Y")."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for key in plan.sections:
        existing = state.sections.get(key)
        wanted[key].extend(existing.aliases if existing else ())
    moves: list[tuple[str, str]] = []  # (old ID, new ID)
    for key, items in notes.items():
        for note in items:
            if key in plan.sections:
                source = moved_from(note.note)
                if source:
                    moves.append((source, key))
            else:
                target = moved_to(note.note)
                if target:
                    moves.append((key, target))
    for old, new in moves:
        if new.upper() in plan.sections:
            wanted[new.upper()].append(old)
            # A removed section's own aliases move with it.
            previous = state.sections.get(old.upper())
            if previous is not None and old.upper() not in plan.sections:
                wanted[new.upper()].extend(previous.aliases)
    result: dict[str, list[str]] = {}
    for key in plan.sections:
        kept: list[str] = []
        for alias in wanted.get(key, []):
            upper = alias.strip().upper()
            # An alias that is a section again, or is taken, would make the library ambiguous.
            if not SECTION_ID_RE.match(upper) or upper == key or upper in imported_ids or upper in claimed:
                continue
            claimed.add(upper)
            kept.append(upper)
        if kept:
            result[key] = kept
    return result


def _manual_file(
    plan: ManualPlan,
    state: ManualFolder,
    rewriter: LinkRewriter,
    manual_notes: list[RawChangeNote],
    problems: list[ContentProblem],
) -> tuple[str, str]:
    old = state.manual_meta or {}
    raw = plan.manual
    if raw is None:
        if not old:
            first = next(iter(plan.sections.values()))
            problems.append(ContentProblem(
                "missing-manual", first.source, 0,
                f"no manual document for {plan.slug} in the import; its manual.md is made up from the slug",
                Severity.WARNING))
        title = str(old.get("title") or plan.slug.replace("-", " ").capitalize())
        meta: dict[str, Any] = {
            "code": plan.code,
            "title": title,
            "organisation": str(old.get("organisation") or ORGANISATION),
        }
        for key in ("summary", "source_url", "licence", "attribution"):
            if old.get(key):
                meta[key] = old[key]
        meta.setdefault("source_url", f"{GOVUK}/hmrc-internal-manuals/{plan.slug}")
        meta.setdefault("licence", LICENCE)
        meta.setdefault("attribution", _attribution(meta["organisation"], title, meta["source_url"]))
        body = state.manual_body
    else:
        title = raw.title
        source_url = f"{GOVUK}/hmrc-internal-manuals/{plan.slug}"
        meta = {"code": plan.code, "title": title, "organisation": raw.organisation or ORGANISATION}
        if raw.description:
            meta["summary"] = " ".join(raw.description.split())
        meta["source_url"] = source_url
        meta["licence"] = LICENCE
        meta["attribution"] = _attribution(meta["organisation"], title, source_url)
        body = _manual_body(raw, manual_notes)
        body, _ = replace_withheld(body)
        body, _ = rewriter.rewrite(body)
    meta.update({k: v for k, v in old.items() if k not in MANUAL_KEYS_OWNED})
    return title, render_document(meta, body)


def _manual_body(raw: RawManual, manual_notes: list[RawChangeNote]) -> str:
    parts = [raw.description.strip(), raw.body.strip()]
    if raw.updated:
        parts.append(f"Last updated on GOV.UK: {raw.updated.day} {raw.updated:%B %Y}.")
    if manual_notes:
        lines = [f"- {n.date.isoformat()}: {n.note}" if n.date else f"- {n.note}" for n in manual_notes]
        parts.append("## Updates\n\n" + "\n".join(lines))
    return "\n\n".join(p for p in parts if p) + "\n"


def _attribution(organisation: str, title: str, source_url: str) -> str:
    return (
        f"Contains public sector information licensed under the {LICENCE}. "
        f"Source: {organisation}, {title}, {source_url}"
    )
