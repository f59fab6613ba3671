"""Red, amber, green against a standard's target, and the direction of travel.

Pure functions on numbers: the same rules fill the register, the public page, the dashboard
and the committee report. "Better" is either higher (calls answered within 20 seconds) or
lower (working days to reply); the amber tolerance is how far on the wrong side of the target
still counts as amber. Exactly on the target is green; exactly on the tolerance is amber.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

HIGHER, LOWER = "higher", "lower"


class RagRating(models.TextChoices):
    GREEN = "green", "Met"
    AMBER = "amber", "Just missed"
    RED = "red", "Missed"
    NO_DATA = "", "No data"


class Travel(models.TextChoices):
    IMPROVING = "improving", "Improving"
    SAME = "same", "No change"
    WORSE = "worse", "Getting worse"
    NO_DATA = "", "No data to compare"


def rag(
    value: Decimal | None,
    *,
    target: Decimal | None,
    better: str,
    tolerance: Decimal = Decimal(0),
) -> RagRating:
    """The rating of `value` against `target`; no data when either is missing."""
    if value is None or target is None:
        return RagRating.NO_DATA
    tolerance = abs(tolerance or Decimal(0))
    if better == HIGHER:
        shortfall = target - value
    elif better == LOWER:
        shortfall = value - target
    else:
        raise ValueError(f"Unknown direction {better!r}.")
    if shortfall <= 0:
        return RagRating.GREEN
    if shortfall <= tolerance:
        return RagRating.AMBER
    return RagRating.RED


def travel(current: Decimal | None, before: Decimal | None, *, better: str) -> Travel:
    """Whether performance moved the better way since `before`."""
    if current is None or before is None:
        return Travel.NO_DATA
    if current == before:
        return Travel.SAME
    if better not in (HIGHER, LOWER):
        raise ValueError(f"Unknown direction {better!r}.")
    went_up = current > before
    return Travel.IMPROVING if went_up == (better == HIGHER) else Travel.WORSE
