"""When an open action is "awaiting update": one rule for the dashboard, browser and home page.

While the plan has an open update round, an action awaits an update until one is reported on
or after the day the round opened. Otherwise it awaits one when none has been reported in the
plan's `awaiting_update_days` (or the site's ACTIONPLAN_AWAITING_UPDATE_DAYS).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from actionplan.models import Plan, UpdateRound

# Set on plans read through Plan.objects.with_open_round(), as access.visible_plans reads them.
OPENED_AT = "open_round_opened_at"


def _since(plan: Plan, round_opened_at: datetime | None, today: date) -> date:
    if round_opened_at is not None:
        return timezone.localdate(round_opened_at)
    return today - timedelta(
        days=plan.awaiting_update_days or settings.ACTIONPLAN_AWAITING_UPDATE_DAYS
    )


def awaiting_since_by_plan(plans: Sequence[Plan], today: date) -> dict[int, date]:
    """Plan id → the day from which an update stops an open action of the plan awaiting one.

    One query for all the plans, to find their open rounds; none when every plan was read with
    Plan.objects.with_open_round(), so pages whose plans come from access.py spend no query.
    """
    opened = {plan.pk: getattr(plan, OPENED_AT) for plan in plans if hasattr(plan, OPENED_AT)}
    unread = [plan.pk for plan in plans if plan.pk not in opened]
    if unread:
        rounds = UpdateRound.objects.open().filter(plan__in=unread)
        opened |= dict(rounds.values_list("plan_id", "opened_at"))
    return {plan.pk: _since(plan, opened.get(plan.pk), today) for plan in plans}


def awaiting_since(plan: Plan, today: date) -> date:
    return awaiting_since_by_plan([plan], today)[plan.pk]
