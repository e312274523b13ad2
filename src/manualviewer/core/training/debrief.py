"""The trainer's debrief: one row per trainee per scenario for a spreadsheet, and a printable
summary with what each trainee got wrong, why, and which sections to re-read."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from manualviewer.core.training.grading import Grade
from manualviewer.core.training.model import RawAnswer, Scenario

DEBRIEF_COLUMNS = (
    "trainee",
    "scenario",
    "procedure",
    "score",
    "total",
    "time_taken_seconds",
    "sections_to_reread",
    "date",
)
# A cell starting with one of these is a formula to a spreadsheet; names are typed by people.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Attempt:
    trainee: str
    grade: Grade
    date: dt.date


def latest_attempts(attempts: Iterable[Attempt]) -> list[Attempt]:
    """One attempt per trainee per scenario: the latest by date (the later one on a tie),
    ordered by trainee, then scenario."""
    latest: dict[tuple[str, str], Attempt] = {}
    for attempt in attempts:
        key = (attempt.trainee, attempt.grade.scenario)
        if key not in latest or attempt.date >= latest[key].date:
            latest[key] = attempt
    return [latest[k] for k in sorted(latest, key=lambda k: (k[0].casefold(), k[0], k[1]))]


def debrief_rows(attempts: Iterable[Attempt]) -> list[dict[str, str]]:
    """Rows keyed by DEBRIEF_COLUMNS. Time taken is whole seconds (empty when not timed);
    sections to re-read are space-separated IDs."""
    rows = []
    for attempt in latest_attempts(attempts):
        grade = attempt.grade
        seconds = "" if grade.time_taken is None else str(round(grade.time_taken.total_seconds()))
        rows.append(
            {
                "trainee": attempt.trainee,
                "scenario": grade.scenario,
                "procedure": grade.procedure,
                "score": str(grade.correct),
                "total": str(grade.total),
                "time_taken_seconds": seconds,
                "sections_to_reread": " ".join(grade.sections_to_reread),
                "date": attempt.date.isoformat(),
            }
        )
    return rows


def debrief_csv(attempts: Iterable[Attempt]) -> str:
    """The rows as CSV text with a header. Text that a spreadsheet would run as a formula is
    prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=DEBRIEF_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in debrief_rows(attempts):
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
    return out.getvalue()


def debrief_text(attempts: Iterable[Attempt], scenarios: Mapping[str, Scenario] | None = None) -> str:
    """A printable debrief: per trainee, each scenario's score and time, every answer that was
    not correct with the guidance's reason and section, and the sections to re-read."""
    scenarios = scenarios or {}
    lines: list[str] = []
    current = None
    for attempt in latest_attempts(attempts):
        grade = attempt.grade
        if attempt.trainee != current:
            if lines:
                lines.append("")
            current = attempt.trainee
            lines.append(f"Trainee: {attempt.trainee}")
            lines.append("=" * len(lines[-1]))
        scenario = scenarios.get(grade.scenario)
        title = f"{scenario.title} ({grade.scenario})" if scenario else grade.scenario
        timing = f", {format_duration(grade.time_taken)}" if grade.time_taken is not None else ""
        lines.append("")
        lines.append(f"{title}: {grade.correct}/{grade.total}{timing} ({attempt.date.isoformat()})")
        lines.append(f"  Procedure: {grade.procedure}")
        if not grade.finished:
            where = f" (stopped at {grade.stopped_at})" if grade.stopped_at else ""
            lines.append(f"  The answers did not reach the end of the procedure{where}.")
        for step in grade.wrong:
            given = "not reached" if not step.reached else f"answered {format_answer(step.given)}"
            lines.append(f"  - {step.title} [{step.step}]: {given}; expected {format_answer(step.expected)}")
            lines.append(f"    {step.section}: {step.reason}")
        if grade.perfect:
            lines.append("  All decisions correct.")
        else:
            lines.append(f"  Re-read: {', '.join(grade.sections_to_reread)}")
    return "\n".join(lines) + ("\n" if lines else "")


def format_answer(value: RawAnswer) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "nothing"
    return repr(value)


def format_duration(duration: dt.timedelta) -> str:
    seconds = max(0, round(duration.total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {seconds:02d} s"


def _safe_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value
