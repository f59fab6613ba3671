"""Writes to the plan that touch several rows or need a history reason.

Every function is keyword-only, atomic, and records the acting user and a reason in history,
whether it is called from a view, the admin or a management command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats, timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actionplan import stamps
from actionplan.conflicts import refuse_conflicts
from actionplan.models import (
    ACTION_CONTENT_FIELDS,
    Action,
    ActionOwner,
    Milestone,
    Owner,
    ProgressUpdate,
    Rag,
    Status,
    TargetRevision,
)
from actionplan.reporting.snapshot import as_of_rows, latest_by_id
from actionplan.statusrules import status_change_check
from actionplan.targetdates import parse_target_date

User = AbstractBaseUser


def _one_transaction() -> AbstractContextManager:
    """A transaction for the write and its stamp, unless the caller's already holds both."""
    return nullcontext() if transaction.get_connection().in_atomic_block else transaction.atomic()


def save_with_history(
    obj: models.Model, *, user: User | None, reason: str, validate: bool = True
) -> None:
    """Save obj, recording `user` and `reason` on its history row, and move the change stamp
    of the plan it belongs to (actionplan/stamps.py) in the same transaction.

    Setting these on the instance works outside a request too (commands, the admin, tasks).
    """
    if validate:
        obj.full_clean()
    obj._history_user = user
    obj._change_reason = reason
    with _one_transaction():
        obj.save()
        stamps.bump_for(obj)


