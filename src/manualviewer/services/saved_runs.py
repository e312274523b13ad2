"""Unfinished checklist runs saved for later (storage/runs.py), as the resume bar offers them:
which can be restored, and why the others cannot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from manualviewer.core.json_limits import loads_bounded
from manualviewer.core.procedures import Procedure, Run, RunError, customer_reference
from manualviewer.storage.runs import RunStore, SavedRun


@dataclass(frozen=True)
class ResumableRun:
    """A saved, unfinished run as the resume bar shows it."""

    saved: SavedRun
    title: str
    customer_reference: str
    step_title: str
    problem: str = ""  # why it cannot be resumed (procedure gone, no longer fits)


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
        try:
            run = restore(saved, procedure)
        except (RunError, ValueError) as exc:
            result.append(ResumableRun(saved, procedure.title, "", "", f"it cannot be restored: {exc}"))
            continue
        result.append(ResumableRun(saved, procedure.title, customer_reference(run) or "", run.current_step.title))
    return result
