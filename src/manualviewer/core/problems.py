"""One type for every content problem, so the CLI, the UI and tests report them alike."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class ProblemKind(StrEnum):
    """Every kind of content problem, each with a one-line description (`manualviewer check`
    prints the kind in brackets; `--suppress KIND` leaves a kind out; docs/content-format.md
    lists them). The value is the string the JSON output has always had."""

    description: str

    def __new__(cls, value: str, description: str = "") -> ProblemKind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    ALIAS_CLASH = "alias-clash", "an alias is another section's ID or another section's alias"
    BAD_ANSWER = "bad-answer", "a scenario's expected answer is not a valid answer to its step"
    BAD_ENCODING = "bad-encoding", "a file is not UTF-8"
    BAD_FRONT_MATTER = "bad-front-matter", "the front matter block is not a YAML mapping"
    BAD_ID = "bad-id", "a section ID is not letters, digits and hyphens, or not the manual's code and digits"
    BAD_JSON = "bad-json", "a GOV.UK import file is not valid JSON"
    BAD_MANIFEST = "bad-manifest", "an import folder's manifest cannot be read"
    BAD_SLUG = "bad-slug", "a GOV.UK manual's slug cannot be a folder name"
    BAD_VALUE = "bad-value", "a field has a value of the wrong type or outside its choices"
    BAD_YAML = "bad-yaml", "YAML that does not parse"
    BAD_ZIP = "bad-zip", "a GOV.UK import archive cannot be read"
    CANNOT_REMOVE = "cannot-remove", "an import could not remove a file it no longer needs"
    CANNOT_WRITE = "cannot-write", "an import could not write a file"
    DANGLING_LINK = "dangling-link", "a content file is a symbolic link to a file that does not exist"
    DEAD_END = "dead-end", "a procedure step leads nowhere (no next step and not an end)"
    DETAILS_OVERLAP = "details-overlap", "a scenario's details for a step overlap"
    DUPLICATE_CODE = "duplicate-code", "two imported manuals have the same code"
    DUPLICATE_ID = "duplicate-id", "the same ID twice (sections, procedures, scenarios, glossary entries)"
    DUPLICATE_KEY = "duplicate-key", "the same key twice in one YAML mapping"
    DUPLICATE_MANUAL = "duplicate-manual", "two manual folders have the same code"
    DUPLICATE_VALUE = "duplicate-value", "a glossary lists the same word twice"
    FILE_NAME = "file-name", "a section file's name is not its section ID"
    INCOMPLETE_PATH = "incomplete-path", "a scenario's expected path stops before an end step"
    MISSING_FIELD = "missing-field", "a required field is missing or empty"
    MISSING_FOLDER = "missing-folder", "a content folder does not exist"
    MISSING_FRONT_MATTER = "missing-front-matter", "a section or manual file has no front matter block"
    MISSING_MANUAL = "missing-manual", "an imported section's manual is not in the import"
    MISSING_PARENT = "missing-parent", "a section's parent is not in the library"
    MISSING_SOURCE = "missing-source", "a GOV.UK import source does not exist"
    NAME_CLASH = "name-clash", "a procedure field or document uses a built-in template variable's name"
    NO_END = "no-end", "a procedure has no end step"
    NO_JSON = "no-json", "a GOV.UK import source holds no JSON files"
    NO_MANUAL = "no-manual", "an imported section's manual cannot be told from its folder"
    NOT_A_MANUAL = "not-a-manual", "a GOV.UK JSON file is neither a manual nor a manual section"
    OFF_PATH = "off-path", "a scenario answers a step that is not on its path"
    PARENT_CYCLE = "parent-cycle", "sections are each other's ancestors"
    RAW_HTML = "raw-html", "raw HTML in a section (shown as text: content is data)"
    READ_FAILED = "read-failed", "a file could not be read for another reason (the message says why); it is skipped"
    REASON_NOT_IN_SECTION = "reason-not-in-section", "a scenario's reason quotes words its section does not have"
    TEMPLATE_LOOP = "template-loop", "a note template option contains itself"
    TOO_LARGE = "too-large", "a file is larger than the reader accepts"
    UNKNOWN_KEY = "unknown-key", "a key the format does not define (a typo, usually)"
    UNKNOWN_PLACEHOLDER = "unknown-placeholder", "a note template names an answer no step gives"
    UNKNOWN_PROCEDURE = "unknown-procedure", "a scenario's procedure is not in the library"
    UNKNOWN_SECTION = "unknown-section", "a cited section is not in the library"
    UNKNOWN_STEP = "unknown-step", "a next step, or a scenario's step, that the procedure does not have"
    UNREACHABLE_STEP = "unreachable-step", "a procedure step no path reaches"
    UNREADABLE = "unreadable", "a file or folder cannot be read"
    UNRESOLVED_LINK = "unresolved-link", "a link to a section that is not in this library"
    UNSAFE_PATTERN = "unsafe-pattern", "a procedure field's pattern could take exponential time, or is not valid"
    UNUSED_OPTION = "unused-option", "a note template option is not used in the template"
    YAML_ALIAS = "yaml-alias", "a YAML alias (*name): refused, as one can expand a small file to gigabytes"


@dataclass(frozen=True)
class ContentProblem:
    kind: str  # a ProblemKind (a str: bad-yaml, missing-field, duplicate-id, unknown-key, ...)
    path: Path
    line: int  # 1-based; 0 when the problem is about the file as a whole
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.severity.value}: {self.message} [{self.kind}]"

    def as_json(self) -> dict[str, object]:
        return {"path": str(self.path), "line": self.line, "kind": self.kind, "message": self.message}
