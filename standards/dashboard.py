"""The standards panel of a plan's dashboard: how the standards did in their latest figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from standards.models import Standard
from standards.performance import (
    RagCount,
    StandardPerformance,
    history_start,
    performance_of,
    rag_counts,
    values_for,
)
from standards.rag import RagRating


@dataclass(frozen=True)
class StandardsPanel:
    counts: list[RagCount]
    missed: list[StandardPerformance]  # red, for the steering group to ask about
    total: int
    latest_period: str  # the most recent period any figure is for, "" without figures


def _period_end(value) -> date:
    return value.period.end


def standards_panel(plan, today: date) -> StandardsPanel:
    """The plan's organisation's standards in force today that belong to the plan or to no
    plan (two queries)."""
    standards = (
        Standard.objects.in_organisation(plan.organisation_id)
        .for_register()
        .in_force(today)
        .filter(Q(plan=plan) | Q(plan__isnull=True))
    )
    rows = performance_of(list(standards), values_for(standards, since=history_start(today)))
    latest = max((row.latest for row in rows if row.latest), key=_period_end, default=None)
    return StandardsPanel(
        latest_period=str(latest.period) if latest else "",
        counts=rag_counts(rows),
        missed=[row for row in rows if row.rag == RagRating.RED],
        total=len(rows),
    )
