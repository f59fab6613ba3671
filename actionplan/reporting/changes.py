"""What changed in a plan between two moments: the "since" part of a report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from actionplan.models import Status
from actionplan.reporting.snapshot import (
    RAG_LABELS,
    STATUS_LABELS,
    Snapshot,
    full_reference,
    owner_label,
)


@dataclass(frozen=True)
class ActionChange:
    """An action that was added, completed, retired or removed in the window."""

    action_id: int
    full_reference: str
    description: str


@dataclass(frozen=True)
class ValueChange:
    """A status or RAG that changed: stored values and their labels."""

    action_id: int
    full_reference: str
    description: str
    old: str
    old_label: str
    new: str
    new_label: str


@dataclass(frozen=True)
class TargetChange:
    """A target as written that changed, with the reasons recorded for it in the window."""

    action_id: int
    full_reference: str
    description: str
    old: str
    new: str
    reasons: list[str]


@dataclass(frozen=True)
class ProgressChange:
    action_id: int
    full_reference: str
    description: str
    reported_on: date
    text: str


@dataclass(frozen=True)
class OwnerChange:
    action_id: int
    full_reference: str
    description: str
    added: list[str]
    removed: list[str]


@dataclass(frozen=True)
class Changes:
    """What changed between `since` and the report's moment, among the filtered actions.

    `status_changes` leaves out changes to completed or deleted: those are listed under
    `completed` and `retired`. `removed` are actions deleted outright (or moved to another
    plan). Exceptions-only does not narrow the changes.
    """

    since: datetime
    new_actions: list[ActionChange]
    completed: list[ActionChange]
    status_changes: list[ValueChange]
    rag_changes: list[ValueChange]
    slipped: list[TargetChange]
    progress_updates: list[ProgressChange]
    retired: list[ActionChange]
    removed: list[ActionChange]
    owner_changes: list[OwnerChange]

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.new_actions,
                self.completed,
                self.status_changes,
                self.rag_changes,
                self.slipped,
                self.progress_updates,
                self.retired,
                self.removed,
                self.owner_changes,
            )
        )


def changes_between(
    then: Snapshot,
    now: Snapshot,
    scope: set[int],
) -> Changes:
    def ref(snap: Snapshot, pk: int) -> tuple[int, str, str]:
        action = snap.actions[pk]
        return pk, full_reference(snap, action), action.description

    def ordered(snap: Snapshot, ids: Iterable[int]) -> list[int]:
        def key(pk: int) -> tuple:
            action = snap.actions[pk]
            theme = snap.themes[action.theme_id]
            project = snap.projects.get(action.project_id)
            return (
                theme.position,
                theme.id,
                project is not None,
                project.position if project else 0,
                action.project_id or 0,
                action.position,
                pk,
            )

        return sorted(ids, key=key)

    kept = ordered(now, [pk for pk in scope if pk in now.actions and pk in then.actions])
    new = ordered(now, [pk for pk in scope if pk in now.actions and pk not in then.actions])
    removed = ordered(then, [pk for pk in scope if pk in then.actions and pk not in now.actions])
    completed, retired, statuses, rags, slipped, owner_changes = [], [], [], [], [], []
    for pk in kept:
        old, cur = then.actions[pk], now.actions[pk]
        if old.status != cur.status:
            if cur.status == Status.COMPLETED:
                completed.append(ActionChange(*ref(now, pk)))
            elif cur.status == Status.DELETED:
                retired.append(ActionChange(*ref(now, pk)))
            else:
                statuses.append(
                    ValueChange(
                        *ref(now, pk),
                        old=old.status,
                        old_label=STATUS_LABELS.get(old.status, old.status),
                        new=cur.status,
                        new_label=STATUS_LABELS.get(cur.status, cur.status),
                    )
                )
        if old.rag != cur.rag:
            rags.append(
                ValueChange(
                    *ref(now, pk),
                    old=old.rag,
                    old_label=RAG_LABELS.get(old.rag, old.rag),
                    new=cur.rag,
                    new_label=RAG_LABELS.get(cur.rag, cur.rag),
                )
            )
        if old.target != cur.target:
            reasons = [
                r.reason
                for r in now.revisions.get(pk, [])
                if then.moment < r.revised_at <= now.moment
            ]
            slipped.append(
                TargetChange(*ref(now, pk), old=old.target, new=cur.target, reasons=reasons)
            )
        owners_then = [link.owner_id for link in then.links.get(pk, [])]
        owners_now = [link.owner_id for link in now.links.get(pk, [])]
        if set(owners_then) != set(owners_now):
            owner_changes.append(
                OwnerChange(
                    *ref(now, pk),
                    added=[owner_label(now, o) for o in owners_now if o not in owners_then],
                    removed=[owner_label(then, o) for o in owners_then if o not in owners_now],
                )
            )
    progress = []
    for pk in [*kept, *new]:
        known = {u.id for u in then.updates.get(pk, [])}
        progress += [
            ProgressChange(*ref(now, pk), reported_on=u.reported_on, text=u.narrative)
            for u in now.updates.get(pk, [])
            if u.id not in known
        ]
    return Changes(
        since=then.moment,
        new_actions=[ActionChange(*ref(now, pk)) for pk in new],
        completed=completed,
        status_changes=statuses,
        rag_changes=rags,
        slipped=slipped,
        progress_updates=progress,
        retired=retired,
        removed=[ActionChange(*ref(then, pk)) for pk in removed],
        owner_changes=owner_changes,
    )
