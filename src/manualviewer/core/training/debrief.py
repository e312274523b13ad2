"""The trainer's debrief: one row per trainee per scenario for a spreadsheet, a printable
summary with what each trainee got wrong, why, and which sections to re-read, and one attempt's
debrief as the debrief window shows, prints and saves it (score and time, each decision beside
the expected one, the trainee's path beside the expected path, the sections to re-read).

Right and wrong are always words and a symbol ("\u2714 Right", "\u2718 Not right"), never
colour alone: the room may be looking at a washed-out projector, and some trainees cannot
tell red from green."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from manualviewer.core.procedures.model import (
    AnyStep,
    CheckStep,
    DocumentStep,
    EscalateStep,
    InfoStep,
    InputStep,
    Procedure,
    QuestionStep,
)
from manualviewer.core.training.grading import Grade, StepGrade
from manualviewer.core.training.model import RawAnswer, Scenario

SectionTitle = Callable[[str], str]
RIGHT = "\u2714 Right"
WRONG = "\u2718 Not right"
NOT_REACHED = "\u2718 Not reached"
DASH = "\u2014"

DEBRIEF_COLUMNS = (
    "trainee",
    "scenario",
    "procedure",
    "score",
    "total",
    "time_taken_seconds",
    "sections_to_reread",
    "date",
    "right_first_time",  # decisions right at the first answer; score counts the final answers
    "corrected",  # step IDs first answered wrongly, then put right
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
                "right_first_time": str(grade.right_first_time),
                "corrected": " ".join(s.step for s in grade.corrected),
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
        for step in grade.corrected:
            lines.append(f"  - {step.title} [{step.step}]: first answered {format_answer(step.first_given)}, "
                         f"then corrected to {format_answer(step.given)}")
        if grade.corrected:
            lines.append(f"  Right first time: {grade.right_first_time}/{grade.total}")
        if grade.perfect and not grade.corrected:
            lines.append("  All decisions correct.")
        elif grade.perfect:
            lines.append("  All decisions correct in the end.")
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


# --- one attempt's debrief, as the window shows it ---------------------------------------------------
def verdict(correct: bool, reached: bool = True) -> str:
    if correct:
        return RIGHT
    return WRONG if reached else NOT_REACHED


def answer_words(step: AnyStep | None, value: RawAnswer) -> str:
    """An answer as a trainee would say it: the choice's label, not its ID."""
    if value is None:
        return "Nothing"
    if step is None:
        return str(value)
    if isinstance(step, CheckStep):
        if value is False:
            return step.not_confirmed.label if step.not_confirmed else "Not confirmed"
        return step.confirm_label if value is True else str(value)
    if isinstance(step, QuestionStep) and isinstance(value, str):
        choice = step.choice(value)
        return choice.label if choice else f"{value} (not one of the choices)"
    if isinstance(step, InputStep) and isinstance(value, Mapping):
        labels = {f.name: f.label for f in step.fields}
        return "; ".join(f"{labels.get(k, k)}: {v}" for k, v in value.items()) or "Nothing"
    if isinstance(step, DocumentStep) and isinstance(value, Mapping):
        parts = []
        for name, choice_id in value.items():
            option = step.template.option(name)
            picked = option.choice(choice_id) if option else None
            parts.append(f"{option.label if option else name}: {picked.label if picked else choice_id}")
        return "; ".join(parts) or "Nothing"
    if isinstance(step, InfoStep | EscalateStep):
        return "Went to this step" if value is True else str(value)
    return str(value)


def first_answer_note(step: AnyStep | None, graded: StepGrade) -> str:
    """What a wrong first answer was, when the final answer is another one."""
    if graded.first_correct is not False or graded.first_given == graded.given:
        return ""
    return f"First answer (not right): \u201c{answer_words(step, graded.first_given)}\u201d"


def result_words(graded: StepGrade) -> str:
    """The verdict, and "corrected" for a decision put right after a wrong first answer."""
    return verdict(graded.correct, graded.reached) + (" \u00b7 corrected" if graded.corrected else "")


def _br(text: str) -> str:
    return f"<br>{html.escape(text)}" if text else ""


def score_line(attempt: Attempt, procedure: Procedure | None = None) -> str:
    grade = attempt.grade
    timing = format_duration(grade.time_taken) if grade.time_taken is not None else "not timed"
    if grade.finished:
        ending = "reached the end of the checklist"
    else:
        step = procedure.step(grade.stopped_at) if procedure and grade.stopped_at else None
        where = f"\u201c{step.title}\u201d" if step else grade.stopped_at
        ending = f"stopped before the end (at {where})" if where else "stopped before the end"
    score = f"Score: {grade.correct} of {grade.total} decisions right"
    if grade.corrected:
        fixed = len(grade.corrected)
        score += (f" in the end ({grade.right_first_time} right first time, {fixed} corrected after "
                  "a wrong first answer)")
    return f"{score}  \u00b7  Time taken: {timing}  \u00b7  {ending}"


