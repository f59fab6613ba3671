"""The public "you said, we did" page of a plan: no sign-in, only what is published."""

from __future__ import annotations

from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from actionplan.access import visible_plans
from actionplan.models import Plan, PlanStatus
from actionplan.pagecache import plan_fragment
from consultation.models import Finding, PublicPage


def _you_said_we_did_body(plan: Plan, introduction: str) -> str:
    """The findings and what the plan does about them, rendered: the same for every reader."""
    findings = (
        Finding.objects.for_plan(plan)
        .published()
        .with_links()
        .order_by("exercise__started_on", "exercise__title", "exercise__pk", "position", "pk")
    )
    exercises = [
        (exercise, list(rows)) for exercise, rows in groupby(findings, key=lambda f: f.exercise)
    ]
    context = {"plan": plan, "introduction": introduction, "exercises": exercises}
    return render_to_string("consultation/_you_said_we_did_body.html", context)


def you_said_we_did(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    """Published findings of published exercises, with their actions' current status.

    The address names the organisation and its plan. When the page is switched off (or the
    plan is a draft, or its organisation has its public pages off) it does not exist for the
    public; people with a role on the plan see a preview, marked as such.
    """
    plan = get_object_or_404(
        Plan.objects.exclude(status=PlanStatus.DRAFT).select_related("organisation"),
        organisation__slug=org,
        slug=slug,
    )
    page = PublicPage.objects.filter(plan=plan).first()
    is_public = bool(page and page.you_said_we_did_published and plan.organisation.public_pages)
    if not is_public and not (
        request.user.is_authenticated and visible_plans(request.user).filter(pk=plan.pk).exists()
    ):
        raise Http404("No such page.")
    introduction = page.introduction if page else ""
    # Cached under the plan's stamp (findings, their actions' progress, the page's settings).
    body = plan_fragment(
        plan, "you-said-we-did", (), lambda: _you_said_we_did_body(plan, introduction)
    )
    context = {"plan": plan, "is_preview": not is_public, "body": body}
    return render(request, "consultation/you_said_we_did.html", context)
