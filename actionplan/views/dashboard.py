"""The plan dashboard: the steering group's meeting view of one plan."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from actionplan import extensions
from actionplan.access import (
    can_change_plan_settings,
    can_manage_plans,
    is_archived,
    plan_for_user,
)
from actionplan.dashboard import build_dashboard
from actionplan.models import Plan
from actionplan.pagecache import plan_fragment


def _dashboard_body(plan: Plan, today: date) -> str:
    """The figures, lists and panels, rendered: the same for everyone who may see the plan."""
    context = {
        "plan": plan,
        "dashboard": build_dashboard(plan, today=today),
        "after_watch": extensions.render_slot(
            extensions.DASHBOARD_AFTER_WATCH, plan=plan, today=today
        ),
        "panels": extensions.render_slot(extensions.DASHBOARD_END, plan=plan, today=today),
    }
    return render_to_string("actionplan/dashboard/_body.html", context)


@login_required
def plan_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    today = timezone.localdate()
    body = plan_fragment(
        plan, "dashboard", (today.isoformat(),), lambda: _dashboard_body(plan, today)
    )
    return render(
        request,
        "actionplan/dashboard/plan.html",
        {
            "plan": plan,
            "body": body,
            "can_manage": can_manage_plans(request.user, plan),
            "can_change_settings": can_change_plan_settings(request.user, plan),
            "is_archived": is_archived(plan),
            "nav_section": "plans",
        },
    )
