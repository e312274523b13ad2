"""A manual's glossary: the abbreviations it uses and the other words callers use for its words.

`content/<manual>/glossary.yaml` is content, kept by whoever keeps the manual, so a new
abbreviation or synonym needs no release. Search reads `Glossary.groups()` at query time ("RP
check" also looks for "Recovery Proceedings"); `check` reports `glossary_problems`.

Read node by node like the procedures (yaml_nodes), so every problem names its line and a bad
entry costs only itself: the good entries of a partly broken glossary are still used."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import Node, ScalarNode

from manualviewer.core.content.library import Library
from manualviewer.core.guarded import guarded, read_text
from manualviewer.core.problems import ContentProblem
from manualviewer.core.yaml_nodes import Entries, NodeReader, is_null, node_line

GLOSSARY_FILE = "glossary.yaml"
# Search expands every query with these groups; a glossary this big is a mistake (a generated
# file, a thesaurus pasted in), and reading it would slow every search and every start.
MAX_BYTES = 1_000_000
MAX_ENTRIES = 10_000
MAX_PHRASE = 200  # characters: a phrase longer than this is a sentence, not a term

_ROOT_KEYS = {"terms"}
_ENTRY_KEYS = {"term", "expansions", "synonyms"}


@dataclass(frozen=True)
class GlossaryEntry:
    term: str  # "RP"
    expansions: tuple[str, ...]  # ("Recovery Proceedings",)  what an abbreviation stands for
    synonyms: tuple[str, ...]  # ("answering machine",)  other words for the same thing
    manual: str  # manual code, e.g. "DMBM"
    path: Path
    line: int  # 1-based line of the entry in glossary.yaml


@dataclass(frozen=True)
class Glossary:
    entries: tuple[GlossaryEntry, ...] = ()

    def groups(self) -> tuple[tuple[str, ...], ...]:
        """Each entry as one group of equivalent phrases, term first then expansions and synonyms
        (search treats them as interchangeable)."""
        return tuple((e.term, *e.expansions, *e.synonyms) for e in self.entries)

    def abbreviations(self) -> dict[str, str]:
        """Abbreviation -> its first expansion, for entries that have expansions."""
        found: dict[str, str] = {}
        for entry in self.entries:
            if entry.expansions:
                # Two manuals may both define one abbreviation; the first manual's reading stays.
                found.setdefault(entry.term, entry.expansions[0])
        return found


def glossary_of(library: Library) -> Glossary:
    """The glossaries of every manual in the library, read once per library (a reload makes a
    new library, so an edited glossary.yaml is read again)."""
    glossary, _problems = _library_glossary(library)
    return glossary


def glossary_problems(library: Library) -> list[ContentProblem]:
    """What is wrong in the library's glossary files, for `check`."""
    _glossary, problems = _library_glossary(library)
    return list(problems)


def _library_glossary(library: Library) -> tuple[Glossary, tuple[ContentProblem, ...]]:
    def make() -> tuple[Glossary, tuple[ContentProblem, ...]]:
        entries: list[GlossaryEntry] = []
        problems: list[ContentProblem] = []
        for manual in library.manuals.values():
            path = manual.path / GLOSSARY_FILE
            if not (path.exists() or path.is_symlink()):
                continue  # no glossary; a link to nothing or a folder is read, and reported

            found, file_problems = load_glossary_file(path, manual.code)
            entries.extend(found)
            problems.extend(file_problems)
        return Glossary(tuple(entries)), tuple(problems)

    result: tuple[Glossary, tuple[ContentProblem, ...]] = library.derived("glossary", make)
    return result


def load_glossary_file(path: Path, manual: str) -> tuple[tuple[GlossaryEntry, ...], list[ContentProblem]]:
    # The guard (core/guarded.py): any failure reading or parsing the glossary is its one problem.
    entries, problems = guarded(path, lambda: parse_glossary(read_text(path, limit=MAX_BYTES, what="glossary"),
                                                             path, manual))
    return entries or (), problems


def parse_glossary(text: str, path: Path, manual: str) -> tuple[tuple[GlossaryEntry, ...], list[ContentProblem]]:
    reader = _Reader(path, manual)
    return reader.glossary(text), reader.problems


