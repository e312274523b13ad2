"""Loading and validation: each problem with its kind and the line it points at."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from tests.helpers.procedures import SAMPLE, build

from manualviewer.core.problems import ContentProblem, Severity
from manualviewer.core.procedures import (
    CheckStep,
    DocumentStep,
    EndStep,
    FieldType,
    InputStep,
    Procedure,
    QuestionStep,
    load_procedures,
    parse_procedure,
    validate,
)

KNOWN = {"DMBM511015", "DMBM511130"}


def problems_of(text: str, known: object = KNOWN) -> list[tuple[str, int]]:
    procedure = build(text, "p.yaml")
    return [(p.kind, p.line) for p in validate(procedure, known)]  # type: ignore[arg-type]


def parse(text: str, name: str = "p.yaml") -> tuple[Procedure | None, list[ContentProblem]]:
    return parse_procedure(textwrap.dedent(text), Path(name))


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


# --- the model from YAML ---------------------------------------------------------------------
def test_sample_loads_every_kind_of_step_with_lines(sample: Procedure) -> None:
    assert sample.id == "sample"
    assert sample.version == 2
    assert sample.sections == ("DMBM511015",)
    assert sample.allow_out_of_order == ("late",)
    kinds = [s.kind.value for s in sample.steps]
    assert kinds == ["input", "check", "question", "info", "document", "escalate", "info", "end"]
    for step in sample.steps:
        assert step.line == line_of(SAMPLE, f"- id: {step.id}")
    details = sample.step("details")
    assert isinstance(details, InputStep)
    assert [f.type for f in details.fields] == [
        FieldType.CUSTOMER_REFERENCE,
        FieldType.DATE,
        FieldType.CHOICE,
        FieldType.TEXT,
    ]
    assert details.fields[1].line == line_of(SAMPLE, "- name: call_date")
    assert details.fields[1].required is False
    point = sample.step("point")
    assert isinstance(point, CheckStep) and point.not_confirmed is not None
    assert point.next_line == line_of(SAMPLE, "next: question")
    question = sample.step("question")
    assert isinstance(question, QuestionStep)
    assert question.choices[0].line == line_of(SAMPLE, "- id: left")
    letter = sample.step("letter")
    assert isinstance(letter, DocumentStep)
    assert [o.name for o in letter.template.options] == ["action", "extra", "service"]
    assert letter.template.text.line == line_of(SAMPLE, "Dear customer")
    end = sample.step("end")
    assert isinstance(end, EndStep)
    assert end.note_template.line == line_of(SAMPLE, "Ref: {customer_reference}")


def test_sample_is_valid(sample: Procedure) -> None:
    assert validate(sample, KNOWN) == []


def test_a_plain_yes_in_a_label_stays_text() -> None:
    procedure, problems = parse(
        """\
        id: p
        title: Yes
        version: 1
        steps:
          - {id: q, kind: question, title: Q, choices: [{id: y, label: Yes, next: e}]}
          - {id: e, kind: end, title: E, note: done}
        """
    )
    assert problems == []
    assert procedure is not None and procedure.title == "Yes"


# --- loading problems ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "line"),
    [
        ("id: p\ntitle: [unclosed\n", "bad-yaml", 3),
        ("- a list\n", "bad-value", 1),
        ("id: p\nversion: 1\nsteps:\n  - {id: e, kind: end, title: E, note: n}\n", "missing-field", 1),
        ("id: p\ntitle: T\nversion: one\nsteps:\n  - {id: e, kind: end, title: E, note: n}\n", "bad-value", 3),
        ("id: P Q\ntitle: T\nversion: 1\nsteps:\n  - {id: e, kind: end, title: E, note: n}\n", "bad-id", 1),
        ("id: p\ntitle: T\nversion: 1\nsteps:\n  - {id: e, kind: finish, title: E}\n", "bad-value", 5),
        (
            "id: p\ntitle: T\nversion: 1\nsteps:\n  - {id: e, kind: end, title: E, note: n}\n"
            "  - {id: e, kind: end, title: F, note: n}\n",
            "duplicate-id",
            6,
        ),
        (
            "id: p\ntitle: T\ntitle: U\nversion: 1\nsteps:\n  - {id: e, kind: end, title: E, note: n}\n",
            "duplicate-key",
            3,
        ),
        (
            "id: p\ntitle: T\nversion: 1\nsteps:\n  - id: i\n    kind: input\n    title: I\n    next: e\n"
            "    fields:\n      - {name: x, label: X, pattern: '[unclosed'}\n"
            "  - {id: e, kind: end, title: E, note: n}\n",
            "bad-value",
            10,
        ),
        (
            "id: p\ntitle: T\nversion: 1\nsteps:\n  - id: i\n    kind: input\n    title: I\n    next: e\n"
            "    fields:\n      - {name: x, label: X, type: choice}\n  - {id: e, kind: end, title: E, note: n}\n",
            "missing-field",
            10,
        ),
    ],
)
def test_loading_problems_point_at_their_line(text: str, kind: str, line: int) -> None:
    procedure, problems = parse_procedure(text, Path("p.yaml"))
    assert procedure is None
    assert (kind, line) in [(p.kind, p.line) for p in problems], problems
    assert all(p.path == Path("p.yaml") for p in problems)


def test_unknown_keys_and_file_name_are_warnings_and_the_procedure_still_loads() -> None:
    procedure, problems = parse(
        """\
        id: p
        title: T
        version: 1
        colour: blue
        steps:
          - {id: e, kind: end, title: E, note: n, nxt: f}
        """,
        name="other.yaml",
    )
    assert procedure is not None
    assert [(p.kind, p.line, p.severity) for p in problems] == [
        ("unknown-key", 4, Severity.WARNING),
        ("unknown-key", 6, Severity.WARNING),
        ("file-name", 1, Severity.WARNING),
    ]


def test_load_procedures_reads_folders_and_reports_duplicates(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "sample.yaml").write_text(SAMPLE, encoding="utf-8")
    (two / "sample.yaml").write_text(SAMPLE, encoding="utf-8")
    (two / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    procedures, problems = load_procedures([one, two, tmp_path / "missing"])
    assert list(procedures) == ["sample"]
    assert procedures["sample"].path == one / "sample.yaml"
    assert sorted((p.kind, p.path.name) for p in problems) == [
        ("bad-yaml", "broken.yaml"),
        ("duplicate-id", "sample.yaml"),
    ]


# --- validation ------------------------------------------------------------------------------
BROKEN_NEXT = """\
id: p
title: T
version: 1
sections: [DMBM511015]
steps:
  - id: a
    kind: check
    title: A
    next: nowhere
  - {id: e, kind: end, title: E, note: n}
