"""The CSE panel of the plan dashboard: the latest assessment's ratings, in one query."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from actionplan.models import Plan
from actionplan.summary import Count as Tally
from standards.cse.coverage import NOT_RATED, RATING_ORDER
from standards.cse.models import Assessment, Compliance
from standards.cse.reference import CRITERIA

# The data migration loads exactly these, so the panel needs no query to count them.
SUB_CRITERIA = sum(len(subs) for _, _, subs in CRITERIA)


@dataclass(frozen=True)
class CsePanel:
    assessment: Assessment | None
    ratings: list[Tally]

    @property
    def full(self) -> int:
        return next(t.count for t in self.ratings if t.key == Compliance.FULL)


def cse_panel(plan: Plan) -> CsePanel:
    """The latest assessment with how many sub-criteria it rated at each level (one query)."""
    counts = {
        value: Count("ratings", filter=Q(ratings__compliance=value)) for value in Compliance.values
    }
    assessment = (
        Assessment.objects.filter(plan=plan)
        .order_by("-assessed_on", "-id")
        .annotate(**{f"rated_{value}": count for value, count in counts.items()})
        .first()
    )
    if assessment is None:
        return CsePanel(assessment=None, ratings=[])
    rated = {value: getattr(assessment, f"rated_{value}") for value in Compliance.values}
    rated[NOT_RATED] = SUB_CRITERIA - sum(rated.values())
    ratings = [Tally(key, label, rated[key], SUB_CRITERIA) for key, label in RATING_ORDER]
    return CsePanel(assessment=assessment, ratings=ratings)
