"""Reading YAML node by node, keeping the line of every element: what the procedure and the
scenario loaders share.

PyYAML's `compose` gives nodes with marks; the loaders walk them instead of `safe_load` so a
problem can name its line, a key given twice is caught (safe_load silently keeps the last), and
a plain `Yes` in a label stays the text "Yes" instead of becoming True."""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from manualviewer.core.guarded import ReadProblem, refuse_aliases
from manualviewer.core.problems import ContentProblem, Severity


class Entries(dict[str, tuple[ScalarNode, Node]]):
    """A YAML mapping's entries by key, and the mapping's own line for "missing" problems."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line


def node_line(node: Node) -> int:
    """The 1-based line a node starts on."""
    return int(node.start_mark.line) + 1


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


class NodeReader:
    """The problems found in one file, and the readers for the nodes every YAML file has."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[ContentProblem] = []

    # --- problems -----------------------------------------------------------------------
    def error(self, kind: str, line: int, message: str) -> None:
        self.problems.append(ContentProblem(kind, self.path, line, message))

    def warn(self, kind: str, line: int, message: str) -> None:
        self.problems.append(ContentProblem(kind, self.path, line, message, Severity.WARNING))

    # --- nodes --------------------------------------------------------------------------
    def compose(self, text: str) -> Node | None:
        """The document's root node, or None (with the problem) when it is not valid YAML or empty."""
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
        try:
            refuse_aliases(root, self.path)  # before any walk: an alias bomb would expand
        except ReadProblem as exc:
            self.problems.append(exc.problem)
            return None
        return root

    def document(self, text: str, what: str, allowed: set[str]) -> Entries | None:
        """The entries of the mapping a whole file is (a procedure, scenario or glossary), or
        None (with the problem) when it is not valid YAML, empty, or not a mapping."""
        root = self.compose(text)
        return None if root is None else self.mapping(root, what, allowed)

    def mapping(self, node: Node, what: str, allowed: set[str] | None) -> Entries | None:
        """A mapping's entries; keys not in `allowed` are warned of (None allows any key)."""
        if not isinstance(node, MappingNode):
            self.error("bad-value", node_line(node), f"{what} should be a mapping of keys to values")
            return None
        entries = Entries(node_line(node))
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.error("bad-value", node_line(key), f"{what}: keys must be plain words")
                continue
            if key.value in entries:
                self.error("duplicate-key", node_line(key), f"{what}: {key.value!r} is given twice")
                continue
            if allowed is not None and key.value not in allowed:
                self.warn("unknown-key", node_line(key), f"{what}: unknown key {key.value!r}")
            entries[str(key.value)] = (key, value)
        return entries

    def sequence(self, entries: Entries, key: str, what: str, *, required: bool = False) -> list[Node]:
        if key not in entries or is_null(entries[key][1]):
            if required:
                self.error("missing-field", entries.line, f"{what}: {key!r} is required")
            return []
        node = entries[key][1]
        if not isinstance(node, SequenceNode):
            self.error("bad-value", node_line(node), f"{what}: {key!r} should be a list")
            return []
        if required and not node.value:
            self.error("missing-field", node_line(node), f"{what}: {key!r} must not be empty")
        return list(node.value)

    def missing(self, entries: Entries, key: str, what: str, *, required: bool) -> bool:
        """Whether `key` is absent or null; a required one is a problem, on the key's line when it
        is there and the mapping's when it is not."""
        if key in entries and not is_null(entries[key][1]):
            return False
        if required:
            line = node_line(entries[key][0]) if key in entries else entries.line
            self.error("missing-field", line, f"{what}: {key!r} is required")
        return True

    @staticmethod
    def line_of(entries: Entries, key: str) -> int:
        return node_line(entries[key][1]) if key in entries else 0
