"""`manualviewer procedure`: list the guided checklists, or run one headlessly from answers."""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
from pathlib import Path
from typing import Any

from manualviewer.commands.common import (
    CommandStop,
    add_list_and_run,
    find_by_id,
    print_errors,
    print_json,
    read_answers,
    run_action,
    stop_on_errors,
    workspace_from_args,
)
from manualviewer.core.content.glossary import glossary_of
from manualviewer.core.content.library import Library
from manualviewer.core.procedures import (
    AnswerError,
    CheckStep,
    InputStep,
    Procedure,
    QuestionStep,
    Run,
    RunError,
    answer,
    check_note,
    content_version,
    load_library_procedures,
    out_of_order,
    start,
    validate,
)
from manualviewer.core.procedures.headless import going_on, needs_answer, pending_jump
from manualviewer.core.settings import Settings, SettingsError
from manualviewer.services.finish_run import (
    FinishedRun,
    escalation_addresses,
    finish_run,
    new_note,
    recipient_name,
    warning_records,
)

PROG = "manualviewer procedure"


def register(sub: Any) -> None:
    parser, run_parser = add_list_and_run(
        sub, "procedure", "list or run guided checklists", list_help="every procedure in the library",
        run_help="run a procedure with answers from a file", id_help="procedure ID",
        run_json_help="print note, record, escalations and path as JSON")
    run_parser.add_argument("--dry-run", action="store_true", help="save no note and queue no escalation")
    run_parser.add_argument("--officer", help="officer name for the note (default: officer_name in the settings)")
    run_parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.set_defaults(func=run, procedure_parser=parser)


def run(args: argparse.Namespace) -> int:
    return run_action(args, args.procedure_action, args.procedure_parser, PROG, {"list": _list, "run": _run})


def load_bundle(library: Library) -> dict[str, Procedure]:
    """The library's procedures; their loading errors go to stderr (`check` reports them all)."""
    procedures, problems = load_library_procedures(library)
    print_errors(problems, PROG)
    return procedures


# --- list ---------------------------------------------------------------------------------
def _list(args: argparse.Namespace) -> int:
    procedures = sorted(load_bundle(workspace_from_args(args).load()).values(), key=lambda p: p.id)
    if args.json:
        print_json(
            [{"id": p.id, "title": p.title, "version": p.version, "sections": list(p.sections)} for p in procedures]
        )
        return 0
    for p in procedures:
        print(f"{p.id}  v{p.version}  {p.title}  [{', '.join(p.sections)}]")
    if not procedures:
        print("No procedures in this library.", file=sys.stderr)
    return 0


# --- run ----------------------------------------------------------------------------------
def _run(args: argparse.Namespace) -> int:
    library = workspace_from_args(args).load()
    procedures = load_bundle(library)
    procedure = find_by_id(procedures, args.id, "procedure")
    stop_on_errors(validate(procedure, library.resolve),
                   f"procedure {procedure.id} has content errors; it cannot be run")

    answers = read_answers(args.answers)
    settings = _settings()
    finished = run_headless(procedure, answers, dt.datetime.now(dt.UTC))
    unused = sorted(set(answers) - set(finished.path))
    if unused:
        print(f"{PROG}: answers not used (steps not on the path): {', '.join(unused)}", file=sys.stderr)

    officer = (args.officer if args.officer is not None else settings.officer_name).strip()
    result = finish_run(finished, officer=officer, content_version=content_version(procedure, library),
                        recipient=recipient_name(settings))
    note, escalations = result.note, result.escalations
    warnings = check_note(note.text, settings.note_check_words, settings.known_abbreviations,
                          glossary_of(library).abbreviations(), typed=[result.customer_reference])
    for warning in warnings:
        print(f"{PROG}: note check, line {warning.line}: {warning.message}", file=sys.stderr)

    saved: dict[str, Any] | None = None
    if not args.dry_run:
        saved = _save(args.database, finished, result, officer, settings)

    if args.json:
        output: dict[str, Any] = {
            "note": note.text,
            "record": note.record,
            "escalations": [{"subject": e.subject, "body": e.body, "to": e.to, "step": e.step_id} for e in escalations],
            "path": list(finished.path),
            "note_warnings": warning_records(warnings),
        }
        if saved is not None:
            output["saved"] = saved
        print_json(output)
        return 3 if saved is not None and "recovery_file" in saved else 0
    else:
        print(note.text)
        for escalation in escalations:
            print(f"\nEscalation to {escalation.to}: {escalation.subject}")
        if saved is not None and "recovery_file" in saved:
            return 3
        if saved is not None:
            queued = ", ".join(f"#{i}" for i in saved["escalation_ids"]) or "none"
            print(f"\nSaved note #{saved['note_id']}; escalations queued: {queued}", file=sys.stderr)
    return 0


