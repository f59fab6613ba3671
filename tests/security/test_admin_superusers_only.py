"""The administration screens are for site superusers only (finding 3 of the security test).

Steering-group members are staff, but the screens bypass the product's rules: rewriting an
owner's progress update, or django-simple-history's Revert (kept for plan administrators).
They get the sign-in page, never a change form, and a post changes nothing.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from actionplan.models import ProgressUpdate, Status
from actionplan.services import action_record_progress, action_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def update(action, action_owner) -> ProgressUpdate:
    return action_record_progress(
        action=action,
        reported_on=date(2004, 10, 1),
        narrative="Directory drafted, as the owner wrote it",
        user=action_owner,
        status=Status.ON_TRACK,
    )


def _refused(response) -> bool:
    """The admin's sign-in page (a redirect to it, or the page itself), or a 403."""
    if response.status_code == 302:
        return response["Location"].startswith(reverse("admin:login"))
    return response.status_code == 403


def test_a_steering_member_gets_the_sign_in_page_not_a_progress_change_form(
    client, update, steering_member
):
    client.force_login(steering_member)
    url = reverse("admin:actionplan_progressupdate_change", args=[update.pk])
    assert _refused(client.get(url))
    response = client.post(url, {"narrative": "Rewritten by someone else", "status": "deleted"})
    assert _refused(response)
    update.refresh_from_db()
    assert update.narrative == "Directory drafted, as the owner wrote it"


def test_a_steering_member_cannot_use_simple_history_s_revert(client, action, steering_member):
    first = action.history.earliest()
    action.description = "Changed since"
    action_save(action=action, user=None, reason="test")
    client.force_login(steering_member)
    url = reverse("admin:actionplan_action_simple_history", args=[action.pk, first.history_id])
    assert _refused(client.get(url))
    assert _refused(client.post(url, {}))
    action.refresh_from_db()
    assert action.description == "Changed since"


def test_a_steering_member_sees_no_administration_index(client, steering_member):
    client.force_login(steering_member)
    assert _refused(client.get(reverse("admin:index")))
    page = client.get(reverse("admin:index"), follow=True).content.decode()
    assert "not authorized to access this page" in page


def test_a_superuser_still_uses_the_change_form_and_the_revert(client, update, plan_admin):
    client.force_login(plan_admin)
    url = reverse("admin:actionplan_progressupdate_change", args=[update.pk])
    assert client.get(url).status_code == 200
    action = update.action
    first = action.history.earliest()
    revert = reverse("admin:actionplan_action_simple_history", args=[action.pk, first.history_id])
    assert client.get(revert).status_code == 200
