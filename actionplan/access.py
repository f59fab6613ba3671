"""Who may see and change what. Views ask here; templates get booleans, never roles.

Roles are Django groups (roles.py). A superuser counts as a plan administrator. A signed-in
user with no role sees no plan (404), so an account alone discloses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from actionplan.models import Action, Owner, Plan, PlanStatus, UpdateRound
from actionplan.roles import ACTION_OWNER, PLAN_ADMINISTRATOR, STEERING_GROUP, VIEWER


class Role(IntEnum):
    """Ordered: each role may do everything the ones below it may."""

    NONE = 0
    VIEWER = 1
    ACTION_OWNER = 2
    STEERING_GROUP = 3
    PLAN_ADMINISTRATOR = 4


_GROUP_ROLES = {
    PLAN_ADMINISTRATOR: Role.PLAN_ADMINISTRATOR,
    STEERING_GROUP: Role.STEERING_GROUP,
    ACTION_OWNER: Role.ACTION_OWNER,
    VIEWER: Role.VIEWER,
}


def role_of(user: User | AnonymousUser) -> Role:
    """The user's highest role; cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return Role.NONE
    if not hasattr(user, "_actionplan_role"):
        if user.is_superuser:
            role = Role.PLAN_ADMINISTRATOR
        else:
            names = user.groups.values_list("name", flat=True)
            role = max((_GROUP_ROLES.get(n, Role.NONE) for n in names), default=Role.NONE)
        user._actionplan_role = role
    return user._actionplan_role


def owner_of(user: User | AnonymousUser) -> Owner | None:
    """The owner record a login belongs to, if any."""
    if not user.is_authenticated:
        return None
    return Owner.objects.filter(user=user).first()


def can_manage_plans(user: User | AnonymousUser) -> bool:
    """Steering-group members and administrators edit plans and run update rounds."""
    return role_of(user) >= Role.STEERING_GROUP


def is_plan_administrator(user: User | AnonymousUser) -> bool:
    return role_of(user) >= Role.PLAN_ADMINISTRATOR


def visible_plans(user: User | AnonymousUser):
    """Plans the user may see: every plan for a role holder, drafts only for managers.

    Each carries when its open update round opened (PlanQuerySet.with_open_round), which
    decides what is awaiting update, at no extra query.
    """
    role = role_of(user)
    if role == Role.NONE:
        return Plan.objects.none()
    plans = Plan.objects.with_open_round()
    if role < Role.STEERING_GROUP:
        plans = plans.exclude(status=PlanStatus.DRAFT)
    return plans


def plan_for_user(user: User | AnonymousUser, slug: str, *, manage: bool = False) -> Plan:
    """The plan, or 404 if the user may not see it; 403 if `manage` and they may not change it."""
    plan = get_object_or_404(visible_plans(user), slug=slug)
    if manage and not can_manage_plans(user):
        raise PermissionDenied("Only steering-group members can change the plan.")
    return plan


def owns_action(user: User | AnonymousUser, action: Action) -> bool:
    """True when the user's owner record owns the action directly or through a group."""
    owner = owner_of(user)
    if owner is None:
        return False
    return Action.objects.owned_by(owner).filter(pk=action.pk).exists()


@dataclass(frozen=True)
class ActionAccess:
    action: Action
    can_edit: bool  # change the action itself, its milestones, move, retire
    can_record_progress: bool
    can_delete: bool  # hard delete and revert: plan administrators only


def action_for_user(user: User | AnonymousUser, pk: int) -> ActionAccess:
    """The action with what the user may do to it; 404 if they may not see it."""
    action = get_object_or_404(
        Action.objects.select_related("theme__plan", "project", "unit"), pk=pk
    )
    if not visible_plans(user).filter(pk=action.theme.plan_id).exists():
        raise Http404("No such action.")
    manage = can_manage_plans(user)
    return ActionAccess(
        action=action,
        can_edit=manage,
        can_record_progress=manage
        or (role_of(user) >= Role.ACTION_OWNER and owns_action(user, action)),
        can_delete=is_plan_administrator(user),
    )


@dataclass(frozen=True)
class RoundAccess:
    update_round: UpdateRound
    can_manage: bool  # close it (and open the plan's next one)


def round_for_user(user: User | AnonymousUser, pk: int) -> RoundAccess:
    """The update round with what the user may do to it; 404 if they may not see its plan."""
    update_round = get_object_or_404(
        UpdateRound.objects.select_related("plan", "opened_by", "closed_by"), pk=pk
    )
    if not visible_plans(user).filter(pk=update_round.plan_id).exists():
        raise Http404("No such update round.")
    return RoundAccess(update_round=update_round, can_manage=can_manage_plans(user))


def require(allowed: bool, message: str) -> None:
    """Refuse with 403 and a message the error page shows."""
    if not allowed:
        raise PermissionDenied(message)
