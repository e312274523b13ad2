"""Proving a procedure can be followed: every answer leads somewhere, every path ends, every
citation and placeholder resolves. The smart-answers rule, checked statically."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

from manualviewer.core.model import normalise_id
from manualviewer.core.problems import ContentProblem, Severity
from manualviewer.core.procedures.model import (
    CheckStep,
    DocumentStep,
    EndStep,
    EscalateStep,
    Procedure,
    QuestionStep,
)
from manualviewer.core.procedures.records import KNOWN_VARIABLES
from manualviewer.core.procedures.templates import TextBlock, placeholders

SectionLookup = Collection[str] | Callable[[str], object]


@dataclass(frozen=True)
class _Edge:
    source: str
    target: str
    line: int


def validate(procedure: Procedure, known_section_ids: SectionLookup) -> list[ContentProblem]:
    """Problems with file and line. `known_section_ids` is a collection of IDs or a callable
    that resolves an ID (Library.resolve, so aliases count) and returns None when unknown."""
    problems: list[ContentProblem] = []

    def problem(kind: str, line: int, message: str, severity: Severity = Severity.ERROR) -> None:
        problems.append(ContentProblem(kind, procedure.path, line, message, severity))

    _check_graph(procedure, problem)
    _check_sections(procedure, known_section_ids, problem)
    _check_templates(procedure, problem)
    return problems


Report = Callable[..., None]


def _edges(procedure: Procedure) -> Iterator[_Edge]:
    for step in procedure.steps:
        if isinstance(step, QuestionStep):
            for choice in step.choices:
                yield _Edge(step.id, choice.next, choice.line)
            continue
        if step.next:
            yield _Edge(step.id, step.next, step.next_line or step.line)
        if isinstance(step, CheckStep) and step.not_confirmed:
            yield _Edge(step.id, step.not_confirmed.next, step.not_confirmed.line)


def _check_graph(procedure: Procedure, problem: Report) -> None:
    if not procedure.steps:
        return
    if procedure.step(procedure.start_id) is None:
        problem("unknown-step", procedure.start_line or procedure.line, f"start: no step {procedure.start_id!r}")
        return
    graph: dict[str, list[str]] = {s.id: [] for s in procedure.steps}
    broken: set[str] = set()  # steps with a `next` that does not exist
    for edge in _edges(procedure):
        if edge.target not in graph:
            broken.add(edge.source)
            problem("unknown-step", edge.line, f"step {edge.source!r}: next step {edge.target!r} does not exist")
        else:
            graph[edge.source].append(edge.target)

    roots = [procedure.start_id]
    for step_id, line in _with_lines(procedure.allow_out_of_order, procedure.allow_out_of_order_lines, procedure.line):
        if step_id in graph:
            roots.append(step_id)
        else:
            problem("unknown-step", line, f"allow_out_of_order: no step {step_id!r}")

    for step in procedure.steps:
        if not isinstance(step, EndStep) and not step.successors():
            problem("dead-end", step.line, f"step {step.id!r} has no `next` and is not an end step")

    reachable = _reach(roots, graph)
    for step in procedure.steps:
        if step.id not in reachable:
            problem("unreachable-step", step.line, f"step {step.id!r} cannot be reached from the start")

    reverse: dict[str, list[str]] = {s: [] for s in graph}
    for source, targets in graph.items():
        for target in targets:
            reverse[target].append(source)
    ends = [s.id for s in procedure.steps if isinstance(s, EndStep)]
    if not ends:
        problem("no-end", procedure.line, "the procedure has no end step")
        return
    can_end = _reach(ends, reverse)
    trapped = {s for s in graph if s not in can_end}
    # Report a loop only where it is the cause: every way out stays inside it. Steps that only
    # lead into a dead end or a broken `next` are explained by that problem already.
    for component in _strong_components({s: [t for t in graph[s] if t in trapped] for s in trapped}):
        looping = len(component) > 1 or component[0] in graph[component[0]]
        closed = all(t in component for s in component for t in graph[s]) and not broken & set(component)
        if looping and closed:
            first = min((procedure.step(s) for s in component), key=lambda s: s.line if s else 0)
            assert first is not None
            cycle = " -> ".join([*sorted(component, key=_order(procedure)), first.id])
            problem("no-end", first.line, f"steps loop with no way to an end: {cycle}")


def _with_lines(items: tuple[str, ...], lines: tuple[int, ...], default: int) -> list[tuple[str, int]]:
    """Items with their lines; a procedure built in code may have no lines: `default` then."""
    return [(item, lines[n] if n < len(lines) else default) for n, item in enumerate(items)]


def _order(procedure: Procedure) -> Callable[[str], int]:
    positions = {s.id: n for n, s in enumerate(procedure.steps)}
    return lambda step_id: positions.get(step_id, 0)


def _reach(roots: list[str], graph: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, ()))
    return seen


def _strong_components(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so a long procedure cannot hit the recursion limit."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = graph[node]
            if child < len(targets):
                work.append((node, child + 1))
                target = targets[child]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def _check_sections(procedure: Procedure, known: SectionLookup, problem: Report) -> None:
    if callable(known):
        is_known: Callable[[str], bool] = lambda sid: known(sid) is not None  # noqa: E731
    else:
        ids = {normalise_id(s) for s in known}
        is_known = lambda sid: normalise_id(sid) in ids  # noqa: E731
    if not procedure.sections:
        problem("missing-field", procedure.line, "the procedure cites no section (`sections`)", Severity.WARNING)
    for section_id, line in _with_lines(procedure.sections, procedure.section_lines, procedure.line):
        if not is_known(section_id):
            problem("unknown-section", line, f"cited section {section_id} is not in the library")
    for step in procedure.steps:
        if step.section and not is_known(step.section):
            problem(
                "unknown-section",
                step.section_line or step.line,
                f"step {step.id!r} cites {step.section}, not in the library",
            )


def _check_templates(procedure: Procedure, problem: Report) -> None:
    fields = set(procedure.input_fields())
    documents = set(procedure.document_names())
    for name, line in _names(procedure):
        if name in KNOWN_VARIABLES:
            problem("name-clash", line, f"{name!r} is a built-in template variable; choose another name")
    known = fields | documents | set(KNOWN_VARIABLES)

    def check(block: TextBlock, allowed: set[str], where: str) -> None:
        for placeholder in placeholders(block.text):
            if placeholder.name not in allowed:
                problem(
                    "unknown-placeholder",
                    block.line_of(placeholder.offset),
                    f"{where}: {{{placeholder.name}}} is not an input field or a known variable",
                )

    for step in procedure.steps:
        if isinstance(step, EndStep):
            check(step.note_template, known, f"step {step.id!r} note")
        elif isinstance(step, EscalateStep):
            # An escalation is raised before the documents exist and cannot cite itself.
            allowed = known - documents - {"escalations"}
            check(step.reason, allowed, f"step {step.id!r} reason")
            if step.subject is not None:
                check(step.subject, allowed, f"step {step.id!r} subject")
        elif isinstance(step, DocumentStep):
            _check_document(step, fields | set(KNOWN_VARIABLES) - {"escalations"}, check, problem)


def _check_document(step: DocumentStep, variables: set[str], check: Callable[..., None], problem: Report) -> None:
    template = step.template
    options = {o.name for o in template.options}
    allowed = variables | options
    check(template.text, allowed, f"step {step.id!r} template")
    used = {p.name for p in placeholders(template.text.text)}
    uses: dict[str, set[str]] = {}
    for option in template.options:
        uses[option.name] = set()
        for choice in option.choices:
            check(TextBlock(choice.text, choice.line), allowed, f"step {step.id!r} option {option.name!r}")
            uses[option.name] |= {p.name for p in placeholders(choice.text)} & options
        used |= uses[option.name]
    for option in template.options:
        if option.name not in used:
            problem(
                "unused-option",
                option.line,
                f"option {option.name!r} is not used in the template",
                Severity.WARNING,
            )
        if option.name in _reach(sorted(uses[option.name]), {k: sorted(v) for k, v in uses.items()}):
            problem("template-loop", option.line, f"option {option.name!r} contains itself")


def _names(procedure: Procedure) -> Iterator[tuple[str, int]]:
    for field in procedure.input_fields().values():
        yield field.name, field.line
    for step in procedure.steps:
        if isinstance(step, DocumentStep) and step.name:
            yield step.name, step.line
