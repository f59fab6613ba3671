"""Scrutiny recommendations: the list, one recommendation, its response, actions, report-back."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from actionplan.access import can_manage_plans, plan_for_user, require, visible_plans
from actionplan.conflicts import EditConflict
from actionplan.forms import add_model_errors
from consultation import paper, services
from consultation.access import CHANGE_REFUSED, recommendation_for_user
from consultation.forms import MeetingForm, RecommendationForm, ReportedBackForm
from consultation.models import Recommendation, ScrutinyMeeting
from consultation.views.links import link_form, link_posted, unlink_posted


def _by_meeting(recommendations) -> list[tuple[ScrutinyMeeting, list[Recommendation]]]:
    grouped = groupby(recommendations, key=lambda r: r.meeting)
    return [(meeting, list(rows)) for meeting, rows in grouped]


@login_required
def scrutiny_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    recommendations = (
        Recommendation.objects.for_plan(plan)
        .with_links()
        .order_by("-meeting__meeting_date", "meeting__pk", "position", "pk")
    )
    context = {
        "plan": plan,
        "meetings": _by_meeting(recommendations),
        "today": timezone.localdate(),
        "can_edit": can_manage_plans(request.user, plan),
        "nav_section": "plans",
    }
    return render(request, "consultation/scrutiny_list.html", context)


@login_required
def meeting_add(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    form = MeetingForm(request.POST or None, instance=ScrutinyMeeting(plan=plan))
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_save(meeting=form.instance, user=request.user)
        messages.success(request, f"{meeting} added. Now add its recommendations.")
        return redirect("recommendation_add", pk=meeting.pk)
    context = {"form": form, "plan": plan, "nav_section": "plans"}
    return render(request, "consultation/meeting_form.html", context)


@login_required
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_user(request.user, pk)
    require(can_manage_plans(request.user, meeting.plan), CHANGE_REFUSED)
    recommendation = Recommendation(meeting=meeting, position=meeting.recommendations.count() + 1)
    form = RecommendationForm(request.POST or None, instance=recommendation, plan=meeting.plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_save(recommendation=form.instance, user=request.user)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, f"Recommendation {recommendation.reference} added.")
            return redirect("scrutiny_list", slug=meeting.plan.slug)
    context = {
        "form": form,
        "recommendation": None,
        "meeting": meeting,
        "plan": meeting.plan,
        "nav_section": "plans",
    }
    return render(request, "consultation/recommendation_form.html", context)


@login_required
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = recommendation_for_user(request.user, pk)
    recommendation = Recommendation.objects.with_links().get(pk=access.obj.pk)
    plan = recommendation.meeting.plan
    today = timezone.localdate()
    context = {
        "recommendation": recommendation,
        "meeting": recommendation.meeting,
        "plan": plan,
        "links": recommendation.recommendation_actions.all(),
        "is_overdue": recommendation.is_report_back_overdue(today),
        "today": today,
        "link_form": link_form(request, plan) if access.can_edit else None,
        "can_mark_reported_back": access.can_edit
        and recommendation.reported_back_on is None
        and bool(recommendation.report_back_due or recommendation.report_back_as_written),
        "reported_back_form": ReportedBackForm(),
        "search": request.GET.get("q", "").strip(),
        "link_url": reverse("recommendation_link_action", args=[recommendation.pk]),
        "unlink_name": "recommendation_unlink_action",
        "owner_pk": recommendation.pk,
        "can_edit": access.can_edit,
        "nav_section": "plans",
    }
    return render(request, "consultation/recommendation_detail.html", context)


@login_required
def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = recommendation_for_user(request.user, pk, manage=True).obj
    plan = recommendation.meeting.plan
    form = RecommendationForm(request.POST or None, instance=recommendation, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_save(
                recommendation=form.instance, user=request.user, base=form.base
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, f"Recommendation {recommendation.reference} saved.")
            return redirect("recommendation_detail", pk=recommendation.pk)
    context = {
        "form": form,
        "recommendation": recommendation,
        "meeting": recommendation.meeting,
        "plan": plan,
        "nav_section": "plans",
    }
    return render(request, "consultation/recommendation_form.html", context)


@login_required
@require_POST
def recommendation_link_action(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = recommendation_for_user(request.user, pk, manage=True).obj
    return link_posted(
        request,
        recommendation.meeting.plan,
        lambda action: services.recommendation_link_action(
            recommendation=recommendation, action=action, user=request.user
        ),
        reverse("recommendation_detail", args=[recommendation.pk]),
    )


@login_required
@require_POST
def recommendation_unlink_action(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    recommendation = recommendation_for_user(request.user, pk, manage=True).obj
    return unlink_posted(
        request,
        action_pk,
        lambda action: services.recommendation_unlink_action(
            recommendation=recommendation, action=action, user=request.user
        ),
        reverse("recommendation_detail", args=[recommendation.pk]),
    )


@login_required
@require_POST
def recommendation_reported_back(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = recommendation_for_user(request.user, pk, manage=True).obj
    form = ReportedBackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the report-back date as a date, for example 18/11/2004.")
    else:
        try:
            services.recommendation_mark_reported_back(
                recommendation=recommendation,
                on=form.cleaned_data["reported_back_on"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"Recommendation {recommendation.reference} marked as reported back."
            )
    return redirect("recommendation_detail", pk=recommendation.pk)


def _meeting_for_user(user, pk: int) -> ScrutinyMeeting:
    meeting = get_object_or_404(ScrutinyMeeting.objects.select_related("plan"), pk=pk)
    get_object_or_404(visible_plans(user), pk=meeting.plan_id)
    return meeting


@login_required
def scrutiny_paper(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_user(request.user, pk)
    context = paper.paper_context(meeting, today=timezone.localdate()) | {
        "pdf_url": reverse("scrutiny_paper_pdf", args=[meeting.pk]),
        "back_url": reverse("scrutiny_list", args=[meeting.plan.slug]),
    }
    return render(request, paper.PAPER_TEMPLATE, context)


@login_required
def scrutiny_paper_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_user(request.user, pk)
    pdf = paper.render_paper_pdf(meeting, today=timezone.localdate())
    response = HttpResponse(pdf, "application/pdf")
    filename = f"{meeting.plan.slug}-scrutiny-report-back-{timezone.localdate():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
