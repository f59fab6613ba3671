"""Organisations, for site superusers: the list, and a new one with its first administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import services
from accounts.forms import OrganisationAddForm
from actionplan.access import require
from actionplan.forms import add_model_errors
from actionplan.models import Organisation

SUPERUSERS_ONLY = "Only the site's superusers add organisations."


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    require(request.user.is_superuser, SUPERUSERS_ONLY)
    context = {"organisations": Organisation.objects.order_by("name"), "nav_section": "site"}
    return render(request, "accounts/organisation_list.html", context)


@login_required
def organisation_add(request: HttpRequest) -> HttpResponse:
    require(request.user.is_superuser, SUPERUSERS_ONLY)
    form = OrganisationAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation, invitation = services.organisation_create(
                name=data["name"],
                slug=data["slug"],
                short_name=data["short_name"],
                committees=data["committees"],
                administrator_name=data["administrator_name"],
                administrator_email=data["administrator_email"],
                user=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request,
                f"{organisation} added. {invitation.email} has been e-mailed a link to set "
                "their password as its administrator.",
            )
            return redirect("organisation_list")
    return render(request, "accounts/organisation_add.html", {"form": form, "nav_section": "site"})
