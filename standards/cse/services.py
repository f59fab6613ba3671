"""Writes to the CSE self-assessment: evidence with its links, assessments, theme mappings.

Keyword-only, atomic, and each row added, changed or removed leaves a history row with the
acting user and a reason. Bad input raises ValidationError before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from actionplan.conflicts import LinkSet, refuse_conflicts
from actionplan.models import Action, Plan, Theme
from actionplan.services import User, links_sync_with_history, save_with_history
from consultation.models import Exercise
from standards.cse.models import (
    ActionSubCriterion,
    Assessment,
    Compliance,
    Criterion,
    Evidence,
    EvidenceAction,
    EvidenceExercise,
    EvidenceStandard,
    EvidenceSubCriterion,
    Rating,
    SubCriterion,
    ThemeCriterion,
)
from standards.models import Standard


def cse_evidence_link_sets(evidence: Evidence) -> dict[str, LinkSet]:
    """What an evidence item is linked to, as its form edits it (by field name)."""

    def links(model: type, column: str, label: str) -> LinkSet:
        return LinkSet(label=label, model=model, where={"evidence_id": evidence.pk}, column=column)

    return {
        "sub_criteria": links(EvidenceSubCriterion, "sub_criterion_id", "sub-criteria it supports"),
        "actions": links(EvidenceAction, "action_id", "plan actions it comes from or supports"),
        "standards": links(EvidenceStandard, "standard_id", "service standards it shows"),
        "exercises": links(EvidenceExercise, "exercise_id", "consultation exercises it draws on"),
    }


@transaction.atomic
def cse_evidence_save(
    *,
    evidence: Evidence,
    sub_criteria: Sequence[SubCriterion],
    actions: Sequence[Action] = (),
    standards: Sequence[Standard] = (),
    exercises: Sequence[Exercise] = (),
    user: User | None,
    reason: str,
    base: dict | None = None,
) -> Evidence:
    """Save an evidence item and make its links exactly those given.

    `base` (an edit form's start) refuses saving over someone else's change (conflicts.py),
    to the item or to its links.
    """
    if evidence.pk is not None:
        wanted = {
            "sub_criteria": sub_criteria,
            "actions": actions,
            "standards": standards,
            "exercises": exercises,
        }
        refuse_conflicts(
            evidence,
            base,
            sets=cse_evidence_link_sets(evidence),
            chosen={name: [row.pk for row in rows] for name, rows in wanted.items()},
        )
    if not sub_criteria:
        raise ValidationError(
            {"sub_criteria": "Choose at least one sub-criterion this evidence supports."}
        )
    foreign = [a for a in actions if a.theme.plan_id != evidence.plan_id]
    if foreign:
        raise ValidationError({"actions": "Choose only actions of this plan."})
    if any(exercise.plan_id != evidence.plan_id for exercise in exercises):
        # Another plan's exercise (perhaps of a draft plan) would show its title to this
        # plan's viewers.
        raise ValidationError({"exercises": "Choose only consultation exercises of this plan."})
    if evidence.pk is None and evidence.created_by_id is None and user is not None:
        evidence.created_by = user
    save_with_history(evidence, user=user, reason=reason)
    links_sync_with_history(
        existing=evidence.sub_criterion_links.all(),
        field="sub_criterion",
        wanted=sub_criteria,
        make=lambda sub: EvidenceSubCriterion(evidence=evidence, sub_criterion=sub),
        user=user,
        reason=reason,
    )
    links_sync_with_history(
        existing=evidence.action_links.all(),
        field="action",
        wanted=actions,
        make=lambda action: EvidenceAction(evidence=evidence, action=action),
        user=user,
        reason=reason,
    )
    links_sync_with_history(
        existing=evidence.standard_links.all(),
        field="standard",
        wanted=standards,
        make=lambda standard: EvidenceStandard(evidence=evidence, standard=standard),
        user=user,
        reason=reason,
    )
    links_sync_with_history(
        existing=evidence.exercise_links.all(),
        field="exercise",
        wanted=exercises,
        make=lambda exercise: EvidenceExercise(evidence=evidence, exercise=exercise),
        user=user,
        reason=reason,
    )
    return evidence


@dataclass(frozen=True)
class RatingInput:
    compliance: str  # a Compliance value, or "" for not rated in this assessment
    note: str = ""


@transaction.atomic
def cse_assessment_record(
    *,
    plan: Plan,
    assessed_on: date,
    kind: str,
    assessor: str = "",
    notes: str = "",
    ratings: Mapping[SubCriterion, RatingInput],
    user: User | None,
    reason: str = "CSE assessment recorded",
) -> Assessment:
    """Record a whole assessment: its date and who made it, and a rating per sub-criterion."""
    rated = {sub: r for sub, r in ratings.items() if r.compliance}
    if not rated:
        raise ValidationError("Rate at least one sub-criterion.")
    bad = [sub.reference for sub, r in rated.items() if r.compliance not in Compliance.values]
    if bad:
        raise ValidationError(f"Choose a rating from the list for {', '.join(bad)}.")
    unrated_notes = [sub.reference for sub, r in ratings.items() if r.note and not r.compliance]
    if unrated_notes:
        raise ValidationError(
            f"Choose a rating for {', '.join(unrated_notes)}, or remove the note you wrote."
        )
    assessment = Assessment(
        plan=plan,
        assessed_on=assessed_on,
        kind=kind,
        assessor=assessor,
        notes=notes,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    save_with_history(assessment, user=user, reason=reason)
    for sub, rating in rated.items():
        save_with_history(
            Rating(
                assessment=assessment,
                sub_criterion=sub,
                compliance=rating.compliance,
                note=rating.note,
            ),
            user=user,
            reason=reason,
        )
    return assessment


def cse_theme_mapping_sets(themes: Sequence[Theme]) -> dict[str, LinkSet]:
    """Each theme's criteria, as the mapping form edits them (field theme_<id>)."""
    return {
        f"theme_{theme.pk}": LinkSet(
            label=f"criteria of theme {theme}",
            model=ThemeCriterion,
            where={"theme_id": theme.pk},
            column="criterion_id",
        )
        for theme in themes
    }


def cse_action_sub_criteria_links(action: Action) -> LinkSet:
    """The sub-criteria an action addresses directly, as its form edits them."""
    return LinkSet(
        label="sub-criteria this action addresses",
        model=ActionSubCriterion,
        where={"action_id": action.pk},
        column="sub_criterion_id",
    )


@transaction.atomic
def cse_theme_mapping_save(
    *,
    plan: Plan,
    mapping: Mapping[Theme, Sequence[Criterion]],
    user: User | None,
    reason: str = "Themes mapped to CSE criteria",
    note: str = "",
    base: dict | None = None,
) -> None:
    """Make each theme's criteria exactly those given (themes not mentioned are left alone).

    `base` (the mapping form's start) refuses saving over someone else's mapping
    (actionplan.conflicts); the plan's row is the lock every mapping save takes.
    """
    foreign = [t for t in mapping if t.plan_id != plan.pk]
    if foreign:
        raise ValidationError("Map only this plan's themes.")
    Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    refuse_conflicts(
        plan,
        base,
        sets=cse_theme_mapping_sets(list(mapping)),
        chosen={f"theme_{t.pk}": [c.pk for c in criteria] for t, criteria in mapping.items()},
    )
    for theme, criteria in mapping.items():
        links_sync_with_history(
            existing=theme.cse_criterion_links.all(),
            field="criterion",
            wanted=criteria,
            make=lambda criterion, theme=theme: ThemeCriterion(
                theme=theme, criterion=criterion, note=note
            ),
            user=user,
            reason=reason,
        )


@transaction.atomic
def cse_action_sub_criteria_set(
    *,
    action: Action,
    sub_criteria: Sequence[SubCriterion],
    user: User | None,
    reason: str = "CSE sub-criteria of the action changed",
    base: dict | None = None,
) -> None:
    """Make the sub-criteria the action directly addresses exactly those given.

    `base` (the form's start) refuses saving over someone else's change (actionplan.conflicts);
    the action's row is the lock every save of its sub-criteria takes.
    """
    Action.objects.select_for_update(of=("self",)).get(pk=action.pk)
    refuse_conflicts(
        action,
        base,
        sets={"sub_criteria": cse_action_sub_criteria_links(action)},
        chosen={"sub_criteria": [sub.pk for sub in sub_criteria]},
    )
    links_sync_with_history(
        existing=action.cse_sub_criterion_links.all(),
        field="sub_criterion",
        wanted=sub_criteria,
        make=lambda sub: ActionSubCriterion(action=action, sub_criterion=sub),
        user=user,
        reason=reason,
    )
