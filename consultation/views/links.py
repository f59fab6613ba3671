"""Linking plan actions to a finding or a recommendation, shared by both pages."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from actionplan.models import Action, Plan
from consultation.forms import LinkActionForm


def link_form(request: HttpRequest, plan: Plan) -> LinkActionForm:
    """The form to choose an action, narrowed by the page's search (GET ?q=)."""
    return LinkActionForm(plan=plan, search=request.GET.get("q", "").strip())


def link_posted(
    request: HttpRequest, plan: Plan, link: Callable[[Action], object], back: str
) -> HttpResponse:
    form = LinkActionForm(request.POST, plan=plan)
    if not form.is_valid():
        for error in form.errors.get("action", []):
            messages.error(request, error)
        return redirect(back)
    action = form.cleaned_data["action"]
    try:
        link(action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Action {action.full_reference} linked.")
    return redirect(back)


def unlink_posted(
    request: HttpRequest, action_pk: int, unlink: Callable[[Action], None], back: str
) -> HttpResponse:
    action = get_object_or_404(Action.objects.select_related("theme", "project"), pk=action_pk)
    try:
        unlink(action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Action {action.full_reference} unlinked.")
    return redirect(back)
