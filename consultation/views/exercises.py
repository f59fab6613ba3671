"""A plan's consultation exercises: the list, one exercise, adding and editing, the public page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from actionplan.access import can_manage_plans, plan_for_user
from actionplan.conflicts import EditConflict
from consultation import services
from consultation.access import exercise_for_user
from consultation.forms import ExerciseForm, PublicPageForm
from consultation.models import Exercise, Finding, PublicPage


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@login_required
def consultation_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    exercises = plan.consultations.annotate(
        finding_count=Count("findings", distinct=True),
        unanswered_count=Count(
            "findings", filter=Q(findings__finding_actions__isnull=True), distinct=True
        ),
    ).order_by("started_on", "title")
    public_page = PublicPage.objects.filter(plan=plan).first()
    context = {
        "plan": plan,
        "exercises": exercises,
        "is_public": bool(public_page and public_page.you_said_we_did_published),
        "can_edit": can_manage_plans(request.user, plan),
        "nav_section": "plans",
    }
    return render(request, "consultation/list.html", context)


@login_required
def exercise_add(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    form = ExerciseForm(
        _posted(request), instance=Exercise(plan=plan, organisation_id=plan.organisation_id)
    )
    if form.is_valid():
        exercise = services.exercise_save(exercise=form.instance, user=request.user)
        messages.success(request, f"Consultation exercise “{exercise.title}” added.")
        return redirect("exercise_detail", pk=exercise.pk)
    context = {"form": form, "plan": plan, "exercise": None, "nav_section": "plans"}
    return render(request, "consultation/exercise_form.html", context)


@login_required
def exercise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = exercise_for_user(request.user, pk, manage=True).obj
    name = exercise.title
    form = ExerciseForm(_posted(request), instance=exercise)
    if form.is_valid():
        try:
            services.exercise_save(exercise=form.instance, user=request.user, base=form.base)
        except EditConflict as conflict:
            form.show_conflict(conflict)
        else:
            messages.success(request, f"Consultation exercise “{exercise.title}” saved.")
            return redirect("exercise_detail", pk=exercise.pk)
    context = {
        "form": form,
        "plan": exercise.plan,
        "exercise": exercise,
        "exercise_name": name,
        "nav_section": "plans",
    }
    return render(request, "consultation/exercise_form.html", context)


@login_required
def exercise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = exercise_for_user(request.user, pk)
    exercise = access.obj
    findings = Finding.objects.filter(exercise=exercise).with_links()
    context = {
        "plan": exercise.plan,
        "exercise": exercise,
        "findings": findings,
        "can_edit": access.can_edit,
        "nav_section": "plans",
    }
    return render(request, "consultation/exercise_detail.html", context)


@login_required
def public_page_edit(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    page = PublicPage.objects.filter(plan=plan).first() or PublicPage(plan=plan)
    form = PublicPageForm(_posted(request), instance=page)
    if form.is_valid():
        try:
            services.public_page_save(page=form.instance, user=request.user, base=form.base)
        except EditConflict as conflict:
            form.show_conflict(conflict)
        else:
            state = "public" if page.you_said_we_did_published else "not public"
            messages.success(request, f"The “you said, we did” page is {state}.")
            return redirect("consultation_list", slug=plan.slug)
    context = {"form": form, "plan": plan, "nav_section": "plans"}
    return render(request, "consultation/public_page_form.html", context)
