"""Changes to the owners register that touch several rows: saving a group's members, merging
two owners who are the same person, and a leaver handing over their open actions.

Keyword-only, atomic, each change with the acting user and a reason in history.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction

from actionplan.conflicts import LinkSet, refuse_conflicts
from actionplan.models import (
    Action,
    ActionOwner,
    GroupMembership,
    Owner,
    OwnerKind,
    Unit,
    UpdateRequest,
)
from actionplan.services import (  # noqa: F401 (save_with_history is the views' too)
    User,
    delete_with_history,
    links_sync_with_history,
    save_with_history,
)


def group_member_links(group: Owner) -> LinkSet:
    """A group's members, as its form edits them."""
    return LinkSet(
        label="members", model=GroupMembership, where={"group_id": group.pk}, column="person_id"
    )


@transaction.atomic
def unit_save(*, unit: Unit, user: User | None, reason: str, base: dict | None = None) -> Unit:
    """Save a unit; `base` (an edit form's start) refuses saving over someone else's change."""
    refuse_conflicts(unit, base)
    save_with_history(unit, user=user, reason=reason)
    return unit


@transaction.atomic
def owner_save(
    *,
    owner: Owner,
    members: list[Owner] | None = None,
    user: User | None,
    reason: str,
    base: dict | None = None,
) -> Owner:
    """Save a person or group; for a group, make `members` its members.

    `base` (an edit form's start) refuses saving over someone else's change to the owner or
    to a group's members (actionplan.conflicts).
    """
    if members is not None and owner.kind != OwnerKind.GROUP:
        raise ValidationError("Only a group has members.")
    if any(m.organisation_id != owner.organisation_id for m in members or []):
        raise ValidationError({"members": "Choose people of this organisation."})
    if members is None:
        refuse_conflicts(owner, base)
    else:
        sets = {"members": group_member_links(owner)}
        chosen = {"members": [m.pk for m in members]}
        refuse_conflicts(owner, base, sets=sets, chosen=chosen)
    save_with_history(owner, user=user, reason=reason)
    if members is not None:
        links_sync_with_history(
            existing=owner.memberships.all(),
            field="person",
            wanted=members,
            make=lambda person: GroupMembership(group=owner, person=person),
            user=user,
            reason=f"Member of {owner.label}: {reason}",
            removed_reason=f"No longer a member of {owner.label}: {reason}",
        )
    return owner


def _move_link(
    link: models.Model,
    field: str,
    *,
    to: Owner,
    duplicate: models.Model | None,
    user: User | None,
    reason: str,
) -> None:
    """Point `link` at `to`, or delete it when `to` already has the same link."""
    if duplicate is not None:
        delete_with_history(link, user=user, reason=reason)
        return
    setattr(link, field, to)
    save_with_history(link, user=user, reason=reason, validate=False)


def _move_action_links(links, *, to: Owner, user: User | None, reason: str) -> None:
    for link in links:
        duplicate = ActionOwner.objects.filter(action_id=link.action_id, owner=to).first()
        if duplicate is not None and link.is_lead and not duplicate.is_lead:
            delete_with_history(link, user=user, reason=reason)
            duplicate.is_lead = True
            save_with_history(duplicate, user=user, reason=reason, validate=False)
            continue
        _move_link(link, "owner", to=to, duplicate=duplicate, user=user, reason=reason)


