"""The dashboard's consultation sentence is true with no findings, one and many."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import make_action
from tests.consultation.conftest import link, make_exercise, make_finding


def _sentence(client, plan) -> str:
    page = client.get(reverse("plan_dashboard", args=[plan.slug])).content.decode()
    found = re.search(r'id="findings-sentence">([^<]*)<', page)
    assert found, "the dashboard says nothing about the findings"
    return found.group(1)


def test_a_plan_with_no_findings_does_not_claim_every_finding_is_answered(
    client, plan, steering_member
):
    client.force_login(steering_member)
    sentence = _sentence(client, plan)
    assert sentence == "No consultation findings are recorded for this plan yet."
    assert "Every" not in sentence


@pytest.mark.parametrize(
    ("findings", "answered", "said"),
    [
        (1, 1, "The one consultation finding has a responding action."),
        (1, 0, "1 of 1 consultation finding has no responding action."),
        (3, 3, "Each of the 3 consultation findings has at least one responding action."),
        (3, 2, "1 of 3 consultation findings has no responding action."),
        (3, 0, "3 of 3 consultation findings have no responding action."),
    ],
)
def test_the_findings_sentence_counts_what_the_database_holds(
    client, plan, project, steering_member, findings, answered, said
):
    exercise = make_exercise(plan)
    action = make_action(project)
    for n in range(findings):
        finding = make_finding(exercise, said=f"Finding {n}")
        if n < answered:
            link(finding, action)
    client.force_login(steering_member)
    assert _sentence(client, plan) == said
