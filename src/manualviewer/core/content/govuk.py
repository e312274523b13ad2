"""Import GOV.UK HMRC manuals (content-store JSON or hmrc-manuals-api request bodies) into
manual folders in our content format (docs/content-format.md).

    report = import_govuk([Path("downloads/")], Path("content"))

Each manual becomes `<out>/<manual-slug>/manual.md` plus one `<SECTION_ID>.md` per section.
A re-import is a new snapshot of the manual: changed sections are rewritten, sections that
are gone are deleted (only files the importer wrote, listed in `.import-manifest.json`),
aliases and keys the importer does not own (status, owner, procedures, ...) are kept.
Problems never stop the import; they are collected in the report.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manualviewer.core.content.govuk_ids import manual_code, moved_from, moved_to
from manualviewer.core.content.govuk_json import decode, parse_json
from manualviewer.core.content.govuk_links import GOVUK, LinkRewriter
from manualviewer.core.content.govuk_markdown import replace_withheld
from manualviewer.core.content.govuk_parse import (
    MANUALS_API,
    RawChangeNote,
    RawManual,
    RawSection,
    parse_document,
)
from manualviewer.core.content.govuk_sources import SourceFile, collect
from manualviewer.core.content.govuk_write import ManualFolder, WriteCounts, render_document, write_folder
from manualviewer.core.content.library import id_sort_key
from manualviewer.core.model import SECTION_ID_RE
from manualviewer.core.problems import ContentProblem, Severity

LICENCE = "Open Government Licence v3.0"
ORGANISATION = "HM Revenue & Customs"
# Front-matter keys the importer writes; any other key in an existing file is local and kept.
SECTION_KEYS_OWNED = ("section_id", "title", "parent", "summary", "updated", "aliases", "change_notes")
MANUAL_KEYS_OWNED = ("code", "title", "organisation", "summary", "source_url", "licence", "attribution")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
_MANUAL_LINK_RE = re.compile(r"/hmrc-(?:internal-)?manuals/([a-z0-9-]+)/")


@dataclass(frozen=True)
class ManualResult:
    slug: str
    code: str
    title: str
    folder: Path
    sections: int
    added: int
    changed: int
    unchanged: int
    removed: int
    links_resolved: int
    links_unresolved: int
    change_notes_attached: int  # manual change notes put on their section
    change_notes_elsewhere: int  # naming a section that is not in this import
    withheld: int  # withheld sentences turned into {withheld}


@dataclass(frozen=True)
class ImportReport:
    out_dir: Path
    manuals: tuple[ManualResult, ...]
    problems: tuple[ContentProblem, ...]
    sources: int

    @property
    def sections(self) -> int:
        return sum(m.sections for m in self.manuals)

    @property
    def links_resolved(self) -> int:
        return sum(m.links_resolved for m in self.manuals)

    @property
    def links_unresolved(self) -> int:
        return sum(m.links_unresolved for m in self.manuals)

    @property
    def wrote_anything(self) -> bool:
        return bool(self.manuals)

    def as_json(self) -> dict[str, Any]:
        return {
            "manuals": len(self.manuals),
            "sections": self.sections,
            "links": {"resolved": self.links_resolved, "unresolved": self.links_unresolved},
            "problems": [p.as_json() for p in self.problems],
        }


@dataclass
class _Plan:
    """One manual being imported: its raw documents and what is already on disk."""

    slug: str
    manual: RawManual | None
    sections: dict[str, RawSection] = field(default_factory=dict)  # canonical ID -> raw
    code: str = ""


@dataclass
class _Built:
    files: dict[str, str]
    targets: dict[str, set[str]]  # section -> distinct link targets
    aliases: set[str]
    title: str
    attached: int
    elsewhere: int
    withheld: int


def import_govuk(sources: Sequence[Path], out_dir: Path) -> ImportReport:
    collected = collect(sources)
    problems: list[ContentProblem] = list(collected.problems)
    plans = _read_documents(collected.files, problems)
    for plan in plans.values():
        listed = [i for _, ids in plan.manual.groups for i in ids] if plan.manual else []
        noted = [n.section_id for n in plan.manual.change_notes if n.section_id] if plan.manual else []
        # The imported sections decide; listings and change notes only when there are none.
        ids = list(plan.sections) or listed or noted
        plan.code = manual_code(ids, plan.manual.title if plan.manual else plan.slug)

    imported_ids = {i for plan in plans.values() for i in plan.sections}
    codes, _ = _library_around(out_dir, set(plans))
    _check_codes(plans, codes, out_dir, problems)
    rewriter = LinkRewriter(
        codes=set(codes) | {p.code for p in plans.values()},
        slugs=set(plans),
        ids={raw.section_id for p in plans.values() for raw in p.sections.values()} | imported_ids,
    )

    built: list[tuple[_Plan, _Built, Path, WriteCounts]] = []
    claimed_aliases: set[str] = set()
    for slug in sorted(plans):
        plan = plans[slug]
        state = ManualFolder.read(out_dir / slug, problems)
        result = _build(plan, state, rewriter, imported_ids, claimed_aliases, problems)
        counts = write_folder(state, result.files, _source_names(plan), plan.code, problems)
        built.append((plan, result, state.folder, counts))

    # Links count as resolved against what a load of the output folder will hold.
    _, on_disk = _library_around(out_dir, set())
    known = on_disk | imported_ids | {a for _, result, _, _ in built for a in result.aliases}
    results: list[ManualResult] = []
    for plan, result, folder, counts in built:
        pairs = [(s, t) for s, targets in result.targets.items() for t in targets]
        resolved = sum(1 for _, t in pairs if t in known)
        results.append(ManualResult(
            slug=plan.slug, code=plan.code, title=result.title, folder=folder,
            sections=len(plan.sections), added=counts.added, changed=counts.changed,
            unchanged=counts.unchanged, removed=counts.removed,
            links_resolved=resolved, links_unresolved=len(pairs) - resolved,
            change_notes_attached=result.attached, change_notes_elsewhere=result.elsewhere,
            withheld=result.withheld,
        ))
    return ImportReport(out_dir, tuple(results), tuple(problems), collected.count)


# --- reading ------------------------------------------------------------------------------

def _read_documents(files: Iterable[SourceFile], problems: list[ContentProblem]) -> dict[str, _Plan]:
    manuals: dict[str, RawManual] = {}
    sections: list[RawSection] = []
    for file in files:
        text = decode(file.data, file.path)
        if isinstance(text, ContentProblem):
            problems.append(text)
            continue
        data = parse_json(text, file.path)
        if isinstance(data, ContentProblem):
            problems.append(data)
            continue
        parsed = parse_document(data, file.path)
        if parsed is None:
            continue
        if isinstance(parsed, ContentProblem):
            problems.append(parsed)
        elif isinstance(parsed, RawManual):
            if parsed.slug in manuals:
                problems.append(ContentProblem(
                    "duplicate-manual", parsed.source, 0,
                    f"manual {parsed.slug} is also in {manuals[parsed.slug].source}; this file is used",
                    Severity.WARNING))
            manuals[parsed.slug] = parsed
        else:
            sections.append(parsed)

    plans = {slug: _Plan(slug, manual) for slug, manual in manuals.items()}
    for raw in sections:
        slug = raw.slug or _slug_for(raw, manuals)
        if slug is None:
            problems.append(ContentProblem(
                "no-manual", raw.source, 0,
                f"cannot tell which manual section {raw.section_id} belongs to: put it in a folder named "
                "after the manual (<manual-slug>/<SECTION_ID>.json) next to <manual-slug>.json"))
            continue
        key = raw.section_id.upper()
        if key in ("MANUAL", "README"):
            problems.append(ContentProblem(
                "bad-id", raw.source, 0, f"section ID {raw.section_id} would overwrite {key.lower()}.md; skipped"))
            continue
        plan = plans.setdefault(slug, _Plan(slug, None))
        if key in plan.sections:
            problems.append(ContentProblem(
                "duplicate-id", raw.source, 0,
                f"section {raw.section_id} is also in {plan.sections[key].source}; this file is used",
                Severity.WARNING))
        plan.sections[key] = raw
    for plan in plans.values():
        plan.sections = dict(sorted(plan.sections.items(), key=lambda kv: id_sort_key(kv[0])))
    return plans


def _slug_for(raw: RawSection, manuals: dict[str, RawManual]) -> str | None:
    """The manual of an hmrc-manuals-api section, which does not name it itself."""
    for folder in reversed(raw.source.parent.parts):
        if folder in manuals:
            return folder  # <slug>/<SECTION_ID>.json, as PUT /hmrc-manuals/<slug>/sections/<id>
    linked: Counter[str] = Counter(m for m in _MANUAL_LINK_RE.findall(raw.body) if m in manuals)
    if linked:
        return linked.most_common(1)[0][0]
    api = [slug for slug, manual in manuals.items() if manual.format == MANUALS_API]
    if len(api) == 1:
        return api[0]
    parent = raw.source.parent.name
    return parent if _SLUG_RE.match(parent) else None  # already a safe folder name


def _check_codes(plans: dict[str, _Plan], around: dict[str, str], out_dir: Path,
                 problems: list[ContentProblem]) -> None:
    # The loader refuses a second manual with the same code, so say it now.
    owners = dict(around)
    for slug in sorted(plans):
        code = plans[slug].code
        if code in owners:
            problems.append(ContentProblem(
                "duplicate-code", out_dir / slug, 0,
                f"manual code {code} of {slug} is also the code of {owners[code]}; "
                "the library will load only one of them"))
        else:
            owners[code] = slug


def _library_around(out_dir: Path, skip: set[str]) -> tuple[dict[str, str], set[str]]:
    """Codes (-> folder name) and section IDs (by file name) of the manual folders already in
    the output folder."""
    codes: dict[str, str] = {}
    ids: set[str] = set()
    if not out_dir.is_dir():
        return codes, ids
    for manual_md in out_dir.glob("*/manual.md"):
        folder = manual_md.parent
        if folder.name in skip:
            continue
        try:
            head = manual_md.read_text(encoding="utf-8")[:4000]
        except (OSError, UnicodeDecodeError):
            continue
        match = re.search(r"^code:\s*['\"]?([A-Za-z0-9]+)", head, re.MULTILINE)
        if match:
            codes.setdefault(match.group(1).upper(), folder.name)
        ids.update(p.stem.upper() for p in folder.glob("*.md") if p.name not in ("manual.md", "README.md"))
    return codes, ids


def _source_names(plan: _Plan) -> list[str]:
    paths = ([plan.manual.source] if plan.manual else []) + [s.source for s in plan.sections.values()]
    return sorted({str(p) for p in paths})


# --- building a manual --------------------------------------------------------------------

def _build(
    plan: _Plan,
    state: ManualFolder,
    rewriter: LinkRewriter,
    imported_ids: set[str],
    claimed_aliases: set[str],
    problems: list[ContentProblem],
) -> _Built:
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
    return _Built(
        files=files, targets=targets, aliases={a.upper() for v in aliases.values() for a in v},
        title=title, attached=attached, elsewhere=elsewhere, withheld=withheld_total,
    )


def _parents(plan: _Plan, problems: list[ContentProblem]) -> dict[str, str]:
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


def _spelling(plan: _Plan, key: str) -> str:
    return plan.sections[key].section_id


def _attach_change_notes(
    plan: _Plan,
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
    plan: _Plan,
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
        old = existing.meta.get("aliases") if existing else None
        for alias in old if isinstance(old, list) else [old] if isinstance(old, str) else []:
            wanted[key].append(str(alias))
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
            carried = previous.meta.get("aliases") if previous and old.upper() not in plan.sections else None
            if isinstance(carried, list):
                wanted[new.upper()].extend(str(a) for a in carried)
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
    plan: _Plan,
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
