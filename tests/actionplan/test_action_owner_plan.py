"""Every action-owner link carries its action's plan, whichever way it was written: the plan
browser's owner filter lists the owners a plan uses from the links of that plan alone."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import F, OuterRef, Subquery

from actionplan.importing.apply import import_apply
from actionplan.models import Action, ActionOwner, Plan
from actionplan.plan_setup import PlanDetails, plan_next_version
from actionplan.services import action_revert, action_set_owners
from actionplan.synthetic import build_plan
from tests.actionplan.import_files import edited
from tests.actionplan.test_import_roundtrip import exported
from tests.conftest import home_council

pytestmark = pytest.mark.django_db


def links_off_their_plan() -> list[int]:
    """Links, and history rows of links, whose plan is not their action's."""
    action_plan = Subquery(Action.objects.filter(pk=OuterRef("action_id")).values("plan_id")[:1])
    current = ActionOwner.objects.exclude(plan_id=F("action__plan_id"))
    recorded = ActionOwner.history.annotate(action_plan=action_plan).exclude(
        plan_id=F("action_plan")
    )
    return list(current.values_list("pk", flat=True)) + list(
        recorded.values_list("history_id", flat=True)
    )


def test_links_set_through_the_services_and_a_revert_carry_the_plan(action, people):
    assert ActionOwner.objects.filter(action=action).count() == 2
    first = action.history.order_by("history_date").first()
    action_set_owners(action=action, owners=[people["PW"]], user=None, reason="test")
    action_revert(action=action, history_id=first.history_id, user=None)
    assert ActionOwner.objects.filter(action=action, plan=action.plan).exists()
    assert links_off_their_plan() == []


def test_links_written_by_an_import_carry_the_plan(plan, project, action, people):
    def add_row(ws, col):
        row = [None] * len(col)
        row[col["Theme id"] - 1] = action.theme_id
        row[col["Project id"] - 1] = project.pk
        row[col["Action"] - 1] = "Train reception staff"
        row[col["Owners as written"] - 1] = "PW"
        ws.append(row)

    result = import_apply(
        plan=plan, filename="plan.xlsx", data=edited(exported(plan), add_row), user=None
    )
    assert result.created == 1
    new = Action.objects.get(description="Train reception staff")
    assert list(ActionOwner.objects.filter(action=new).values_list("plan_id", flat=True)) == [
        plan.pk
    ]
    assert links_off_their_plan() == []


def test_links_carried_to_the_next_version_carry_the_new_plan(plan, action):
    details = PlanDetails(
        title="Customer Service Action Plan",
        slug="test-plan-2",
        version_label="2",
        adopted_on=date(2006, 1, 1),
    )
    new_plan = plan_next_version(previous=plan, details=details, user=None).plan
    carried = ActionOwner.objects.filter(action__plan=new_plan)
    assert carried.count() == 2
    assert set(carried.values_list("plan_id", flat=True)) == {new_plan.pk}
    assert links_off_their_plan() == []


def test_synthetic_plans_links_carry_the_plan(db):
    built = build_plan(organisation=home_council(), slug="synthetic", themes=1)
    assert ActionOwner.objects.filter(plan=built).exists()
    assert not ActionOwner.objects.exclude(plan=built).filter(action__plan=built).exists()
    assert Plan.objects.count() == 1
