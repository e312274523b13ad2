"""validate_scenario / check_library: every problem with its kind and line, and the `check`
command reporting them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.helpers.bundled import BUNDLED, library, procedures, section_body
from tests.helpers.training import JOURNALIST, build, line_of

from manualviewer.cli import main
from manualviewer.core.content.loader import load_library
from manualviewer.core.problems import Severity
from manualviewer.core.procedures import parse_procedure
from manualviewer.core.training import check_library, validate_scenario


def problems(text: str) -> list[tuple[str, int, Severity]]:
    scenario = build(text)
    return [
        (p.kind, p.line, p.severity) for p in validate_scenario(scenario, procedures(), library().resolve, section_body)
    ]


def error(kind: str, text: str, needle: str, after: int = 0) -> tuple[str, int, Severity]:
    return (kind, line_of(text, needle, after), Severity.ERROR)


def test_the_sample_scenario_is_valid() -> None:
    assert problems(JOURNALIST) == []


def test_wrong_expected_choice() -> None:
    text = JOURNALIST.replace("answer: own-business-affairs", "answer: own-affairs")
    assert problems(text) == [error("bad-answer", text, "answer: own-affairs")]
    scenario = build(text)
    message = validate_scenario(scenario, procedures(), library().resolve)[0].message
    assert "'own-affairs' is not an answer" in message and "own-business-affairs" in message


def test_answers_a_step_cannot_take() -> None:
    # A check without a way out must be confirmed; an end step takes no answer.
    sent = (BUNDLED / "dmbm" / "scenarios" / "dmbm-recording-sent-hmrc-also-recorded.yaml").read_text()
    text = sent.replace("step: listen-to-our-copy\n    answer: true", "step: listen-to-our-copy\n    answer: false")
    scenario = build(text, "dmbm-recording-sent-hmrc-also-recorded.yaml")
    found = validate_scenario(scenario, procedures(), library().resolve, section_body)
    assert [(p.kind, p.line) for p in found] == [("bad-answer", line_of(text, "answer: false"))]
    assert "must be confirmed" in found[0].message
    text = JOURNALIST + "  - step: end\n    answer: true\n    reason: r\n    section: DMBM511015\n"
    assert error("bad-answer", text, "answer: true", line_of(text, "- step: end")) in problems(text)
    text = JOURNALIST + "  - step: own-note\n    answer: read\n    reason: r\n    section: DMBM511015\n"
    assert error("bad-answer", text, "answer: read") in problems(text)


def test_unknown_step_in_expected_details_and_turns() -> None:
    text = JOURNALIST.replace("- step: media", "- step: medium")
    assert problems(text) == [error("unknown-step", text, "step: medium")]
    text = JOURNALIST.replace("  privacy: true", "  privacy: true\n  privcy: true")
    assert problems(text) == [error("unknown-step", text, "privcy")]
    text = JOURNALIST.replace("step: own-purposes\n  - who", "step: own-purpose\n  - who")
    assert problems(text) == [error("unknown-step", text, "step: own-purpose")]


def test_unknown_section() -> None:
    text = JOURNALIST.replace("section: DMBM511015\n  - step: concerns", "section: DMBM999999\n  - step: concerns")
    assert problems(text) == [error("unknown-section", text, "DMBM999999")]


def test_unknown_procedure_is_reported_at_its_line_and_alone() -> None:
    text = JOURNALIST.replace("procedure: dmbm-customer-recording-call", "procedure: no-such-procedure")
    assert problems(text) == [error("unknown-procedure", text, "procedure: no-such")]


def test_reason_not_in_the_cited_section_is_a_warning() -> None:
    text = JOURNALIST.replace(
        "reason: these concerns should be made known to your line manager",
        "reason: these concerns should be made known to your line manager … and to the Press Office at once",
    )
    assert problems(text) == [("reason-not-in-section", line_of(text, "Press Office at once"), Severity.WARNING)]
    # Emphasis, bullets, curly quotes and line breaks do not count.
    text = JOURNALIST.replace(
        "reason: these concerns should be made known to your line manager",
        'reason: "HMRC has no objection to this provided:\\n\\n- the recording is for their own purposes"',
    )
    assert problems(text) == []


def test_details_cannot_give_away_a_graded_answer() -> None:
    text = JOURNALIST.replace("  privacy: true", "  privacy: true\n  media: media")
    assert problems(text) == [error("details-overlap", text, "  media: media")]


def test_details_must_be_answers_too() -> None:
    text = JOURNALIST.replace("customer_reference: JR 771205", "customer_ref: JR 771205")
    assert problems(text) == [error("bad-answer", text, "call-details:")]


def test_expected_answers_must_reach_an_end() -> None:
    text = JOURNALIST.replace("  privacy: true\n", "")
    found = problems(text)
    assert found == [("incomplete-path", 1, Severity.ERROR), error("off-path", text, "- step: concerns")]
    scenario = build(text)
    assert "stopped at 'privacy'" in validate_scenario(scenario, procedures(), library().resolve)[0].message


def test_an_expected_step_off_the_expected_path() -> None:
    text = JOURNALIST + "  - step: refer-to-press-office\n    reason: r\n    section: DMBM511015\n"
    assert problems(text) == [error("off-path", text, "- step: refer-to-press-office")]


def test_input_and_document_answers_name_real_fields_options_and_choices() -> None:
    base = (
        JOURNALIST + "  - step: call-details\n    answer: {customer_ref: X}\n    reason: r\n    section: DMBM511015\n"
    )
    assert error("bad-answer", base, "customer_ref: X") in problems(base)
    published = build(
        """\
        id: journalist
        title: T
        procedure: dwp-claimant-published-recording
        situation: [{who: Claimant, says: I published it.}]
        details:
          claimant-details: {customer_reference: CL-1}
          staff-concerns: no-concerns
          internet-service-provider: contact
          letter: {confirm_paragraph: delete, senior_manager_paragraph: delete}
        expected:
          - step: letter
            answer: {opening: published}
            reason: r
            section: DWPREC0200
        """
    )
    found = validate_scenario(published, procedures(), library().resolve)
    assert [(p.kind, p.line) for p in found] == [("bad-answer", 12)]
    assert "not a choice for 'opening'" in found[0].message


def copy_bundled(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(BUNDLED, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_check_library_finds_problems_in_the_manual_folders(tmp_path: Path) -> None:
    content = copy_bundled(tmp_path)
    bad = JOURNALIST.replace("answer: own-business-affairs", "answer: own-affairs")
    path = content / "dmbm" / "scenarios" / "journalist.yaml"
    path.write_text(bad, encoding="utf-8")
    found = check_library(load_library([content]))
    assert [(p.kind, p.path, p.line) for p in found] == [("bad-answer", path, line_of(bad, "own-affairs"))]


def test_check_command_reports_scenario_problems_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_bundled(tmp_path)
    bad = JOURNALIST.replace("section: DMBM511015\n  - step: concerns", "section: DMBM999999\n  - step: concerns")
    path = content / "dwp-recordings" / "scenarios" / "journalist.yaml"
    path.write_text(bad, encoding="utf-8")
    assert main(["check", "--content", str(content), "--json"]) == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert {
        "path": str(path),
        "line": line_of(bad, "DMBM999999"),
        "kind": "unknown-section",
        "message": "step 'own-purposes': cited section DMBM999999 is not in the library",
    } in errors


TINY = """\
id: tiny
title: Tiny
version: 1
sections: [DMBM511015]
start: {start}
steps:
  - id: q
    kind: question
    title: Q
    choices:
      - {{id: a, label: A, next: end}}
      - {{id: b, label: B, next: end}}
  - id: end
    kind: end
    title: End
    note: done
"""
TINY_SCENARIO = """\
id: journalist
title: T
procedure: tiny
situation: [{who: Customer, says: Hello.}]
expected:
  - {step: q, answer: a, reason: r, section: DMBM511015}
"""


def test_a_procedure_that_cannot_start_is_a_problem_not_a_crash() -> None:
    good, _ = parse_procedure(TINY.format(start="q"), Path("tiny.yaml"))
    broken, _ = parse_procedure(TINY.format(start="nowhere"), Path("tiny.yaml"))
    assert good is not None and broken is not None  # a wrong `start` is validate()'s to report
    scenario = build(TINY_SCENARIO)
    assert validate_scenario(scenario, {"tiny": good}, library().resolve) == []
    found = validate_scenario(scenario, {"tiny": broken}, library().resolve)
    assert [(p.kind, p.line) for p in found] == [("incomplete-path", 1)]
    assert "cannot be run" in found[0].message
