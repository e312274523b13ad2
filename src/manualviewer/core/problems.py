"""One type for every content problem, so the CLI, the UI and tests report them alike."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class ContentProblem:
    kind: str  # short machine name: bad-yaml, missing-field, duplicate-id, unknown-key, ...
    path: Path
    line: int  # 1-based; 0 when the problem is about the file as a whole
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.severity.value}: {self.message} [{self.kind}]"

    def as_json(self) -> dict[str, object]:
        return {"path": str(self.path), "line": self.line, "kind": self.kind, "message": self.message}
