"""Evidence, assessments and mappings: written whole with history, or refused changing nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from actionplan.models import Plan, Theme
from consultation.models import Exercise
from standards.cse.models import (
    ActionSubCriterion,
    Assessment,
    Evidence,
    EvidenceAction,
    EvidenceExercise,
    EvidenceStandard,
    EvidenceSubCriterion,
    Rating,
    ThemeCriterion,
)
from standards.cse.services import (
    RatingInput,
    cse_action_sub_criteria_set,
    cse_assessment_record,
    cse_evidence_save,
    cse_theme_mapping_save,
)
from standards.models import Standard
from tests.conftest import home_council
from tests.standards.conftest import record_evidence


def test_evidence_is_saved_with_every_link_and_who_made_it(plan, action, cse, steering_member):
    standard = Standard.objects.create(
        organisation=home_council(),
        reference="T1",
        title="Telephone answering",
        channel="telephone",
        commitment="90% in 20s",
    )
    exercise = Exercise.objects.create(
        organisation=home_council(),
        plan=plan,
        title="Residents' survey 2004",
        method="residents_survey",
    )
    evidence = cse_evidence_save(
        evidence=Evidence(
            plan=plan, title="Call answering", text="90% answered", dated=date(2010, 9, 1)
        ),
        sub_criteria=[cse["5.2"], cse["5.3"]],
        actions=[action],
        standards=[standard],
        exercises=[exercise],
        user=steering_member,
        reason="Recorded at the steering group",
    )
    assert sorted(
        evidence.sub_criterion_links.values_list("sub_criterion__reference", flat=True)
    ) == [
        "5.2",
        "5.3",
    ]
    assert list(evidence.action_links.values_list("action", flat=True)) == [action.pk]
    assert list(evidence.standard_links.values_list("standard", flat=True)) == [standard.pk]
    assert list(evidence.exercise_links.values_list("exercise", flat=True)) == [exercise.pk]
    assert evidence.created_by == steering_member
    made = evidence.history.get()
    assert (made.history_user, made.history_change_reason) == (
        steering_member,
        "Recorded at the steering group",
    )
    assert EvidenceSubCriterion.history.filter(history_user=steering_member).count() == 2


def test_changing_the_links_removes_the_old_ones_with_a_history_row(plan, cse, steering_member):
    evidence = record_evidence(plan, [cse["1.1"], cse["1.3"]])
    cse_evidence_save(
        evidence=evidence, sub_criteria=[cse["1.3"]], user=steering_member, reason="1.1 was wrong"
    )
    assert list(
        evidence.sub_criterion_links.values_list("sub_criterion__reference", flat=True)
    ) == ["1.3"]
    removed = EvidenceSubCriterion.history.get(history_type="-")
    assert removed.sub_criterion_id == cse["1.1"].pk
    assert removed.history_change_reason == "1.1 was wrong"


def test_evidence_without_a_sub_criterion_is_refused_and_nothing_is_written(plan, cse):
    with pytest.raises(ValidationError, match="at least one sub-criterion"):
        record_evidence(plan, [])
    assert not Evidence.objects.exists()


def test_evidence_cannot_link_another_plans_action(plan, cse, action):
    other = Plan.objects.create(slug="other", title="Other", organisation=home_council())
    with pytest.raises(ValidationError, match="only actions of this plan"):
        record_evidence(other, [cse["1.1"]], actions=[action])
    assert not Evidence.objects.exists()
    assert not EvidenceAction.objects.exists()
    assert not EvidenceStandard.objects.exists() and not EvidenceExercise.objects.exists()


def test_an_assessment_records_one_rating_per_rated_sub_criterion(plan, cse, steering_member):
    assessment = cse_assessment_record(
        plan=plan,
        assessed_on=date(2010, 10, 31),
        kind="self",
        assessor="CSE PAG",
        ratings={
            cse["1.1"]: RatingInput("full", "Ward profiles done"),
            cse["1.2"]: RatingInput("some"),
            cse["1.3"]: RatingInput(""),
        },
        user=steering_member,
    )
    assert dict(assessment.ratings.values_list("sub_criterion__reference", "compliance")) == {
        "1.1": "full",
        "1.2": "some",
    }
    assert Rating.history.filter(history_user=steering_member).count() == 2


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ({"1.1": RatingInput("")}, "Rate at least one"),
        ({"1.1": RatingInput("excellent")}, "Choose a rating from the list for 1.1"),
        ({"1.1": RatingInput("full"), "1.2": RatingInput("", "a note")}, "Choose a rating for 1.2"),
    ],
)
def test_a_bad_assessment_is_refused_and_nothing_is_written(plan, cse, ratings, message):
    with pytest.raises(ValidationError, match=message):
        cse_assessment_record(
            plan=plan,
            assessed_on=date(2010, 10, 31),
            kind="self",
            ratings={cse[ref]: r for ref, r in ratings.items()},
            user=None,
        )
    assert not Assessment.objects.exists() and not Rating.objects.exists()


def test_mapping_themes_keeps_other_themes_and_records_history(
    plan, theme, criteria, steering_member
):
    second = Theme.objects.create(plan=plan, reference="5", title="Commitment to Customers")
    cse_theme_mapping_save(
        plan=plan,
        mapping={theme: [criteria["3"]], second: [criteria["4"], criteria["5"]]},
        user=None,
    )
    cse_theme_mapping_save(plan=plan, mapping={theme: [criteria["5"]]}, user=steering_member)
    assert sorted(
        ThemeCriterion.objects.values_list("theme__reference", "criterion__reference")
    ) == [("4", "5"), ("5", "4"), ("5", "5")]
    assert (
        ThemeCriterion.history.filter(history_type="-", history_user=steering_member).count() == 1
    )


def test_a_theme_of_another_plan_cannot_be_mapped(plan, theme, criteria):
    other = Plan.objects.create(slug="other", title="Other", organisation=home_council())
    with pytest.raises(ValidationError, match="only this plan's themes"):
        cse_theme_mapping_save(plan=other, mapping={theme: [criteria["1"]]}, user=None)
    assert not ThemeCriterion.objects.exists()


def test_an_actions_direct_sub_criteria_are_set_exactly(action, cse):
    cse_action_sub_criteria_set(action=action, sub_criteria=[cse["4.1"], cse["4.3"]], user=None)
    cse_action_sub_criteria_set(action=action, sub_criteria=[cse["4.3"]], user=None)
    assert list(ActionSubCriterion.objects.values_list("sub_criterion__reference", flat=True)) == [
        "4.3"
    ]
