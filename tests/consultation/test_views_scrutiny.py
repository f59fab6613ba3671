"""Scrutiny recommendations: overdue report-backs on the dashboard, marking, the paper."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplan.services import action_record_progress
from consultation.models import RecommendationAction, ScrutinyMeeting
from tests.consultation.conftest import make_recommendation


@pytest.fixture
def recommendation(plan, action):
    recommendation = make_recommendation(
        plan,
        text="That Customer Services develop a mystery shopping exercise",
        response="partly_accepted",
        response_reasons="Within the existing budget",
        report_back_due=timezone.localdate() - timedelta(days=1),
    )
    RecommendationAction.objects.create(recommendation=recommendation, action=action)
    return recommendation


def test_an_overdue_report_back_is_flagged_on_the_dashboard(client, plan, recommendation, viewer):
    client.force_login(viewer)
    text = client.get(reverse("plan_dashboard", args=[plan.slug])).content.decode()
    assert "1 scrutiny report-back overdue." in text
    assert "mystery shopping" in text


def test_a_report_back_due_later_is_listed_but_not_overdue(client, plan, viewer):
    make_recommendation(plan, report_back_due=timezone.localdate() + timedelta(days=10))
    client.force_login(viewer)
    text = client.get(reverse("plan_dashboard", args=[plan.slug])).content.decode()
    assert "report-back overdue" not in text
    assert "Review the user satisfaction survey" in text


def test_marking_as_reported_back_clears_the_flag(client, plan, recommendation, steering_member):
    client.force_login(steering_member)
    response = client.post(
        reverse("recommendation_reported_back", args=[recommendation.pk]),
        {"reported_back_on": ""},
        follow=True,
    )
    assert "marked as reported back" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.reported_back_on == timezone.localdate()
    text = client.get(reverse("plan_dashboard", args=[plan.slug])).content.decode()
    assert "report-back overdue" not in text


def test_the_paper_lists_each_recommendation_with_its_response_and_actions_progress(
    client, recommendation, action, viewer, steering_member
):
    action_record_progress(
        action=action,
        reported_on=date(2005, 6, 1),
        narrative="Mystery shoppers recruited",
        status="on_track",
        user=steering_member,
    )
    client.force_login(viewer)
    text = client.get(reverse("scrutiny_paper", args=[recommendation.meeting.pk])).content.decode()
    assert "Recommendation (i)" in text
    assert "Partly accepted. Within the existing budget" in text
    assert "On track" in text and "Mystery shoppers recruited" in text
    assert "(overdue)" in text


def test_the_paper_as_a_pdf(client, recommendation, viewer):
    client.force_login(viewer)
    response = client.get(reverse("scrutiny_paper_pdf", args=[recommendation.meeting.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_recording_a_rejection_without_reasons_is_refused(client, recommendation, steering_member):
    client.force_login(steering_member)
    response = client.post(
        reverse("recommendation_edit", args=[recommendation.pk]),
        {"reference": "(i)", "text": "Mystery shopping", "response": "rejected"},
    )
    assert "Give the reasons" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.response == "partly_accepted"


# Session, user, role groups, plan; recommendations (meeting, theme), their action links,
# the linked actions (theme, project, latest progress).
SCRUTINY_LIST_QUERIES = 7


@pytest.mark.parametrize("count", [1, 5])
def test_the_scrutiny_list_costs_the_same_queries_for_few_and_many(
    client, plan, action, viewer, django_assert_num_queries, count
):
    for n in range(count):
        rec = make_recommendation(plan, reference=f"({n})")
        RecommendationAction.objects.create(recommendation=rec, action=action)
    client.force_login(viewer)
    client.get(reverse("scrutiny_list", args=[plan.slug]))
    with django_assert_num_queries(SCRUTINY_LIST_QUERIES):
        response = client.get(reverse("scrutiny_list", args=[plan.slug]))
    assert len(response.context["meetings"]) == count


def test_a_member_adds_a_meeting_and_a_recommendation(client, plan, steering_member):
    client.force_login(steering_member)
    response = client.post(
        reverse("meeting_add", args=[plan.slug]),
        {"body": "Overview & Scrutiny Committee", "title": "Customer Services Review"},
    )
    meeting = ScrutinyMeeting.objects.get()
    assert response.url == reverse("recommendation_add", args=[meeting.pk])
    fields = {"reference": "(iii)", "text": "Re-introduce the award scheme", "response": "accepted"}
    client.post(reverse("recommendation_add", args=[meeting.pk]), fields)
    again = client.post(reverse("recommendation_add", args=[meeting.pk]), fields)
    assert "already has a recommendation with this reference" in again.content.decode()
    assert meeting.recommendations.get().history.get().history_user == steering_member