def delete_with_history(obj: models.Model, *, user: User | None, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    with _one_transaction():
        scopes = stamps.scopes_for(obj)  # while its relations can still be read
        obj.delete()
        stamps.bump(scopes)


def bulk_save_with_history(
    objs: Sequence[models.Model],
    model: type[models.Model],
    *,
    user: User | None,
    reason: str,
    update_fields: Sequence[str] = (),
) -> None:
    """Insert `objs` (or, given `update_fields`, update those fields of them) in bulk, each
    with its history row, and move the stamps of the plans they belong to."""
    if not objs:
        return
    with _one_transaction():
        if update_fields:
            bulk_update_with_history(
                objs, model, list(update_fields), default_user=user, default_change_reason=reason
            )
        else:
            bulk_create_with_history(objs, model, default_user=user, default_change_reason=reason)
        stamps.bump({scope for obj in objs for scope in stamps.scopes_for(obj)})


def links_sync_with_history(
    *,
    existing: Iterable[models.Model],
    field: str,
    wanted: Iterable[models.Model],
    make: Callable[[models.Model], models.Model],
    user: User | None,
    reason: str,
    removed_reason: str | None = None,
) -> None:
    """Make the link rows in `existing` point (through `field`) at exactly `wanted`.

    Links no longer wanted are deleted and new ones made with `make(target)`, each change with
    its own history row; links that stay are left untouched.
    """
    wanted_by_id = {obj.pk: obj for obj in wanted}
    have = {getattr(link, f"{field}_id"): link for link in existing}
    for target_id, link in have.items():
        if target_id not in wanted_by_id:
            delete_with_history(link, user=user, reason=removed_reason or reason)
    for target_id, obj in wanted_by_id.items():
        if target_id not in have:
            save_with_history(make(obj), user=user, reason=reason)


@transaction.atomic
def action_set_owners(
    *,
    action: Action,
    owners: Sequence[Owner],
    lead: Owner | None = None,
    user: User | None,
    reason: str,
) -> None:
    """Make `owners` the action's owners, in order; `lead` (default: the first) leads.

    Each link added or removed leaves its own history row, so owner changes show who and when.
    """
    owners = list(dict.fromkeys(owners))
    organisation_id = action.theme.plan.organisation_id
    if any(owner.organisation_id != organisation_id for owner in owners):
        raise ValidationError("Choose owners of the plan's own organisation.")
    if lead is None and owners:
        lead = owners[0]
    if lead is not None and lead not in owners:
        raise ValidationError("The lead owner must be one of the action's owners.")
    existing = {link.owner_id: link for link in action.action_owners.select_related("owner")}
    wanted = {owner.pk for owner in owners}
    for owner_id, link in existing.items():
        if owner_id not in wanted:
            delete_with_history(link, user=user, reason=reason)
    # Clear the old lead first so the one-lead constraint holds at every step.
    for link in existing.values():
        if link.owner_id in wanted and link.is_lead and link.owner_id != getattr(lead, "pk", None):
            link.is_lead = False
            save_with_history(link, user=user, reason=reason, validate=False)
    for position, owner in enumerate(owners):
        link = existing.get(owner.pk) or ActionOwner(action=action, owner=owner)
        is_lead = owner == lead
        if link.pk and link.position == position and link.is_lead == is_lead:
            continue
        link.position = position
        link.is_lead = is_lead
        save_with_history(link, user=user, reason=reason, validate=False)


@transaction.atomic
def action_set_owners_from_text(
    *, action: Action, text: str, user: User | None, reason: str
) -> list[str]:
    """Resolve owner text ("RF / PAG") to owners, keep the text as written, link the owners.

    Returns the tokens that matched no known owner; those are kept in the text only.
    """
    owners, unknown = Owner.objects.in_organisation(action.theme.plan.organisation_id).match_text(
        text
    )
    if action.owners_as_written != text:
        action.owners_as_written = text
        save_with_history(action, user=user, reason=reason)
    action_set_owners(action=action, owners=owners, user=user, reason=reason)
    return unknown


def _check_target_change(*, old_target: str, new_target: str, reason: str) -> None:
    if not new_target:
        raise ValidationError({"target": "Enter the new target date."})
    if new_target == old_target:
        raise ValidationError({"target": "The new target is the same as the current one."})
    if not reason:
        raise ValidationError(
            {"target": "Give the reason the target date changed: the original target is kept."}
        )


def _apply_target_change(
    *, action: Action, old_target: str, reason: str, user: User | None
) -> TargetRevision:
    """Record the revision and keep the original target; the caller saves the action."""
    revision = TargetRevision(
        action=action,
        old_target=old_target,
        new_target=action.target,
        reason=reason,
        revised_at=timezone.now(),
        revised_by=user if getattr(user, "pk", None) else None,
    )
    save_with_history(revision, user=user, reason=reason)
    if not action.original_target:
        action.original_target = old_target
    action.replan_count += 1
    return revision


@transaction.atomic
def action_revise_target(
    *, action: Action, new_target: str, reason: str, user: User | None
) -> TargetRevision:
    """Move an action's target, keeping the original beside it and counting the re-plan."""
    new_target, reason = new_target.strip(), reason.strip()
    locked = Action.objects.select_for_update().get(pk=action.pk)
    _check_target_change(old_target=locked.target, new_target=new_target, reason=reason)
    old_target = locked.target
    locked.target = new_target
    revision = _apply_target_change(action=locked, old_target=old_target, reason=reason, user=user)
    save_with_history(locked, user=user, reason=f"Target revised: {reason}")
    return revision


@transaction.atomic
def action_save(
    *,
    action: Action,
    user: User | None,
    reason: str,
    target_reason: str = "",
    base: dict | None = None,
) -> Action:
    """Save an edited (or new) action; a changed target needs a reason and is kept as a re-plan.

    For an edit, `base` is what the form was loaded with (conflicts.py): if someone else has
    changed the action's content since, conflicts.EditConflict is raised and nothing is saved.
    """
    if action.pk:
        refuse_conflicts(action, base)
        stored = Action.objects.select_for_update().get(pk=action.pk)
        status_change_check(
            user=user, plan=action.theme.plan, current=stored.status, new=action.status
        )
        action.original_target = stored.original_target
        action.replan_count = stored.replan_count
        if action.target.strip() != stored.target:
            action.target = action.target.strip()
            _check_target_change(
                old_target=stored.target, new_target=action.target, reason=target_reason.strip()
            )
            _apply_target_change(
                action=action, old_target=stored.target, reason=target_reason.strip(), user=user
            )
            reason = f"{reason}; target revised: {target_reason.strip()}"
    save_with_history(action, user=user, reason=reason)
    return action


@transaction.atomic
def action_record_progress(
    *,
    action: Action,
    reported_on: date,
    narrative: str,
    user: User | None,
    status: str = "",
    rag: str | None = None,
    percent_complete: int | None = None,
    is_no_change: bool = False,
    author_name: str = "",
    date_as_written: str = "",
    new_target: str = "",
    target_reason: str = "",
    reason: str = "",
) -> ProgressUpdate:
    """Record a progress update and carry what it reports onto the action.

    "No change" copies the action's current status, RAG and percentage, so the update is on
    record (and counts as a response) without restating anything. `reason` (e.g. "Imported
    from plan.xlsx") replaces the history reasons written for the update and the action.
    """
    # Its plan comes in the same query (the status rule asks whose plan it is); only the
    # action's row is locked.
    action = (
        Action.objects.select_related("theme__plan")
        .select_for_update(of=("self",))
        .get(pk=action.pk)
    )
    status_change_check(user=user, plan=action.theme.plan, current=action.status, new=status)
    if is_no_change:
        status, rag, percent_complete = action.status, action.rag, action.percent_complete
        narrative = narrative.strip() or "No change since the last update."
    update = ProgressUpdate(
        action=action,
        reported_on=reported_on,
        date_as_written=date_as_written,
        author=user if getattr(user, "pk", None) else None,
        author_name=author_name,
        narrative=narrative.strip(),
        status=status,
        rag=rag or "",
        percent_complete=percent_complete,
        is_no_change=is_no_change,
    )
    save_with_history(update, user=user, reason=reason or "Progress update recorded")
    if new_target.strip() and new_target.strip() != action.target:
        action_revise_target(action=action, new_target=new_target, reason=target_reason, user=user)
        action.refresh_from_db()
    changed = False
    if status and status != action.status:
        action.status = status
        action.completed_on = reported_on if status == Status.COMPLETED else None
        changed = True
    if rag is not None and rag != action.rag and rag in Rag.values:
        action.rag = rag
        changed = True
    if percent_complete is not None and percent_complete != action.percent_complete:
        action.percent_complete = percent_complete
        changed = True
    if changed:
        why = f"Progress update of {reported_on:%d/%m/%Y}"
        save_with_history(action, user=user, reason=f"{reason}: {why}"[:100] if reason else why)
    return update


@transaction.atomic
def milestone_save(
    *, milestone: Milestone, user: User | None, reason: str, base: dict | None = None
) -> Milestone:
    """Save a milestone; `base` (an edit form's start) refuses saving over another's change."""
    refuse_conflicts(milestone, base)
    save_with_history(milestone, user=user, reason=reason)
    return milestone


@transaction.atomic
def action_retire(*, action: Action, reason: str, user: User | None) -> Action:
    """Mark an action "deleted as no longer appropriate"; it stays on record with its history."""
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the action is no longer appropriate."})
    action = Action.objects.select_for_update().get(pk=action.pk)
    status_change_check(
        user=user, plan=action.theme.plan, current=action.status, new=Status.DELETED
    )
    action.status = Status.DELETED
    action.completed_on = None
    note = f"Deleted as no longer appropriate: {reason.strip()}"
    action.notes = f"{action.notes}\n\n{note}".strip()
    save_with_history(action, user=user, reason=note)
    return action


@transaction.atomic
def actions_reparse_targets(*, user: User | None, reason: str) -> int:
    """Re-read every stored target with the current parser; returns how many changed.

    Needed when the parser learns a new form: the stored earliest/latest days are a cache.
    """
    changed = 0
    for action in Action.objects.select_for_update().order_by("pk"):
        parsed = parse_target_date(action.target)
        if (action.target_kind, action.target_earliest, action.target_latest) != (
            parsed.kind.value,
            parsed.earliest,
            parsed.latest,
        ):
            save_with_history(action, user=user, reason=reason, validate=False)
            changed += 1
    return changed


# An edit writes the action, then its owner links, within moments: a revert to that edit's
# record takes in the links and milestones the same person wrote this soon after it.
SAME_EDIT = timedelta(seconds=2)


def _revert_moment(action: Action, record: models.Model) -> datetime:
    """The moment the version in `record` stood complete, with the rows its edit wrote."""
    later = (
        action.history.filter(history_date__gt=record.history_date)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    until = min(record.history_date + SAME_EDIT, later or record.history_date + SAME_EDIT)
    moment = record.history_date
    for model in (ActionOwner, Milestone):
        rows = model.history.filter(
            action_id=action.pk,
            history_date__gt=record.history_date,
            history_date__lt=until,
            history_user_id=record.history_user_id,
        )
        newest = rows.order_by("-history_date").values_list("history_date", flat=True).first()
        if newest and newest > moment:
            moment = newest
    return moment


def _revert_milestones(*, action: Action, moment: datetime, user: User | None, reason: str) -> None:
    then = latest_by_id(as_of_rows(Milestone, moment).filter(action_id=action.pk))
    now = {
        m.pk: m
        for m in Milestone.objects.select_for_update().filter(action_id=action.pk).order_by("pk")
    }
    for pk, milestone in now.items():
        if pk not in then:
            delete_with_history(milestone, user=user, reason=reason)
    for pk, row in then.items():
        milestone = now.get(pk) or Milestone(pk=pk, action_id=action.pk)
        values = {name: getattr(row, name) for name in ("text", "target", "done_on", "position")}
        if milestone.pk in now and all(getattr(milestone, k) == v for k, v in values.items()):
            continue
        for name, value in values.items():
            setattr(milestone, name, value)
        save_with_history(milestone, user=user, reason=reason, validate=False)


@transaction.atomic
def action_revert(*, action: Action, history_id: int, user: User | None) -> Action:
    """Put the action back as it stood at one of its history records: its fields, its owners
    (lead and order) and its milestones, each change recorded as "Reverted to <moment>".

    Progress updates and target revisions are what happened, so they stay; a target the revert
    restores counts as a re-plan.
    """
    record = action.history.filter(history_id=history_id).exclude(history_type="-").first()
    if record is None:
        raise ValidationError("That version of the action does not exist.")
    moment = _revert_moment(action, record)
    locked = Action.objects.select_for_update().get(pk=action.pk)
    for name in ACTION_CONTENT_FIELDS:
        attname = Action._meta.get_field(name).attname  # the id of a related row
        setattr(locked, attname, getattr(record, attname))
    when = formats.date_format(timezone.localtime(moment), "j F Y H:i:s")
    reason = f"Reverted to {when}"
    action_save(action=locked, user=user, reason=reason, target_reason=reason)
    links = sorted(
        latest_by_id(as_of_rows(ActionOwner, moment).filter(action_id=action.pk)).values(),
        key=lambda link: (link.position, link.id),
    )
    owners_by_id = Owner.objects.in_bulk([link.owner_id for link in links])
    owners = [owners_by_id[link.owner_id] for link in links if link.owner_id in owners_by_id]
    lead = next((owners_by_id.get(link.owner_id) for link in links if link.is_lead), None)
    action_set_owners(action=locked, owners=owners, lead=lead, user=user, reason=reason)
    _revert_milestones(action=locked, moment=moment, user=user, reason=reason)
    return locked
