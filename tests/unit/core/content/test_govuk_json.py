from __future__ import annotations

import json
from pathlib import Path

from manualviewer.core.content.govuk_json import decode, parse_json, strip_comments
from manualviewer.core.problems import ContentProblem

HERE = Path("x.json")
EXAMPLES = Path(__file__).resolve().parents[3] / "data" / "govuk"


def test_line_comments_go_but_urls_in_strings_stay() -> None:
    text = """{
  // Manual
  "url": "https://www.gov.uk/hmrc-manuals/x//y", // trailing comment
  "q": "say \\"//not a comment\\" here"
}"""
    assert parse_json(text, HERE) == {
        "url": "https://www.gov.uk/hmrc-manuals/x//y",
        "q": 'say "//not a comment" here',
    }


def test_block_comments_keep_line_numbers() -> None:
    text = '{\n/* one\ntwo\nthree */\n"a": 1,\n"b": }'
    stripped = strip_comments(text)
    assert stripped.count("\n") == text.count("\n")
    problem = parse_json(text, HERE)
    assert isinstance(problem, ContentProblem)
    assert problem.kind == "bad-json" and problem.line == 6 and problem.path == HERE


def test_trailing_commas_are_tolerated_but_not_inside_strings() -> None:
    assert parse_json('{"a": [1, 2, ], "b": ",]",}', HERE) == {"a": [1, 2], "b": ",]"}


def test_error_line_is_the_line_in_the_file() -> None:
    text = '{\n  // comment\n  "title": "x",\n  "details": {\n    "body": "a"\n    "section_id": "B"\n  }\n}'
    problem = parse_json(text, HERE)
    assert isinstance(problem, ContentProblem) and problem.line == 6


def test_byte_order_mark_and_encoding() -> None:
    text = decode("\ufeff{}".encode(), HERE)
    assert isinstance(text, str) and parse_json(text, HERE) == {}
    bad = decode(b"\xff\xfe{", HERE)
    assert isinstance(bad, ContentProblem) and bad.kind == "bad-encoding"


def test_every_example_parses() -> None:
    for path in sorted(EXAMPLES.rglob("*.json")):
        value = parse_json(path.read_text(encoding="utf-8"), path)
        assert not isinstance(value, ContentProblem), value
    # The comment-free files read the same as with the standard parser.
    plain = EXAMPLES / "content-store" / "hmrc_manual_section-vatgpb1000.json"
    assert parse_json(plain.read_text(encoding="utf-8"), plain) == json.loads(plain.read_text(encoding="utf-8"))


def test_json_nested_past_the_limit_is_one_problem_naming_the_depth() -> None:
    # 300 levels would parse (under Python's recursion limit); the depth limit refuses it too.
    for depth in (300, 100_000):
        problem = parse_json('{"details": ' + "[" * depth + "]" * depth + "}", HERE)
        assert isinstance(problem, ContentProblem)
        assert (problem.kind, problem.path) == ("bad-json", HERE)
        assert f"nested too deeply to be a GOV.UK document: it nests {depth + 1:,} levels deep" in problem.message


def test_json_nested_within_the_limit_is_read() -> None:
    assert parse_json('{"a": ' + "[" * 150 + "]" * 150 + "}", HERE) == {"a": json.loads("[" * 150 + "]" * 150)}
