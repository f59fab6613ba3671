"""A plan's rows as they stood at one moment, rebuilt from django-simple-history.

One query per model (the latest historical row of each object at the moment, deletions left
out); rows are joined by id in Python, since relations followed from historical rows would be
today's, not the moment's. actionplan.reporting builds a report from a snapshot and
actionplan.reporting.changes compares two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models

from actionplan.models import (
    Action,
    ActionOwner,
    GroupMembership,
    Owner,
    Plan,
    ProgressUpdate,
    Project,
    Rag,
    Status,
    TargetRevision,
    Theme,
    Unit,
)

STATUS_LABELS = dict(Status.choices)
RAG_LABELS = dict(Rag.choices)


def as_of_rows(model: type[models.Model], moment: datetime) -> models.QuerySet:
    """The latest historical row of each object at `moment`, deletions left out.

    What `Model.history.as_of()` selects, kept as historical rows (with their date and
    version); filters added afterwards narrow the result, not the choice of latest row.
    """
    rows = model.history.filter(history_date__lte=moment).latest_of_each()
    return rows.exclude(history_type="-").order_by()


def latest_by_id(rows: Iterable[Any]) -> dict[int, Any]:
    # Two rows of one object saved in the same microsecond would both be "latest".
    chosen: dict[int, Any] = {}
    for row in rows:
        held = chosen.get(row.id)
        if held is None or (row.history_date, row.history_id) > (
            held.history_date,
            held.history_id,
        ):
            chosen[row.id] = row
    return chosen


@dataclass
class Snapshot:
    """The plan's rows at one moment, by id; historical rows, read by their *_id attributes."""

    moment: datetime
    plan: Any
    themes: dict[int, Any]
    projects: dict[int, Any]
    actions: dict[int, Any]
    links: dict[int, list[Any]]  # action id → owner links, lead first
    owners: dict[int, Any]
    units: dict[int, Any]
    updates: dict[int, list[Any]]  # action id → progress updates, oldest first
    revisions: dict[int, list[Any]]  # action id → target revisions, oldest first
    groups_of: dict[int, set[int]]  # person id → groups, only for the owners filtered on


def take_snapshot(plan: Plan, moment: datetime, owner_ids: list[int]) -> Snapshot:
    """Nine queries (ten with an owner filter), whatever the size of the plan."""
    theme_ids = Theme.history.filter(plan_id=plan.pk).values("id")
    action_ids = Action.history.filter(theme_id__in=theme_ids).values("id")
    plan_row = as_of_rows(Plan, moment).filter(id=plan.pk).first() or plan
    themes = latest_by_id(as_of_rows(Theme, moment).filter(plan_id=plan.pk))
    projects = latest_by_id(as_of_rows(Project, moment).filter(theme_id__in=theme_ids))
    actions = latest_by_id(as_of_rows(Action, moment).filter(theme_id__in=theme_ids))
    link_rows = latest_by_id(as_of_rows(ActionOwner, moment).filter(action_id__in=action_ids))
    linked_owner_ids = ActionOwner.history.filter(action_id__in=action_ids).values("owner_id")
    owners = latest_by_id(
        as_of_rows(Owner, moment).filter(
            models.Q(id__in=linked_owner_ids) | models.Q(id__in=owner_ids)
        )
    )
    units = latest_by_id(as_of_rows(Unit, moment))
    update_rows = latest_by_id(as_of_rows(ProgressUpdate, moment).filter(action_id__in=action_ids))
    revision_rows = latest_by_id(
        as_of_rows(TargetRevision, moment).filter(action_id__in=action_ids)
    )
    groups_of: dict[int, set[int]] = defaultdict(set)
    if owner_ids:
        memberships = as_of_rows(GroupMembership, moment).filter(person_id__in=owner_ids)
        for membership in latest_by_id(memberships).values():
            groups_of[membership.person_id].add(membership.group_id)

    links: dict[int, list[Any]] = defaultdict(list)
    for link in sorted(link_rows.values(), key=lambda r: (not r.is_lead, r.position, r.id)):
        links[link.action_id].append(link)
    updates: dict[int, list[Any]] = defaultdict(list)
    for update in sorted(update_rows.values(), key=lambda r: (r.reported_on, r.id)):
        updates[update.action_id].append(update)
    revisions: dict[int, list[Any]] = defaultdict(list)
    for revision in sorted(revision_rows.values(), key=lambda r: (r.revised_at, r.id)):
        revisions[revision.action_id].append(revision)
    # An action whose theme has left the plan by the moment is not in the plan then.
    actions = {pk: a for pk, a in actions.items() if a.theme_id in themes}
    return Snapshot(
        moment=moment,
        plan=plan_row,
        themes=themes,
        projects=projects,
        actions=actions,
        links=links,
        owners=owners,
        units=units,
        updates=updates,
        revisions=revisions,
        groups_of=groups_of,
    )


def full_reference(snap: Snapshot, action: Any) -> str:
    parts = [snap.themes[action.theme_id].reference]
    project = snap.projects.get(action.project_id)
    if project is not None and project.reference:
        parts.append(project.reference)
    if action.reference:
        parts.append(action.reference)
    return " / ".join(parts)


def owner_label(snap: Snapshot, owner_id: int) -> str:
    owner = snap.owners.get(owner_id)
    return (owner.short_name or owner.name) if owner is not None else f"Owner #{owner_id}"
