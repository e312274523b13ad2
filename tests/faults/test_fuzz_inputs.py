"""A hypothesis fuzz (issue 13): queries, front matter, procedures, answers JSON and GOV.UK JSON.

Each input either works or is reported as problems: nothing raises, and each example stays
within hypothesis's deadline (bounded time, no timing asserts of our own). Small example counts
keep the whole module to a few seconds."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manualviewer.commands.common import CommandStop
from manualviewer.commands.procedure import run_headless
from manualviewer.core.content.frontmatter import FrontMatterError, parse_document
from manualviewer.core.content.govuk_json import parse_json
from manualviewer.core.content.govuk_parse import parse_document as parse_govuk
from manualviewer.core.json_limits import JsonTooDeep, loads_bounded
from manualviewer.core.model import Section
from manualviewer.core.problems import ContentProblem
from manualviewer.core.procedures import parse_procedure
from manualviewer.core.search.whoosh_index import WhooshIndex
from tests.helpers.procedures import SAMPLE

FUZZ = settings(max_examples=60, deadline=dt.timedelta(seconds=2),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
PATH = Path("/content/dmbm/DMBM1.md")

YAML_BITS = st.sampled_from([
    "section_id: ", "title: ", "updated: ", "2024-02-30", "0041", "&a ", "*a", "[", "]", "{", "}", "- ",
    "\n", "  ", ": ", "'", '"', "!!timestamp ", "!!python/object ", "1" * 50, "---", "...", "#", "|", ">",
    "aliases: ", "change_notes: ", "status: ", "parent: ", "DMBM511015", "~", "null", "\t", "é",
])


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WhooshIndex]:
    ix = WhooshIndex(tmp_path_factory.mktemp("fuzz") / "index")
    ix.ensure([Section(id="DMBM511015", manual="DMBM", title="Recording a complaint",
                       body="When a customer is unhappy, write down what they said.", path=PATH, body_line=1)])
    yield ix
    ix.close()


@FUZZ
@given(st.text(max_size=300) | st.lists(st.sampled_from(['"', "(", ")", "AND", "OR", "NOT", "-", "*", "~2", "^3",
                                                         "title:", "complaint", "DMBM511015", " "]),
                                        max_size=60).map("".join))
def test_any_query_searches_without_raising(index: WhooshIndex, query: str) -> None:
    assert index.search(query).query == query


@FUZZ
@given(st.lists(YAML_BITS | st.text(max_size=10), max_size=40).map("".join), st.text(max_size=200))
def test_any_front_matter_is_a_document_or_one_problem(front: str, body: str) -> None:
    try:
        doc = parse_document(PATH, f"---\n{front}\n---\n{body}")
    except FrontMatterError as exc:
        assert isinstance(exc.problem, ContentProblem) and exc.problem.path == PATH
    else:
        assert isinstance(doc.meta, dict)


PROCEDURE_BITS = st.sampled_from([line + "\n" for line in SAMPLE.splitlines()] + [
    "    pattern: \"(a+)+$\"\n", "&x [1]\n", "*x\n", "  - id: \n", "kind: nonsense\n", "next: nowhere\n", "[[[[\n",
])


@FUZZ
@given(st.lists(PROCEDURE_BITS, max_size=60).map("".join))
def test_any_procedure_text_is_a_procedure_or_problems(text: str) -> None:
    procedure, problems = parse_procedure(text, Path("/content/dmbm/procedures/sample.yaml"))
    assert procedure is not None or problems


SAMPLE_PROCEDURE = parse_procedure(SAMPLE, Path("sample.yaml"))[0]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20)
STEP_IDS = st.sampled_from(["details", "point", "question", "read", "letter", "late", "worry", "end", "x"])


@FUZZ
@given(st.dictionaries(STEP_IDS, JSON_VALUES, max_size=8), st.integers(min_value=1, max_value=3000))
def test_any_answers_json_runs_or_stops_with_a_message(answers: dict[str, object], depth: int) -> None:
    assert SAMPLE_PROCEDURE is not None
    text = json.dumps(answers)[:-1] + (', "deep": ' + "[" * depth + "]" * depth + "}" if answers else "}")
    try:
        data = loads_bounded(text)
        run_headless(SAMPLE_PROCEDURE, data, dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    except JsonTooDeep:
        assert depth > 190
    except CommandStop as exc:
        assert str(exc) or exc.args


GOVUK_KEYS = st.sampled_from(["document_type", "details", "section_id", "title", "body", "base_path", "manual",
                              "breadcrumbs", "parent_section_ids", "child_section_groups", "schema_name",
                              "hmrc_manual_section", "hmrc_manual", "change_notes", "links"])
GOVUK_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40) | st.sampled_from(["DMBM511015", "/hmrc-x"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(GOVUK_KEYS, inner, max_size=6), max_leaves=30)


@FUZZ
@given(GOVUK_JSON)
def test_any_govuk_json_parses_or_is_a_problem(data: object) -> None:
    path = Path("/import/x.json")
    value = parse_json(json.dumps(data), path)
    assert not isinstance(value, ContentProblem)
    parsed = parse_govuk(value, path)
    assert parsed is not None
