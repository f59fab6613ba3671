"""The public "Our standards and how we did" pages: published standards and figures only,
one organisation at a time."""

from __future__ import annotations

from datetime import date
from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone

from actionplan.models import Organisation
from actionplan.pagecache import organisation_fragment
from standards.charts import line_chart
from standards.models import Channel, Standard
from standards.performance import history_start, performance_of, values_for


def _public_organisations():
    return Organisation.objects.filter(public_pages=True)


def standards_public_index(request: HttpRequest) -> HttpResponse:
    """Which organisation's standards: the organisations that publish theirs here."""
    organisations = list(_public_organisations())
    return render(request, "standards/public_index.html", {"organisations": organisations})


def _standards_public_body(organisation: Organisation, today: date) -> str:
    """The published standards and figures, rendered: the same for every reader today."""
    standards = (
        Standard.objects.in_organisation(organisation)
        .for_register()
        .filter(published=True)
        .in_force(today)
    )
    rows = performance_of(
        list(standards), values_for(standards, since=history_start(today), published_only=True)
    )
    labels = dict(Channel.choices)
    channels = [
        (
            labels.get(channel, channel),
            [(row, line_chart(row, id=f"trend-{row.standard.pk}", height=180)) for row in group],
        )
        for channel, group in groupby(rows, key=lambda r: r.standard.channel)
    ]
    context = {"organisation": organisation, "channels": channels, "today": today}
    return render_to_string("standards/_public_body.html", context)


def standards_public(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_object_or_404(_public_organisations(), slug=org)
    today = timezone.localdate()
    # Standards and figures belong to the organisation's plans or to none (the site stamp).
    body = organisation_fragment(
        organisation,
        "standards-public",
        (today.isoformat(),),
        lambda: _standards_public_body(organisation, today),
    )
    context = {"organisation": organisation, "body": body}
    return render(request, "standards/public.html", context)
