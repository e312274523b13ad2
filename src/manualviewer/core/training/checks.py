"""What `manualviewer check` says about scenarios: each file's problems, then whether each
scenario fits its procedure and the library. Problems carry the scenario file and line."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from manualviewer.core.content.library import Library
from manualviewer.core.problems import ContentProblem, Severity
from manualviewer.core.procedures.engine import normalise_answer
from manualviewer.core.procedures.errors import AnswerError, RunError
from manualviewer.core.procedures.fields import normalise_field
from manualviewer.core.procedures.loader import load_library_procedures
from manualviewer.core.procedures.model import (
    AnyStep,
    DocumentStep,
    EndStep,
    EscalateStep,
    InfoStep,
    InputStep,
    Procedure,
)
from manualviewer.core.training.loader import load_scenarios, scenario_folders
from manualviewer.core.training.model import Expectation, RawAnswer, Scenario
from manualviewer.core.training.quotes import missing_excerpts
from manualviewer.core.training.walk import expected_answers, step_answer, walk

SectionLookup = Callable[[str], str | None]  # Library.resolve: ID (or alias) -> current ID
SectionText = Callable[[str], str | None]  # current ID -> Markdown body


def check_library(library: Library) -> list[ContentProblem]:
    """Every scenario in the library's `scenarios/` folders, checked against the library's
    procedures and sections. Problems in procedure files are the procedures check's to report."""
    procedures, _ = load_library_procedures(library)
    scenarios, problems = load_library_scenarios(library)

    def body(section_id: str) -> str | None:
        section = library.get(section_id)
        return library.body_of(section) if section else None

    for scenario in scenarios.values():
        problems.extend(validate_scenario(scenario, procedures, library.resolve, body))
    return problems


def load_library_scenarios(library: Library) -> tuple[dict[str, Scenario], list[ContentProblem]]:
    """The scenarios of a library: the `scenarios/` folder of every manual folder. Read once per
    library; each caller gets its own copies."""
    scenarios, problems = library.derived(
        "scenarios", lambda: load_scenarios(scenario_folders(m.path for m in library.manuals.values()))
    )
    return dict(scenarios), list(problems)


def validate_scenario(
    scenario: Scenario,
    procedures: Mapping[str, Procedure],
    resolve_section: SectionLookup,
    section_text: SectionText | None = None,
) -> list[ContentProblem]:
    """Problems with file and line: the procedure exists, every step named exists, every
    expected answer is an answer that step can take, every cited section exists (and, with
    `section_text`, the reason's words are in it), and the expected answers lead to an end."""
    problems: list[ContentProblem] = []

    def problem(kind: str, line: int, message: str, severity: Severity = Severity.ERROR) -> None:
        problems.append(ContentProblem(kind, scenario.path, line, message, severity))

    for expectation in scenario.expected:
        section = resolve_section(expectation.section)
        if section is None:
            problem(
                "unknown-section",
                expectation.section_line,
                f"step {expectation.step!r}: cited section {expectation.section} is not in the library",
            )
        elif section_text is not None:
            for excerpt in missing_excerpts(expectation.reason, section_text(section) or ""):
                problem(
                    "reason-not-in-section",
                    expectation.reason_line,
                    f"step {expectation.step!r}: the reason is not the wording of {section}: {excerpt!r}",
                    Severity.WARNING,
                )

    procedure = procedures.get(scenario.procedure)
    if procedure is None:
        problem(
            "unknown-procedure",
            scenario.procedure_line or scenario.line,
            f"procedure {scenario.procedure!r} is not in the library (or its file has errors)",
        )
        return problems

    errors_before = len(problems)
    for turn in scenario.situation:
        if turn.step and procedure.step(turn.step) is None:
            problem("unknown-step", turn.step_line or turn.line, f"turn: {procedure.id} has no step {turn.step!r}")
    def answered_step(where: str, what: str, step_id: str, step_line: int, value: RawAnswer,
                      answer_line: int) -> AnyStep | None:
        """The step an expected answer or a detail is for, once `value` is checked against it;
        None (one problem) when the procedure has no such step."""
        step = procedure.step(step_id)
        if step is None:
            problem("unknown-step", step_line, f"{where}: {procedure.id} has no step {step_id!r}")
            return None
        message = _answer_problem(step, value)
        if message:
            problem("bad-answer", answer_line, f"{what} for {step.id!r}: {message}")
        return step

    for expectation in scenario.expected:
        answered_step("expected", "expected answer", expectation.step, expectation.step_line, expectation.answer,
                      expectation.answer_line)
    for detail in scenario.details:
        step = answered_step("details", "details", detail.step, detail.line, detail.answer, detail.line)
        if step is None:
            continue
        overlap = _overlap(step, detail.answer, scenario.expectation(step.id))
        if overlap:
            problem("details-overlap", detail.line, f"details for {step.id!r}: {overlap}")
    if any(p.severity is Severity.ERROR for p in problems[errors_before:]):
        return problems  # the path checks below would only repeat these

    try:
        expected = walk(procedure, expected_answers(scenario))
    except RunError as exc:  # the procedure cannot even start; its own check says why
        problem("incomplete-path", scenario.line, f"procedure {procedure.id} cannot be run: {exc}")
        return problems
    if not expected.finished:
        problem(
            "incomplete-path",
            scenario.line,
            f"the expected answers and details do not reach an end of {procedure.id}: "
            f"stopped at {expected.stopped_at!r}: {expected.reason}",
        )
    path = set(expected.run.path)
    for expectation in scenario.expected:
        if expectation.step not in path:
            problem(
                "off-path",
                expectation.step_line,
                f"step {expectation.step!r} is not on the path the expected answers take, "
                "so no trainee could get it right",
            )
    return problems


def _answer_problem(step: AnyStep, value: RawAnswer) -> str:
    """Why `value` is not an answer `step` can take ("" when it is). Input and document answers
    may name only some of the fields or options: the rest come from the details, and whether
    they are all there is the path check's to find."""
    if isinstance(step, EndStep):
        return "an end step takes no answer"
    if isinstance(step, InfoStep | EscalateStep):
        return "" if value is True else "an info or escalate step is expected by going there: answer true"
    if isinstance(step, InputStep):
        if not isinstance(value, Mapping):
            return "give the fields as a mapping of name to value"
        for name, text in value.items():
            field = step.field(name)
            if field is None:
                return f"no field named {name!r} (fields: {', '.join(f.name for f in step.fields)})"
            try:
                normalise_field(step.id, field, text)
            except AnswerError as exc:
                return str(exc)
        return ""
    if isinstance(step, DocumentStep):
        if not isinstance(value, Mapping):
            return "give the options as a mapping of option to choice"
        for name, choice in value.items():
            option = step.template.option(name)
            if option is None:
                return f"no option named {name!r}"
            if option.choice(choice) is None:
                offered = ", ".join(c.id for c in option.choices)
                return f"{choice!r} is not a choice for {name!r}; choose one of {offered}"
        return ""
    try:
        normalise_answer(step, step_answer(step, value))
    except AnswerError as exc:
        return str(exc)
    return ""


def _overlap(step: AnyStep, detail: RawAnswer, expectation: Expectation | None) -> str:
    """A detail may not give away a graded answer."""
    if expectation is None:
        return ""
    if isinstance(step, InputStep | DocumentStep) and isinstance(detail, Mapping):
        graded = expectation.answer
        names = sorted(set(detail) & set(graded)) if isinstance(graded, Mapping) else []
        return f"{', '.join(names)} is graded; it cannot also be a detail" if names else ""
    return "this step is graded; it cannot also be a detail"
