"""Unfinished checklist runs saved for later (storage/runs.py), as the resume bar offers them:
which can be restored, and why the others cannot; and the guidance each started on.

A run keeps, from its first save, the text and hash of the procedure it started on and the
content hash of each section that procedure cites (storage/runs.StartedGuidance). On resume, a
procedure whose text changed since is said plainly, with the two ways on: the version started
(read again from the kept text, when it still fits the saved answers) or a fresh start on the
current version. Runs saved before the guidance was kept (no hash) resume as they always did."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from manualviewer.core.changes.alerts import day_text
from manualviewer.core.content.library import Library
from manualviewer.core.json_limits import loads_bounded
from manualviewer.core.procedures import Procedure, Run, RunError, customer_reference
from manualviewer.core.procedures.loader import parse_procedure
from manualviewer.storage.runs import RunStore, SavedRun, StartedGuidance


@dataclass(frozen=True)
class ResumableRun:
    """A saved, unfinished run as the resume bar shows it."""

    saved: SavedRun
    title: str
    customer_reference: str
    step_title: str
    problem: str = ""  # why it cannot be resumed (procedure gone, no longer fits)
    guidance_changed: bool = False  # the checklist changed since the run started


def restore(saved: SavedRun, procedure: Procedure) -> Run:
    """The saved run replayed on `procedure`. Raises RunError, ValueError when it no longer fits."""
    return Run.from_json(loads_bounded(saved.state_json), procedure)


def resumable_runs(runs: RunStore, procedures: Mapping[str, Procedure], on_screen: str | None) -> list[ResumableRun]:
    """Saved unfinished runs other than the one on screen, most recent first."""
    result = []
    for saved in runs.load_unfinished():
        if saved.run_id == on_screen:
            continue
        procedure = procedures.get(saved.procedure_id)
        if procedure is None:
            result.append(ResumableRun(saved, saved.procedure_id, "", "", "this checklist is no longer in the library"))
            continue
        change = guidance_change(saved, procedure)
        try:
            run = restore(saved, change.started if change is not None and change.started else procedure)
        except (RunError, ValueError) as exc:
            if change is not None:  # it can still start again on the current version
                result.append(ResumableRun(saved, procedure.title, "", "", guidance_changed=True))
            else:
                result.append(ResumableRun(saved, procedure.title, "", "", f"it cannot be restored: {exc}"))
            continue
        result.append(ResumableRun(saved, procedure.title, customer_reference(run) or "", run.current_step.title,
                                   guidance_changed=change is not None))
    return result


def started_guidance(procedure: Procedure, library: Library) -> StartedGuidance:
    """What to keep with a new run: the procedure's text and hash, and its cited sections' hashes."""
    sections = {}
    for section_id in procedure.cited_sections():
        section = library.get(section_id)
        if section is not None:
            sections[section.id] = section.content_hash
    return StartedGuidance(procedure.source_hash, procedure.source, sections)


@dataclass(frozen=True)
class GuidanceChange:
    """A saved run whose procedure changed since it started."""

    run_id: str
    title: str  # the checklist's title now
    started_at: dt.datetime
    started_version: int | None  # the procedure's version number then (None: not kept)
    current_version: int
    started: Procedure | None  # the version started, when the run can go on with it
    why_not: str = ""  # why it cannot, in plain words

    def sentence(self, tz: dt.tzinfo | None = None) -> str:
        return f"This checklist\u2019s guidance changed since you started it on {day_text(self.started_at, tz)}."

    def versions(self) -> str:
        """"Version 3 when you started; version 4 now." ("" when the numbers say nothing)."""
        if self.started_version is None or self.started_version == self.current_version:
            return ""
        return f"Version {self.started_version} when you started; version {self.current_version} now."

    def kept_notice(self, tz: dt.tzinfo | None = None) -> str:
        """For the checklist's header and the note, while the run follows the version started."""
        version = f" (version {self.started_version})" if self.started_version is not None else ""
        return (f"Following \u201c{self.title}\u201d as it was when you started on "
                f"{day_text(self.started_at, tz)}{version}; it has changed since.")


def guidance_change(saved: SavedRun, current: Procedure) -> GuidanceChange | None:
    """How `saved`'s procedure changed since it started, or None when it did not (or the run
    kept no hash: saved by an older version of the app)."""
    kept = saved.guidance
    if not kept.procedure_hash or not current.source_hash or kept.procedure_hash == current.source_hash:
        return None
    started: Procedure | None = None
    why_not = "the version you started was not kept"
    if kept.procedure_text:
        started, _problems = parse_procedure(kept.procedure_text, current.path)
        if started is None or started.id != current.id:
            started, why_not = None, "the version you started can no longer be read"
    if started is not None:
        try:
            restore(saved, started)
        except (RunError, ValueError) as exc:
            started, why_not = None, f"your answers no longer fit the version you started ({exc})"
    return GuidanceChange(
        run_id=saved.run_id, title=current.title, started_at=saved.started_at,
        started_version=started.version if started is not None else None, current_version=current.version,
        started=started, why_not="" if started is not None else why_not)
