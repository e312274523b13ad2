"""GOV.UK manual JSON documents -> plain records, one per manual or section.

Two formats are read:
- content-store JSON (`document_type` / `schema_name` `hmrc_manual`, `hmrc_manual_section`):
  HTML bodies, `base_path`s, `details.manual.base_path` naming a section's manual;
- hmrc-manuals-api request bodies (a manual, and one file per section): Markdown bodies, no
  paths; the manual's slug is the file name (`<slug>.json`) and its sections sit in `<slug>/`,
  as in `PUT /hmrc-manuals/<slug>` and `PUT /hmrc-manuals/<slug>/sections/<id>`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manualviewer.core.content.govuk_markdown import (
    clean_text,
    clean_title,
    decode_entities,
    html_in_markdown,
    html_to_markdown,
    join_wrapped_lines,
    tidy,
)
from manualviewer.core.model import SECTION_ID_RE
from manualviewer.core.problems import ContentProblem, Severity

CONTENT_STORE = "content-store"
MANUALS_API = "hmrc-manuals-api"
MANUAL_PATH_ROOTS = ("hmrc-internal-manuals", "hmrc-manuals")


@dataclass(frozen=True)
class RawChangeNote:
    section_id: str | None  # as the publisher wrote it
    date: dt.date | None
    note: str
    title: str = ""


@dataclass(frozen=True)
class RawManual:
    source: Path
    format: str
    slug: str
    title: str
    description: str
    body: str  # Markdown introduction (content-store manuals may carry one)
    organisation: str
    updated: dt.date | None
    groups: tuple[tuple[str, tuple[str, ...]], ...]  # (group title, child section IDs)
    change_notes: tuple[RawChangeNote, ...]


@dataclass(frozen=True)
class RawSection:
    source: Path
    format: str
    slug: str | None  # None: an api request body whose manual is found later
    section_id: str  # as the publisher wrote it
    title: str
    description: str
    body: str  # Markdown, links not yet rewritten
    breadcrumbs: tuple[str, ...]  # ancestor IDs, outermost first
    children: tuple[str, ...]  # IDs listed in child_section_groups, in order
    updated: dt.date | None
    change_notes: tuple[RawChangeNote, ...]  # content-store change_history


Parsed = RawManual | RawSection | ContentProblem | None  # None: a JSON file that is no manual at all


def parse_document(data: Any, path: Path) -> Parsed:
    if not isinstance(data, dict):
        return ContentProblem("not-a-manual", path, 0,
                              "not a GOV.UK manual document (expected a JSON object)", Severity.WARNING)
    if "$schema" in data and "properties" in data:
        return None  # a JSON Schema lying next to the examples
    doc_type = data.get("document_type") or data.get("schema_name")
    details = data.get("details") if isinstance(data.get("details"), dict) else None
    if doc_type == "hmrc_manual":
        return _content_store_manual(data, details or {}, path)
    if doc_type == "hmrc_manual_section":
        return _content_store_section(data, details or {}, path)
    if doc_type:
        return ContentProblem("not-a-manual", path, 0,
                              f"document_type '{doc_type}' is not an HMRC manual or manual section",
                              Severity.WARNING)
    if details is not None and any(k in details for k in ("section_id", "body", "breadcrumbs",
                                                          "parent_section_ids")):
        return _api_section(data, details, path)
    if details is not None and ("child_section_groups" in details or "change_notes" in details):
        return _api_manual(data, details, path)
    return ContentProblem("not-a-manual", path, 0,
                          "not a GOV.UK manual document (no document_type, no details.section_id "
                          "or child_section_groups)", Severity.WARNING)


# --- content-store ------------------------------------------------------------------------

def _content_store_manual(data: dict[str, Any], details: dict[str, Any], path: Path) -> Parsed:
    slug = _slug_from_base_path(_text(data.get("base_path")))
    if slug is None:
        return ContentProblem("missing-field", path, 0,
                              "hmrc_manual without a base_path like /hmrc-internal-manuals/<manual>")
    notes = list(_change_notes(details.get("change_notes")))
    notes.extend(_change_history(details.get("change_history")))
    return _manual(data, details, path, CONTENT_STORE, slug, body=_html_body(details.get("body")),
                   organisation=_organisation(data, details), change_notes=tuple(notes))


def _content_store_section(data: dict[str, Any], details: dict[str, Any], path: Path) -> Parsed:
    section_id = _section_id(details.get("section_id"), path)
    if isinstance(section_id, ContentProblem):
        return section_id
    base_path = _text(data.get("base_path"))
    manual = details.get("manual")
    manual_path = _text(manual.get("base_path")) if isinstance(manual, dict) else ""
    slug = _slug_from_base_path(manual_path) or _slug_from_base_path(base_path)
    if slug is None:
        return ContentProblem(
            "missing-field", path, 0,
            f"section {section_id}: no details.manual.base_path or base_path names its manual")
    return _section(data, details, path, CONTENT_STORE, slug, section_id, body=_html_body(details.get("body")),
                    breadcrumbs=_breadcrumbs(details.get("breadcrumbs")),
                    change_notes=tuple(_change_history(details.get("change_history"))))


def _html_body(body: Any) -> str:
    # publishing-api input may give the body as [{content_type, content}, ...].
    if isinstance(body, list):
        parts = {str(p.get("content_type")): _text(p.get("content")) for p in body if isinstance(p, dict)}
        if "text/html" in parts:
            return html_to_markdown(parts["text/html"])
        return _markdown_body(parts.get("text/govspeak", ""))
    text = _text(body)
    return html_to_markdown(text) if text.strip() else ""


# --- hmrc-manuals-api ---------------------------------------------------------------------

def _api_manual(data: dict[str, Any], details: dict[str, Any], path: Path) -> Parsed:
    name = path.stem
    if name.lower() in ("manual", "index") and path.parent.name:
        name = path.parent.name  # ".../<slug>/manual.json"
    slug = safe_slug(name)
    if slug is None:
        return ContentProblem("bad-slug", path, 0, f"cannot make a manual folder name from '{name}'")
    return _manual(data, details, path, MANUALS_API, slug, body="",
                   organisation="HM Revenue & Customs",  # the API publishes HMRC manuals only
                   change_notes=tuple(_change_notes(details.get("change_notes"))))


def _api_section(data: dict[str, Any], details: dict[str, Any], path: Path) -> Parsed:
    section_id = _section_id(details.get("section_id"), path)
    if isinstance(section_id, ContentProblem):
        return section_id
    crumbs = _breadcrumbs(details.get("breadcrumbs"))
    if not crumbs and isinstance(details.get("parent_section_ids"), list):
        # Older request bodies: parent_section_ids, outermost first like breadcrumbs.
        crumbs = tuple(str(i) for i in details["parent_section_ids"] if isinstance(i, str | int))
    return _section(data, details, path, MANUALS_API, None, section_id,
                    body=_markdown_body(_text(details.get("body"))), breadcrumbs=crumbs, change_notes=())


def _markdown_body(text: str) -> str:
    # Entities first (those that would be syntax stay encoded), so converting the HTML that is
    # left cannot turn escaped text into tags.
    return tidy(join_wrapped_lines(html_in_markdown(decode_entities(text)))) if text.strip() else ""


# --- shared pieces ------------------------------------------------------------------------

def _manual(data: dict[str, Any], details: dict[str, Any], path: Path, form: str, slug: str, *, body: str,
            organisation: str, change_notes: tuple[RawChangeNote, ...]) -> RawManual:
    """A manual document: the fields both formats give alike, and those they give differently."""
    return RawManual(
        source=path,
        format=form,
        slug=slug,
        title=clean_title(_text(data.get("title"))) or slug,
        description=decode_entities(_text(data.get("description"))).strip(),
        body=body,
        organisation=organisation,
        updated=_date(data.get("public_updated_at") or data.get("updated_at")),
        groups=_groups(details.get("child_section_groups")),
        change_notes=change_notes,
    )


def _section(data: dict[str, Any], details: dict[str, Any], path: Path, form: str, slug: str | None,
             section_id: str, *, body: str, breadcrumbs: tuple[str, ...],
             change_notes: tuple[RawChangeNote, ...]) -> RawSection:
    """A section document: the fields both formats give alike, and those they give differently."""
    return RawSection(
        source=path,
        format=form,
        slug=slug,
        section_id=section_id,
        title=clean_title(_text(data.get("title")), section_id) or section_id,
        description=clean_text(_text(data.get("description"))),
        body=body,
        breadcrumbs=breadcrumbs,
        children=_children(details.get("child_section_groups")),
        updated=_date(data.get("public_updated_at") or data.get("updated_at")),
        change_notes=change_notes,
    )


def _section_id(value: Any, path: Path) -> str | ContentProblem:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # GOV.UK IDs are text ("DMBM511015"); a number would lose leading zeros and take the
        # manual's code away from the section, so it is refused rather than guessed.
        shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "..."
        return ContentProblem("bad-id", path, 0,
                              f"details.section_id is the number {shown}, not text; file skipped")
    if not isinstance(value, str) or not value.strip():
        return ContentProblem("missing-field", path, 0, "section without details.section_id; file skipped")
    section_id = value.strip()
    if not SECTION_ID_RE.match(section_id) or len(section_id) > 64:
        section_id = section_id if len(section_id) <= 40 else section_id[:40] + "..."
        return ContentProblem(
            "bad-id", path, 0,
            f"section_id '{section_id}' may hold only letters, digits and hyphens; file skipped")
    return section_id


def _slug_from_base_path(base_path: str) -> str | None:
    parts = [p for p in base_path.split("/") if p]
    if len(parts) >= 2 and parts[0] in MANUAL_PATH_ROOTS:
        return safe_slug(parts[1])
    return None


def safe_slug(name: str) -> str | None:
    """A manual folder name: lower-case letters, digits and hyphens only, so no path from a
    document ("..", "a/b") can make the importer write outside its output folder."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or None


