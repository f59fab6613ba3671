"""Exercises and findings in the browser's pages: adding, linking actions, searching."""

from django.urls import reverse

from consultation.models import Exercise, Finding, FindingAction
from tests.conftest import make_action
from tests.consultation.conftest import link


def test_a_member_adds_an_exercise(client, plan, steering_member):
    client.force_login(steering_member)
    response = client.post(
        reverse("exercise_add", args=[plan.slug]),
        {"title": "Staff survey", "method": "staff_survey", "started_on": "01/10/2004"},
    )
    exercise = Exercise.objects.get()
    assert response.url == reverse("exercise_detail", args=[exercise.pk])
    assert exercise.plan == plan
    assert exercise.history.get().history_user == steering_member


def test_an_exercise_that_ends_before_it_starts_is_refused(client, plan, steering_member):
    client.force_login(steering_member)
    response = client.post(
        reverse("exercise_add", args=[plan.slug]),
        {
            "title": "Poll",
            "method": "website_poll",
            "started_on": "10/10/2004",
            "ended_on": "01/10/2004",
        },
    )
    assert "An exercise cannot end before it starts." in response.content.decode()
    assert not Exercise.objects.exists()


def test_a_finding_with_a_bad_strength_is_refused_with_a_message(client, exercise, steering_member):
    client.force_login(steering_member)
    response = client.post(
        reverse("finding_add", args=[exercise.pk]),
        {"said": "Shorter queues", "strength_kind": "percentage", "strength_value": "140"},
    )
    assert "A percentage must be between 0 and 100." in response.content.decode()
    assert not Finding.objects.exists()


def test_a_member_adds_a_finding_with_themes(client, exercise, theme, steering_member):
    client.force_login(steering_member)
    client.post(
        reverse("finding_add", args=[exercise.pk]),
        {
            "said": "Shorter queues",
            "strength_kind": "count",
            "strength_value": "48",
            "strength_of": "120",
            "themes": [theme.pk],
        },
    )
    finding = Finding.objects.get()
    assert finding.strength == "48 of 120"
    assert [link.theme for link in finding.finding_themes.all()] == [theme]


def test_a_member_links_an_action_and_sees_it_on_the_finding(
    client, finding, action, steering_member
):
    client.force_login(steering_member)
    response = client.post(
        reverse("finding_link_action", args=[finding.pk]), {"action": action.pk}, follow=True
    )
    text = response.content.decode()
    assert f"Action {action.full_reference} linked." in text
    assert "Actions that respond to this finding" in text
    assert FindingAction.objects.filter(finding=finding, action=action).exists()


def test_linking_without_choosing_says_so_and_changes_nothing(client, finding, steering_member):
    client.force_login(steering_member)
    response = client.post(reverse("finding_link_action", args=[finding.pk]), {}, follow=True)
    assert "Choose an action." in response.content.decode()
    assert not FindingAction.objects.exists()


def test_the_search_narrows_the_actions_to_choose_from(client, finding, project, steering_member):
    make_action(project, description="Simplify the BT directory entry")
    make_action(project, description="Pilot a local access point in Witney")
    client.force_login(steering_member)
    page = client.get(reverse("finding_detail", args=[finding.pk]), {"q": "witney"})
    options = [label for _, label in page.context["link_form"].fields["action"].choices]
    assert any("Witney" in label for label in options)
    assert not any("BT directory" in label for label in options)


def test_a_viewer_sees_the_links_but_no_way_to_change_them(client, finding, action, viewer):
    link(finding, action)
    client.force_login(viewer)
    text = client.get(reverse("finding_detail", args=[finding.pk])).content.decode()
    assert action.description in text
    assert "Link action" not in text and "Unlink" not in text


def test_the_action_page_says_which_findings_and_recommendations_it_answers(
    client, finding, action, viewer
):
    link(finding, action)
    client.force_login(viewer)
    text = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "What this action answers" in text
    assert "Answer the telephone more quickly" in text
    assert "This action is not linked to any scrutiny recommendation." in text


def test_the_consultation_list_counts_findings_without_a_responding_action(
    client, plan, exercise, finding, viewer
):
    client.force_login(viewer)
    page = client.get(reverse("consultation_list", args=[plan.slug]))
    row = page.context["exercises"][0]
    assert (row.finding_count, row.unanswered_count) == (1, 1)
