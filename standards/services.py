"""Writes to the standards register and its performance figures.

Keyword-only, atomic, and each records the acting user and a reason in history. Bad input
raises ValidationError before anything is written, so a refused change leaves no trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actionplan.conflicts import refuse_conflicts
from actionplan.models import Action
from actionplan.services import User, delete_with_history, save_with_history
from standards.models import PerformanceValue, Standard, StandardAction
from standards.periods import Period

# Fields a revision may change; reference and channel stay, so versions stay one standard.
REVISABLE_FIELDS = [
    "title",
    "stage",
    "commitment",
    "measure",
    "unit",
    "target",
    "better",
    "amber_tolerance",
    "frequency",
    "owner",
    "scope",
    "service",
    "plan",
    "published",
    "note",
]


@transaction.atomic
def standard_save(
    *, standard: Standard, user: User | None, reason: str, base: dict | None = None
) -> Standard:
    """Add a standard or correct one in place; `base` (an edit form's start) refuses saving
    over someone else's correction (actionplan.conflicts)."""
    refuse_conflicts(standard, base)
    save_with_history(standard, user=user, reason=reason)
    return standard


@transaction.atomic
def standard_revise(
    *,
    standard: Standard,
    changes: dict,
    effective_from: date,
    user: User | None,
    reason: str,
    base: dict | None = None,
) -> Standard:
    """End `standard` the day before `effective_from` and start a new version with `changes`.

    Values already entered for periods from `effective_from` on belong to the new version
    and are refused rather than silently moved: revise from a later date, or move them first.
    `base` (the revision form's start) refuses revising over someone else's correction of
    the current version since (actionplan.conflicts).
    """
    if not reason.strip():
        raise ValidationError({"reason": "Say why the standard is being revised."})
    standard = Standard.objects.select_for_update(of=("self",)).get(pk=standard.pk)
    revised = Standard(**{f.attname: getattr(standard, f.attname) for f in Standard._meta.fields})
    for name, value in changes.items():
        setattr(revised, name, value)
    refuse_conflicts(revised, base)
    if standard.effective_from and effective_from <= standard.effective_from:
        raise ValidationError(
            {
                "effective_from": "A revision must start after the current version started "
                f"({standard.effective_from:%d/%m/%Y})."
            }
        )
    if standard.effective_to and effective_from > standard.effective_to:
        raise ValidationError(
            {"effective_from": "This version has already ended: revise the latest version."}
        )
    later = standard.values.filter(period_start__gte=effective_from).count()
    if later:
        raise ValidationError(
            {
                "effective_from": f"{later} value{'s' if later != 1 else ''} already entered "
                "for periods from that date belong to this version. Choose a later date."
            }
        )
    new = Standard(
        organisation_id=standard.organisation_id,
        reference=standard.reference,
        channel=standard.channel,
        position=standard.position,
        effective_from=effective_from,
        effective_to=standard.effective_to,
    )
    for name in REVISABLE_FIELDS:
        setattr(new, name, changes.get(name, getattr(standard, name)))
    standard.effective_to = effective_from - timedelta(days=1)
    save_with_history(standard, user=user, reason=f"Revised: {reason}")
    save_with_history(new, user=user, reason=f"Revision of {standard.reference}: {reason}")
    for link in standard.action_links.all():
        copy = StandardAction(standard=new, action_id=link.action_id, note=link.note)
        save_with_history(copy, user=user, reason=f"Carried to the revision: {reason}")
    return new


@transaction.atomic
def standard_link_action(
    *, standard: Standard, action: Action, note: str = "", user: User | None
) -> StandardAction:
    """Record that `action` improves performance against `standard` (of one organisation)."""
    if action.theme.plan.organisation_id != standard.organisation_id:
        raise ValidationError("Only an action of the standard's own organisation can be linked.")
    link = StandardAction(standard=standard, action=action, note=note)
    save_with_history(link, user=user, reason=f"Action linked to {standard.reference}")
    return link


@transaction.atomic
def standard_unlink_action(*, link: StandardAction, user: User | None) -> None:
    delete_with_history(link, user=user, reason=f"Action unlinked from {link.standard.reference}")


@dataclass(frozen=True)
class Figure:
    """One figure as entered on a form or in a CSV row, already read as numbers."""

    standard: Standard
    period: Period
    value: Decimal | None
    numerator: int | None = None
    denominator: int | None = None
    site: str = ""
    note: str = ""


@dataclass(frozen=True)
class FiguresSaved:
    created: int
    updated: int
    unchanged: int
    deleted: int

    def __str__(self) -> str:
        parts = [
            f"{count} {word}"
            for count, word in (
                (self.created, "added"),
                (self.updated, "changed"),
                (self.deleted, "removed"),
                (self.unchanged, "unchanged"),
            )
            if count
        ]
        return ", ".join(parts) or "nothing to save"


def _changed(row: PerformanceValue, figure: Figure, publish: bool | None) -> bool:
    return (
        row.value != figure.value
        or row.numerator != figure.numerator
        or row.denominator != figure.denominator
        or row.note != figure.note
        or (publish is not None and row.published != publish)
    )


@transaction.atomic
def performance_record(
    *,
    figures: Sequence[Figure],
    clear: Sequence[PerformanceValue] = (),
    publish: bool | None = None,
    user: User | None,
    reason: str,
) -> FiguresSaved:
    """Save every figure (new or changed) and delete `clear`, all or nothing.

    Each figure is validated by the model (period, standard in force, consistent numerator
    and denominator); the first failure raises and rolls everything back. `publish` sets
    every saved figure's published flag; None keeps what each had (new ones unpublished).
    """
    created = updated = unchanged = 0
    now = timezone.now()
    for figure in figures:
        row = PerformanceValue.objects.filter(
            standard=figure.standard, period_start=figure.period.start, site=figure.site
        ).first()
        if row is not None and not _changed(row, figure, publish):
            unchanged += 1
            continue
        is_new = row is None
        row = row or PerformanceValue(
            standard=figure.standard, period_start=figure.period.start, site=figure.site
        )
        row.frequency = figure.period.frequency
        row.value = figure.value
        row.numerator, row.denominator = figure.numerator, figure.denominator
        row.note = figure.note
        row.entered_by, row.entered_at = user, now
        if publish is not None:
            row.published = publish
        try:
            save_with_history(row, user=user, reason=reason)
        except ValidationError as error:
            raise ValidationError(
                f"{figure.standard.reference} {figure.period}: {'; '.join(error.messages)}"
            ) from None
        created, updated = created + is_new, updated + (not is_new)
    for row in clear:
        delete_with_history(row, user=user, reason=reason)
    return FiguresSaved(created=created, updated=updated, unchanged=unchanged, deleted=len(clear))
