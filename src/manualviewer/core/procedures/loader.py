"""Reading procedure YAML into the model, keeping the line of every element.

PyYAML's `compose` gives nodes with marks; we walk them ourselves instead of `safe_load` so a
problem can name its line, duplicate keys are caught (safe_load silently keeps the last), and a
plain `Yes` in a label stays the text "Yes" instead of becoming True."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TypedDict

from yaml.nodes import MappingNode, Node, ScalarNode

from manualviewer.core.content.library import Library
from manualviewer.core.guarded import MAX_YAML_BYTES, guarded, load_folders, read_text
from manualviewer.core.model import normalise_id
from manualviewer.core.problems import ContentProblem, Severity
from manualviewer.core.procedures.model import (
    NAME_RE,
    PROCEDURE_ID_RE,
    STEP_ID_RE,
    AnyStep,
    CheckStep,
    Choice,
    DocumentOption,
    DocumentStep,
    DocumentTemplate,
    EndStep,
    EscalateStep,
    FieldType,
    InfoStep,
    InputField,
    InputStep,
    NotConfirmed,
    OptionChoice,
    Procedure,
    QuestionStep,
    StepKind,
)
from manualviewer.core.procedures.patterns import pattern_problem
from manualviewer.core.procedures.templates import TextBlock
from manualviewer.core.yaml_nodes import Entries, NodeReader, node_line

_PROCEDURE_KEYS = {"id", "title", "version", "summary", "sections", "allow_out_of_order", "start", "steps"}
_STEP_KEYS = {"id", "kind", "title", "text", "section", "next", "note"}
_KIND_KEYS: dict[StepKind, set[str]] = {
    StepKind.CHECK: _STEP_KEYS | {"confirm_label", "not_confirmed"},
    StepKind.QUESTION: (_STEP_KEYS - {"next", "note"}) | {"choices"},
    StepKind.INPUT: _STEP_KEYS | {"fields"},
    StepKind.INFO: _STEP_KEYS,
    StepKind.ESCALATE: _STEP_KEYS | {"reason", "to", "subject"},
    StepKind.DOCUMENT: _STEP_KEYS | {"name", "template", "options"},
    StepKind.END: {"id", "kind", "title", "text", "section", "note"},  # `note` is the template here
}
_FIELD_KEYS = {"name", "label", "type", "required", "options", "pattern", "max_length", "hint", "multiline"}


class _Common(TypedDict, total=False):
    """The keyword arguments every step class shares."""

    id: str
    title: str
    line: int
    text: str
    section: str | None
    section_line: int
    next: str | None
    next_line: int
    note: str


def load_procedures(folder_paths: Iterable[Path]) -> tuple[dict[str, Procedure], list[ContentProblem]]:
    """Every `*.yaml` procedure in the given folders (a missing folder is simply empty).

    A file with any error is left out, so the app never offers a half-read checklist; graph
    and section checks are `validate`'s job."""
    return load_folders(folder_paths, load_procedure_file, "procedure")


def load_library_procedures(library: Library) -> tuple[dict[str, Procedure], list[ContentProblem]]:
    """The procedures of a library: the `procedures/` folder of every manual folder. Read once
    per library; each caller gets its own copies of the dict and the list."""
    procedures, problems = library.derived(
        "procedures", lambda: load_procedures([manual.path / "procedures" for manual in library.manuals.values()])
    )
    return dict(procedures), list(problems)


def procedure_titles(library: Library) -> dict[str, str]:
    """Procedure ID -> title, for "Start checklist" links."""
    procedures, _problems = load_library_procedures(library)
    return {pid: procedure.title for pid, procedure in procedures.items()}


def load_procedure_file(path: Path) -> tuple[Procedure | None, list[ContentProblem]]:
    # The guard (core/guarded.py): any failure reading or parsing this file is its one problem.
    return guarded(path, lambda: parse_procedure(read_text(path, limit=MAX_YAML_BYTES), path))


def parse_procedure(text: str, path: Path) -> tuple[Procedure | None, list[ContentProblem]]:
    reader = _Reader(path)
    procedure = reader.procedure(text)
    if procedure is not None and procedure.id != path.stem:
        reader.warn("file-name", procedure.line, f"file name should be {procedure.id}.yaml")
    failed = any(p.severity is Severity.ERROR for p in reader.problems)
    return (None if failed else procedure), reader.problems