@transaction.atomic
def owner_merge(*, keep: Owner, merge: Owner, user: User | None) -> Owner:
    """Make `merge` part of `keep`: its actions, group memberships, update requests and
    everything else that names it move to `keep`; its spellings become `keep`'s aliases so
    imports still find it; then `merge` is deleted (its history stays, reason given)."""
    if keep.pk == merge.pk:
        raise ValidationError("Choose two different owners to merge.")
    if keep.organisation_id != merge.organisation_id:
        raise ValidationError("Only owners of the same organisation can be merged.")
    if keep.kind != merge.kind:
        raise ValidationError("A person can only be merged with a person, a group with a group.")
    if keep.user_id and merge.user_id:
        raise ValidationError("Both have a login. Deactivate one of the logins first, then merge.")
    keep = Owner.objects.select_for_update().get(pk=keep.pk)
    merge = Owner.objects.select_for_update().get(pk=merge.pk)
    reason = f"Merged {merge} into {keep}"
    _move_action_links(merge.owned_actions.all(), to=keep, user=user, reason=reason)
    for link in GroupMembership.objects.filter(person=merge):
        duplicate = GroupMembership.objects.filter(group_id=link.group_id, person=keep).first()
        _move_link(link, "person", to=keep, duplicate=duplicate, user=user, reason=reason)
    for link in GroupMembership.objects.filter(group=merge):
        duplicate = GroupMembership.objects.filter(group=keep, person_id=link.person_id).first()
        _move_link(link, "group", to=keep, duplicate=duplicate, user=user, reason=reason)
    for request in UpdateRequest.objects.filter(owner=merge):
        duplicate = UpdateRequest.objects.filter(
            round_id=request.round_id, action_id=request.action_id, owner=keep
        ).first()
        _move_link(request, "owner", to=keep, duplicate=duplicate, user=user, reason=reason)
    for request in UpdateRequest.objects.filter(via_group=merge):
        request.via_group = keep
        save_with_history(request, user=user, reason=reason, validate=False)
    handled = {ActionOwner, GroupMembership, UpdateRequest}
    for relation in Owner._meta.related_objects:
        if relation.related_model in handled or not relation.many_to_one:
            continue
        for row in relation.related_model._default_manager.filter(**{relation.field.name: merge}):
            setattr(row, relation.field.name, keep)
            save_with_history(row, user=user, reason=reason, validate=False)
    spellings = [*keep.aliases.split(","), *merge.spellings()]
    known = {s.strip().lower() for s in (keep.name, keep.short_name)}
    aliases = dict.fromkeys(s.strip() for s in spellings if s.strip().lower() not in known)
    keep.aliases = ", ".join(a for a in aliases if a)[:500]
    for name in ("email", "job_title", "unit_id", "user_id"):
        if not getattr(keep, name) and getattr(merge, name):
            setattr(keep, name, getattr(merge, name))
    if merge.user_id and keep.user_id == merge.user_id:
        merge.user = None
        save_with_history(merge, user=user, reason=reason, validate=False)
    save_with_history(keep, user=user, reason=reason)
    delete_with_history(merge, user=user, reason=reason)
    return keep


@transaction.atomic
def owner_leave(*, owner: Owner, replacement: Owner | None, user: User | None) -> int:
    """Mark a person who has left inactive, out of their groups, and hand their open actions
    to `replacement` in the same step. Returns how many actions were handed over."""
    if owner.kind != OwnerKind.PERSON:
        raise ValidationError("Only a person can leave; a group is changed by its members.")
    if replacement is not None and (
        replacement.pk == owner.pk
        or replacement.organisation_id != owner.organisation_id
        or not replacement.is_active
    ):
        raise ValidationError(
            {"replacement": "Choose someone else of this organisation who is still here."}
        )
    owner = Owner.objects.select_for_update().get(pk=owner.pk)
    open_links = owner.owned_actions.filter(action__in=Action.objects.open())
    if replacement is None and open_links.exists():
        raise ValidationError({"replacement": "Choose who takes over their open actions."})
    reason = f"{owner} left" + (f"; open actions handed to {replacement}" if replacement else "")
    count = open_links.count()
    if replacement is not None:
        _move_action_links(open_links, to=replacement, user=user, reason=reason)
    for membership in owner.group_memberships.all():
        delete_with_history(membership, user=user, reason=reason)
    owner.is_active = False
    save_with_history(owner, user=user, reason=reason)
    return count