"""


def test_broken_next_points_at_the_next_line() -> None:
    assert ("unknown-step", 9) in problems_of(BROKEN_NEXT)


def test_broken_choice_and_not_confirmed_point_at_their_lines() -> None:
    text = """\
    id: p
    title: T
    version: 1
    sections: [DMBM511015]
    steps:
      - id: a
        kind: check
        title: A
        next: q
        not_confirmed: {label: No, next: missing}
      - id: q
        kind: question
        title: Q
        choices:
          - {id: one, label: One, next: e}
          - {id: two, label: Two, next: gone}
      - {id: e, kind: end, title: E, note: n}
    """
    problems = problems_of(text)
    assert ("unknown-step", 10) in problems
    assert ("unknown-step", 16) in problems


def test_unreachable_step_points_at_the_step() -> None:
    text = """\
    id: p
    title: T
    version: 1
    sections: [DMBM511015]
    steps:
      - {id: a, kind: info, title: A, next: e}
      - {id: lonely, kind: info, title: L, next: e}
      - {id: e, kind: end, title: E, note: n}
    """
    assert problems_of(text) == [("unreachable-step", 7)]


def test_out_of_order_steps_count_as_reachable_and_must_exist() -> None:
    text = """\
    id: p
    title: T
    version: 1
    sections: [DMBM511015]
    allow_out_of_order:
      - late
      - missing
    steps:
      - {id: a, kind: info, title: A, next: e}
      - {id: late, kind: info, title: L, next: e}
      - {id: e, kind: end, title: E, note: n}
    """
    assert problems_of(text) == [("unknown-step", 7)]


def test_dead_end_points_at_the_step() -> None:
    text = """\
    id: p
    title: T
    version: 1
    sections: [DMBM511015]
    steps:
      - {id: a, kind: info, title: A, next: b}
      - id: b
        kind: check
        title: B
      - {id: e, kind: end, title: E, note: n}
    """
    problems = problems_of(text)
    assert ("dead-end", 7) in problems
    assert ("unreachable-step", 10) in problems
    assert not [p for p in problems if p[0] == "no-end"]  # the dead end is the cause


def test_loop_with_no_way_out_is_reported_once_at_its_first_step() -> None:
    text = """\
    id: p
    title: T
    version: 1
    sections: [DMBM511015]
    steps:
      - id: a
        kind: question
        title: A
        choices:
          - {id: stop, label: Stop, next: e}
          - {id: loop, label: Loop, next: b}
      - {id: b, kind: info, title: B, next: c}
      - {id: c, kind: info, title: C, next: b}
      - {id: e, kind: end, title: E, note: n}
    """
    problems = [(p.kind, p.line, p.message) for p in validate(build(text, "p.yaml"), KNOWN)]
    assert problems == [("no-end", 12, "steps loop with no way to an end: b -> c -> b")]


def test_loop_with_a_way_out_is_fine() -> None:
    text = """\
    id: p
    title: T
    version: 1
    sections: [DMBM511015]
    steps:
      - id: a
        kind: question
        title: A
        choices:
          - {id: again, label: Again, next: a}
          - {id: done, label: Done, next: e}
      - {id: e, kind: end, title: E, note: n}
    """
    assert problems_of(text) == []


def test_no_end_step_at_all() -> None:
    text = """\
    id: p
    title: T
    version: 1
    sections: [DMBM511015]
    steps:
      - {id: a, kind: info, title: A, next: a}
    """
    assert problems_of(text) == [("no-end", 1)]


def test_unknown_sections_point_at_the_item_and_the_step() -> None:
    text = """\
    id: p
    title: T
    version: 1
    sections:
      - DMBM511015
      - DMBM999999
    steps:
      - id: a
        kind: info
        title: A
        section: dmbm 900500
        next: e
      - {id: e, kind: end, title: E, note: n}
    """
    assert problems_of(text) == [("unknown-section", 6), ("unknown-section", 11)]


def test_sections_resolve_through_a_callable_for_aliases() -> None:
    aliases = {"DMBM999999": "DMBM511015", "DMBM511015": "DMBM511015"}
    text = "id: p\ntitle: T\nversion: 1\nsections: [DMBM999999]\nsteps:\n  - {id: e, kind: end, title: E, note: n}\n"
    assert problems_of(text, aliases.get) == []
    assert problems_of(text, lambda section_id: None) == [("unknown-section", 4)]


def test_unknown_template_field_points_at_its_line_inside_the_block() -> None:
    text = """\
    id: p
    title: T
    version: 1
    sections: [DMBM511015]
    steps:
      - id: i
        kind: input
        title: I
        next: e
        fields:
          - {name: customer_reference, label: Ref, type: customer_reference}
      - id: e
        kind: end
        title: E
        note: |
          Ref: {customer_reference}
          Officer: {officer}
          Mood: {customer_mood}
    """
    problems = validate(build(text, "p.yaml"), KNOWN)
    assert [(p.kind, p.line) for p in problems] == [("unknown-placeholder", 18)]
    assert "{customer_mood}" in problems[0].message


def test_unknown_placeholder_in_escalation_and_document_options() -> None:
    text = """\
    id: p
    title: T
    version: 1
    sections: [DMBM511015]
    steps:
      - id: x
        kind: escalate
        title: X
        reason: Because {why}.
        next: d
      - id: d
        kind: document
        title: D
        next: e
        template: |
          {para}
        options:
          - name: para
            label: P
            choices:
              - {id: a, label: A, text: "See {nobody}."}
          - name: spare
            label: S
            choices:
              - {id: a, label: A, text: x}
      - {id: e, kind: end, title: E, note: n}
    """
    problems = problems_of(text)
    assert ("unknown-placeholder", 9) in problems
    assert ("unknown-placeholder", 21) in problems
    assert ("unused-option", 22) in problems


def test_field_named_like_a_variable_is_a_clash() -> None:
    text = """\
    id: p
    title: T
    version: 1
    sections: [DMBM511015]
    steps:
      - id: i
        kind: input
        title: I
        next: e
        fields:
          - {name: date, label: Date, type: date}
      - {id: e, kind: end, title: E, note: "{date}"}
    """
    assert problems_of(text) == [("name-clash", 11)]


def test_option_containing_itself_is_reported() -> None:
    text = """\
    id: p
    title: T
    version: 1
    sections: [DMBM511015]
    steps:
      - id: d
        kind: document
        title: D
        next: e
        template: "{a}"
        options:
          - name: a
            label: A
            choices: [{id: x, label: X, text: "{b}"}]
          - name: b
            label: B
            choices: [{id: x, label: X, text: "{a}"}]
      - {id: e, kind: end, title: E, note: n}
    """
    assert problems_of(text) == [("template-loop", 12), ("template-loop", 15)]
