"""`manualviewer scenario`: list the training scenarios, or grade a trainee's answers to one.

Training never touches the live store: this command opens no database, saves no note and
queues no escalation (it does not import manualviewer.storage at all)."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Any

from manualviewer.commands.common import (
    CommandStop,
    add_content_arguments,
    print_errors,
    print_json,
    run_action,
    workspace_from_args,
)
from manualviewer.core.content.library import Library
from manualviewer.core.json_limits import JsonTooDeep, loads_bounded
from manualviewer.core.problems import Severity
from manualviewer.core.procedures.loader import load_library_procedures
from manualviewer.core.procedures.validate import validate
from manualviewer.core.training import Grade, Scenario, grade, load_library_scenarios, validate_scenario
from manualviewer.core.training.debrief import format_answer, format_duration

PROG = "manualviewer scenario"


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("scenario", help="list training scenarios or grade answers")
    actions = parser.add_subparsers(dest="scenario_action", metavar="ACTION")

    list_parser = actions.add_parser("list", help="every training scenario in the library")
    add_content_arguments(list_parser)
    list_parser.add_argument("--json", action="store_true", help="print a JSON array")

    run_parser = actions.add_parser("run", help="grade a trainee's answers to a scenario (stores nothing)")
    add_content_arguments(run_parser)
    run_parser.add_argument("id", metavar="ID", help="scenario ID")
    run_parser.add_argument(
        "--answers", required=True, metavar="FILE", help='JSON object {"step_id": answer, ...}; "-" reads stdin'
    )
    run_parser.add_argument("--json", action="store_true", help="print the grade as JSON")
    parser.set_defaults(func=run, scenario_parser=parser)


def run(args: argparse.Namespace) -> int:
    return run_action(args, args.scenario_action, args.scenario_parser, PROG, {"list": _list, "run": _run})


def load_bundle(library: Library) -> dict[str, Scenario]:
    scenarios, problems = load_library_scenarios(library)
    print_errors(problems, PROG)
    return scenarios


def _list(args: argparse.Namespace) -> int:
    scenarios = sorted(load_bundle(workspace_from_args(args).load()).values(), key=lambda s: s.id)
    if args.json:
        print_json([{"id": s.id, "title": s.title, "procedure": s.procedure} for s in scenarios])
        return 0
    for s in scenarios:
        print(f"{s.id}  [{s.procedure}]  {s.title}")
    if not scenarios:
        print("No scenarios in this library.", file=sys.stderr)
    return 0


def _run(args: argparse.Namespace) -> int:
    library = workspace_from_args(args).load()
    scenarios = load_bundle(library)
    scenario = scenarios.get(args.id)
    if scenario is None:
        near = difflib.get_close_matches(args.id, list(scenarios), n=3)
        hint = f" Did you mean: {', '.join(near)}?" if near else ""
        raise CommandStop(2, f"no scenario {args.id!r} in this library.{hint}")
    procedures, _ = load_library_procedures(library)

    def body(section_id: str) -> str | None:
        section = library.get(section_id)
        return library.body_of(section) if section else None

    errors = [p for p in validate_scenario(scenario, procedures, library.resolve, body) if p.severity is Severity.ERROR]
    if errors:
        details = "\n".join(f"  {p}" for p in errors)
        raise CommandStop(1, f"scenario {scenario.id} has content errors; it cannot be graded:\n{details}")
    procedure = procedures[scenario.procedure]
    broken = [p for p in validate(procedure, library.resolve) if p.severity is Severity.ERROR]
    if broken:
        details = "\n".join(f"  {p}" for p in broken)
        raise CommandStop(
            1, f"procedure {procedure.id} has content errors; scenario {scenario.id} cannot be graded:\n{details}"
        )

    answers = _read_answers(args.answers)
    result = grade(scenario, procedure, answers)
    if result.unused:
        print(f"{PROG}: answers not used (steps not on the path): {', '.join(result.unused)}", file=sys.stderr)
    if args.json:
        print_json(result.as_json())
    else:
        print(_text(scenario, result))
    return 0


def _text(scenario: Scenario, result: Grade) -> str:
    lines = [f"{scenario.title} ({scenario.id})", f"Procedure: {result.procedure}", ""]
    for step in result.steps:
        mark = "correct" if step.correct else "WRONG  "
        given = format_answer(step.given) if step.reached else "not reached"
        lines.append(f"{mark} {step.title} [{step.step}]: {given}")
        if not step.correct:
            lines.append(f"        expected: {format_answer(step.expected)}")
        lines.append(f"        {step.section}: {step.reason}")
    lines.append("")
    lines.append(f"Score: {result.correct}/{result.total}")
    if result.time_taken is not None:
        lines.append(f"Time taken: {format_duration(result.time_taken)}")
    if result.path != result.expected_path:
        lines.append(f"Your path:     {' > '.join(result.path) or '(none)'}")
        lines.append(f"Expected path: {' > '.join(result.expected_path)}")
    if not result.finished and result.stop_reason:
        lines.append(f"Stopped: {result.stop_reason}")
    if result.sections_to_reread:
        lines.append(f"Re-read: {', '.join(result.sections_to_reread)}")
    return "\n".join(lines)


def _read_answers(name: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        data = loads_bounded(text)  # a 100,000-deep file is a clear error, not a RecursionError
    except OSError as exc:
        raise CommandStop(2, f"cannot read the answers file: {exc}") from exc
    except JsonTooDeep as exc:
        raise CommandStop(2, f"the answers file is nested too deeply: {exc}") from exc
    except ValueError as exc:
        raise CommandStop(2, f"the answers file is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise CommandStop(2, 'the answers file must hold one JSON object: {"step_id": answer, ...}')
    return data
