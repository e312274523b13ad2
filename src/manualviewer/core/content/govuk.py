"""Import GOV.UK HMRC manuals (content-store JSON or hmrc-manuals-api request bodies) into
manual folders in our content format (docs/content-format.md).

    report = import_govuk([Path("downloads/")], Path("content"))

Each manual becomes `<out>/<manual-slug>/manual.md` plus one `<SECTION_ID>.md` per section.
A re-import is a new snapshot of the manual: changed sections are rewritten, sections that
are gone are deleted (only files the importer wrote, listed in `.import-manifest.json`),
aliases and keys the importer does not own (status, owner, procedures, ...) are kept.
Problems never stop the import; they are collected in the report.

The steps, one module each: `govuk_sources` (files and zips, with size caps), `govuk_parse`
(one JSON document), `govuk_plan` (documents sorted into manuals), `govuk_build` (a manual's
files as text), `govuk_write` (written, with the manifest).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manualviewer.core.content.govuk_build import BuiltManual, build_manual
from manualviewer.core.content.govuk_ids import manual_code
from manualviewer.core.content.govuk_links import LinkRewriter
from manualviewer.core.content.govuk_plan import ManualPlan, check_codes, library_around, read_documents, source_names
from manualviewer.core.content.govuk_sources import collect
from manualviewer.core.content.govuk_write import ManualFolder, WriteCounts, write_folder
from manualviewer.core.problems import ContentProblem


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



def import_govuk(sources: Sequence[Path], out_dir: Path) -> ImportReport:
    collected = collect(sources)
    problems: list[ContentProblem] = list(collected.problems)
    if out_dir.exists() and not out_dir.is_dir():
        problems.append(ContentProblem("cannot-write", out_dir, 0, "the output folder is a file, not a folder; "
                                       "nothing is imported"))
        return ImportReport(out_dir, (), tuple(problems), collected.count)
    plans = read_documents(collected.files, problems)
    for plan in plans.values():
        listed = [i for _, ids in plan.manual.groups for i in ids] if plan.manual else []
        noted = [n.section_id for n in plan.manual.change_notes if n.section_id] if plan.manual else []
        # The imported sections decide; listings and change notes only when there are none.
        ids = list(plan.sections) or listed or noted
        plan.code = manual_code(ids, plan.manual.title if plan.manual else plan.slug)

    imported_ids = {i for plan in plans.values() for i in plan.sections}
    codes, _ = library_around(out_dir, set(plans))
    check_codes(plans, codes, out_dir, problems)
    rewriter = LinkRewriter(
        codes=set(codes) | {p.code for p in plans.values()},
        slugs=set(plans),
        ids={raw.section_id for p in plans.values() for raw in p.sections.values()} | imported_ids,
    )

    built: list[tuple[ManualPlan, BuiltManual, Path, WriteCounts]] = []
    claimed_aliases: set[str] = set()
    for slug in sorted(plans):
        plan = plans[slug]
        state = ManualFolder.read(out_dir / slug, problems)
        result = build_manual(plan, state, rewriter, imported_ids, claimed_aliases, problems)
        counts = write_folder(state, result.files, source_names(plan), plan.code, problems)
        if counts is not None:
            built.append((plan, result, state.folder, counts))

    # Links count as resolved against what a load of the output folder will hold.
    _, on_disk = library_around(out_dir, set())
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

