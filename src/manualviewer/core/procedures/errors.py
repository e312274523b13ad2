"""Errors the engine raises; both carry a message meant for the officer (or the CLI user)."""

from __future__ import annotations


class AnswerError(ValueError):
    """An answer the step cannot take: a wrong value, a missing required field, a step that is
    not the current one."""

    def __init__(self, step_id: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.step_id = step_id
        self.field = field


class RunError(ValueError):
    """A saved run that does not fit its procedure, or a move the run cannot make."""