def parting_line(attempt: Attempt, procedure: Procedure | None) -> str:
    """Where the trainee's path left the expected one, in words."""
    grade = attempt.grade
    at = grade.diverged_at
    if at is None:
        return "The trainee's path is the expected path, step for step."
    titles = {s.id: s.title for s in procedure.steps} if procedure else {}
    mine = grade.path[at] if at < len(grade.path) else ""
    theirs = grade.expected_path[at] if at < len(grade.expected_path) else ""
    went = f"the trainee went to \u201c{titles.get(mine, mine)}\u201d" if mine else "the trainee stopped"
    expected = f"the guidance goes to \u201c{titles.get(theirs, theirs)}\u201d" if theirs else "the guidance ends"
    return f"The paths part at step {at + 1}: {went}; {expected}."


def debrief_html(attempt: Attempt, scenario: Scenario | None, procedure: Procedure | None,
                 section_title: SectionTitle) -> str:
    """The printable debrief of one attempt (for print and PDF)."""
    grade = attempt.grade
    esc = html.escape
    title = scenario.title if scenario else grade.scenario
    checklist = procedure.title if procedure else grade.procedure
    rows = []
    for n, step in enumerate(grade.steps, 1):
        spec = procedure.step(step.step) if procedure else None
        given = answer_words(spec, step.given) if step.reached else "Not reached"
        rows.append(
            "<tr>"
            f"<td>{n}</td><td>{esc(step.title)}</td><td>{esc(given)}{_br(first_answer_note(spec, step))}</td>"
            f"<td>{esc(answer_words(spec, step.expected))}</td>"
            f"<td><b>{esc(result_words(step))}</b></td>"
            f"<td>\u201c{esc(step.reason.strip())}\u201d</td>"
            f"<td>{esc(step.section)} {esc(section_title(step.section))}</td>"
            "</tr>"
        )
    titles = {s.id: s.title for s in procedure.steps} if procedure else {}
    path_rows = []
    for n in range(max(len(grade.path), len(grade.expected_path))):
        mine = grade.path[n] if n < len(grade.path) else ""
        theirs = grade.expected_path[n] if n < len(grade.expected_path) else ""
        same = "\u2714 Same" if mine == theirs else "\u2260 Different"
        path_rows.append(f"<tr><td>{n + 1}</td><td>{esc(titles.get(mine, mine) or DASH)}</td>"
                         f"<td>{esc(titles.get(theirs, theirs) or DASH)}</td><td>{same}</td></tr>")
    reread = "".join(f"<li>{esc(s)} {esc(section_title(s))}</li>" for s in grade.sections_to_reread)
    return (
        "<p><b>TRAINING \u2014 not a real call</b></p>"
        f"<h2>Debrief: {esc(attempt.trainee)}</h2>"
        f"<p><b>Scenario:</b> {esc(title)}<br><b>Checklist:</b> {esc(checklist)}"
        f"<br><b>Date:</b> {attempt.date.isoformat()}</p>"
        f"<p><b>{esc(score_line(attempt, procedure))}</b></p>"
        "<h3>Decisions</h3>"
        "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
        "<tr><th>#</th><th>Step</th><th>Trainee's answer</th><th>Expected</th><th>Result</th>"
        "<th>Why (the guidance)</th><th>Section</th></tr>"
        f"{''.join(rows)}</table>"
        "<h3>Sections to re-read</h3>"
        + (f"<ul>{reread}</ul>" if reread else "<p>None: every decision was right.</p>")
        + "<h3>The trainee's path beside the expected one</h3>"
        f"<p>{esc(parting_line(attempt, procedure))}</p>"
        "<table border='1' cellspacing='0' cellpadding='4'>"
        "<tr><th>#</th><th>Trainee's path</th><th>Expected path</th><th>Same?</th></tr>"
        f"{''.join(path_rows)}</table>"
    )


def reread_html(sections: Iterable[str], section_title: SectionTitle) -> str:
    """The sections to re-read as links (`section:ID`) for the debrief window."""
    links = ", ".join(f"<a href='section:{html.escape(s)}'>{html.escape(s)}</a> {html.escape(section_title(s))}"
                      for s in sections)
    return f"<b>Sections to re-read:</b> {links}" if links else \
        "<b>Sections to re-read:</b> none \u2014 every decision was right."


def debrief_file_name(attempt: Attempt, ext: str) -> str:
    """A file name for one attempt's debrief: the trainee's name in letters and digits only."""
    trainee = "".join(c if c.isalnum() else "-" for c in attempt.trainee).strip("-") or "trainee"
    return f"debrief-{trainee}-{attempt.grade.scenario}.{ext}"
