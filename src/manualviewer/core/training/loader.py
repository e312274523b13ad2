"""Reading scenario YAML, keeping the line of every element.

Like the procedure loader, we walk PyYAML's composed nodes rather than `safe_load`, so every
problem names its line and a key given twice is caught instead of silently overwritten. Whether
the answers fit the procedure is `checks.validate_scenario`'s job: loading only needs the file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import cast

from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import Node, ScalarNode

from manualviewer.core.guarded import MAX_YAML_BYTES, guarded, load_folders, read_text
from manualviewer.core.model import normalise_id
from manualviewer.core.problems import ContentProblem, Severity
from manualviewer.core.training.model import SCENARIO_ID_RE, Detail, Expectation, RawAnswer, Scenario, Turn
from manualviewer.core.yaml_nodes import Entries, NodeReader, is_null, node_line

_SCENARIO_KEYS = {"id", "title", "procedure", "summary", "situation", "details", "expected"}
_TURN_KEYS = {"who", "says", "step"}
_EXPECTED_KEYS = {"step", "answer", "reason", "section"}


def load_scenarios(folders: Iterable[Path]) -> tuple[dict[str, Scenario], list[ContentProblem]]:
    """Every `*.yaml` scenario in the given folders (a missing folder is simply empty).

    A file with any error is left out: a trainee is never graded against a half-read scenario."""
    return load_folders(folders, load_scenario_file, "scenario")


def scenario_folders(manual_paths: Iterable[Path]) -> list[Path]:
    """The `scenarios/` folder of each manual folder."""
    return [path / "scenarios" for path in manual_paths]


def load_scenario_file(path: Path) -> tuple[Scenario | None, list[ContentProblem]]:
    # The guard (core/guarded.py): any failure reading or parsing this file is its one problem.
    return guarded(path, lambda: parse_scenario(read_text(path, limit=MAX_YAML_BYTES), path))


def parse_scenario(text: str, path: Path) -> tuple[Scenario | None, list[ContentProblem]]:
    reader = _Reader(path)
    scenario = reader.scenario(text)
    if scenario is not None and scenario.id and scenario.id != path.stem:
        reader.warn("file-name", scenario.line, f"file name should be {scenario.id}.yaml")
    failed = any(p.severity is Severity.ERROR for p in reader.problems)
    return (None if failed else scenario), reader.problems


class _Reader(NodeReader):
    # --- nodes ----------------------------------------------------------------------------
    def text(self, entries: Entries, key: str, what: str, *, required: bool = False) -> str:
        if self.missing(entries, key, what, required=required):
            return ""
        node = entries[key][1]
        if not isinstance(node, ScalarNode):
            self.error("bad-value", node_line(node), f"{what}: {key!r} should be text")
            return ""
        value = str(node.value)
        # Plain and folded scalars are prose: one line. Literal blocks and quoted strings keep
        # the line breaks they spell out.
        return " ".join(value.split()) if node.style in (None, ">") else value.strip()

    def answer(self, node: Node, what: str) -> RawAnswer:
        """An answer as plain data: true/false, a word, or a mapping of names to text."""
        try:
            value = SafeConstructor().construct_object(node, deep=True)
        except ConstructorError as exc:
            self.error("bad-value", node_line(node), f"{what}: cannot read the answer: {exc.problem}")
            return None
        if value is None or isinstance(value, bool | str):
            return cast(RawAnswer, value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, str | int) and not isinstance(v, bool) for k, v in value.items()
        ):
            return {str(k): str(v) for k, v in value.items()}
        self.error(
            "bad-value",
            node_line(node),
            f"{what}: an answer is true/false, a choice ID, or a mapping of names to text",
        )
        return None

    # --- the document -----------------------------------------------------------------------
    def scenario(self, text: str) -> Scenario | None:
        entries = self.document(text, "scenario", _SCENARIO_KEYS)
        if entries is None:
            return None
        owner = entries.line
        scenario_id = self.text(entries, "id", "scenario", required=True)
        if scenario_id and not SCENARIO_ID_RE.match(scenario_id):
            self.error(
                "bad-id",
                self.line_of(entries, "id"),
                f"scenario id {scenario_id!r} must match {SCENARIO_ID_RE.pattern}",
            )
        what = f"scenario {scenario_id}" if scenario_id else "scenario"
        return Scenario(
            id=scenario_id,
            title=self.text(entries, "title", what, required=True),
            procedure=self.text(entries, "procedure", what, required=True),
            procedure_line=self.line_of(entries, "procedure"),
            summary=self.text(entries, "summary", what),
            situation=self.turns(entries, what),
            details=self.details(entries, what),
            expected=self.expected(entries, what),
            path=self.path,
            line=owner,
        )

    def turns(self, entries: Entries, what: str) -> tuple[Turn, ...]:
        turns: list[Turn] = []
        for node in self.sequence(entries, "situation", what, required=True):
            sub = self.mapping(node, f"{what} situation turn", _TURN_KEYS)
            if sub is None:
                continue
            line = node_line(node)
            where = f"{what} situation turn (line {line})"
            step = self.text(sub, "step", where) or None
            turns.append(
                Turn(
                    speaker=self.text(sub, "who", where, required=True),
                    text=self.text(sub, "says", where, required=True),
                    line=line,
                    step=step,
                    step_line=self.line_of(sub, "step"),
                )
            )
        return tuple(turns)

    def details(self, entries: Entries, what: str) -> tuple[Detail, ...]:
        if "details" not in entries or is_null(entries["details"][1]):
            return ()
        sub = self.mapping(entries["details"][1], f"{what} details", None)
        if sub is None:
            return ()
        return tuple(
            Detail(step=step_id, answer=self.answer(value, f"{what} details {step_id}"), line=node_line(key))
            for step_id, (key, value) in sub.items()
        )

    def expected(self, entries: Entries, what: str) -> tuple[Expectation, ...]:
        expected: list[Expectation] = []
        seen: dict[str, int] = {}
        for node in self.sequence(entries, "expected", what, required=True):
            sub = self.mapping(node, f"{what} expected answer", _EXPECTED_KEYS)
            if sub is None:
                continue
            line = node_line(node)
            step = self.text(sub, "step", f"{what} expected answer", required=True)
            where = f"{what} expected answer for {step or '?'}"
            section = self.text(sub, "section", where, required=True)
            # Info and escalate steps are "answered" by going there: the answer may be left out.
            answer: RawAnswer = self.answer(sub["answer"][1], where) if "answer" in sub else True
            expectation = Expectation(
                step=step,
                answer=answer,
                reason=self.text(sub, "reason", where, required=True),
                section=normalise_id(section) if section else "",
                line=line,
                step_line=self.line_of(sub, "step") or line,
                answer_line=self.line_of(sub, "answer") or line,
                reason_line=self.line_of(sub, "reason") or line,
                section_line=self.line_of(sub, "section") or line,
            )
            if step and step in seen:
                self.error("duplicate-id", line, f"{what}: step {step!r} is already expected on line {seen[step]}")
                continue
            if step:
                seen[step] = line
            expected.append(expectation)
        return tuple(expected)
