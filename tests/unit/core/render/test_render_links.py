"""Structure from the token stream: cross-links with their lines, procedures, headings."""

from __future__ import annotations

import pytest

from manualviewer.core.render.html import render_fragment
from manualviewer.core.render.links import extract_procedures, extract_refs, headings
from manualviewer.core.render.parser import RenderConfig, structure_parser
from manualviewer.core.render.targets import code_key

CODES = ("DMBM", "EIM")

BODY = """\
Intro DMBM1 on line one
and [explicit](section:dmbm2) on line two, `DMBM3` in code,
[DMBM4 in text](https://example.org) then DMBM5.

- item one
  continued DMBM6

| a |
|---|
| DMBM7 |

    DMBM8 in an indented block

```
DMBM9 in a fence
```

> quoted [bare](EIM10A)

::: note
DMBM11 in a callout
:::

# Heading DMBM12
Glued DMBM13{withheld} and )DMBM14(
"""


def test_extract_refs_gives_targets_and_body_lines() -> None:
    assert extract_refs(BODY, CODES) == [
        ("DMBM1", 1),
        ("DMBM2", 2),
        ("DMBM5", 3),
        ("DMBM6", 6),
        ("DMBM7", 10),
        ("EIM10A", 18),
        ("DMBM11", 21),
        ("DMBM12", 24),
        ("DMBM13", 25),
        ("DMBM14", 25),
    ]


def test_extract_refs_counts_every_occurrence_in_order() -> None:
    body = "DMBM2 and DMBM1\n\nDMBM2 again, [again](DMBM2)\n"
    assert extract_refs(body, ["DMBM"]) == [("DMBM2", 1), ("DMBM1", 1), ("DMBM2", 3), ("DMBM2", 3)]


def test_extract_refs_line_after_hard_break_and_multiline_link() -> None:
    body = "first line  \nsecond DMBM1\n[a link\nover lines](section:DMBM2) DMBM3\n"
    assert extract_refs(body, ["DMBM"]) == [("DMBM1", 2), ("DMBM2", 3), ("DMBM3", 4)]


def test_extract_refs_ignores_unknown_codes_but_keeps_explicit_section_links() -> None:
    body = "ABC123 is not a known code, [but this](section:ABC123) is a section link.\n"
    assert extract_refs(body, ["DMBM"]) == [("ABC123", 1)]


def test_extract_refs_with_no_codes_only_finds_section_scheme_links() -> None:
    assert extract_refs("DMBM1 and [x](section:DMBM2) and [y](DMBM3)", []) == [("DMBM2", 1)]


def test_extract_refs_prefers_the_longest_code() -> None:
    assert extract_refs("DMBMX12 and DMBM12", ["DMBM", "DMBMX"]) == [("DMBMX12", 1), ("DMBM12", 1)]


def test_extract_refs_ignores_dropped_links_and_escaped_markup() -> None:
    body = "[x](javascript:DMBM1) <b>DMBM2</b>\n"
    # A dropped link and escaped HTML are shown as typed: prose, so their IDs are cross-links.
    assert extract_refs(body, ["DMBM"]) == [("DMBM1", 1), ("DMBM2", 1)]


def test_extract_refs_empty_body() -> None:
    assert extract_refs("", CODES) == []


def test_structure_parser_is_shared_per_code_set() -> None:
    assert structure_parser(code_key(["EIM", "DMBM"])) is structure_parser(code_key(("DMBM", "EIM", "dmbm")))


def test_extract_procedures_finds_embeds_and_links_with_lines() -> None:
    body = (
        "Intro.\n\n{procedure:phone-check}\n\n"
        "Or [run it](procedure:other.v2) now.\n\n    {procedure:in-code}\n"
    )
    assert extract_procedures(body) == [("phone-check", 3), ("other.v2", 5)]


def test_extract_procedures_inline_mention_is_not_an_embed() -> None:
    assert extract_procedures("Mentioned {procedure:phone-check} inline.") == []


def test_extract_procedures_embed_interrupting_a_paragraph() -> None:
    assert extract_procedures("line one\nline two\n{procedure:p1}\n") == [("p1", 3)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# One\n\n## Two `code`\n", [(1, "One", "one"), (2, "Two code", "two-code")]),
        ("## Same\n\n## Same\n", [(2, "Same", "same"), (2, "Same", "same-1")]),
        ("Setext\n======\n", [(1, "Setext", "setext")]),
        ("### See DMBM1 *now*\n", [(3, "See DMBM1 now", "see-dmbm1-now")]),
        ("No headings here.\n", []),
    ],
)
def test_headings(body: str, expected: list[tuple[int, str, str]]) -> None:
    assert headings(body, CODES) == expected


def test_heading_anchor_matches_the_rendered_id() -> None:
    body = "## Steps: before the call\n"
    ((_, _, anchor),) = headings(body)
    assert f'id="{anchor}"' in render_fragment(body, RenderConfig(codes=CODES))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[lower case bare](dmbm1)", [("DMBM1", 1)]),
        ("[scheme](SECTION:abc1)", [("ABC1", 1)]),
        ("an entity &#68;MBM2 decodes to an ID", [("DMBM2", 1)]),
        ("HM Revenue & Customs, no links", []),
    ],
)
def test_extract_refs_quick_skip_keeps_every_link(body: str, expected: list[tuple[str, int]]) -> None:
    assert extract_refs(body, ["DMBM"]) == expected


def test_extract_procedures_scheme_in_any_case() -> None:
    assert extract_procedures("[go](PROCEDURE:p1)") == [("p1", 1)]
