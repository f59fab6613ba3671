"""The owners register: an organisation's people, groups and units, kept in the product.

Steering-group members (anywhere in the organisation) and administrators keep it; everyone
else gets 403, and another organisation's register or owner answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from actionplan.access import (
    can_manage_organisation_register,
    organisation_for_user,
    require,
    visible_organisations,
)
from actionplan.conflicts import EditConflict
from actionplan.forms import add_model_errors
from actionplan.models import Owner, OwnerKind, Unit
from actionplan.people import services
from actionplan.people.forms import OwnerChoiceForm, OwnerForm, UnitForm

REFUSED = "Only steering-group members and administrators keep the register of people."


def _owner(request: HttpRequest, pk: int) -> Owner:
    owner = get_object_or_404(
        Owner.objects.select_related("organisation"),
        pk=pk,
        organisation__in=visible_organisations(request.user),
    )
    require(can_manage_organisation_register(request.user, owner.organisation_id), REFUSED)
    return owner


def _unit(request: HttpRequest, pk: int) -> Unit:
    unit = get_object_or_404(
        Unit.objects.select_related("organisation"),
        pk=pk,
        organisation__in=visible_organisations(request.user),
    )
    require(can_manage_organisation_register(request.user, unit.organisation_id), REFUSED)
    return unit


@login_required
def people_register(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for_user(request.user, slug, manage=True)
    owners = list(Owner.objects.in_organisation(organisation).for_register())
    context = {
        "organisation": organisation,
        "people": [o for o in owners if o.kind == OwnerKind.PERSON],
        "groups": [o for o in owners if o.kind == OwnerKind.GROUP],
        "units": Unit.objects.in_organisation(organisation).order_by("kind", "name"),
    }
    return render(request, "people/register.html", context)


@login_required
def owner_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for_user(request.user, slug, manage=True)
    kind = OwnerKind.GROUP if request.GET.get("kind") == "group" else OwnerKind.PERSON
    form = OwnerForm(request.POST or None, organisation=organisation, kind=kind)
    if request.method == "POST" and form.is_valid():
        members = list(form.cleaned_data["members"]) if kind == OwnerKind.GROUP else None
        try:
            services.owner_save(
                owner=form.instance, members=members, user=request.user, reason="Added"
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, f"{form.instance} added.")
            return redirect("people_register", organisation.slug)
    context = {"organisation": organisation, "form": form, "kind": kind, "owner": None}
    return render(request, "people/owner_form.html", context)


@login_required
def owner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    owner = _owner(request, pk)
    form = OwnerForm(
        request.POST or None, instance=owner, organisation=owner.organisation, kind=owner.kind
    )
    if request.method == "POST" and form.is_valid():
        members = list(form.cleaned_data["members"]) if owner.kind == OwnerKind.GROUP else None
        try:
            services.owner_save(
                owner=owner, members=members, user=request.user, reason="Edited", base=form.base
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, f"{owner} saved.")
            return redirect("people_register", owner.organisation.slug)
    context = {
        "organisation": owner.organisation,
        "form": form,
        "kind": owner.kind,
        "owner": owner,
    }
    return render(request, "people/owner_form.html", context)


@login_required
def owner_merge(request: HttpRequest, pk: int) -> HttpResponse:
    owner = _owner(request, pk)
    form = OwnerChoiceForm(
        request.POST or None,
        owner=owner,
        label="The duplicate to merge into this one",
        help_text=f"Its actions, group memberships, update requests and history move to "
        f"{owner}; its name is kept as another spelling so imports still find it.",
    )
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["other"]
        try:
            services.owner_merge(keep=owner, merge=other, user=request.user)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, f"{other} merged into {owner}.")
            return redirect("people_register", owner.organisation.slug)
    context = {"organisation": owner.organisation, "owner": owner, "form": form}
    return render(request, "people/owner_merge.html", context)


@login_required
def owner_leave(request: HttpRequest, pk: int) -> HttpResponse:
    owner = _owner(request, pk)
    require(owner.kind == OwnerKind.PERSON and owner.is_active, "Only a current person can leave.")
    form = OwnerChoiceForm(
        request.POST or None,
        owner=owner,
        label="Who takes over their open actions",
        help_text="Completed actions stay in their name.",
        required=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.owner_leave(
                owner=owner, replacement=form.cleaned_data["other"], user=request.user
            )
        except ValidationError as error:
            form.add_error("other", error.messages)
        else:
            messages.success(request, f"{owner} marked as left; {count} open actions handed over.")
            return redirect("people_register", owner.organisation.slug)
    context = {"organisation": owner.organisation, "owner": owner, "form": form}
    return render(request, "people/owner_leave.html", context)


@login_required
def unit_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for_user(request.user, slug, manage=True)
    return _unit_form(request, organisation=organisation, unit=None)


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    return _unit_form(request, organisation=unit.organisation, unit=unit)


def _unit_form(request: HttpRequest, *, organisation, unit: Unit | None) -> HttpResponse:
    form = UnitForm(request.POST or None, instance=unit, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_save(
                unit=form.instance,
                user=request.user,
                reason="Edited" if unit else "Added",
                base=form.base,
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
        else:
            messages.success(request, f"{form.instance} saved.")
            return redirect("people_register", organisation.slug)
    context = {"organisation": organisation, "form": form, "unit": unit}
    return render(request, "people/unit_form.html", context)
