"""The CSE pages of a plan: coverage, the plan by criterion, evidence, assessments, mapping.

Anyone with a role on the plan reads them (404 for plans they may not see); steering-group
members and plan administrators record evidence and assessments and map themes (403 for the
others). Writes go through standards/cse/services.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from actionplan.access import (
    action_for_user,
    can_manage_plans,
    plan_for_user,
    require,
    visible_plans,
)
from actionplan.conflicts import EditConflict
from actionplan.forms import add_model_errors
from actionplan.models import Action, Plan
from standards.cse import services as cse_services
from standards.cse.coverage import build_coverage, latest_assessment
from standards.cse.forms import ActionCriteriaForm, AssessmentForm, EvidenceForm, MappingForm
from standards.cse.models import (
    Criterion,
    Evidence,
    EvidenceAction,
    EvidenceExercise,
    EvidenceStandard,
    EvidenceSubCriterion,
    Rating,
    SubCriterion,
)

CHANGE_REFUSED = (
    "Only steering-group members and plan administrators can change the Customer Service "
    "Excellence self-assessment."
)


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _coverage_url(plan: Plan, anchor: str = "") -> str:
    url = reverse("cse_coverage", args=[plan.slug])
    return f"{url}#{anchor}" if anchor else url


def _context(plan: Plan, **extra) -> dict:
    return {"plan": plan, "nav_section": "plans", **extra}


# Reading -------------------------------------------------------------------------------------


@login_required
def cse_coverage(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    coverage = build_coverage(plan)
    context = _context(
        plan,
        coverage=coverage,
        chart=coverage.chart(),
        can_edit=can_manage_plans(request.user, plan),
    )
    return render(request, "standards/cse/coverage.html", context)


@login_required
def cse_by_criterion(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    context = _context(
        plan, coverage=build_coverage(plan), can_edit=can_manage_plans(request.user, plan)
    )
    return render(request, "standards/cse/by_criterion.html", context)


def _evidence_page_queryset():
    """Evidence with everything it links to, in five queries whatever the number of items."""
    return Evidence.objects.prefetch_related(
        Prefetch(
            "sub_criterion_links",
            EvidenceSubCriterion.objects.select_related("sub_criterion"),
        ),
        Prefetch(
            "action_links",
            EvidenceAction.objects.select_related("action__theme", "action__project"),
        ),
        Prefetch("standard_links", EvidenceStandard.objects.select_related("standard")),
        Prefetch("exercise_links", EvidenceExercise.objects.select_related("exercise")),
    )


@login_required
def cse_evidence_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    items = _evidence_page_queryset().filter(plan=plan)
    sub, sub_id = None, request.GET.get("sub", "")
    if sub_id.isdigit():
        sub = get_object_or_404(SubCriterion, pk=sub_id)
        items = items.filter(sub_criterion_links__sub_criterion=sub)
    context = _context(
        plan, evidence=list(items), sub=sub, can_edit=can_manage_plans(request.user, plan)
    )
    return render(request, "standards/cse/evidence_list.html", context)


# Evidence ------------------------------------------------------------------------------------


def _save_evidence(request: HttpRequest, form: EvidenceForm, *, reason: str) -> Evidence | None:
    try:
        return cse_services.cse_evidence_save(
            evidence=form.instance,
            sub_criteria=list(form.cleaned_data["sub_criteria"]),
            actions=list(form.cleaned_data["actions"]),
            standards=list(form.cleaned_data.get("standards", [])),
            exercises=list(form.cleaned_data.get("exercises", [])),
            user=request.user,
            reason=reason,
            base=form.base,
        )
    except EditConflict as conflict:
        form.show_conflict(conflict)
        return None
    except ValidationError as error:
        add_model_errors(form, error)
        return None


@login_required
def cse_evidence_add(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    initial = {}
    sub = request.GET.get("sub", "")
    if sub.isdigit():
        initial["sub_criteria"] = [int(sub)]
    form = EvidenceForm(_posted(request), instance=Evidence(plan=plan), plan=plan, initial=initial)
    if form.is_valid():
        evidence = _save_evidence(request, form, reason="CSE evidence recorded")
        if evidence is not None:
            messages.success(request, f"Evidence “{evidence.title}” recorded.")
            return redirect(_coverage_url(plan))
    context = _context(plan, form=form, evidence_title="")
    return render(request, "standards/cse/evidence_form.html", context)


@login_required
def cse_evidence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(
        Evidence.objects.select_related("plan"), pk=pk, plan__in=visible_plans(request.user)
    )
    require(can_manage_plans(request.user, evidence.plan), CHANGE_REFUSED)
    plan, title = evidence.plan, evidence.title
    form = EvidenceForm(_posted(request), instance=evidence, plan=plan)
    if form.is_valid() and _save_evidence(request, form, reason="CSE evidence changed"):
        messages.success(request, f"Evidence “{evidence.title}” saved.")
        return redirect(reverse("cse_evidence_list", args=[plan.slug]) + f"#evidence-{pk}")
    context = _context(plan, form=form, evidence_title=title)
    return render(request, "standards/cse/evidence_form.html", context)


# Assessments ---------------------------------------------------------------------------------


@login_required
def cse_assessment_add(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    sub_criteria = list(SubCriterion.objects.select_related("criterion"))
    previous = latest_assessment(plan)
    before = {r.sub_criterion_id: r for r in Rating.objects.filter(assessment=previous)}
    form = AssessmentForm(_posted(request), sub_criteria=sub_criteria, previous=before)
    if form.is_valid():
        try:
            cse_services.cse_assessment_record(
                plan=plan,
                assessed_on=form.cleaned_data["assessed_on"],
                kind=form.cleaned_data["kind"],
                assessor=form.cleaned_data["assessor"],
                notes=form.cleaned_data["notes"],
                ratings=form.ratings(),
                user=request.user,
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, "Assessment recorded. The coverage below shows its ratings.")
            return redirect(_coverage_url(plan))
    groups = []
    for sub in sub_criteria:
        if not groups or groups[-1][0] != sub.criterion:
            groups.append((sub.criterion, []))
        groups[-1][1].append((form[f"rating_{sub.pk}"], form[f"note_{sub.pk}"]))
    context = _context(plan, form=form, groups=groups, previous=previous)
    return render(request, "standards/cse/assessment_form.html", context)


# Mapping -------------------------------------------------------------------------------------


@login_required
def cse_mapping(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    themes = list(plan.themes.all())
    form = MappingForm(
        _posted(request), instance=plan, themes=themes, criteria=list(Criterion.objects.all())
    )
    if form.is_valid():
        try:
            cse_services.cse_theme_mapping_save(
                plan=plan, mapping=form.mapping(), user=request.user, base=form.base
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
        else:
            messages.success(request, "Themes mapped to the CSE criteria.")
            return redirect(reverse("cse_by_criterion", args=[plan.slug]))
    return render(request, "standards/cse/mapping_form.html", _context(plan, form=form))


@login_required
def cse_action_criteria(request: HttpRequest, pk: int) -> HttpResponse:
    access = action_for_user(request.user, pk)
    require(access.can_edit, CHANGE_REFUSED)
    action: Action = access.action
    form = ActionCriteriaForm(_posted(request), instance=action)
    if form.is_valid():
        try:
            cse_services.cse_action_sub_criteria_set(
                action=action,
                sub_criteria=list(form.cleaned_data["sub_criteria"]),
                user=request.user,
                base=form.base,
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
        else:
            messages.success(request, "The CSE sub-criteria this action addresses are saved.")
            return redirect(reverse("action_detail", args=[action.pk]) + "#cse")
    context = _context(action.theme.plan, form=form, action=action)
    return render(request, "standards/cse/action_criteria_form.html", context)