class _Reader(NodeReader):
    def __init__(self, path: Path, manual: str) -> None:
        super().__init__(path)
        self.manual = manual

    def glossary(self, text: str) -> tuple[GlossaryEntry, ...]:
        entries = self.document(text, "glossary", _ROOT_KEYS)
        if entries is None:
            return ()
        nodes = self.sequence(entries, "terms", "glossary", required=True)
        if len(nodes) > MAX_ENTRIES:
            self.error("too-large", self.line_of(entries, "terms"),
                       f"the glossary has {len(nodes):,} terms; the limit is {MAX_ENTRIES:,}, so it is not read")
            return ()
        found: list[GlossaryEntry] = []
        seen: dict[str, int] = {}  # term, case-folded -> its line
        for node in nodes:
            entry = self.entry(node)
            if entry is None:
                continue
            key = entry.term.casefold()
            if key in seen:
                self.error("duplicate-id", entry.line, f"term {entry.term!r} is already defined on line {seen[key]}")
                continue
            seen[key] = entry.line
            found.append(entry)
        return tuple(found)

    def entry(self, node: Node) -> GlossaryEntry | None:
        line = node_line(node)
        sub = self.mapping(node, "each term", _ENTRY_KEYS)
        if sub is None:
            return None
        term = self.phrase(sub, "term")
        if term is None:
            return None
        what = f"term {term!r}"
        expansions = self.phrases(sub, "expansions", what)
        synonyms = self.phrases(sub, "synonyms", what)
        if expansions is None or synonyms is None:
            return None
        if not expansions and not synonyms:
            self.error("missing-field", line, f"{what}: give its expansions or synonyms (or both)")
            return None
        expansions, synonyms = self.distinct(term, expansions, synonyms, line)
        return GlossaryEntry(term, expansions, synonyms, self.manual, self.path, line)

    def phrase(self, entries: Entries, key: str) -> str | None:
        if self.missing(entries, key, "each term", required=True):
            return None
        return self.text(entries[key][1], f"each term: {key!r}")

    def phrases(self, entries: Entries, key: str, what: str) -> tuple[str, ...] | None:
        """The key's list of phrases; () when the key is absent, None when it is wrong."""
        if key not in entries:
            return ()
        node = entries[key][1]
        if is_null(node) or (node.tag == "tag:yaml.org,2002:seq" and not node.value):
            self.error("missing-field", node_line(node), f"{what}: {key!r} is empty; list at least one or leave it out")
            return None
        if isinstance(node, ScalarNode):
            # `expansions: Recovery Proceedings` is an easy slip; say how to write it.
            self.error("bad-value", node_line(node), f"{what}: {key!r} should be a list, e.g. [{node.value}]")
            return None
        items = [self.text(item, f"{what}: each of {key!r}") for item in self.sequence(entries, key, what)]
        if not items or any(item is None for item in items):
            return None
        return tuple(item for item in items if item is not None)

    def text(self, node: Node, what: str) -> str | None:
        if not isinstance(node, ScalarNode) or is_null(node):
            self.error("bad-value", node_line(node), f"{what} should be text")
            return None
        value = " ".join(str(node.value).split())  # a folded or indented phrase is still one phrase
        if not value:
            self.error("bad-value", node_line(node), f"{what} should not be empty")
            return None
        if len(value) > MAX_PHRASE:
            self.error("bad-value", node_line(node), f"{what} is {len(value)} characters; the limit is {MAX_PHRASE}")
            return None
        return value

    def distinct(
        self, term: str, expansions: tuple[str, ...], synonyms: tuple[str, ...], line: int
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The expansions and synonyms without a phrase given twice in the entry (a warning: the
        entry still means what it says)."""
        seen = {term.casefold()}
        kept: list[list[str]] = [[], []]
        for index, items in enumerate((expansions, synonyms)):
            for item in items:
                if item.casefold() in seen:
                    self.warn("duplicate-value", line, f"term {term!r}: {item!r} is given twice")
                    continue
                seen.add(item.casefold())
                kept[index].append(item)
        return tuple(kept[0]), tuple(kept[1])
