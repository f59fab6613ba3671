"""Performance against the standards as people read it: latest figure, RAG, travel, trend.

Built from two lists (the standards and their values) fetched by one query each, so a page's
query count does not grow with the number of standards or periods. Values are matched across
versions of a standard by reference; each value is judged against the version it belongs to.
Only whole-council figures (no site) count towards the RAG; site figures are shown as detail.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from standards.models import PerformanceValue, Standard
from standards.periods import Period
from standards.rag import RagRating, Travel, rag, travel

TREND_PERIODS = 13  # a year and the same month last year
HISTORY_MONTHS = 26  # enough values for a trend and for last year's comparison


def value_rag(row: PerformanceValue) -> RagRating:
    standard = row.standard
    return rag(
        row.value,
        target=standard.target,
        better=standard.better,
        tolerance=standard.amber_tolerance,
    )


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    value: PerformanceValue

    @property
    def rag(self) -> RagRating:
        return value_rag(self.value)


@dataclass
class StandardPerformance:
    """One standard (its version in force) with its figures, newest last."""

    standard: Standard
    values: list[PerformanceValue] = field(default_factory=list)

    @property
    def latest(self) -> PerformanceValue | None:
        return self.values[-1] if self.values else None

    @property
    def rag(self) -> RagRating:
        return value_rag(self.latest) if self.latest else RagRating.NO_DATA

    def _value_for(self, period: Period) -> Decimal | None:
        found = next((v for v in self.values if v.period_start == period.start), None)
        return found.value if found else None

    def _travel(self, period: Period | None) -> Travel:
        latest = self.latest
        if latest is None or period is None:
            return Travel.NO_DATA
        return travel(latest.value, self._value_for(period), better=self.standard.better)

    @property
    def vs_previous(self) -> Travel:
        return self._travel(self.latest.period.previous() if self.latest else None)

    @property
    def vs_last_year(self) -> Travel:
        return self._travel(self.latest.period.year_before() if self.latest else None)

    @property
    def trend(self) -> list[TrendPoint]:
        return [TrendPoint(v.period, v) for v in self.values[-TREND_PERIODS:]]


def history_start(today: date) -> date:
    index = today.year * 12 + today.month - 1 - HISTORY_MONTHS
    return date(index // 12, index % 12 + 1, 1)


def values_for(
    standards: QuerySet[Standard], *, since: date | None = None, published_only: bool = False
) -> QuerySet[PerformanceValue]:
    """Whole-council values of every version of these standards, oldest first (one query).

    The standards go in as a subquery, so the query runs (and is counted) even when none match.
    """
    references = standards.order_by().values("reference")
    rows = PerformanceValue.objects.filter(standard__reference__in=references, site="")
    if since is not None:
        rows = rows.filter(period_start__gte=since)
    if published_only:
        rows = rows.filter(published=True, standard__published=True)
    return rows.select_related("standard").order_by("period_start")


def performance_of(
    standards: Iterable[Standard], values: Iterable[PerformanceValue]
) -> list[StandardPerformance]:
    by_reference: dict[str, list[PerformanceValue]] = defaultdict(list)
    for row in values:
        by_reference[row.standard.reference].append(row)
    return [StandardPerformance(s, by_reference.get(s.reference, [])) for s in standards]


@dataclass(frozen=True)
class RagCount:
    key: str
    label: str
    count: int


def rag_counts(rows: Iterable[StandardPerformance]) -> list[RagCount]:
    """Red, amber, green and no data for the latest figure of each standard."""
    counts = {rating: 0 for rating in RagRating}
    for row in rows:
        counts[row.rag] += 1
    order = [RagRating.RED, RagRating.AMBER, RagRating.GREEN, RagRating.NO_DATA]
    return [RagCount(r.value or "none", r.label, counts[r]) for r in order]
