"""Entering performance: a whole month on one page, or a CSV file of figures."""

from __future__ import annotations

import csv
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from actionplan.access import organisation_for_user
from actionplan.exports import safe_cell
from standards.csv_import import read_csv
from standards.forms import CsvUploadForm, PeriodForm, entry_standards, month_choices
from standards.models import PerformanceValue
from standards.periods import MONTHLY, Period, PeriodError, parse_period
from standards.services import Figure, performance_record

NOTHING_SAVED = "The file has problems, so nothing was saved. Correct them and upload it again."


def _month(request: HttpRequest, today: date) -> Period:
    """The month asked for (?period=2026-10); last month when none or unreadable."""
    try:
        return parse_period(request.GET.get("period", ""), MONTHLY)
    except PeriodError:
        return Period.containing(today, MONTHLY).previous()


@login_required
def performance_enter(request: HttpRequest, org: str) -> HttpResponse:
    organisation = organisation_for_user(request.user, org, manage=True)
    today = timezone.localdate()
    month = _month(request, today)
    standards = entry_standards(organisation, month.start)
    existing = {
        v.standard_id: v
        for v in PerformanceValue.objects.filter(
            standard__in=[s for s, _ in standards],
            period_start__in={p.start for _, p in standards},
            site="",
        )
    }
    form = PeriodForm(
        request.POST or None, month=month.start, standards=standards, existing=existing
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = performance_record(
                figures=[Figure(**f) for f in form.figures],
                clear=form.cleared,
                publish=form.cleaned_data["publish"],
                user=request.user,
                reason=f"Figures for {month} entered on the period form",
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"Figures for {month} saved: {saved}.")
            return redirect(reverse("standard_list", args=[organisation.slug]))
    context = {
        "organisation": organisation,
        "form": form,
        "month": month,
        "months": month_choices(today),
        "editing": bool(existing),
        "nav_section": "standards",
    }
    return render(request, "standards/enter.html", context)


@login_required
def performance_upload(request: HttpRequest, org: str) -> HttpResponse:
    organisation = organisation_for_user(request.user, org, manage=True)
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = read_csv(form.cleaned_data["file"].read(), organisation=organisation)
        errors = result.errors
        if not errors:
            try:
                saved = performance_record(
                    figures=result.figures,
                    publish=True if form.cleaned_data["publish"] else None,
                    user=request.user,
                    reason=f"Figures uploaded from {form.cleaned_data['file'].name}",
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(
                    request, f"{len(result.figures)} figures read from the file: {saved}."
                )
                return redirect("standard_list", org=organisation.slug)
        form.add_error(None, errors)
        form.add_error("file", NOTHING_SAVED)
    context = {"form": form, "organisation": organisation, "nav_section": "standards"}
    return render(request, "standards/upload.html", context)


@login_required
def performance_template(request: HttpRequest, org: str) -> HttpResponse:
    """A CSV to fill in: one row per standard with a period ending last month (or ?period=)."""
    organisation = organisation_for_user(request.user, org, manage=True)
    month = _month(request, timezone.localdate())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="figures-{month.key}.csv"'
    writer = csv.writer(response)
    writer.writerow(["standard", "period", "value", "numerator", "denominator", "site", "note"])
    for standard, period in entry_standards(organisation, month.start):
        writer.writerow([safe_cell(standard.reference), period.label, "", "", "", "", ""])
    return response
