"""Sentences the dashboard and the round pages compute, true at zero, one and many."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from actionplan.models import Status
from actionplan.rounds import RoundProgress
from actionplan.services import action_record_progress
from tests.conftest import make_action


def _page(client, plan) -> str:
    return client.get(reverse("plan_dashboard", args=[plan.slug])).content.decode()


def _said(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', page)
    assert found, element_id
    return found.group(1)


def test_an_empty_plan_says_it_has_no_actions_and_nothing_is_awaited(client, plan, steering_member):
    client.force_login(steering_member)
    page = _page(client, plan)
    assert _said(page, "plan-sentence") == "There are no actions in this plan."
    assert _said(page, "all-updated") == "No action is open, so none is awaiting an update."
    assert "Every open action" not in page


@pytest.mark.parametrize("count", [1, 3])
def test_when_every_open_action_is_updated_the_dashboard_counts_them(
    client, plan, project, steering_member, count
):
    for _ in range(count):
        action = make_action(project, target="Ongoing")
        action_record_progress(
            action=action,
            reported_on=date.today(),
            narrative="Done this week",
            status=Status.ON_TRACK,
            user=steering_member,
        )
    make_action(project, target="Ongoing", status=Status.COMPLETED, completed_on=date(2026, 1, 5))
    client.force_login(steering_member)
    page = _page(client, plan)
    expected = (
        "The one open action has an update since"
        if count == 1
        else f"Each of the {count} open actions has an update since"
    )
    assert _said(page, "all-updated").startswith(expected)
    noun = "action" if count + 1 == 1 else "actions"
    assert _said(page, "plan-sentence").startswith(f"Of {count + 1} {noun},")


@pytest.mark.parametrize(
    ("progress", "said"),
    [
        (RoundProgress(asked=0, answered=0), "No actions were asked about in this round."),
        (RoundProgress(asked=1, answered=0), "0 of 1 action has an update; 1 still to come."),
        (RoundProgress(asked=1, answered=1), "1 of 1 action has an update."),
        (
            RoundProgress(asked=5, answered=3, late=1),
            "3 of 5 actions have an update; 1 late; 2 still to come.",
        ),
    ],
)
def test_a_rounds_headline_holds_at_zero_one_and_many(progress, said):
    assert progress.sentence == said
