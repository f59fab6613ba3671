"""Bad input is refused with a message an officer understands, and nothing is half-saved."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actionplan.models import Action, Milestone, Status
from tests.conftest import make_action


def test_target_is_parsed_into_earliest_and_latest_days_on_save(project):
    action = make_action(project, target="Mid November 2004")
    assert action.target == "Mid November 2004"
    assert (action.target_earliest, action.target_latest) == (
        date(2004, 11, 11),
        date(2004, 11, 20),
    )
    assert action.target_kind == "month"


def test_unreadable_target_is_kept_and_marked_unscheduled(project):
    action = make_action(project, target="Monthly review after West Oxon pilot started")
    assert action.target == "Monthly review after West Oxon pilot started"
    assert action.target_kind == "unscheduled"
    assert action.target_latest is None


@pytest.mark.parametrize("value", [-1, 101, 250])
def test_percentage_outside_0_to_100_is_refused_with_a_clear_message(project, value):
    action = Action(theme=project.theme, project=project, description="x", percent_complete=value)
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert "Percentage complete must be between 0 and 100." in error.value.messages


def test_database_refuses_a_percentage_outside_0_to_100_even_without_the_form(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(theme=project.theme, description="x", percent_complete=120)


def test_completed_without_a_completion_date_is_refused(project):
    action = Action(theme=project.theme, project=project, description="x", status=Status.COMPLETED)
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert error.value.message_dict["completed_on"] == ["Enter the date the action was completed."]
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()
    assert not Action.objects.filter(description="x").exists()


def test_duplicate_reference_in_the_same_project_is_refused(project):
    make_action(project, reference="1(a)")
    duplicate = Action(theme=project.theme, project=project, reference="1(a)", description="y")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Another action in this project already has this reference." in error.value.messages


def test_the_same_reference_under_another_project_is_allowed(project):
    # Seed 003 numbers actions per desired outcome: "(1)" appears under outcome (1) and (2).
    other = project.theme.projects.create(reference="2", title="Visitors' facilities")
    make_action(project, reference="(1)")
    make_action(other, reference="(1)")
    assert Action.objects.filter(reference="(1)").count() == 2


def test_project_from_another_theme_is_refused(plan, project):
    other_theme = plan.themes.create(reference="5", title="Commitment to Customers", position=5)
    action = Action(theme=other_theme, project=project, description="x")
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert error.value.message_dict["project"] == ["The project must belong to the action's theme."]


def test_milestone_after_the_actions_target_is_refused(project):
    action = make_action(project, target="Nov 10")
    milestone = Milestone(action=action, text="Implementation", target="Jan 11")
    with pytest.raises(ValidationError) as error:
        milestone.full_clean()
    assert "after the action's own target (Nov 10)" in error.value.message_dict["target"][0]


def test_milestone_within_the_actions_target_is_accepted(project):
    action = make_action(project, target="Jan 11")
    milestone = Milestone(action=action, text="Survey drafted", target="Sept 2010")
    milestone.full_clean()
    milestone.save()
    assert milestone.target_latest == date(2010, 9, 30)


def test_milestone_before_an_open_ended_action_starts_is_refused(project):
    action = make_action(project, target="From Aug 2004")
    milestone = Milestone(action=action, text="Scoping", target="June 2004")
    with pytest.raises(ValidationError) as error:
        milestone.full_clean()
    assert "before the action starts" in error.value.message_dict["target"][0]


def test_saving_an_action_raises_its_version(project):
    action = make_action(project)
    assert action.version == 1
    action.notes = "Changed"
    action.save()
    assert Action.objects.get(pk=action.pk).version == 2