class _Reader(NodeReader):
    # --- nodes --------------------------------------------------------------------------
    def text(self, entries: Entries, key: str, what: str, *, required: bool = False) -> str:
        block = self.block(entries, key, what, required=required)
        return block.text if block else ""

    def block(self, entries: Entries, key: str, what: str, *, required: bool = False) -> TextBlock | None:
        if self.missing(entries, key, what, required=required):
            return None
        node = entries[key][1]
        if not isinstance(node, ScalarNode):
            self.error("bad-value", node_line(node), f"{what}: {key!r} should be text")
            return None
        text = str(node.value)
        if node.style == "|":
            # The mark is on the `|` line; the text starts on the next one.
            return TextBlock(text, node_line(node) + 1, literal=True)
        return TextBlock(text.strip() if node.style == ">" else text, node_line(node))

    def ident(self, entries: Entries, key: str, what: str, pattern: re.Pattern[str]) -> str:
        value = self.text(entries, key, what, required=True)
        if value and not pattern.match(value):
            self.error("bad-id", self.line_of(entries, key), f"{what}: {key} {value!r} must match {pattern.pattern}")
        return value

    def flag(self, entries: Entries, key: str, what: str, default: bool) -> bool:
        if key not in entries:
            return default
        node = entries[key][1]
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return str(node.value).lower() in {"true", "yes", "on"}
        self.error("bad-value", node_line(node), f"{what}: {key!r} should be true or false")
        return default

    def number(self, entries: Entries, key: str, what: str, *, required: bool = False) -> int:
        if key not in entries:
            if required:
                self.error("missing-field", entries.line, f"{what}: {key!r} is required")
            return 0
        node = entries[key][1]
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:int" and str(node.value).isdigit():
            value = int(node.value)
            if value >= 1:
                return value
        self.error("bad-value", node_line(node), f"{what}: {key!r} should be a whole number from 1")
        return 0

    def words(self, entries: Entries, key: str, what: str) -> tuple[str, ...]:
        return tuple(word for word, _ in self.located_words(entries, key, what))

    def located_words(self, entries: Entries, key: str, what: str) -> list[tuple[str, int]]:
        items: list[tuple[str, int]] = []
        for node in self.sequence(entries, key, what):
            if isinstance(node, ScalarNode) and str(node.value).strip():
                items.append((str(node.value).strip(), node_line(node)))
            else:
                self.error("bad-value", node_line(node), f"{what}: every item of {key!r} should be text")
        return items

    # --- the document ---------------------------------------------------------------------
    def procedure(self, text: str) -> Procedure | None:
        entries = self.document(text, "procedure", _PROCEDURE_KEYS)
        if entries is None:
            return None
        what = "procedure"
        proc_id = self.ident(entries, "id", what, PROCEDURE_ID_RE)
        what = f"procedure {proc_id}" if proc_id else what
        title = self.text(entries, "title", what, required=True)
        version = self.number(entries, "version", what, required=True)
        summary = self.text(entries, "summary", what)
        sections = self.located_words(entries, "sections", what)
        out_of_order = self.located_words(entries, "allow_out_of_order", what)
        start = self.text(entries, "start", what)
        steps: list[AnyStep] = []
        seen: dict[str, int] = {}
        for node in self.sequence(entries, "steps", what, required=True):
            step = self.step(node)
            if step is None:
                continue
            if step.id in seen:
                self.error("duplicate-id", step.line, f"step {step.id!r} is already defined on line {seen[step.id]}")
                continue
            seen[step.id] = step.line
            steps.append(step)
        self._check_unique_names(steps)
        return Procedure(
            source=text,
            id=proc_id,
            title=title,
            version=version,
            summary=summary,
            sections=tuple(normalise_id(s) for s, _ in sections),
            steps=tuple(steps),
            path=self.path,
            line=entries.line,
            start=start,
            start_line=self.line_of(entries, "start"),
            allow_out_of_order=tuple(s for s, _ in out_of_order),
            section_lines=tuple(line for _, line in sections),
            allow_out_of_order_lines=tuple(line for _, line in out_of_order),
        )

    def _check_unique_names(self, steps: list[AnyStep]) -> None:
        # Field and document names share one placeholder namespace across the procedure.
        seen: dict[str, int] = {}
        for step in steps:
            named: list[tuple[str, int]] = []
            if isinstance(step, InputStep):
                named = [(f.name, f.line) for f in step.fields]
            elif isinstance(step, DocumentStep) and step.name:
                named = [(step.name, step.line)]
            for name, line in named:
                if name in seen:
                    self.error("duplicate-id", line, f"the name {name!r} is already used on line {seen[name]}")
                else:
                    seen[name] = line

    def step(self, node: Node) -> AnyStep | None:
        if not isinstance(node, MappingNode):
            self.error("bad-value", node_line(node), "each step should be a mapping (id, kind, title, ...)")
            return None
        raw_kind = next((str(v.value) for k, v in node.value if k.value == "kind" and isinstance(v, ScalarNode)), "")
        try:
            kind = StepKind(raw_kind)
        except ValueError:
            kinds = ", ".join(k.value for k in StepKind)
            self.error("bad-value", node_line(node), f"step kind {raw_kind!r} is not one of {kinds}")
            return None
        entries = self.mapping(node, "step", _KIND_KEYS[kind])
        if entries is None:
            return None
        step_id = self.ident(entries, "id", f"{kind.value} step", STEP_ID_RE)
        what = f"step {step_id or '?'}"
        section = self.text(entries, "section", what)
        common: _Common = {
            "id": step_id,
            "title": self.text(entries, "title", what, required=True),
            "line": node_line(node),
            "text": self.text(entries, "text", what),
            "section": normalise_id(section) if section else None,
            "section_line": self.line_of(entries, "section"),
        }
        if kind is not StepKind.END:
            common["next"] = self.text(entries, "next", what) or None
            common["next_line"] = self.line_of(entries, "next")
        if kind not in (StepKind.END, StepKind.QUESTION):
            common["note"] = self.text(entries, "note", what)

        if kind is StepKind.CHECK:
            return CheckStep(
                **common,
                confirm_label=self.text(entries, "confirm_label", what) or "Confirmed",
                not_confirmed=self.not_confirmed(entries, what),
            )
        if kind is StepKind.QUESTION:
            return QuestionStep(**common, choices=self.choices(entries, what))
        if kind is StepKind.INPUT:
            return InputStep(**common, fields=self.fields(entries, what))
        if kind is StepKind.INFO:
            return InfoStep(**common)
        if kind is StepKind.ESCALATE:
            reason = self.block(entries, "reason", what, required=True) or TextBlock("")
            return EscalateStep(
                **common,
                reason=reason,
                to=self.text(entries, "to", what) or "line manager",
                subject=self.block(entries, "subject", what),
            )
        if kind is StepKind.DOCUMENT:
            name = ""
            if "name" in entries:
                name = self.ident(entries, "name", what, NAME_RE)
            template = self.block(entries, "template", what, required=True) or TextBlock("")
            options = self.options(entries, what)
            return DocumentStep(**common, template=DocumentTemplate(template, options), name=name)
        note = self.block(entries, "note", what, required=True) or TextBlock("")
        return EndStep(**common, note_template=note)

    def not_confirmed(self, entries: Entries, what: str) -> NotConfirmed | None:
        if "not_confirmed" not in entries:
            return None
        node = entries["not_confirmed"][1]
        sub = self.mapping(node, f"{what} not_confirmed", {"label", "next", "note"})
        if sub is None:
            return None
        where = f"{what} not_confirmed"
        return NotConfirmed(
            label=self.text(sub, "label", where, required=True),
            next=self.text(sub, "next", where, required=True),
            line=self.line_of(sub, "next") or node_line(node),
            note=self.text(sub, "note", where),
        )

    def choices(self, entries: Entries, what: str) -> tuple[Choice, ...]:
        choices: list[Choice] = []
        for node in self.sequence(entries, "choices", what, required=True):
            sub = self.mapping(node, f"{what} choice", {"id", "label", "next", "note"})
            if sub is None:
                continue
            choice_id = self.ident(sub, "id", f"{what} choice", STEP_ID_RE)
            where = f"{what} choice {choice_id}"
            choice = Choice(
                id=choice_id,
                label=self.text(sub, "label", where, required=True),
                next=self.text(sub, "next", where, required=True),
                line=node_line(node),
                note=self.text(sub, "note", where),
            )
            if any(c.id == choice.id for c in choices):
                self.error("duplicate-id", choice.line, f"{what}: choice {choice.id!r} is given twice")
            choices.append(choice)
        return tuple(choices)

    def fields(self, entries: Entries, what: str) -> tuple[InputField, ...]:
        fields: list[InputField] = []
        for node in self.sequence(entries, "fields", what, required=True):
            sub = self.mapping(node, f"{what} field", _FIELD_KEYS)
            if sub is None:
                continue
            name = self.ident(sub, "name", f"{what} field", NAME_RE)
            where = f"{what} field {name}"
            raw_type = self.text(sub, "type", where) or FieldType.TEXT.value
            try:
                field_type = FieldType(raw_type)
            except ValueError:
                types = ", ".join(t.value for t in FieldType)
                self.error(
                    "bad-value",
                    self.line_of(sub, "type"),
                    f"{where}: type {raw_type!r} is not one of {types}",
                )
                field_type = FieldType.TEXT
            options = self.words(sub, "options", where)
            if field_type is FieldType.CHOICE and not options:
                self.error("missing-field", node_line(node), f"{where}: a choice field needs `options`")
            pattern = self.text(sub, "pattern", where)
            if pattern:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    self.error("bad-value", self.line_of(sub, "pattern"), f"{where}: bad pattern: {exc}")
                    pattern = ""
                except RecursionError:
                    self.error("bad-value", self.line_of(sub, "pattern"), f"{where}: bad pattern: nested too deeply")
                    pattern = ""
            unsafe = pattern_problem(pattern) if pattern else None
            if unsafe:  # a pattern that could freeze a run is refused here, before anyone answers
                self.error("unsafe-pattern", self.line_of(sub, "pattern"),
                           f"{where}: pattern {pattern[:60]!r}: {unsafe}")
                pattern = ""
            fields.append(
                InputField(
                    name=name,
                    label=self.text(sub, "label", where, required=True),
                    type=field_type,
                    line=node_line(node),
                    required=self.flag(sub, "required", where, True),
                    options=options,
                    pattern=pattern,
                    max_length=self.number(sub, "max_length", where),
                    hint=self.text(sub, "hint", where),
                    multiline=self.flag(sub, "multiline", where, False),
                )
            )
        return tuple(fields)

    def options(self, entries: Entries, what: str) -> tuple[DocumentOption, ...]:
        options: list[DocumentOption] = []
        for node in self.sequence(entries, "options", what):
            sub = self.mapping(node, f"{what} option", {"name", "label", "default", "choices"})
            if sub is None:
                continue
            name = self.ident(sub, "name", f"{what} option", NAME_RE)
            where = f"{what} option {name}"
            choices: list[OptionChoice] = []
            for choice_node in self.sequence(sub, "choices", where, required=True):
                csub = self.mapping(choice_node, f"{where} choice", {"id", "label", "text"})
                if csub is None:
                    continue
                choice_id = self.ident(csub, "id", f"{where} choice", STEP_ID_RE)
                if any(c.id == choice_id for c in choices):
                    self.error("duplicate-id", node_line(choice_node), f"{where}: choice {choice_id!r} is given twice")
                block = self.block(csub, "text", f"{where} choice {choice_id}")
                choices.append(
                    OptionChoice(
                        id=choice_id,
                        label=self.text(csub, "label", f"{where} choice {choice_id}", required=True),
                        # A block's final line break is YAML's, not the wording's.
                        text=block.text.rstrip("\n") if block else "",
                        line=node_line(choice_node),
                    )
                )
            default = self.text(sub, "default", where) or None
            if default is not None and not any(c.id == default for c in choices):
                self.error("bad-value", self.line_of(sub, "default"), f"{where}: default {default!r} is not a choice")
            if any(o.name == name for o in options):
                self.error("duplicate-id", node_line(node), f"{what}: option {name!r} is given twice")
            options.append(
                DocumentOption(
                    name=name,
                    label=self.text(sub, "label", where, required=True),
                    choices=tuple(choices),
                    line=node_line(node),
                    default=default,
                )
            )
        return tuple(options)
