"""The home page and the pages that are the same for everyone."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from actionplan.access import visible_plans
from actionplan.dashboard import plan_overviews


@login_required
def home(request: HttpRequest) -> HttpResponse:
    plans = visible_plans(request.user).order_by("status", "title")
    overviews = plan_overviews(plans, today=timezone.localdate())
    return render(request, "actionplan/home.html", {"overviews": overviews, "nav_section": "plans"})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html", {})
