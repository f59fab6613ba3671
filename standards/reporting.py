"""The standards section of the committee report, as the register stood at the report's moment.

Two queries whatever the size: the standards and their whole-council figures as at the moment
(django-simple-history's as_of), joined by id in Python so no relation is read from history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from standards.models import PerformanceValue, Standard
from standards.performance import (
    RagCount,
    StandardPerformance,
    history_start,
    rag_counts,
)
from standards.rag import RagRating, Travel


@dataclass(frozen=True)
class StandardLine:
    reference: str
    title: str
    target: str
    period: str  # of the latest figure, or "" without one
    value: str
    rag: RagRating
    vs_previous: Travel
    vs_last_year: Travel


@dataclass(frozen=True)
class StandardsSection:
    counts: list[RagCount]
    lines: list[StandardLine]


def standards_section(
    *, plan_id: int, organisation_id: int, moment: datetime, today: date
) -> StandardsSection | None:
    """The plan's organisation's standards in force on `today` (the plan's own and corporate
    ones); None if there are none. Another organisation's are never read."""
    versions = {
        s.pk: s for s in Standard.history.as_of(moment).filter(organisation_id=organisation_id)
    }
    current = sorted(
        (s for s in versions.values() if s.in_force_on(today) and s.plan_id in (None, plan_id)),
        key=lambda s: (s.channel, s.position, s.reference),
    )
    # Run the figures' query even without standards: the report's query count stays fixed.
    values = list(
        PerformanceValue.history.as_of(moment).filter(
            standard__organisation_id=organisation_id,
            site="",
            period_start__gte=history_start(today),
            period_start__lte=today,
        )
    )
    if not current:
        return None
    by_reference: dict[str, list[PerformanceValue]] = {}
    for row in sorted(values, key=lambda v: v.period_start):
        standard = versions.get(row.standard_id)
        if standard is None:
            continue
        row.standard = standard
        by_reference.setdefault(standard.reference, []).append(row)
    rows = [StandardPerformance(s, by_reference.get(s.reference, [])) for s in current]
    return StandardsSection(counts=rag_counts(rows), lines=[_line(row) for row in rows])


def _line(row: StandardPerformance) -> StandardLine:
    latest = row.latest
    return StandardLine(
        reference=row.standard.reference,
        title=row.standard.title,
        target=row.standard.target_text,
        period=str(latest.period) if latest else "",
        value=latest.value_text if latest else "",
        rag=row.rag,
        vs_previous=row.vs_previous,
        vs_last_year=row.vs_last_year,
    )
