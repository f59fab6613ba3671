"""Builders for the CSE tests: the standard's reference rows and a steering group's records."""

from __future__ import annotations

from datetime import date

import pytest

from actionplan.models import Action, Plan
from standards.cse.models import Criterion, Evidence, SubCriterion
from standards.cse.reference import cse_reference_load
from standards.cse.services import RatingInput, cse_assessment_record, cse_evidence_save


@pytest.fixture
def cse(db) -> dict[str, SubCriterion]:
    """The standard's sub-criteria by reference (the data migration loads them; tests that
    empty the database need them again)."""
    cse_reference_load()
    return {sub.reference: sub for sub in SubCriterion.objects.select_related("criterion")}


@pytest.fixture
def criteria(cse) -> dict[str, Criterion]:
    return {c.reference: c for c in Criterion.objects.all()}


def record_evidence(
    plan: Plan,
    subs: list[SubCriterion],
    *,
    title: str = "Reception survey results",
    actions: list[Action] = (),
    user=None,
) -> Evidence:
    return cse_evidence_save(
        evidence=Evidence(
            plan=plan,
            title=title,
            text="Survey drafted, consulted and run.",
            dated=date(2010, 10, 1),
        ),
        sub_criteria=subs,
        actions=list(actions),
        user=user,
        reason="test",
    )


def rate(plan: Plan, ratings: dict[SubCriterion, str], *, on: date = date(2010, 10, 31), user=None):
    return cse_assessment_record(
        plan=plan,
        assessed_on=on,
        kind="self",
        ratings={sub: RatingInput(compliance=value) for sub, value in ratings.items()},
        user=user,
    )
