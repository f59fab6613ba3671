"""Setting plans up: a new plan (empty, from a spreadsheet or as a next version) and a plan's
settings. Organisation administrators add plans; plan administrators change settings."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from actionplan import plan_setup
from actionplan.access import (
    can_change_plan_settings,
    organisation_to_administer,
    plan_for_user,
    require,
)
from actionplan.conflicts import EditConflict
from actionplan.forms import add_model_errors
from actionplan.plan_forms import PlanAddForm, PlanSettingsForm, StartFrom


def _details(data: dict) -> plan_setup.PlanDetails:
    fields = plan_setup.PlanDetails.__dataclass_fields__
    return plan_setup.PlanDetails(
        **{k: v for k, v in data.items() if k in fields and v is not None}
    )


@login_required
def plan_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_to_administer(request.user, slug)
    form = PlanAddForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        details = _details(form.cleaned_data)
        start = form.cleaned_data["start"]
        try:
            if start == StartFrom.NEXT_VERSION:
                made = plan_setup.plan_next_version(
                    previous=form.cleaned_data["previous"], details=details, user=request.user
                )
                plan = made.plan
                messages.success(
                    request,
                    f"{plan} made: {made.carried_over} open actions carried over, "
                    f"{made.left_behind} finished ones left in {form.cleaned_data['previous']}, "
                    "which is now archived.",
                )
            else:
                plan = plan_setup.plan_create(
                    organisation=organisation, details=details, user=request.user
                )
                messages.success(request, f"{plan} created.")
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            if start == StartFrom.SPREADSHEET:
                return redirect("plan_import", plan.slug)
            if start == StartFrom.EMPTY:
                return redirect("plan_structure", plan.slug)
            return redirect("plan_dashboard", plan.slug)
    context = {"organisation": organisation, "form": form, "nav_section": "plans"}
    return render(request, "actionplan/plans/add.html", context)


@login_required
def plan_settings(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    require(
        can_change_plan_settings(request.user, plan),
        "Only the plan's administrators can change its settings.",
    )
    # The form edits a copy: a refused save must not change the title the page shows.
    form = PlanSettingsForm(
        request.POST or None, instance=copy.copy(plan), organisation=plan.organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan_setup.plan_settings_save(plan=form.instance, user=request.user, base=form.base)
        except EditConflict as conflict:
            form.show_conflict(conflict)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, "Plan settings saved.")
            return redirect("plan_dashboard", form.instance.slug)
    context = {"plan": plan, "form": form, "nav_section": "plans"}
    return render(request, "actionplan/plans/settings.html", context)
