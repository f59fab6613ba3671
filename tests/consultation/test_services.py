from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actionplan.models import Plan, Theme
from consultation import services
from consultation.models import FindingAction, FindingTheme, RecommendationAction
from tests.conftest import home_council, make_action
from tests.consultation.conftest import make_recommendation


@pytest.fixture
def other_action(db):
    other = Plan.objects.create(slug="other", title="Other", organisation=home_council())
    theme = Theme.objects.create(plan=other, reference="1", title="Access")
    from actionplan.models import Project

    return make_action(Project.objects.create(theme=theme, title="Elsewhere"))


def test_linking_an_action_records_who_and_why(finding, action, steering_member):
    services.finding_link_action(finding=finding, action=action, user=steering_member)
    row = FindingAction.history.get()
    assert (row.history_user, row.history_change_reason) == (
        steering_member,
        "Action linked as responding to finding",
    )


def test_an_action_of_another_plan_cannot_answer_a_finding(finding, other_action):
    with pytest.raises(ValidationError, match="this finding's plan"):
        services.finding_link_action(finding=finding, action=other_action, user=None)
    assert not FindingAction.objects.exists()


def test_linking_the_same_action_twice_is_refused(finding, action):
    services.finding_link_action(finding=finding, action=action, user=None)
    with pytest.raises(ValidationError, match="already responds"):
        services.finding_link_action(finding=finding, action=action, user=None)
    assert FindingAction.objects.count() == 1


def test_unlinking_leaves_a_deletion_in_history(finding, action):
    services.finding_link_action(finding=finding, action=action, user=None)
    services.finding_unlink_action(finding=finding, action=action, user=None)
    assert not FindingAction.objects.exists()
    assert list(FindingAction.history.values_list("history_type", flat=True)) == ["-", "+"]


def test_saving_a_finding_makes_its_themes_exactly_those_chosen(finding, plan, theme):
    second = Theme.objects.create(plan=plan, reference="5", title="Commitment", position=5)
    services.finding_save(finding=finding, themes=[theme, second], user=None)
    services.finding_save(finding=finding, themes=[second], user=None)
    assert list(FindingTheme.objects.values_list("theme_id", flat=True)) == [second.pk]
    assert FindingTheme.history.filter(history_type="-").count() == 1


def test_a_theme_of_another_plan_is_refused_and_nothing_is_saved(finding, other_action):
    finding.said = "Changed"
    with pytest.raises(ValidationError):
        services.finding_save(finding=finding, themes=[other_action.theme], user=None)
    finding.refresh_from_db()
    assert finding.said != "Changed"


def test_a_report_back_is_marked_once_and_never_in_the_future(plan, action):
    recommendation = make_recommendation(plan, report_back_due=date(2005, 11, 18))
    with pytest.raises(ValidationError, match="future"):
        services.recommendation_mark_reported_back(
            recommendation=recommendation,
            on=timezone.localdate() + timedelta(days=1),
            user=None,
        )
    services.recommendation_mark_reported_back(
        recommendation=recommendation, on=date(2005, 11, 20), user=None
    )
    recommendation.refresh_from_db()
    assert recommendation.reported_back_on == date(2005, 11, 20)
    with pytest.raises(ValidationError, match="already reported back on 20 November 2005"):
        services.recommendation_mark_reported_back(recommendation=recommendation, user=None)


def test_recommendation_links_refuse_other_plans_and_duplicates(plan, action, other_action):
    recommendation = make_recommendation(plan)
    services.recommendation_link_action(recommendation=recommendation, action=action, user=None)
    with pytest.raises(ValidationError, match="already answers"):
        services.recommendation_link_action(recommendation=recommendation, action=action, user=None)
    with pytest.raises(ValidationError, match="recommendation's plan"):
        services.recommendation_link_action(
            recommendation=recommendation, action=other_action, user=None
        )
    assert RecommendationAction.objects.count() == 1