def _groups(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    groups: list[tuple[str, tuple[str, ...]]] = []
    for group in value if isinstance(value, list) else ():
        if not isinstance(group, dict):
            continue
        ids = tuple(
            _child_id(child) for child in group.get("child_sections") or () if _child_id(child)
        )
        groups.append((_one_line(_text(group.get("title"))), ids))
    return tuple(groups)


def _children(value: Any) -> tuple[str, ...]:
    return tuple(i for _, ids in _groups(value) for i in ids)


def _child_id(child: Any) -> str:
    if not isinstance(child, dict):
        return ""
    section_id = _text(child.get("section_id")).strip()
    if not section_id:
        section_id = _text(child.get("base_path")).rstrip("/").rsplit("/", 1)[-1]
    return section_id if SECTION_ID_RE.match(section_id) else ""


def _breadcrumbs(value: Any) -> tuple[str, ...]:
    return tuple(i for i in (_child_id(c) for c in (value if isinstance(value, list) else ())) if i)


def _change_notes(value: Any) -> list[RawChangeNote]:
    notes: list[RawChangeNote] = []
    for item in value if isinstance(value, list) else ():
        if not isinstance(item, dict):
            continue
        text = _one_line(_text(item.get("change_note") or item.get("note")))
        if not text:
            continue
        section_id = _text(item.get("section_id")).strip()
        if not section_id:
            base_path = _text(item.get("base_path"))
            parts = [p for p in base_path.split("/") if p]
            section_id = parts[2] if len(parts) >= 3 and parts[0] in MANUAL_PATH_ROOTS else ""
        notes.append(RawChangeNote(
            section_id=section_id if SECTION_ID_RE.match(section_id) else None,
            date=_date(item.get("published_at") or item.get("public_timestamp")),
            note=text,
            title=_one_line(_text(item.get("title"))),
        ))
    return notes


def _change_history(value: Any) -> list[RawChangeNote]:
    notes: list[RawChangeNote] = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict) and _one_line(_text(item.get("note"))):
            note = _one_line(_text(item["note"]))
            notes.append(RawChangeNote(None, _date(item.get("public_timestamp")), note))
    return notes


def _organisation(data: dict[str, Any], details: dict[str, Any]) -> str:
    for orgs in (details.get("organisations"), (data.get("links") or {}).get("organisations")):
        if isinstance(orgs, list):
            for org in orgs:
                if isinstance(org, dict) and _text(org.get("title")).strip():
                    return _one_line(_text(org["title"]))
    return "HM Revenue & Customs"


def _date(value: Any) -> dt.date | None:
    text = _text(value).strip()
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        match = re.match(r"(\d{4}-\d{2}-\d{2})", text)
        try:
            return dt.date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _one_line(text: str) -> str:
    return clean_text(text)
