"""The home page and the pages that are the same for everyone."""

from itertools import groupby

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from actionplan.access import administered_organisations, visible_plans
from actionplan.dashboard import plan_overviews


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's plans, grouped by organisation (most users have one)."""
    plans = (
        visible_plans(request.user)
        .select_related("organisation")
        .order_by("organisation__name", "status", "title")
    )
    overviews = plan_overviews(plans, today=timezone.localdate())
    groups = [
        (organisation, list(rows))
        for organisation, rows in groupby(overviews, key=lambda o: o.plan.organisation)
    ]
    context = {
        "groups": groups,
        "several": len(groups) > 1,
        "administered": list(administered_organisations(request.user).order_by("name")),
        "nav_section": "plans",
    }
    return render(request, "actionplan/home.html", context)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html", {})


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """django-axes' answer to a login while locked out (AXES_LOCKOUT_CALLABLE): HTTP 429."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its token (CSRF_FAILURE_VIEW): the site's own 403 page."""
    return render(request, "403_csrf.html", {}, status=403)
