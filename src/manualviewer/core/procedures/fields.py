"""Checking and normalising what the officer types into an input step."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from manualviewer.core.procedures.errors import AnswerError
from manualviewer.core.procedures.model import FieldType, InputField, InputStep
from manualviewer.core.procedures.patterns import PatternTimeout, fullmatch

# Reference formats differ between organisations; a field's `pattern` narrows this down.
_REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /.-]*$")
_DEFAULT_MAX = {
    FieldType.TEXT: 4000,
    FieldType.CUSTOMER_REFERENCE: 40,
    FieldType.DATE: 10,
    FieldType.CHOICE: 200,
}
_UK_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def normalise_input(step: InputStep, value: object) -> dict[str, str]:
    """The fields' cleaned values by name (optional fields left empty are absent)."""
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        raise AnswerError(step.id, f"{step.title}: give the fields as a mapping of name to value")
    unknown = sorted(str(k) for k in value if step.field(str(k)) is None)
    if unknown:
        names = ", ".join(f.name for f in step.fields)
        raise AnswerError(step.id, f"{step.title}: no field named {', '.join(unknown)} (fields: {names})")
    cleaned: dict[str, str] = {}
    for field in step.fields:
        raw = value.get(field.name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if field.required:
                raise AnswerError(step.id, f"{field.label} is required", field.name)
            continue
        cleaned[field.name] = normalise_field(step.id, field, raw)
    return cleaned


def normalise_field(step_id: str, field: InputField, raw: object) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise AnswerError(step_id, f"{field.label}: expected text", field.name)
    text = str(raw).strip()
    if field.type is FieldType.CUSTOMER_REFERENCE:
        text = re.sub(r"\s+", " ", text)
        if not _REFERENCE_RE.match(text):
            raise AnswerError(
                step_id,
                f"{field.label}: {text!r} is not a reference (letters, digits, spaces, / . -)",
                field.name,
            )
    elif field.type is FieldType.DATE:
        text = _iso_date(step_id, field, text)
    elif field.type is FieldType.CHOICE:
        match = next((o for o in field.options if o.casefold() == text.casefold()), None)
        if match is None:
            raise AnswerError(step_id, f"{field.label}: choose one of {', '.join(field.options)}", field.name)
        text = match
    limit = field.max_length or _DEFAULT_MAX[field.type]
    if len(text) > limit:
        raise AnswerError(step_id, f"{field.label}: at most {limit} characters ({len(text)} given)", field.name)
    if field.pattern:
        try:
            matched = fullmatch(field.pattern, text)
        except PatternTimeout as exc:  # bounded: the window never freezes on a field's pattern
            raise AnswerError(step_id, f"{field.label}: this answer cannot be checked against the expected form "
                              "(the checklist's pattern takes too long); tell the checklist's author",
                              field.name) from exc
        if not matched:
            hint = f" ({field.hint})" if field.hint else ""
            raise AnswerError(step_id, f"{field.label}: {text!r} is not in the expected form{hint}", field.name)
    return text


def _iso_date(step_id: str, field: InputField, text: str) -> str:
    """YYYY-MM-DD, or the DD/MM/YYYY staff type every day; stored as YYYY-MM-DD."""
    uk = _UK_DATE_RE.match(text)
    try:
        if uk:
            day, month, year = (int(g) for g in uk.groups())
            return dt.date(year, month, day).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise AnswerError(step_id, f"{field.label}: {text!r} is not a date (use DD/MM/YYYY or YYYY-MM-DD)", field.name)
