"""An action's page, and recording progress on it, editing it, retiring and reverting it."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from actionplan import extensions, services
from actionplan.access import ActionAccess, action_for_user, require
from actionplan.conflicts import EditConflict
from actionplan.forms import ActionEditForm, ProgressForm, RetireForm, add_model_errors
from actionplan.history import action_history
from actionplan.models import Action, ActionOwner
from actionplan.ownertext import unknown_owners_message
from actionplan.pagecache import plan_fragment
from actionplan.statusrules import status_choices
from actionplan.views.redirects import redirect_back

# The history's revert forms are cached as HTML holding this in place of the form token, and
# each request puts its own token there. Only the tag {% csrf_token %} writes (with "<", which
# escaped text never holds) is replaced, so no text anyone typed can take the token.
CSRF_SLOT = "csrf-slot-of-a-cached-fragment"
CSRF_SLOT_INPUT = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_SLOT}">'

PROGRESS_REFUSED = (
    "Only the action's owners and the steering group can record progress on this action."
)


def _action_page_queryset():
    """The action with everything its page shows, in a fixed number of queries."""
    return Action.objects.select_related("theme__plan", "project", "unit").prefetch_related(
        Prefetch("action_owners", ActionOwner.objects.select_related("owner")),
        "milestones",
        "target_revisions__revised_by",
        "updates__author",
    )


def _action_sections(access: ActionAccess, today: date) -> str:
    """The action's details, progress and (unless the viewer may revert) history, rendered."""
    action = _action_page_queryset().get(pk=access.action.pk)
    with_history = not access.can_delete
    context = {
        "action": action,
        "plan": action.theme.plan,
        "target": action.target_date,
        "owners": action.action_owners.all(),
        "milestones": action.milestones.all(),
        "revisions": action.target_revisions.all(),
        "updates": sorted(action.updates.all(), key=lambda u: (u.reported_on, u.pk), reverse=True),
        "history": action_history(action) if with_history else [],
        "with_history": with_history,
        "can_edit": access.can_edit,
        "can_change": access.can_edit or access.can_record_progress,
        "answers": extensions.render_slot(
            extensions.ACTION_ANSWERS, action=action, can_edit=access.can_edit
        ),
    }
    return render_to_string("actionplan/actions/_sections.html", context)


def _history_with_revert(action: Action) -> str:
    """The action's history with a revert button on each version, its form token a slot."""
    context = {
        "action": action,
        "history": action_history(action, can_revert=True),
        "can_delete": True,
        "csrf_token": CSRF_SLOT,
    }
    return render_to_string("actionplan/actions/_history.html", context)


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = action_for_user(request.user, pk)
    action, today = access.action, timezone.localdate()
    # What the sections show depends on the action, the day and what the viewer may change.
    rights = (access.can_edit, access.can_record_progress, access.can_delete)
    parts = (str(action.pk), today.isoformat(), *(str(int(right)) for right in rights))
    # With them, for those who may revert, the history with its revert buttons, whose form
    # token is put in for each request (CSRF_SLOT).
    sections, history = plan_fragment(
        action.theme.plan,
        "action-page",  # not "action": what an older release cached there is of another shape
        parts,
        lambda: (
            _action_sections(access, today),
            _history_with_revert(action) if access.can_delete else "",
        ),
    )
    if history:
        token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
        history = mark_safe(history.replace(CSRF_SLOT_INPUT, token))  # rendered by a template
    context = {
        "action": action,
        "plan": action.theme.plan,
        "sections": sections,
        "history": history,
        "can_edit": access.can_edit,
        "can_record_progress": access.can_record_progress,
        "can_delete": access.can_delete,
        "is_overdue": action.is_overdue(today),
        "nav_section": "plans",
    }
    return render(request, "actionplan/actions/detail.html", context)


@login_required
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    access = action_for_user(request.user, pk)
    require(access.can_record_progress, PROGRESS_REFUSED)
    action = access.action
    statuses = status_choices(user=request.user, plan=action.theme.plan, current=action.status)
    form = ProgressForm(request.POST or None, action=action, statuses=statuses)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_record_progress(action=action, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, "Your progress update has been recorded.")
            return redirect("action_detail", pk=action.pk)
    return render(request, "actionplan/actions/progress.html", _form_context(access, form))


@login_required
@require_POST
def action_no_change(request: HttpRequest, pk: int) -> HttpResponse:
    access = action_for_user(request.user, pk)
    require(access.can_record_progress, PROGRESS_REFUSED)
    services.action_record_progress(
        action=access.action,
        reported_on=timezone.localdate(),
        narrative="",
        is_no_change=True,
        user=request.user,
    )
    messages.success(request, f"Recorded: no change since the last update on {access.action}.")
    return redirect_back(request, reverse("action_detail", args=[access.action.pk]))


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = action_for_user(request.user, pk)
    require(access.can_edit, "Only steering-group members can edit actions.")
    form = ActionEditForm(request.POST or None, instance=access.action)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                edited = services.action_save(
                    action=form.instance,
                    user=request.user,
                    reason="Edited in the browser",
                    target_reason=form.cleaned_data["target_change_reason"],
                    base=form.base,
                )
                unknown = services.action_set_owners_from_text(
                    action=edited,
                    text=edited.owners_as_written,
                    user=request.user,
                    reason="Owners edited in the browser",
                )
        except EditConflict as conflict:
            form.show_conflict(conflict)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, "The action has been saved.")
            if unknown:
                messages.warning(request, unknown_owners_message(unknown))
            return redirect("action_detail", pk=edited.pk)
    return render(request, "actionplan/actions/edit.html", _form_context(access, form))


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
