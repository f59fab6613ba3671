"""A finding: adding, editing, its page, and linking the actions that respond to it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from actionplan.conflicts import EditConflict
from actionplan.forms import add_model_errors
from consultation import services
from consultation.access import exercise_for_user, finding_for_user
from consultation.forms import FindingForm
from consultation.models import Finding
from consultation.views.links import link_form, link_posted, unlink_posted


def _save(request: HttpRequest, form: FindingForm) -> Finding | None:
    if not form.is_valid():
        return None
    try:
        return services.finding_save(
            finding=form.instance,
            themes=form.cleaned_data["themes"],
            user=request.user,
            base=form.base,
        )
    except EditConflict as conflict:
        form.show_conflict(conflict)
        return None
    except ValidationError as error:
        add_model_errors(form, error)
        return None


@login_required
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = exercise_for_user(request.user, pk, manage=True).obj
    finding = Finding(exercise=exercise, position=exercise.findings.count() + 1)
    form = FindingForm(request.POST or None, instance=finding, plan=exercise.plan)
    if request.method == "POST" and (saved := _save(request, form)):
        messages.success(request, "Finding added. Now link the actions that respond to it.")
        return redirect("finding_detail", pk=saved.pk)
    context = {"form": form, "exercise": exercise, "plan": exercise.plan, "finding": None}
    return render(request, "consultation/finding_form.html", context | {"nav_section": "plans"})


@login_required
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = finding_for_user(request.user, pk, manage=True).obj
    exercise = finding.exercise
    form = FindingForm(request.POST or None, instance=finding, plan=exercise.plan)
    if request.method == "POST" and (saved := _save(request, form)):
        messages.success(request, "Finding saved.")
        return redirect("finding_detail", pk=saved.pk)
    context = {"form": form, "exercise": exercise, "plan": exercise.plan, "finding": finding}
    return render(request, "consultation/finding_form.html", context | {"nav_section": "plans"})


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = finding_for_user(request.user, pk)
    finding = Finding.objects.with_links().get(pk=access.obj.pk)
    plan = access.obj.exercise.plan
    context = {
        "finding": finding,
        "exercise": finding.exercise,
        "plan": plan,
        "links": finding.finding_actions.all(),
        "link_form": link_form(request, plan) if access.can_edit else None,
        "search": request.GET.get("q", "").strip(),
        "link_url": reverse("finding_link_action", args=[finding.pk]),
        "unlink_name": "finding_unlink_action",
        "owner_pk": finding.pk,
        "can_edit": access.can_edit,
        "nav_section": "plans",
    }
    return render(request, "consultation/finding_detail.html", context)


@login_required
@require_POST
def finding_link_action(request: HttpRequest, pk: int) -> HttpResponse:
    finding = finding_for_user(request.user, pk, manage=True).obj
    back = reverse("finding_detail", args=[finding.pk])
    return link_posted(
        request,
        finding.exercise.plan,
        lambda action: services.finding_link_action(
            finding=finding, action=action, user=request.user
        ),
        back,
    )


@login_required
@require_POST
def finding_unlink_action(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    finding = finding_for_user(request.user, pk, manage=True).obj
    return unlink_posted(
        request,
        action_pk,
        lambda action: services.finding_unlink_action(
            finding=finding, action=action, user=request.user
        ),
        reverse("finding_detail", args=[finding.pk]),
    )
