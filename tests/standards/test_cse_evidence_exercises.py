"""CSE evidence links only its own plan's consultation exercises (finding 8 of the security
test): another plan's exercise, perhaps of a draft plan, would show its title to this plan's
viewers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplan.models import Plan
from consultation.models import Exercise
from standards.cse.models import Evidence, EvidenceExercise
from standards.cse.services import cse_evidence_save
from tests.conftest import home_council

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_exercise(db) -> Exercise:
    draft = Plan.objects.create(
        slug="draft", title="Restructure", organisation=home_council(), status="draft"
    )
    return Exercise.objects.create(
        organisation=home_council(), plan=draft, title="Staff cuts survey", method="other"
    )


@pytest.fixture
def own_exercise(plan) -> Exercise:
    return Exercise.objects.create(
        organisation=home_council(), plan=plan, title="Residents' survey", method="other"
    )


def _post(client, plan, cse, exercise):
    return client.post(
        reverse("cse_evidence_add", args=[plan.slug]),
        {
            "title": "Survey",
            "text": "Run in 2010",
            "dated": "01/10/2010",
            "sub_criteria": [cse["1.1"].pk],
            "exercises": [exercise.pk],
        },
    )


def test_the_evidence_form_offers_only_this_plan_s_exercises(
    client, steering_member, plan, cse, own_exercise, secret_exercise
):
    client.force_login(steering_member)
    page = client.get(reverse("cse_evidence_add", args=[plan.slug])).content.decode()
    assert "Residents&#x27; survey" in page
    assert "Staff cuts survey" not in page


def test_posting_another_plan_s_exercise_is_refused_and_shows_nowhere(
    client, steering_member, viewer, plan, cse, own_exercise, secret_exercise
):
    client.force_login(steering_member)
    response = _post(client, plan, cse, secret_exercise)
    assert response.status_code == 200
    assert not Evidence.objects.exists()
    client.force_login(viewer)
    listing = client.get(reverse("cse_evidence_list", args=[plan.slug])).content.decode()
    assert "Staff cuts survey" not in listing


def test_this_plan_s_exercise_is_linked(client, steering_member, plan, cse, own_exercise):
    client.force_login(steering_member)
    assert _post(client, plan, cse, own_exercise).status_code == 302
    assert EvidenceExercise.objects.get().exercise == own_exercise


def test_the_service_refuses_another_plan_s_exercise(plan, cse, secret_exercise):
    with pytest.raises(ValidationError):
        cse_evidence_save(
            evidence=Evidence(plan=plan, title="Survey", text="Run", dated="2010-10-01"),
            sub_criteria=[cse["1.1"]],
            exercises=[secret_exercise],
            user=None,
            reason="test",
        )
    assert not EvidenceExercise.objects.exists()