def run_headless(procedure: Procedure, answers: dict[str, Any], now: dt.datetime) -> Run:
    """Follow the path with the given answers. An info step needs none, an escalate step
    defaults to no added text, a document step to its defaults. When the path reaches a step
    that needs an answer and has none, and an out-of-order step has one, the officer goes there
    (the late disclosure came before that step could be answered). Raises CommandStop(2) on a
    missing or invalid answer."""
    run = start(procedure, now)
    limit = 10 * len(procedure.steps) + 10  # a loop in the procedure with fixed answers
    for _ in range(limit):
        if run.finished:
            return run
        step = run.current_step
        if step.id in answers:
            value = answers[step.id]
        elif not needs_answer(step):
            value = going_on(step)
        else:
            jump = pending_jump(run, lambda j: j in answers)
            if jump is None:
                raise CommandStop(2, f"no answer for step {step.id!r} ({step.title}); expected {_expected(step)}")
            run = out_of_order(run, jump, now)
            continue
        try:
            run = answer(run, step.id, value, now)
        except AnswerError as exc:
            raise CommandStop(2, f"invalid answer for step {step.id!r}: {exc}") from exc
        except RunError as exc:
            raise CommandStop(1, str(exc)) from exc
    raise CommandStop(2, f"the answers go round a loop in {procedure.id} (at step {run.current_step.id!r})")


def _expected(step: Any) -> str:
    if isinstance(step, CheckStep):
        return "true (confirmed)" + (" or false (not confirmed)" if step.not_confirmed else "")
    if isinstance(step, QuestionStep):
        return "one of " + ", ".join(repr(c.id) for c in step.choices)
    if isinstance(step, InputStep):
        fields = ", ".join(f"{f.name!r}{'' if f.required else ' (optional)'}" for f in step.fields)
        return f"an object with {fields}"
    return "an answer"


def _settings() -> Settings:
    from manualviewer.storage.settings_file import load_user_settings

    try:
        return load_user_settings()
    except SettingsError as exc:
        raise CommandStop(1, str(exc)) from exc


def _save(database: Path | None, run: Run, finished: FinishedRun, officer: str, settings: Settings) -> dict[str, Any]:
    """Store the note and queue the escalations in one transaction. Everything that can refuse is
    checked first, so a refusal leaves nothing half-saved. When the database cannot take them they
    are kept in the recovery file (imported at the next open) and `recovery_file` names it."""
    from manualviewer.storage import paths
    from manualviewer.storage.database import DatabaseError, failure_reason
    from manualviewer.storage.notes import NoteError
    from manualviewer.storage.outbox import EscalationError
    from manualviewer.storage.recovery import keep, new_save, open_notes_database, store_save

    if not officer:
        raise CommandStop(2, "no officer name for the note: pass --officer or set officer_name in the settings")
    try:
        addresses = escalation_addresses(settings, needed=bool(finished.escalations))  # before the note
    except EscalationError as exc:
        raise CommandStop(2, str(exc)) from exc
    save = new_save(new_note(run, finished, officer=officer),
                    [(addresses.recipient, e.subject, e.body, addresses.sender) for e in finished.escalations])
    path = database or paths.database_path()
    try:
        conn = open_notes_database(path)
        try:
            note_id, outbox_ids = store_save(conn, save)
        finally:
            conn.close()
    except NoteError as exc:
        raise CommandStop(2, str(exc)) from exc
    except (DatabaseError, sqlite3.Error, OSError) as exc:
        reason = failure_reason(exc, path) or f"the database could not be written ({exc})"
        try:
            kept = keep(path, save, reason)
        except OSError as keep_exc:
            raise CommandStop(1, f"the note was NOT saved: {reason}, and it could not be kept either "
                              f"({keep_exc}). Copy the note above into your case system now.") from exc
        print(f"{PROG}: the note was not saved in your notes: {reason}. It is kept in {kept} and will be "
              "added to your notes the next time the database can be opened.", file=sys.stderr)
        return {"recovery_file": str(kept), "reason": reason}
    return {"note_id": note_id, "escalation_ids": outbox_ids}
