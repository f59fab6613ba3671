"""The public "Our standards and how we did" page: published standards and figures only."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from standards.charts import line_chart
from standards.models import Channel, Standard
from standards.performance import history_start, performance_of, values_for


def standards_public(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    standards = Standard.objects.for_register().filter(published=True).in_force(today)
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
    return render(request, "standards/public.html", {"channels": channels, "today": today})
