"""When an open action is awaiting an update: the plan's period, or since an open round opened."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from actionplan.awaiting import awaiting_since, awaiting_since_by_plan
from actionplan.models import Plan
from tests.conftest import home_council, make_open_round

TODAY = date(2005, 1, 20)
OPENED_AT = datetime(2005, 1, 10, 9, 30, tzinfo=timezone.get_default_timezone())


def test_without_a_round_an_update_is_awaited_after_the_plans_own_period(plan, settings):
    settings.ACTIONPLAN_AWAITING_UPDATE_DAYS = 90
    assert awaiting_since(plan, TODAY) == TODAY - timedelta(days=90)
    plan.awaiting_update_days = 5
    assert awaiting_since(plan, TODAY) == date(2005, 1, 15)


def test_while_a_round_is_open_an_update_is_awaited_since_the_day_it_opened(plan):
    plan.awaiting_update_days = 5
    make_open_round(plan, opened_at=OPENED_AT)
    assert awaiting_since(plan, TODAY) == date(2005, 1, 10)


def test_a_closed_round_no_longer_decides(plan):
    plan.awaiting_update_days = 5
    update_round = make_open_round(plan, opened_at=OPENED_AT)
    update_round.closed_at = OPENED_AT + timedelta(days=5)
    update_round.save()
    assert awaiting_since(plan, TODAY) == date(2005, 1, 15)


def test_every_plan_is_answered_in_one_query_or_none_when_read_with_its_round(
    plan, django_assert_num_queries
):
    other = Plan.objects.create(slug="other", title="Other", organisation=home_council())
    make_open_round(plan, opened_at=OPENED_AT)
    with django_assert_num_queries(1):
        found = awaiting_since_by_plan([plan, other], TODAY)
    assert found[plan.pk] == date(2005, 1, 10)
    plans = list(Plan.objects.with_open_round())
    with django_assert_num_queries(0):
        assert awaiting_since_by_plan(plans, TODAY) == found
