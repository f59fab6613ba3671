"""The plan dashboard: the steering group's meeting view of one plan."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from actionplan.access import (
    can_change_plan_settings,
    can_manage_plans,
    is_archived,
    plan_for_user,
)
from actionplan.dashboard import build_dashboard
from consultation.dashboard import consultation_panel
from standards.cse_dashboard import cse_panel
from standards.dashboard import standards_panel


@login_required
def plan_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    dashboard = build_dashboard(plan, today=timezone.localdate())
    return render(
        request,
        "actionplan/dashboard/plan.html",
        {
            "plan": plan,
            "dashboard": dashboard,
            "can_manage": can_manage_plans(request.user, plan),
            "can_change_settings": can_change_plan_settings(request.user, plan),
            "is_archived": is_archived(plan),
            "cse_panel": cse_panel(plan),
            "nav_section": "plans",
            "consultation_panel": consultation_panel(plan, timezone.localdate()),
            "standards_panel": standards_panel(plan, timezone.localdate()),
        },
    )
