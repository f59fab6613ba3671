"""Changing the plan's shape: themes, projects, where actions sit, milestones, hard deletion.

Like services.py, every write is keyword-only and atomic, and records the acting user and a
reason in history. Saving an edited theme or project refuses an edit conflict
(conflicts.refuse_conflicts): someone else's change since the form was loaded is not overwritten.
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Max, Prefetch, QuerySet

from actionplan.conflicts import refuse_conflicts
from actionplan.models import Action, Milestone, Plan, Project, Theme
from actionplan.services import (
    User,
    action_save,
    action_set_owners_from_text,
    delete_with_history,
    milestone_save,
    save_with_history,
)

Direction = Literal["up", "down"]

# The fields people edit in the browser; a conflict is only about these.
THEME_FIELDS = ("reference", "title", "kind", "description")
PROJECT_FIELDS = ("theme", "reference", "title", "description")

_MOVED = {"up": "Moved up", "down": "Moved down"}
# A move button carries the neighbour its page showed; "none" when it showed none (bad input
# reads the same way: whatever it names, it is not a neighbour, so nothing moves).
NO_NEIGHBOUR = "none"


class OrderChanged(Exception):
    """The neighbour a move was to pass is no longer next to the row: someone else reordered
    (or added, moved away or deleted) rows here since the page was loaded. Nothing moved."""


_OPPOSITE: dict[Direction, Direction] = {"up": "down", "down": "up"}


# Reads ---------------------------------------------------------------------------------------


def plan_outline(plan: Plan) -> QuerySet[Theme]:
    """The plan's themes in order, with their projects in order, actions and action counts.

    Four queries however big the plan: themes (with counts), projects (with counts), the
    projects' actions, and the actions that sit directly under a theme. Each theme gets
    `action_count`, `ordered_projects` and `loose_actions`; each project `action_count` and
    `ordered_actions`.
    """
    actions = Action.objects.order_by("position", "id")
    projects = (
        Project.objects.annotate(action_count=Count("actions"))
        .order_by("position", "id")
        .prefetch_related(Prefetch("actions", queryset=actions, to_attr="ordered_actions"))
    )
    return (
        Theme.objects.filter(plan=plan)
        .annotate(action_count=Count("actions"))
        .order_by("position", "id")
        .prefetch_related(
            Prefetch("projects", queryset=projects, to_attr="ordered_projects"),
            Prefetch(
                "actions", queryset=actions.filter(project__isnull=True), to_attr="loose_actions"
            ),
        )
    )


# Ordering ------------------------------------------------------------------------------------


def _next_position(siblings: QuerySet) -> int:
    highest = siblings.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1


def _swap_with_neighbour(
    siblings: QuerySet,
    *,
    pk: int,
    direction: Direction,
    user: User | None,
    neighbour: str | None = None,
) -> bool:
    """Swap the row's position with its neighbour's; False when it is already at that end.

    `neighbour`, the id of the row the page showed next to it on that side, makes the move
    conditional: if another row is there now, OrderChanged is raised and nothing moves.
    Positions that collide (rows added with the same position) are renumbered 0..n first, in
    their current order, so the swap always moves the row.
    """
    rows = list(siblings.select_for_update().order_by("position", "id"))
    index = next(i for i, row in enumerate(rows) if row.pk == pk)
    other = index - 1 if direction == "up" else index + 1
    there = rows[other] if 0 <= other < len(rows) else None
    if neighbour is not None and neighbour != (str(there.pk) if there else NO_NEIGHBOUR):
        raise OrderChanged
    if there is None:
        return False
    before = {row.pk: row.position for row in rows}
    if len(set(before.values())) < len(rows):
        for position, row in enumerate(rows):
            row.position = position
    mine, theirs = rows[index], rows[other]
    mine.position, theirs.position = theirs.position, mine.position
    reasons = {mine.pk: _MOVED[direction], theirs.pk: _MOVED[_OPPOSITE[direction]]}
    for row in rows:
        if row.position != before[row.pk]:
            reason = reasons.get(row.pk, "Renumbered")
            save_with_history(row, user=user, reason=reason, validate=False)
    return True


def _action_siblings(*, theme: Theme, project: Project | None) -> QuerySet[Action]:
    if project is not None:
        return Action.objects.filter(project=project)
    return Action.objects.filter(theme=theme, project__isnull=True)


@transaction.atomic
def theme_reorder(
    *, theme: Theme, direction: Direction, user: User | None, neighbour: str | None = None
) -> bool:
    """Move a theme one place up or down in its plan; False if it is already first/last.
    Given the `neighbour` the page showed, OrderChanged if that is no longer so."""
    siblings = Theme.objects.filter(plan_id=theme.plan_id)
    return _swap_with_neighbour(
        siblings, pk=theme.pk, direction=direction, user=user, neighbour=neighbour
    )


@transaction.atomic
def project_reorder(
    *, project: Project, direction: Direction, user: User | None, neighbour: str | None = None
) -> bool:
    """Move a project one place up or down in its theme; False if it is already first/last.
    Given the `neighbour` the page showed, OrderChanged if that is no longer so."""
    siblings = Project.objects.filter(theme_id=project.theme_id)
    return _swap_with_neighbour(
        siblings, pk=project.pk, direction=direction, user=user, neighbour=neighbour
    )


@transaction.atomic
def action_reorder(
    *, action: Action, direction: Direction, user: User | None, neighbour: str | None = None
) -> bool:
    """Move an action one place up or down in its project (or directly under its theme).
    Given the `neighbour` the page showed, OrderChanged if that is no longer so."""
    siblings = _action_siblings(theme=action.theme, project=action.project)
    return _swap_with_neighbour(
        siblings, pk=action.pk, direction=direction, user=user, neighbour=neighbour
    )


# Themes and projects -------------------------------------------------------------------------


@transaction.atomic
def theme_save(*, theme: Theme, user: User | None, base: dict | None = None) -> Theme:
    """Add a theme (at the end of its plan) or save an edited one.

    For an edit, `base` is what the form was loaded with (conflicts.py): if someone else has
    changed the theme's edited fields since, EditConflict is raised and nothing is saved.
    """
    if theme.pk is None:
        theme.position = _next_position(Theme.objects.filter(plan_id=theme.plan_id))
        save_with_history(theme, user=user, reason="Theme added")
        return theme
    refuse_conflicts(theme, base)
    save_with_history(theme, user=user, reason="Theme edited")
    return theme


@transaction.atomic
def project_save(*, project: Project, user: User | None, base: dict | None = None) -> Project:
    """Add a project (at the end of its theme) or save an edited one.

    A project moved to another theme goes to the end of that theme, and its actions move with
    it (their theme changes too), each with a history row. The theme must be in the same plan.
    """
    if project.pk is None:
        project.position = _next_position(Project.objects.filter(theme_id=project.theme_id))
        save_with_history(project, user=user, reason="Project added")
        return project
    refuse_conflicts(project, base)
    stored = (
        Project.objects.select_for_update(of=("self",)).select_related("theme").get(pk=project.pk)
    )
    if stored.theme_id == project.theme_id:
        save_with_history(project, user=user, reason="Project edited")
        return project
    new_theme = project.theme
    if new_theme.plan_id != stored.theme.plan_id:
        raise ValidationError({"theme": "A project can only move to a theme of the same plan."})
    project.position = _next_position(Project.objects.filter(theme=new_theme))
    reason = f"Moved to theme {new_theme.reference}"
    save_with_history(project, user=user, reason=reason)
    for action in Action.objects.select_for_update(of=("self",)).filter(project=project):
        action.theme = new_theme
        save_with_history(
            action, user=user, reason=f"{reason} with its project {project}", validate=False
        )
    return project


# Actions -------------------------------------------------------------------------------------


@transaction.atomic
def action_create(*, action: Action, user: User | None) -> list[str]:
    """Add an action at the end of its project (or theme) and link the owners it names.

    `action.owners_as_written` is resolved to owners (services.action_set_owners_from_text);
    returns the names that matched no known owner, which are kept in the text only.
    """
    action.position = _next_position(_action_siblings(theme=action.theme, project=action.project))
    action_save(action=action, user=user, reason="Action added")
    return action_set_owners_from_text(
        action=action, text=action.owners_as_written, user=user, reason="Action added"
    )


@transaction.atomic
def action_move(
    *,
    action: Action,
    theme: Theme,
    project: Project | None = None,
    at_start: bool = False,
    user: User | None,
    base: dict | None = None,
) -> Action:
    """Move an action to a theme (and optionally a project in it) of the same plan.

    It goes at the end, or at the start (the others there are renumbered after it). `base` is
    where the user saw it (conflicts.base_of over theme and project): if someone else has moved
    it since, to somewhere else than this user's choice, conflicts.EditConflict is raised and
    nothing moves.
    """
    chosen = Action(pk=action.pk, theme_id=theme.pk, project_id=project.pk if project else None)
    refuse_conflicts(chosen, base)
    action = (
        Action.objects.select_for_update(of=("self",)).select_related("theme").get(pk=action.pk)
    )
    if theme.plan_id != action.theme.plan_id:
        raise ValidationError({"theme": "An action can only move to a theme of its own plan."})
    if project is not None and project.theme_id != theme.pk:
        raise ValidationError(
            {"project": f"Choose a project in theme {theme.reference}, or no project."}
        )
    others = _action_siblings(theme=theme, project=project).exclude(pk=action.pk)
    if at_start:
        for position, row in enumerate(others.select_for_update().order_by("position", "id"), 1):
            if row.position != position:
                row.position = position
                save_with_history(row, user=user, reason="Renumbered", validate=False)
        action.position = 0
    else:
        action.position = _next_position(others)
    action.theme, action.project = theme, project
    reason = f"Moved to theme {theme.reference}"
    if project is not None:
        reason += f", project {project}"
    save_with_history(action, user=user, reason=reason)
    return action


@transaction.atomic
def action_delete(*, action: Action, user: User | None, reason: str) -> None:
    """Delete an action for good, with its milestones, updates, revisions and owner links.

    Every row removed leaves a "-" history row with the user and the reason, so the record of
    what was there survives. Retiring (services.action_retire) is the usual way out of a plan.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for deleting the action."})
    action = Action.objects.select_for_update().get(pk=action.pk)
    note = f"Action deleted: {reason}"
    for relation in Action._meta.related_objects:
        if relation.one_to_many and relation.on_delete is models.CASCADE:
            for row in getattr(action, relation.get_accessor_name()).all():
                delete_with_history(row, user=user, reason=note)
    delete_with_history(action, user=user, reason=note)


# Milestones ----------------------------------------------------------------------------------


@transaction.atomic
def milestone_create(*, milestone: Milestone, user: User | None) -> Milestone:
    """Add a milestone after the action's existing ones."""
    milestone.position = _next_position(Milestone.objects.filter(action_id=milestone.action_id))
    return milestone_save(milestone=milestone, user=user, reason="Milestone added")


@transaction.atomic
def milestone_delete(*, milestone: Milestone, user: User | None) -> None:
    delete_with_history(milestone, user=user, reason="Milestone deleted")
