"""Actions that improve performance against a standard: linked with history, on both pages."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from standards.models import StandardAction
from standards.services import standard_revise


def test_member_links_an_action_and_it_shows_on_both_pages(
    client, steering_member, standards, action
):
    t1 = standards["T1"]
    client.force_login(steering_member)
    response = client.post(
        reverse("standard_action_add", args=[t1.pk]),
        {"action": action.pk, "note": "Directory speeds up answers"},
    )
    assert response.status_code == 302
    link = StandardAction.objects.get()
    assert link.history.get().history_user == steering_member
    detail = client.get(reverse("standard_detail", args=[t1.pk])).content.decode()
    assert "Directory speeds up answers" in detail and str(action) in detail
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    answers = page.split('id="answers"')[1].split("Progress</h2>")[0]
    assert "Service standards</h3>" in answers
    assert "T1 Answering the telephone</a>: We will answer 90% of calls" in answers


def test_linking_the_same_action_twice_is_refused_with_a_message(
    client, steering_member, standards, action
):
    client.force_login(steering_member)
    url = reverse("standard_action_add", args=[standards["T1"].pk])
    client.post(url, {"action": action.pk})
    response = client.post(url, {"action": action.pk}, follow=True)
    assert "already linked" in response.content.decode()
    assert StandardAction.objects.count() == 1


def test_unlinking_keeps_the_link_in_history(client, steering_member, standards, action):
    link = StandardAction.objects.create(standard=standards["T1"], action=action)
    client.force_login(steering_member)
    client.post(reverse("standard_action_remove", args=[link.pk]))
    assert not StandardAction.objects.exists()
    assert link.history.latest().history_type == "-"


def test_a_revision_carries_the_links_to_the_new_version(standards, action):
    StandardAction.objects.create(standard=standards["T1"], action=action, note="Helps")
    new = standard_revise(
        standard=standards["T1"],
        changes={},
        effective_from=date(2027, 1, 1),
        user=None,
        reason="New year",
    )
    assert new.action_links.get().note == "Helps"


def test_action_page_without_links_says_so(client, viewer, action):
    client.force_login(viewer)
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "This action is not linked to any service standard." in page
