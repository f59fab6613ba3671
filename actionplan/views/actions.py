"""An action's page, and recording progress on it, editing it, retiring and reverting it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from actionplan import services
from actionplan.access import ActionAccess, action_for_user, require
from actionplan.conflicts import changes_since
from actionplan.forms import ActionForm, ProgressForm, RetireForm
from actionplan.history import action_history
from actionplan.models import Action, ActionOwner, Project, Theme


def _action_page_queryset():
    """The action with everything its page shows, in a fixed number of queries."""
    return Action.objects.select_related("theme__plan", "project", "unit").prefetch_related(
        Prefetch("action_owners", ActionOwner.objects.select_related("owner")),
        "milestones",
        "target_revisions__revised_by",
        "updates__author",
    )


def _add_form_error(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = action_for_user(request.user, pk)
    action = _action_page_queryset().get(pk=access.action.pk)
    updates = sorted(action.updates.all(), key=lambda u: (u.reported_on, u.pk), reverse=True)
    context = {
        "action": action,
        "plan": action.theme.plan,
        "target": action.target_date,
        "owners": action.action_owners.all(),
        "milestones": action.milestones.all(),
        "revisions": action.target_revisions.all(),
        "updates": updates,
        "history": action_history(action, can_revert=access.can_delete),
        "can_edit": access.can_edit,
        "can_record_progress": access.can_record_progress,
        "can_delete": access.can_delete,
        "is_overdue": action.is_overdue(timezone.localdate()),
        "nav_section": "plans",
    }
    return render(request, "actionplan/actions/detail.html", context)


@login_required
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    access = action_for_user(request.user, pk)
    require(
        access.can_record_progress,
        "Only the action's owners and the steering group can record progress on this action.",
    )
    action = access.action
    form = ProgressForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_record_progress(action=action, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_form_error(form, error)
        else:
            messages.success(request, "Your progress update has been recorded.")
            return redirect("action_detail", pk=action.pk)
    return render(request, "actionplan/actions/progress.html", _form_context(access, form))


@login_required
@require_POST
def action_no_change(request: HttpRequest, pk: int) -> HttpResponse:
    access = action_for_user(request.user, pk)
    require(
        access.can_record_progress,
        "Only the action's owners and the steering group can record progress on this action.",
    )
    services.action_record_progress(
        action=access.action,
        reported_on=timezone.localdate(),
        narrative="",
        is_no_change=True,
        user=request.user,
    )
    messages.success(request, f"Recorded: no change since the last update on {access.action}.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("action_detail", args=[access.action.pk])
    return redirect(next_url)


class ActionEditForm(ActionForm):
    """The action form with the version the user loaded, for edit-conflict checks."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plan = self.instance.theme.plan
        self.fields["theme"].queryset = Theme.objects.filter(plan=plan)
        self.fields["project"].queryset = Project.objects.filter(theme__plan=plan).select_related(
            "theme"
        )
        self.fields["project"].label_from_instance = lambda p: f"{p.theme.reference} / {p}"
        if not self.is_bound:
            self.initial["version"] = self.instance.version


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = action_for_user(request.user, pk)
    require(access.can_edit, "Only steering-group members can edit actions.")
    action = access.action
    form = ActionEditForm(request.POST or None, instance=action)
    conflicts = []
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                Action.objects.select_for_update().get(pk=action.pk)
                conflicts = changes_since(
                    action,
                    submitted_version=form.cleaned_data["version"],
                    yours=form.cleaned_data,
                )
                if not conflicts:
                    edited = form.save(commit=False)
                    services.action_save(
                        action=edited,
                        user=request.user,
                        reason="Edited in the browser",
                        target_reason=form.cleaned_data["target_change_reason"],
                    )
                    unknown = services.action_set_owners_from_text(
                        action=edited,
                        text=edited.owners_as_written,
                        user=request.user,
                        reason="Owners edited in the browser",
                    )
        except ValidationError as error:
            _add_form_error(form, error)
        else:
            if not conflicts:
                messages.success(request, "The action has been saved.")
                if unknown:
                    messages.warning(
                        request,
                        "These owners are not known, so they are kept in the text only: "
                        + ", ".join(unknown)
                        + ".",
                    )
                return redirect("action_detail", pk=action.pk)
            # Let the next save go ahead knowingly, over the other person's version.
            form.data = form.data.copy()
            form.data["version"] = Action.objects.get(pk=action.pk).version
            form.add_error(
                None,
                "Someone else saved this action while you were editing it. "
                "Your changes have not been saved. Check their changes below, then "
                "save again to keep yours.",
            )
    context = _form_context(access, form) | {"conflicts": conflicts}
    return render(request, "actionplan/actions/edit.html", context)


@login_required
def action_retire(request: HttpRequest, pk: int) -> HttpResponse:
    access = action_for_user(request.user, pk)
    require(access.can_edit, "Only steering-group members can retire actions.")
    form = RetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.action_retire(
            action=access.action, reason=form.cleaned_data["reason"], user=request.user
        )
        messages.success(
            request,
            "The action is now marked deleted as no longer appropriate. "
            "It stays on record with its history.",
        )
        return redirect("action_detail", pk=access.action.pk)
    return render(request, "actionplan/actions/retire.html", _form_context(access, form))


@login_required
@require_POST
def action_revert(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    access = action_for_user(request.user, pk)
    require(access.can_delete, "Only plan administrators can revert changes.")
    try:
        services.action_revert(action=access.action, history_id=history_id, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "The action has been put back as it was. The revert is recorded in its history.",
        )
    return redirect("action_detail", pk=access.action.pk)


def _form_context(access: ActionAccess, form: forms.Form) -> dict:
    return {
        "action": access.action,
        "plan": access.action.theme.plan,
        "form": form,
        "can_edit": access.can_edit,
        "nav_section": "plans",
    }
