"""Plans set up in the product: a new plan, and the next version of one.

The next version carries over the open actions (with their owners, targets and milestones
still to do), each linked to the action it came from, where its history stays; finished
actions are left behind. The previous version is archived, and an archived plan is read-only
(access.can_manage_plans). Every write records the acting user and a reason in history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from actionplan.conflicts import refuse_conflicts
from actionplan.models import (
    Action,
    ActionOwner,
    Milestone,
    Organisation,
    Plan,
    PlanStatus,
    Project,
    Theme,
)
from actionplan.services import User, save_with_history


def free_slug(title: str, *, taken_by: Plan | None = None) -> str:
    """An address made from the title, numbered if another plan already has it."""
    base = slugify(title)[:70] or "plan"
    slug, n = base, 1
    others = Plan.objects.exclude(pk=getattr(taken_by, "pk", None))
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@dataclass(frozen=True)
class PlanDetails:
    """What a plan is called and when it runs, as the new-plan form gives it."""

    title: str
    slug: str
    version_label: str = ""
    period_start: date | None = None
    period_end: date | None = None
    adopted_on: date | None = None
    committee: str = ""
    status: str = PlanStatus.DRAFT


@transaction.atomic
def plan_create(*, organisation: Organisation, details: PlanDetails, user: User | None) -> Plan:
    """A new, empty plan of the organisation."""
    plan = Plan(
        organisation=organisation,
        title=details.title.strip(),
        slug=details.slug or free_slug(details.title),
        version_label=details.version_label.strip(),
        period_start=details.period_start,
        period_end=details.period_end,
        adopted_on=details.adopted_on,
        committee=details.committee.strip(),
        status=details.status,
    )
    save_with_history(plan, user=user, reason="Plan created")
    return plan


@dataclass(frozen=True)
class NextVersion:
    plan: Plan
    carried_over: int
    left_behind: int


@transaction.atomic
def plan_settings_save(*, plan: Plan, user: User | None, base: dict | None) -> Plan:
    """Save a plan's settings; `base` (the form's start) refuses saving over someone else's
    change to them (actionplan.conflicts)."""
    refuse_conflicts(plan, base)
    save_with_history(plan, user=user, reason="Plan settings changed")
    return plan


@transaction.atomic
def plan_next_version(*, previous: Plan, details: PlanDetails, user: User | None) -> NextVersion:
    """The next version of `previous`: its open actions carried over, the old one archived."""
    previous = Plan.objects.select_for_update().get(pk=previous.pk)
    if previous.status == PlanStatus.ARCHIVED:
        raise ValidationError(
            "This plan is archived: make the next version from its latest version."
        )
    if previous.update_rounds.filter(closed_at__isnull=True).exists():
        raise ValidationError(
            {
                "previous": f"{previous} has an open update round: close it first, so its "
                "responses are kept as they are."
            }
        )
    plan = plan_create(organisation=previous.organisation, details=details, user=user)
    reason = f"Carried over from {previous}"
    themes = {}
    for theme in previous.themes.order_by("position", "pk"):
        themes[theme.pk] = Theme(
            plan=plan,
            reference=theme.reference,
            title=theme.title,
            kind=theme.kind,
            description=theme.description,
            position=theme.position,
        )
        save_with_history(themes[theme.pk], user=user, reason=reason)
    projects = {}
    for project in Project.objects.filter(theme__plan=previous).order_by("position", "pk"):
        projects[project.pk] = Project(
            theme=themes[project.theme_id],
            reference=project.reference,
            title=project.title,
            description=project.description,
            position=project.position,
        )
        save_with_history(projects[project.pk], user=user, reason=reason)
    actions = Action.objects.for_plan(previous)
    carried = 0
    for old in actions.open().prefetch_related("action_owners", "milestones").order_by("pk"):
        new = Action(
            theme=themes[old.theme_id],
            project=projects.get(old.project_id),
            reference=old.reference,
            description=old.description,
            position=old.position,
            owners_as_written=old.owners_as_written,
            unit_id=old.unit_id,
            target=old.target,
            original_target=old.original_target,
            replan_count=old.replan_count,
            status=old.status,
            rag=old.rag,
            percent_complete=old.percent_complete,
            notes=old.notes,
            carried_over_from=old,
        )
        save_with_history(new, user=user, reason=reason)
        for link in old.action_owners.all():
            save_with_history(
                ActionOwner(
                    action=new,
                    owner_id=link.owner_id,
                    is_lead=link.is_lead,
                    position=link.position,
                ),
                user=user,
                reason=reason,
            )
        for milestone in old.milestones.all():
            if milestone.done_on is None:
                save_with_history(
                    Milestone(
                        action=new,
                        text=milestone.text,
                        target=milestone.target,
                        position=milestone.position,
                    ),
                    user=user,
                    reason=reason,
                    validate=False,
                )
        carried += 1
    previous.status = PlanStatus.ARCHIVED
    save_with_history(previous, user=user, reason=f"Archived: replaced by {plan}")
    return NextVersion(plan=plan, carried_over=carried, left_behind=actions.count() - carried)
