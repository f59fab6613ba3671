"""The new actions of an import, written in bulk, each with its history.

A council's first import creates every action of its plan (thousands), each with its owners'
links, its progress update and, where the file gives a revised date, its target revision.
Saving them one by one costs a dozen queries an action; here each kind is written in batches
through django-simple-history's `bulk_create_with_history`, so every row still has its
history record with the importing user and the reason "Imported from <file>". What the
preview read is what is written; the database's constraints still hold the line (a refusal
rolls the whole import back, apply.py).

A revised target is written as the services write one: the action carries the revised target,
the original target and one re-plan, beside a TargetRevision (old → new, reason "Revised in
<file>", who and when).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from actionplan import stamps
from actionplan.importing.rows import RowPlan
from actionplan.models import Action, ActionOwner, ProgressUpdate, Status, TargetRevision
from actionplan.statusrules import status_change_check

if TYPE_CHECKING:
    from actionplan.importing.apply import _Writer

BATCH = 500  # rows an INSERT writes
CREATE_CHUNK = 250  # rows apply.py hands over at a time (their objects and history in memory)


def actions_create(*, writer: _Writer, rows: list[RowPlan]) -> list[Action]:
    """Create the actions of these CREATE rows, with links, updates and revisions."""
    if not rows:
        return []
    user, reason = writer.user, writer.reason
    actions = [_new_action(writer, row) for row in rows]
    actions = bulk_create_with_history(
        actions, Action, batch_size=BATCH, default_user=user, default_change_reason=reason
    )
    # Every row written here is the plan's: its pages' cached fragments are stale from now.
    stamps.bump([f"plan:{writer.plan.pk}"])
    revisions, links, updates = [], [], []
    now = timezone.now()
    by = user if getattr(user, "pk", None) else None
    for row, action in zip(rows, actions, strict=True):
        if row.original_target:
            revisions.append(
                TargetRevision(
                    action=action,
                    old_target=row.original_target,
                    new_target=action.target,
                    reason=row.target_reason,
                    revised_at=now,
                    revised_by=by,
                )
            )
        if action.owners_as_written:
            owners = writer.owners_of(action.owners_as_written)
            links += [
                ActionOwner(
                    plan_id=action.plan_id,  # bulk_create skips save(), which would set it
                    action=action,
                    owner=owner,
                    is_lead=position == 0,
                    position=position,
                )
                for position, owner in enumerate(owners)
            ]
        if row.progress:
            updates.append(writer.update_of(action, row))
        writer.count_completion(row)
    for model, objects in ((TargetRevision, revisions), (ActionOwner, links)):
        bulk_create_with_history(
            objects, model, batch_size=BATCH, default_user=user, default_change_reason=reason
        )
    bulk_create_with_history(
        updates, ProgressUpdate, batch_size=BATCH, default_user=user, default_change_reason=reason
    )
    writer.result.targets_revised += len(revisions)
    writer.result.progress_recorded += len(updates)
    writer.result.progress_dated += sum(1 for row in rows if row.progress and row.progress_on)
    return actions


def _new_action(writer: _Writer, row: RowPlan) -> Action:
    theme = writer.theme(row.theme)
    project = writer.project(row.project)
    action = Action(theme=theme, project=project, position=writer.next_position(theme, project))
    # A new row may start in any delivery status; retiring or deferring is the steering group's.
    status_change_check(
        user=writer.user,
        plan=writer.plan,
        current=Status.NOT_STARTED,
        new=row.fields.get("status") or "",
    )
    for name, value in row.fields.items():
        setattr(action, name, value if value is not None or name != "rag" else "")
    if row.original_target:
        action.original_target = row.original_target
        action.replan_count = 1
    action.cache_target_dates()
    return action
