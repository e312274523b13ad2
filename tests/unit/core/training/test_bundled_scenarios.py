"""Every bundled scenario: it validates, with no warning, and its own expected answers, fed to
grade(), score total/total on the expected path. Every bundled procedure has at least two, and
the tricky cases of the guidance are there."""

from __future__ import annotations

from collections import Counter

import pytest
from tests.helpers.bundled import BUNDLED, library, procedures, scenarios, section_body

from manualviewer.core.procedures import QuestionStep
from manualviewer.core.training import check_library, grade, validate_scenario

SCENARIO_IDS = sorted(scenarios())

# The cases the guidance singles out, and the expected answer that marks each one.
TRICKY = {
    "dmbm-late-disclosure-recorded-call": ("late-disclosure", True),
    "dmbm-media-caller-wants-to-record": ("media", "media"),
    "dmbm-journalist-own-tax-affairs": ("media", "own-business-affairs"),
    "dmbm-recording-sent-hmrc-also-recorded": ("recorded-by-hmrc", "recorded"),
    "dwp-reasonable-adjustment-recording": ("reasonable-adjustment", "adjustment"),
    "dwp-staff-uncomfortable-being-recorded": ("staff-uncomfortable", "uncomfortable"),
    "dwp-claimant-published-recording-online": ("letter", {"opening": "have-published"}),
    "dmbm-home-visit-history-of-abuse-manager-away": ("manager-available", "not-available"),
}


def test_the_bundled_library_has_scenarios_and_check_finds_nothing_wrong() -> None:
    assert len(SCENARIO_IDS) >= 16
    assert check_library(library()) == []


def test_every_bundled_procedure_has_at_least_two_scenarios() -> None:
    per_procedure = Counter(s.procedure for s in scenarios().values())
    bundled = {p.stem for p in BUNDLED.glob("*/procedures/*.yaml")}
    assert bundled == set(procedures())
    assert {pid: per_procedure[pid] for pid in bundled if per_procedure[pid] < 2} == {}


@pytest.mark.parametrize("scenario_id", sorted(TRICKY))
def test_the_tricky_cases_are_covered(scenario_id: str) -> None:
    step, answer = TRICKY[scenario_id]
    expectation = scenarios()[scenario_id].expectation(step)
    assert expectation is not None and expectation.answer == answer


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_scenario_validates_and_its_expected_answers_score_full_marks(scenario_id: str) -> None:
    scenario = scenarios()[scenario_id]
    assert scenario.path.parent.name == "scenarios"
    assert validate_scenario(scenario, procedures(), library().resolve, section_body) == []
    procedure = procedures()[scenario.procedure]
    result = grade(scenario, procedure, {e.step: e.answer for e in scenario.expected})
    assert (result.correct, result.total) == (len(scenario.expected), len(scenario.expected))
    assert result.finished and result.path == result.expected_path
    assert result.sections_to_reread == ()


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_scenario_is_marked_as_training_material_and_cites_its_procedure_sections(scenario_id: str) -> None:
    scenario = scenarios()[scenario_id]
    assert scenario.path.read_text(encoding="utf-8").startswith("# Training material written by this project")
    procedure = procedures()[scenario.procedure]
    assert set(scenario.sections) <= set(procedure.cited_sections())
    assert scenario.situation and all(t.text for t in scenario.situation)


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_every_other_choice_at_a_graded_question_is_marked_wrong(scenario_id: str) -> None:
    scenario = scenarios()[scenario_id]
    procedure = procedures()[scenario.procedure]
    right = {e.step: e.answer for e in scenario.expected}
    tried = 0
    for expectation in scenario.expected:
        step = procedure.step(expectation.step)
        if not isinstance(step, QuestionStep):
            continue
        for choice in step.choices:
            if choice.id == expectation.answer:
                continue
            result = grade(scenario, procedure, {**right, step.id: choice.id})
            row = next(s for s in result.steps if s.step == step.id)
            assert (row.given, row.correct) == (choice.id, False)
            assert result.correct < result.total
            assert expectation.section in result.sections_to_reread
            tried += 1
    assert tried or all(not isinstance(procedure.step(e.step), QuestionStep) for e in scenario.expected)
