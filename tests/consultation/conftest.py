"""Small builders for consultation and scrutiny records."""

from __future__ import annotations

from datetime import date

import pytest

from actionplan.models import Action, Plan
from consultation.models import (
    Exercise,
    Finding,
    FindingAction,
    PublicPage,
    Recommendation,
    ScrutinyMeeting,
)


def make_exercise(plan: Plan, **fields) -> Exercise:
    fields.setdefault("title", "Residents' survey 2004")
    fields.setdefault("method", "residents_survey")
    fields.setdefault("published", True)
    return Exercise.objects.create(organisation_id=plan.organisation_id, plan=plan, **fields)


def make_finding(exercise: Exercise, **fields) -> Finding:
    fields.setdefault("said", "Answer the telephone more quickly")
    fields.setdefault("strength_kind", "percentage")
    fields.setdefault("strength_value", 62)
    fields.setdefault("published", True)
    finding = Finding(exercise=exercise, **fields)
    finding.full_clean()
    finding.save()
    return finding


def link(finding: Finding, action: Action) -> FindingAction:
    return FindingAction.objects.create(finding=finding, action=action)


def make_recommendation(plan: Plan, **fields) -> Recommendation:
    meeting = ScrutinyMeeting.objects.create(
        plan=plan, body="Corporate Governance Scrutiny Committee", title="Customer Services Review"
    )
    fields.setdefault("reference", "(i)")
    fields.setdefault("text", "Review the user satisfaction survey")
    return Recommendation.objects.create(meeting=meeting, **fields)


@pytest.fixture
def exercise(plan) -> Exercise:
    return make_exercise(plan, started_on=date(2004, 6, 1))


@pytest.fixture
def finding(exercise) -> Finding:
    return make_finding(exercise)


@pytest.fixture
def public_page(plan) -> PublicPage:
    return PublicPage.objects.create(plan=plan, you_said_we_did_published=True)
