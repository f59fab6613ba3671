"""Writes to consultation findings and scrutiny recommendations that need a history reason.

Keyword-only, atomic; each records the acting user and a reason in history. Bad input raises
ValidationError with a message for the user and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actionplan.conflicts import refuse_conflicts
from actionplan.models import Action, Theme
from actionplan.services import (
    User,
    delete_with_history,
    links_sync_with_history,
    save_with_history,
)
from consultation.models import (
    Exercise,
    Finding,
    FindingAction,
    FindingTheme,
    PublicPage,
    Recommendation,
    RecommendationAction,
    ScrutinyMeeting,
)


def _plan_id_of_action(action: Action) -> int:
    return Theme.objects.values_list("plan_id", flat=True).get(pk=action.theme_id)


@transaction.atomic
def exercise_save(*, exercise: Exercise, user: User | None, base: dict | None = None) -> Exercise:
    """Add or save an exercise; `base` (an edit form's start) refuses saving over a change."""
    refuse_conflicts(exercise, base)
    reason = "Consultation exercise " + ("added" if exercise.pk is None else "edited")
    save_with_history(exercise, user=user, reason=reason)
    return exercise


@transaction.atomic
def finding_save(
    *, finding: Finding, themes: Iterable[Theme], user: User | None, base: dict | None = None
) -> Finding:
    """Save the finding and make its linked themes exactly `themes` (of the same plan).

    `base` (an edit form's start) refuses saving over someone else's change (conflicts.py).
    """
    refuse_conflicts(finding, base)
    plan_id = finding.exercise.plan_id
    wanted = {theme.pk: theme for theme in themes}
    if any(theme.plan_id != plan_id for theme in wanted.values()):
        raise ValidationError("A finding can only be linked to themes of its own plan.")
    reason = "Finding added" if finding.pk is None else "Finding edited"
    save_with_history(finding, user=user, reason=reason)
    links_sync_with_history(
        existing=finding.finding_themes.all(),
        field="theme",
        wanted=wanted.values(),
        make=lambda theme: FindingTheme(finding=finding, theme=theme),
        user=user,
        reason="Theme linked to finding",
        removed_reason="Theme unlinked from finding",
    )
    return finding


@transaction.atomic
def finding_link_action(*, finding: Finding, action: Action, user: User | None) -> FindingAction:
    if _plan_id_of_action(action) != finding.exercise.plan_id:
        raise ValidationError("Choose an action of this finding's plan.")
    if FindingAction.objects.filter(finding=finding, action=action).exists():
        raise ValidationError(f"Action {action.full_reference} already responds to this finding.")
    link = FindingAction(finding=finding, action=action)
    save_with_history(link, user=user, reason="Action linked as responding to finding")
    return link


@transaction.atomic
def finding_unlink_action(*, finding: Finding, action: Action, user: User | None) -> None:
    link = FindingAction.objects.filter(finding=finding, action=action).first()
    if link is None:
        raise ValidationError("This action is not linked to this finding.")
    delete_with_history(link, user=user, reason="Action unlinked from finding")


@transaction.atomic
def public_page_save(
    *, page: PublicPage, user: User | None, base: dict | None = None
) -> PublicPage:
    """Save the public page's settings; `base` (the form's start) refuses saving over someone
    else's change (actionplan.conflicts)."""
    refuse_conflicts(page, base)
    state = "public" if page.you_said_we_did_published else "not public"
    save_with_history(page, user=user, reason=f'"You said, we did" page set {state}')
    return page


@transaction.atomic
def meeting_save(*, meeting: ScrutinyMeeting, user: User | None) -> ScrutinyMeeting:
    reason = "Scrutiny meeting " + ("added" if meeting.pk is None else "edited")
    save_with_history(meeting, user=user, reason=reason)
    return meeting


@transaction.atomic
def recommendation_save(
    *, recommendation: Recommendation, user: User | None, base: dict | None = None
) -> Recommendation:
    """Add or save a recommendation; `base` (an edit form's start) refuses saving over a change."""
    refuse_conflicts(recommendation, base)
    reason = "Recommendation added" if recommendation.pk is None else "Recommendation edited"
    save_with_history(recommendation, user=user, reason=reason)
    return recommendation


@transaction.atomic
def recommendation_link_action(
    *, recommendation: Recommendation, action: Action, user: User | None
) -> RecommendationAction:
    if _plan_id_of_action(action) != recommendation.meeting.plan_id:
        raise ValidationError("Choose an action of this recommendation's plan.")
    if RecommendationAction.objects.filter(recommendation=recommendation, action=action).exists():
        raise ValidationError(
            f"Action {action.full_reference} already answers this recommendation."
        )
    link = RecommendationAction(recommendation=recommendation, action=action)
    save_with_history(link, user=user, reason="Action linked as answering recommendation")
    return link


@transaction.atomic
def recommendation_unlink_action(
    *, recommendation: Recommendation, action: Action, user: User | None
) -> None:
    link = RecommendationAction.objects.filter(recommendation=recommendation, action=action).first()
    if link is None:
        raise ValidationError("This action is not linked to this recommendation.")
    delete_with_history(link, user=user, reason="Action unlinked from recommendation")


@transaction.atomic
def recommendation_mark_reported_back(
    *, recommendation: Recommendation, on: date | None = None, user: User | None
) -> Recommendation:
    """Record that the report-back was made (on `on`, default today)."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    on = on or timezone.localdate()
    if recommendation.reported_back_on is not None:
        raise ValidationError(
            f"Recommendation {recommendation.reference} was already reported back on "
            f"{recommendation.reported_back_on:%-d %B %Y}."
        )
    if on > timezone.localdate():
        raise ValidationError("The report-back date cannot be in the future.")
    recommendation.reported_back_on = on
    save_with_history(recommendation, user=user, reason="Marked as reported back")
    return recommendation
