"""`manualviewer scenario`: list the training scenarios, or grade a trainee's answers to one.

Training never touches the live store: this command opens no database, saves no note and
queues no escalation (it does not import manualviewer.storage at all)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from manualviewer.commands.common import (
    add_list_and_run,
    find_by_id,
    print_errors,
    print_json,
    read_answers,
    run_action,
    stop_on_errors,
    workspace_from_args,
)
from manualviewer.core.content.library import Library
from manualviewer.core.procedures.loader import load_library_procedures
from manualviewer.core.procedures.validate import validate
from manualviewer.core.training import Grade, Scenario, grade, load_library_scenarios, validate_scenario
from manualviewer.core.training.debrief import format_answer, format_duration

PROG = "manualviewer scenario"


def register(sub: Any) -> None:
    parser, _run_parser = add_list_and_run(
        sub, "scenario", "list training scenarios or grade answers", list_help="every training scenario in the library",
        run_help="grade a trainee's answers to a scenario (stores nothing)", id_help="scenario ID",
        run_json_help="print the grade as JSON")
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
    scenario = find_by_id(scenarios, args.id, "scenario")
    procedures, _ = load_library_procedures(library)

    def body(section_id: str) -> str | None:
        section = library.get(section_id)
        return library.body_of(section) if section else None

    stop_on_errors(validate_scenario(scenario, procedures, library.resolve, body),
                   f"scenario {scenario.id} has content errors; it cannot be graded")
    procedure = procedures[scenario.procedure]
    stop_on_errors(validate(procedure, library.resolve),
                   f"procedure {procedure.id} has content errors; scenario {scenario.id} cannot be graded")

    answers = read_answers(args.answers)
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
