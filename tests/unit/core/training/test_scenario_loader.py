"""Loading scenario files: the model, and each problem with its kind and line."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.training import JOURNALIST, build, line_of, parse

from manualviewer.core.problems import Severity
from manualviewer.core.training import Detail, Turn, load_scenarios


def kinds(text: str, name: str = "journalist.yaml") -> list[tuple[str, int, Severity]]:
    return [(p.kind, p.line, p.severity) for p in parse(text, name)[1]]


def test_reads_the_scenario_with_lines() -> None:
    scenario = build(JOURNALIST)
    assert (scenario.id, scenario.title, scenario.procedure) == (
        "journalist",
        "A journalist about their own tax",
        "dmbm-customer-recording-call",
    )
    assert scenario.procedure_line == 3
    assert scenario.situation[1] == Turn(
        "Customer",
        "It's just for my own records.",
        line_of(JOURNALIST, "- who", 6),
        "own-purposes",
        line_of(JOURNALIST, "step: own-purposes"),
    )
    assert scenario.details[0] == Detail(
        "call-details", {"customer_reference": "JR 771205"}, line_of(JOURNALIST, "call-details")
    )
    assert scenario.details[1].answer is True
    media = scenario.expected[0]
    assert (media.step, media.answer, media.section) == ("media", "own-business-affairs", "DMBM511015")
    assert media.line == line_of(JOURNALIST, "- step: media")
    assert media.answer_line == media.line + 1 and media.reason_line == media.line + 2
    assert media.section_line == media.line + 3
    assert scenario.expected[1].answer is True
    assert scenario.sections == ("DMBM511015",)


def test_folded_reason_is_one_line_and_literal_keeps_its_breaks() -> None:
    text = JOURNALIST.replace(
        "reason: these concerns should be made known to your line manager",
        "reason: >-\n      these concerns should be\n      made known",
    ).replace(
        "reason: The only exception is where the customer is for example a journalist",
        "reason: |\n      first line\n      - a point",
    )
    scenario = build(text)
    assert scenario.expected[2].reason == "these concerns should be made known"
    assert scenario.expected[0].reason == "first line\n- a point"


def test_info_and_escalate_answers_may_be_left_out() -> None:
    text = JOURNALIST.replace("    answer: no-concerns\n", "")
    assert build(text).expected[2].answer is True


def test_bad_yaml_names_the_line() -> None:
    text = JOURNALIST.replace("title: A journalist about their own tax", "title: [unclosed")
    problems = kinds(text)
    assert problems[0][0] == "bad-yaml" and problems[0][1] >= 2
    assert parse(text)[0] is None


def test_missing_fields_and_empty_lists() -> None:
    text = JOURNALIST.replace("title: A journalist about their own tax\n", "")
    assert ("missing-field", 1, Severity.ERROR) in kinds(text)
    text = "id: x\ntitle: T\nprocedure: p\nsituation: []\nexpected:\n  - step: a\n    answer: b\n"
    found = kinds(text, "x.yaml")
    assert ("missing-field", 4, Severity.ERROR) in found  # empty situation
    assert ("missing-field", 6, Severity.ERROR) in found  # expected answer without reason/section
    assert parse(text, "x.yaml")[0] is None


def test_a_step_expected_twice_is_an_error_on_the_second() -> None:
    text = JOURNALIST + "  - step: media\n    answer: media\n    reason: r\n    section: DMBM511015\n"
    second = len(JOURNALIST.splitlines()) + 1
    assert ("duplicate-id", second, Severity.ERROR) in kinds(text)


def test_keys_unknown_twice_or_badly_typed() -> None:
    text = JOURNALIST.replace("    answer: no-concerns", "    answer: no-concerns\n    answr: x")
    assert kinds(text) == [("unknown-key", line_of(text, "answr"), Severity.WARNING)]
    assert parse(text)[0] is not None  # a warning leaves the scenario in
    text = JOURNALIST.replace("title: A journalist", "title: Again\ntitle: A journalist")
    assert ("duplicate-key", 3, Severity.ERROR) in kinds(text)
    text = JOURNALIST.replace("    answer: no-concerns", "    answer: [a, b]")
    assert ("bad-value", line_of(text, "[a, b]"), Severity.ERROR) in kinds(text)
    text = JOURNALIST.replace("situation:\n  - who", "situation:\n  - wh0")
    assert any(k == "missing-field" for k, _, _ in kinds(text))


def test_bad_id_file_name_and_empty_file() -> None:
    text = JOURNALIST.replace("id: journalist", "id: Journalist!")
    assert ("bad-id", 1, Severity.ERROR) in kinds(text, "Journalist!.yaml")
    assert kinds(JOURNALIST, "other.yaml") == [("file-name", 1, Severity.WARNING)]
    assert kinds("") == [("bad-yaml", 0, Severity.ERROR)]
    assert kinds("- a list\n") == [("bad-value", 1, Severity.ERROR)]


def test_load_scenarios_reads_folders_leaves_out_bad_files_and_duplicate_ids(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "journalist.yaml").write_text(JOURNALIST, encoding="utf-8")
    (first / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    (second / "journalist.yaml").write_text(JOURNALIST, encoding="utf-8")
    (second / "notes.txt").write_text("not a scenario", encoding="utf-8")
    found, problems = load_scenarios([first, second, tmp_path / "missing"])
    assert list(found) == ["journalist"]
    assert found["journalist"].path == first / "journalist.yaml"
    assert {(p.kind, p.path.name) for p in problems} == {
        ("missing-field", "broken.yaml"),
        ("duplicate-id", "journalist.yaml"),
    }
    duplicate = next(p for p in problems if p.kind == "duplicate-id")
    assert duplicate.path == second / "journalist.yaml" and duplicate.line == 1


def test_a_scenarios_folder_that_is_a_link_to_nothing_is_one_problem(tmp_path: Path) -> None:
    good, dangling = tmp_path / "good", tmp_path / "dangling"
    good.mkdir()
    (good / "journalist.yaml").write_text(JOURNALIST, encoding="utf-8")
    dangling.symlink_to(tmp_path / "gone")
    found, problems = load_scenarios([dangling, good])
    assert list(found) == ["journalist"]
    assert [(p.kind, p.path, p.message) for p in problems] == [
        ("dangling-link", dangling, f"the folder is a link to {tmp_path / 'gone'}, which does not exist")]
