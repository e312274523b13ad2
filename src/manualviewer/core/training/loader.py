"""Reading scenario YAML, keeping the line of every element.

Like the procedure loader, we walk PyYAML's composed nodes rather than `safe_load`, so every
problem names its line and a key given twice is caught instead of silently overwritten. Whether
the answers fit the procedure is `checks.validate_scenario`'s job: loading only needs the file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import cast

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from manualviewer.core.model import normalise_id
from manualviewer.core.problems import ContentProblem, Severity
from manualviewer.core.training.model import SCENARIO_ID_RE, Detail, Expectation, RawAnswer, Scenario, Turn

_SCENARIO_KEYS = {"id", "title", "procedure", "summary", "situation", "details", "expected"}
_TURN_KEYS = {"who", "says", "step"}
_EXPECTED_KEYS = {"step", "answer", "reason", "section"}

Entries = dict[str, tuple[ScalarNode, Node]]


def load_scenarios(folders: Iterable[Path]) -> tuple[dict[str, Scenario], list[ContentProblem]]:
    """Every `*.yaml` scenario in the given folders (a missing folder is simply empty).

    A file with any error is left out: a trainee is never graded against a half-read scenario."""
    scenarios: dict[str, Scenario] = {}
    problems: list[ContentProblem] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            scenario, file_problems = load_scenario_file(path)
            problems.extend(file_problems)
            if scenario is None:
                continue
            if scenario.id in scenarios:
                first = scenarios[scenario.id].path
                problems.append(
                    ContentProblem("duplicate-id", path, scenario.line, f"scenario {scenario.id!r} is also in {first}")
                )
                continue
            scenarios[scenario.id] = scenario
    return scenarios, problems


def scenario_folders(manual_paths: Iterable[Path]) -> list[Path]:
    """The `scenarios/` folder of each manual folder."""
    return [path / "scenarios" for path in manual_paths]


def load_scenario_file(path: Path) -> tuple[Scenario | None, list[ContentProblem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [ContentProblem("unreadable", path, 0, f"cannot read the file: {exc}")]
    return parse_scenario(text, path)


def parse_scenario(text: str, path: Path) -> tuple[Scenario | None, list[ContentProblem]]:
    reader = _Reader(path)
    scenario = reader.scenario(text)
    if scenario is not None and scenario.id and scenario.id != path.stem:
        reader.warn("file-name", scenario.line, f"file name should be {scenario.id}.yaml")
    failed = any(p.severity is Severity.ERROR for p in reader.problems)
    return (None if failed else scenario), reader.problems


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[ContentProblem] = []

    def error(self, kind: str, line: int, message: str) -> None:
        self.problems.append(ContentProblem(kind, self.path, line, message))

    def warn(self, kind: str, line: int, message: str) -> None:
        self.problems.append(ContentProblem(kind, self.path, line, message, Severity.WARNING))

    # --- nodes ----------------------------------------------------------------------------
    def mapping(self, node: Node, what: str, allowed: set[str] | None) -> Entries | None:
        if not isinstance(node, MappingNode):
            self.error("bad-value", _line(node), f"{what} should be a mapping of keys to values")
            return None
        entries: Entries = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.error("bad-value", _line(key), f"{what}: keys must be plain words")
                continue
            if key.value in entries:
                self.error("duplicate-key", _line(key), f"{what}: {key.value!r} is given twice")
                continue
            if allowed is not None and key.value not in allowed:
                self.warn("unknown-key", _line(key), f"{what}: unknown key {key.value!r}")
            entries[str(key.value)] = (key, value)
        return entries

    def text(self, entries: Entries, key: str, what: str, owner: int, *, required: bool = False) -> str:
        if key not in entries or _is_null(entries[key][1]):
            if required:
                line = _line(entries[key][0]) if key in entries else owner
                self.error("missing-field", line, f"{what}: {key!r} is required")
            return ""
        node = entries[key][1]
        if not isinstance(node, ScalarNode):
            self.error("bad-value", _line(node), f"{what}: {key!r} should be text")
            return ""
        value = str(node.value)
        # Plain and folded scalars are prose: one line. Literal blocks and quoted strings keep
        # the line breaks they spell out.
        return " ".join(value.split()) if node.style in (None, ">") else value.strip()

    def sequence(self, entries: Entries, key: str, what: str, owner: int, *, required: bool = False) -> list[Node]:
        if key not in entries or _is_null(entries[key][1]):
            if required:
                self.error("missing-field", owner, f"{what}: {key!r} is required")
            return []
        node = entries[key][1]
        if not isinstance(node, SequenceNode):
            self.error("bad-value", _line(node), f"{what}: {key!r} should be a list")
            return []
        if required and not node.value:
            self.error("missing-field", _line(node), f"{what}: {key!r} must not be empty")
        return list(node.value)

    def answer(self, node: Node, what: str) -> RawAnswer:
        """An answer as plain data: true/false, a word, or a mapping of names to text."""
        try:
            value = SafeConstructor().construct_object(node, deep=True)
        except ConstructorError as exc:
            self.error("bad-value", _line(node), f"{what}: cannot read the answer: {exc.problem}")
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
            _line(node),
            f"{what}: an answer is true/false, a choice ID, or a mapping of names to text",
        )
        return None

    @staticmethod
    def line_of(entries: Entries, key: str) -> int:
        return _line(entries[key][1]) if key in entries else 0

    # --- the document -----------------------------------------------------------------------
    def scenario(self, text: str) -> Scenario | None:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = int(mark.line) + 1 if mark is not None else 0
            self.error("bad-yaml", line, f"not valid YAML: {exc}".replace("\n", " "))
            return None
        if root is None:
            self.error("bad-yaml", 0, "the file is empty")
            return None
        entries = self.mapping(root, "scenario", _SCENARIO_KEYS)
        if entries is None:
            return None
        owner = _line(root)
        scenario_id = self.text(entries, "id", "scenario", owner, required=True)
        if scenario_id and not SCENARIO_ID_RE.match(scenario_id):
            self.error(
                "bad-id",
                self.line_of(entries, "id"),
                f"scenario id {scenario_id!r} must match {SCENARIO_ID_RE.pattern}",
            )
        what = f"scenario {scenario_id}" if scenario_id else "scenario"
        return Scenario(
            id=scenario_id,
            title=self.text(entries, "title", what, owner, required=True),
            procedure=self.text(entries, "procedure", what, owner, required=True),
            procedure_line=self.line_of(entries, "procedure"),
            summary=self.text(entries, "summary", what, owner),
            situation=self.turns(entries, what, owner),
            details=self.details(entries, what),
            expected=self.expected(entries, what, owner),
            path=self.path,
            line=owner,
        )

    def turns(self, entries: Entries, what: str, owner: int) -> tuple[Turn, ...]:
        turns: list[Turn] = []
        for node in self.sequence(entries, "situation", what, owner, required=True):
            sub = self.mapping(node, f"{what} situation turn", _TURN_KEYS)
            if sub is None:
                continue
            line = _line(node)
            where = f"{what} situation turn (line {line})"
            step = self.text(sub, "step", where, line) or None
            turns.append(
                Turn(
                    speaker=self.text(sub, "who", where, line, required=True),
                    text=self.text(sub, "says", where, line, required=True),
                    line=line,
                    step=step,
                    step_line=self.line_of(sub, "step"),
                )
            )
        return tuple(turns)

    def details(self, entries: Entries, what: str) -> tuple[Detail, ...]:
        if "details" not in entries or _is_null(entries["details"][1]):
            return ()
        sub = self.mapping(entries["details"][1], f"{what} details", None)
        if sub is None:
            return ()
        return tuple(
            Detail(step=step_id, answer=self.answer(value, f"{what} details {step_id}"), line=_line(key))
            for step_id, (key, value) in sub.items()
        )

    def expected(self, entries: Entries, what: str, owner: int) -> tuple[Expectation, ...]:
        expected: list[Expectation] = []
        seen: dict[str, int] = {}
        for node in self.sequence(entries, "expected", what, owner, required=True):
            sub = self.mapping(node, f"{what} expected answer", _EXPECTED_KEYS)
            if sub is None:
                continue
            line = _line(node)
            step = self.text(sub, "step", f"{what} expected answer", line, required=True)
            where = f"{what} expected answer for {step or '?'}"
            section = self.text(sub, "section", where, line, required=True)
            # Info and escalate steps are "answered" by going there: the answer may be left out.
            answer: RawAnswer = self.answer(sub["answer"][1], where) if "answer" in sub else True
            expectation = Expectation(
                step=step,
                answer=answer,
                reason=self.text(sub, "reason", where, line, required=True),
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
