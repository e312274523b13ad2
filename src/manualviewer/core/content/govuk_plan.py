"""The first half of a GOV.UK import: the decoded JSON documents sorted into one plan per
manual (a manual document and its sections, each section's manual worked out when the
hmrc-manuals-api body does not name it), and what is already in the output folder."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from manualviewer.core.content.govuk_json import decode, parse_json
from manualviewer.core.content.govuk_parse import MANUALS_API, RawManual, RawSection, parse_document
from manualviewer.core.content.govuk_sources import SourceFile
from manualviewer.core.content.library import id_sort_key
from manualviewer.core.problems import ContentProblem, Severity

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
_MANUAL_LINK_RE = re.compile(r"/hmrc-(?:internal-)?manuals/([a-z0-9-]+)/")


@dataclass
class ManualPlan:
    """One manual being imported: its raw documents and what is already on disk."""

    slug: str
    manual: RawManual | None
    sections: dict[str, RawSection] = field(default_factory=dict)  # canonical ID -> raw
    code: str = ""


def read_documents(files: Iterable[SourceFile], problems: list[ContentProblem]) -> dict[str, ManualPlan]:
    manuals: dict[str, RawManual] = {}
    sections: list[RawSection] = []
    for file in files:
        text = decode(file.data, file.path)
        if isinstance(text, ContentProblem):
            problems.append(text)
            continue
        data = parse_json(text, file.path)
        if isinstance(data, ContentProblem):
            problems.append(data)
            continue
        parsed = parse_document(data, file.path)
        if parsed is None:
            continue
        if isinstance(parsed, ContentProblem):
            problems.append(parsed)
        elif isinstance(parsed, RawManual):
            if parsed.slug in manuals:
                problems.append(ContentProblem(
                    "duplicate-manual", parsed.source, 0,
                    f"manual {parsed.slug} is also in {manuals[parsed.slug].source}; this file is used",
                    Severity.WARNING))
            manuals[parsed.slug] = parsed
        else:
            sections.append(parsed)

    plans = {slug: ManualPlan(slug, manual) for slug, manual in manuals.items()}
    for raw in sections:
        slug = raw.slug or _slug_for(raw, manuals)
        if slug is None:
            problems.append(ContentProblem(
                "no-manual", raw.source, 0,
                f"cannot tell which manual section {raw.section_id} belongs to: put it in a folder named "
                "after the manual (<manual-slug>/<SECTION_ID>.json) next to <manual-slug>.json"))
            continue
        key = raw.section_id.upper()
        if key in ("MANUAL", "README"):
            problems.append(ContentProblem(
                "bad-id", raw.source, 0, f"section ID {raw.section_id} would overwrite {key.lower()}.md; skipped"))
            continue
        plan = plans.setdefault(slug, ManualPlan(slug, None))
        if key in plan.sections:
            problems.append(ContentProblem(
                "duplicate-id", raw.source, 0,
                f"section {raw.section_id} is also in {plan.sections[key].source}; this file is used",
                Severity.WARNING))
        plan.sections[key] = raw
    for plan in plans.values():
        plan.sections = dict(sorted(plan.sections.items(), key=lambda kv: id_sort_key(kv[0])))
    return plans


def _slug_for(raw: RawSection, manuals: dict[str, RawManual]) -> str | None:
    """The manual of an hmrc-manuals-api section, which does not name it itself."""
    for folder in reversed(raw.source.parent.parts):
        if folder in manuals:
            return folder  # <slug>/<SECTION_ID>.json, as PUT /hmrc-manuals/<slug>/sections/<id>
    linked: Counter[str] = Counter(m for m in _MANUAL_LINK_RE.findall(raw.body) if m in manuals)
    if linked:
        return linked.most_common(1)[0][0]
    api = [slug for slug, manual in manuals.items() if manual.format == MANUALS_API]
    if len(api) == 1:
        return api[0]
    parent = raw.source.parent.name
    return parent if _SLUG_RE.match(parent) else None  # already a safe folder name


def check_codes(plans: dict[str, ManualPlan], around: dict[str, str], out_dir: Path,
                 problems: list[ContentProblem]) -> None:
    # The loader refuses a second manual with the same code, so say it now.
    owners = dict(around)
    for slug in sorted(plans):
        code = plans[slug].code
        if code in owners:
            problems.append(ContentProblem(
                "duplicate-code", out_dir / slug, 0,
                f"manual code {code} of {slug} is also the code of {owners[code]}; "
                "the library will load only one of them"))
        else:
            owners[code] = slug


def library_around(out_dir: Path, skip: set[str]) -> tuple[dict[str, str], set[str]]:
    """Codes (-> folder name) and section IDs (by file name) of the manual folders already in
    the output folder."""
    codes: dict[str, str] = {}
    ids: set[str] = set()
    if not out_dir.is_dir():
        return codes, ids
    for manual_md in out_dir.glob("*/manual.md"):
        folder = manual_md.parent
        if folder.name in skip:
            continue
        try:
            head = manual_md.read_text(encoding="utf-8")[:4000]
        except (OSError, UnicodeDecodeError):
            continue
        match = re.search(r"^code:\s*['\"]?([A-Za-z0-9]+)", head, re.MULTILINE)
        if match:
            codes.setdefault(match.group(1).upper(), folder.name)
        ids.update(p.stem.upper() for p in folder.glob("*.md") if p.name not in ("manual.md", "README.md"))
    return codes, ids



def source_names(plan: ManualPlan) -> list[str]:
    paths = ([plan.manual.source] if plan.manual else []) + [s.source for s in plan.sections.values()]
    return sorted({str(p) for p in paths})

