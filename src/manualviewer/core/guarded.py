"""The one guard every content file is read behind: a bad file is one problem, never an outage.

Sections, manuals, procedures, scenarios, glossaries and the settings file are read through
`read_text` (size cap, dangling links, permissions, encoding as problems) and parsed inside
`guarded` (any exception the parser did not expect, a MemoryError or a RecursionError too, becomes
one `read-failed` problem naming the file; the file is skipped and the rest loads). YAML node trees
are checked by `refuse_aliases` before anything walks or constructs them: an alias (`*name`) can
make a small file expand to gigabytes ("billion laughs"), and no content format needs one."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, TypeVar

from yaml.nodes import MappingNode, Node, SequenceNode

from manualviewer.core.problems import ContentProblem

T = TypeVar("T")


class _Identified(Protocol):
    """A procedure or scenario: an ID, and the file and line it was read from."""

    @property
    def id(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def path(self) -> Path: ...


Item = TypeVar("Item", bound=_Identified)

MAX_YAML_BYTES = 4 * 1024 * 1024  # procedures, scenarios, glossaries: the largest real one is ~40 KB
MAX_SECTION_BYTES = 64 * 1024 * 1024  # a section file; the reader cuts what it shows far below this
MAX_FRONT_MATTER_BYTES = 256 * 1024  # the YAML block at the top of a section


class ReadProblem(Exception):
    """A file that cannot be read, as the problem to report."""

    def __init__(self, problem: ContentProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_text(path: Path, *, limit: int, what: str = "file") -> str:
    """The UTF-8 text of `path`, or ReadProblem: a dangling link, no permission, a folder, more
    than `limit` bytes, not UTF-8. The size is checked before reading, so a huge file costs a stat."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        if path.is_symlink():
            raise ReadProblem(dangling_link(path, what)) from exc
        raise ReadProblem(ContentProblem("unreadable", path, 0, f"the {what} no longer exists")) from exc
    except OSError as exc:
        raise ReadProblem(ContentProblem("unreadable", path, 0, f"cannot read the {what}: {_reason(exc)}")) from exc
    if size > limit:
        raise ReadProblem(ContentProblem(
            "too-large", path, 0, f"the {what} is {size:,} bytes; the limit is {limit:,}, so it is not read"))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadProblem(ContentProblem("unreadable", path, 0, f"cannot read the {what}: {_reason(exc)}")) from exc
    if len(data) > limit:  # grew between the stat and the read
        raise ReadProblem(ContentProblem(
            "too-large", path, 0, f"the {what} is over {limit:,} bytes, so it is not read"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReadProblem(ContentProblem("bad-encoding", path, line, f"not UTF-8 text ({exc.reason})")) from exc


def guarded(path: Path, action: Callable[[], tuple[T | None, list[ContentProblem]]]
            ) -> tuple[T | None, list[ContentProblem]]:
    """`action()`, or (None, [one problem]) when it raises anything at all: the file is skipped."""
    try:
        return action()
    except ReadProblem as exc:
        return None, [exc.problem]
    except Exception as exc:  # MemoryError and RecursionError are Exceptions too: one bad file only
        return None, [problem_from_exception(path, exc)]


def problem_from_exception(path: Path, exc: BaseException) -> ContentProblem:
    """An unexpected failure while reading `path`, in words: the line when the error knows it."""
    if isinstance(exc, ReadProblem):
        return exc.problem
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = int(getattr(mark, "line", -1)) + 1
    if isinstance(exc, RecursionError):
        reason = "it is nested too deeply to read"
    elif isinstance(exc, MemoryError):
        reason = "reading it ran out of memory"
    elif isinstance(exc, OSError):
        reason = f"cannot read it: {_reason(exc)}"
    else:
        text = str(exc).splitlines()[0][:300] if str(exc) else ""
        reason = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return ContentProblem("read-failed", path, max(line, 0), f"the file could not be read, so it is skipped ({reason})")


def refuse_aliases(root: Node, path: Path, line_offset: int = 0) -> None:
    """Raise ReadProblem when the node tree uses a YAML alias or anchor-reuse (a node met twice).

    The walk visits each distinct node once, so even a "billion laughs" tree is checked in a
    blink; it keeps its own stack, so a deeply nested tree cannot overflow Python's."""
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, int(root.start_mark.line))]
    while stack:
        node, used_on = stack.pop()  # used_on: the line of the collection that holds the node
        if id(node) in seen:
            raise ReadProblem(ContentProblem(
                "yaml-alias", path, used_on + 1 + line_offset,
                "YAML aliases (*name) are not allowed in content files; write the value out"))
        seen.add(id(node))
        line = int(node.start_mark.line)
        if isinstance(node, SequenceNode):
            stack.extend((child, line) for child in node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.append((key, line))
                stack.append((value, int(key.start_mark.line)))


def dangling_link(path: Path, what: str = "file") -> ContentProblem:
    """The problem for a symbolic link whose target does not exist, naming the target."""
    target = _link_target(path)
    return ContentProblem("dangling-link", path, 0, f"the {what} is a link to {target}, which does not exist")


def load_folders(folders: Iterable[Path], load_file: Callable[[Path], tuple[Item | None, list[ContentProblem]]],
                 what: str) -> tuple[dict[str, Item], list[ContentProblem]]:
    """Every `*.yaml` file in `folders`, each read by `load_file` (behind the guard), by ID.

    A missing folder is simply empty; one that is a link to nothing is a problem. A second file
    with an ID already read is a `duplicate-id` problem and is left out."""
    items: dict[str, Item] = {}
    problems: list[ContentProblem] = []
    for folder in folders:
        if not folder.is_dir():
            if folder.is_symlink() and not folder.exists():
                problems.append(dangling_link(folder, "folder"))
            continue
        for path in sorted(folder.glob("*.yaml")):
            item, file_problems = load_file(path)
            problems.extend(file_problems)
            if item is None:
                continue
            if item.id in items:
                first = items[item.id].path
                message = f"{what} {item.id!r} is also in {first}"
                problems.append(ContentProblem("duplicate-id", path, item.line, message))
                continue
            items[item.id] = item
    return items, problems


def _link_target(path: Path) -> str:
    try:
        return str(path.readlink())
    except OSError:
        return "a missing file"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
