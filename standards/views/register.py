"""The standards register: list by channel, a standard's page, add, correct and revise."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from actionplan.access import organisation_for_user, visible_organisations, visible_plans
from actionplan.conflicts import EditConflict
from actionplan.forms import add_model_errors
from actionplan.models import Action, Organisation
from standards import services
from standards.access import register_access, standard_for_user
from standards.charts import line_chart
from standards.forms import ActionLinkForm, ReviseForm, StandardForm
from standards.models import Channel, PerformanceValue, Standard, StandardAction
from standards.performance import StandardPerformance, history_start, performance_of, values_for


def _current(organisation: Organisation, today) -> QuerySet[Standard]:
    """The organisation's versions in force today or starting later."""
    return (
        Standard.objects.in_organisation(organisation)
        .for_register()
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
    )


@login_required
def standards_home(request: HttpRequest) -> HttpResponse:
    """The register of the user's organisation; a choice when they belong to several."""
    organisations = list(visible_organisations(request.user))
    if not organisations:
        raise Http404("No standards register here.")
    if len(organisations) == 1:
        return redirect("standard_list", org=organisations[0].slug)
    context = {"organisations": organisations, "nav_section": "standards"}
    return render(request, "standards/choose_organisation.html", context)


@login_required
def standard_list(request: HttpRequest, org: str) -> HttpResponse:
    organisation = organisation_for_user(request.user, org)
    can_edit = register_access(request.user, organisation)
    today = timezone.localdate()
    standards = _current(organisation, today)
    rows = performance_of(list(standards), values_for(standards, since=history_start(today)))
    labels = dict(Channel.choices)
    channels = [
        (labels.get(channel, channel), list(group))
        for channel, group in groupby(rows, key=lambda r: r.standard.channel)
    ]
    context = {
        "organisation": organisation,
        "channels": channels,
        "count": len(rows),
        "can_edit": can_edit,
        "nav_section": "standards",
    }
    return render(request, "standards/list.html", context)


@login_required
def standard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    standard, can_edit = standard_for_user(request.user, pk)
    versions = list(
        Standard.objects.in_organisation(standard.organisation_id)
        .filter(reference=standard.reference)
        .order_by("effective_from")
    )
    values = list(
        PerformanceValue.objects.filter(standard__in=versions)
        .select_related("standard", "entered_by")
        .order_by("period_start", "site")
    )
    row = StandardPerformance(standard, [v for v in values if not v.site])
    links = StandardAction.objects.filter(
        standard__in=versions,
        action__theme__plan__in=visible_plans(request.user),
    ).select_related("action__theme__plan", "standard")
    linkable = _linkable_actions(request.user, standard.organisation_id)
    context = {
        "organisation": standard.organisation,
        "links": links,
        "link_form": ActionLinkForm(actions=linkable) if can_edit else None,
        "standard": standard,
        "row": row,
        "chart": line_chart(row, id=f"trend-{standard.pk}"),
        "versions": versions,
        "values": list(reversed(values)),
        "is_current": standard.effective_to is None
        or standard.effective_to >= timezone.localdate(),
        "history": standard.history.select_related("history_user")[:10],
        "can_edit": can_edit,
        "nav_section": "standards",
    }
    return render(request, "standards/detail.html", context)


def _linkable_actions(user, organisation_id: int) -> QuerySet[Action]:
    """Actions of the standard's organisation's plans that the user may see."""
    return (
        Action.objects.filter(theme__plan__in=visible_plans(user).in_organisation(organisation_id))
        .select_related("theme__plan", "project")
        .order_by("theme__plan__title", "theme__position", "position", "pk")
    )


@login_required
@require_POST
def standard_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    standard, _ = standard_for_user(request.user, pk, manage=True)
    actions = _linkable_actions(request.user, standard.organisation_id)
    form = ActionLinkForm(request.POST, actions=actions)
    if form.is_valid():
        try:
            services.standard_link_action(
                standard=standard,
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Action linked to {standard.reference}.")
    else:
        messages.error(request, "Choose the action to link.")
    return redirect("standard_detail", pk=standard.pk)


@login_required
@require_POST
def standard_action_remove(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(StandardAction.objects.select_related("standard__organisation"), pk=pk)
    register_access(request.user, link.standard.organisation, manage=True)
    services.standard_unlink_action(link=link, user=request.user)
    messages.success(request, f"Action unlinked from {link.standard.reference}.")
    return redirect("standard_detail", pk=link.standard.pk)


@login_required
def standard_add(request: HttpRequest, org: str) -> HttpResponse:
    organisation = organisation_for_user(request.user, org, manage=True)
    form = StandardForm(request.POST or None, instance=Standard(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        standard = services.standard_save(
            standard=form.instance, user=request.user, reason="Standard added"
        )
        messages.success(request, f"Standard {standard.reference} added.")
        return redirect("standard_detail", pk=standard.pk)
    context = {"form": form, "organisation": organisation, "nav_section": "standards"}
    return render(request, "standards/form.html", context)


@login_required
def standard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    standard, _ = standard_for_user(request.user, pk, manage=True)
    form = StandardForm(request.POST or None, instance=standard)
    if request.method == "POST" and form.is_valid():
        try:
            services.standard_save(
                standard=form.instance,
                user=request.user,
                reason=form.cleaned_data["reason"],
                base=form.base,
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
        else:
            messages.success(request, f"Standard {standard.reference} changed.")
            return redirect("standard_detail", pk=standard.pk)
    context = {
        "form": form,
        "standard": standard,
        "organisation": standard.organisation,
        "nav_section": "standards",
    }
    return render(request, "standards/form.html", context)


@login_required
def standard_revise(request: HttpRequest, pk: int) -> HttpResponse:
    standard, _ = standard_for_user(request.user, pk, manage=True)
    form = ReviseForm(request.POST or None, standard=standard)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {name: data[name] for name in ReviseForm.Meta.fields}
        try:
            new = services.standard_revise(
                standard=standard,
                changes=changes,
                effective_from=data["revise_from"],
                user=request.user,
                reason=data["reason"],
                base=form.base,
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "effective_from" in error.error_dict:
                form.add_error("revise_from", error.error_dict.pop("effective_from"))
            if not hasattr(error, "error_dict") or error.error_dict:
                add_model_errors(form, error)
        else:
            messages.success(
                request,
                f"{new.reference} revised: the new version applies from "
                f"{new.effective_from:%d/%m/%Y}.",
            )
            return redirect("standard_detail", pk=new.pk)
    context = {
        "form": form,
        "standard": standard,
        "organisation": standard.organisation,
        "nav_section": "standards",
    }
    return render(request, "standards/revise.html", context)
