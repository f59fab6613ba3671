"""The demo consultation and scrutiny records transcribed from seeds 000 and 002."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from consultation.models import Exercise, Finding, FindingAction, Recommendation

SEED_002_I = (
    "That Customer Services Department review the value and process of the user satisfaction "
    "survey undertaken by Customer Services Officers after each interaction."
)


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_seed_000s_exercises_and_four_key_topics_are_loaded(demo):
    plan_exercises = Exercise.objects.filter(plan__slug="occ-customer-service-2004")
    assert plan_exercises.count() == 11
    assert plan_exercises.get(method="member_seminar").started_on.isoformat() == "2004-11-12"
    topics = Finding.objects.filter(strength_as_written="strongly supported")
    assert [f.said.split(":")[0].split(",")[0] for f in topics] == [
        "Information management",
        "Improved access",
        "Staff skills and corporate standards for customer service",
        "Increase awareness of customer service issues in the Council",
    ]
    assert not Finding.objects.without_responding_action().exists()


def test_seed_002s_recommendations_are_word_for_word_and_awaiting_response(demo):
    recommendations = Recommendation.objects.order_by("position")
    assert [r.reference for r in recommendations][:3] == ["(i)", "(ii)", "(iii)"]
    assert recommendations.count() == 11
    assert recommendations[0].text.startswith(SEED_002_I)
    assert recommendations[0].theme_heading == "Customer Services Performance"
    assert recommendations.get(reference="(x)").theme_heading == "Customer Care"
    assert set(recommendations.values_list("response", flat=True)) == {"awaiting"}


def test_loading_the_demo_again_changes_nothing(demo):
    counts = (Exercise.objects.count(), Finding.objects.count(), FindingAction.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert counts == (
        Exercise.objects.count(),
        Finding.objects.count(),
        FindingAction.objects.count(),
    )


def test_the_demo_public_page_is_public_with_content(client, demo):
    response = client.get(
        reverse("you_said_we_did", args=["oxfordshire", "occ-customer-service-2004"])
    )
    assert "Improved access" in response.content.decode()
