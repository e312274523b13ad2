"""The trainer's records: every attempt as JSON, kept in the training database between sessions.

Pure: the service stores the text; this only says what it is."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from manualviewer.core.json_limits import loads_bounded
from manualviewer.core.training.debrief import Attempt
from manualviewer.core.training.grading import Grade, StepGrade


def attempt_to_json(attempt: Attempt) -> dict[str, Any]:
    grade = attempt.grade
    return {
        "trainee": attempt.trainee,
        "date": attempt.date.isoformat(),
        "scenario": grade.scenario,
        "procedure": grade.procedure,
        "steps": [
            {"step": s.step, "title": s.title, "given": s.given, "expected": s.expected, "correct": s.correct,
             "reason": s.reason, "section": s.section, "reached": s.reached,
             "first_given": s.first_given, "first_correct": s.first_correct, "attempts": s.attempts}
            for s in grade.steps
        ],
        "path": list(grade.path),
        "expected_path": list(grade.expected_path),
        "finished": grade.finished,
        "stopped_at": grade.stopped_at,
        "stop_reason": grade.stop_reason,
        "unused": list(grade.unused),
        "time_taken": grade.time_taken.total_seconds() if grade.time_taken is not None else None,
    }


def attempt_from_json(data: Mapping[str, Any]) -> Attempt:
    """Raises ValueError, KeyError or TypeError when `data` is not an attempt."""
    seconds = data.get("time_taken")
    grade = Grade(
        scenario=str(data["scenario"]),
        procedure=str(data["procedure"]),
        steps=tuple(
            StepGrade(str(s["step"]), str(s["title"]), s["given"], s["expected"], bool(s["correct"]),
                      str(s["reason"]), str(s["section"]), bool(s["reached"]),
                      # Records kept before first attempts were: only the final answers are known.
                      s.get("first_given"), _optional_bool(s.get("first_correct")), int(s.get("attempts", 0)))
            for s in data["steps"]
        ),
        path=tuple(data["path"]),
        expected_path=tuple(data["expected_path"]),
        finished=bool(data["finished"]),
        stopped_at=data.get("stopped_at"),
        stop_reason=str(data.get("stop_reason", "")),
        unused=tuple(data.get("unused", ())),
        time_taken=dt.timedelta(seconds=float(seconds)) if seconds is not None else None,
    )
    return Attempt(str(data["trainee"]), grade, dt.date.fromisoformat(str(data["date"])))


def _optional_bool(value: object) -> bool | None:
    return None if value is None else bool(value)


def attempts_to_text(attempts: Iterable[Attempt]) -> str:
    return json.dumps([attempt_to_json(a) for a in attempts])


def attempts_from_text(text: str) -> list[Attempt]:
    """Raises ValueError, KeyError or TypeError when `text` is not a list of attempts (a file
    nested past the JSON depth limit too: JsonTooDeep is a ValueError, not a RecursionError)."""
    return [attempt_from_json(a) for a in loads_bounded(text)]
