"""Who may see and change what. Views ask here; templates get booleans, never roles.

Roles are granted per organisation and per plan (organisations.py): a membership of an
organisation may carry a role across all its plans (or make its holder the organisation's
administrator), and a plan membership a role in one plan. In a plan the highest applicable
grant wins. A site superuser is the only role across organisations. A signed-in user with no
grant sees nothing (404), so an account alone discloses nothing, and nothing of an
organisation the user holds no grant in is ever found: its objects answer 404, never 403.

A user's grants are read once per request, in one query, and kept on the user object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, Q, QuerySet, Value
from django.shortcuts import get_object_or_404

from actionplan.models import (
    Action,
    Membership,
    Organisation,
    Owner,
    Plan,
    PlanMembership,
    PlanStatus,
    UpdateRound,
)
from actionplan.organisations import OrganisationRole, PlanRole


class Role(IntEnum):
    """Ordered: each role may do everything the ones below it may."""

    NONE = 0
    VIEWER = 1
    ACTION_OWNER = 2
    STEERING_GROUP = 3
    PLAN_ADMINISTRATOR = 4
    ORGANISATION_ADMINISTRATOR = 5


_ROLE_OF_GRANT = {
    OrganisationRole.ORGANISATION_ADMINISTRATOR: Role.ORGANISATION_ADMINISTRATOR,
    OrganisationRole.PLAN_ADMINISTRATOR: Role.PLAN_ADMINISTRATOR,
    OrganisationRole.STEERING_GROUP: Role.STEERING_GROUP,
    OrganisationRole.ACTION_OWNER: Role.ACTION_OWNER,
    OrganisationRole.VIEWER: Role.VIEWER,
    OrganisationRole.MEMBER: Role.NONE,
    PlanRole.PLAN_ADMINISTRATOR: Role.PLAN_ADMINISTRATOR,
    PlanRole.STEERING_GROUP: Role.STEERING_GROUP,
    PlanRole.ACTION_OWNER: Role.ACTION_OWNER,
    PlanRole.VIEWER: Role.VIEWER,
}

# The grants a role may hand out: nobody grants a role above their own.
GRANTABLE = {
    Role.ORGANISATION_ADMINISTRATOR: set(OrganisationRole) | set(PlanRole),
    Role.PLAN_ADMINISTRATOR: set(PlanRole),
}


@dataclass
class Grants:
    """Everything a user holds: their role across each organisation and in each plan."""

    superuser: bool = False
    organisations: dict[int, Role] = field(default_factory=dict)  # organisation id → role
    plans: dict[int, Role] = field(default_factory=dict)  # plan id → role
    plan_organisations: dict[int, int] = field(default_factory=dict)  # plan id → organisation

    def in_plan(self, plan_id: int, organisation_id: int) -> Role:
        if self.superuser:
            return Role.ORGANISATION_ADMINISTRATOR
        across = self.organisations.get(organisation_id, Role.NONE)
        if across == Role.ORGANISATION_ADMINISTRATOR:
            return across
        return max(across, self.plans.get(plan_id, Role.NONE))

    def in_organisation(self, organisation_id: int) -> Role:
        """The organisation-wide role (what its whole register and people allow)."""
        if self.superuser:
            return Role.ORGANISATION_ADMINISTRATOR
        return self.organisations.get(organisation_id, Role.NONE)

    def best_in_organisation(self, organisation_id: int) -> Role:
        """The highest role held anywhere in the organisation, in any of its plans included."""
        if self.superuser:
            return Role.ORGANISATION_ADMINISTRATOR
        in_plans = (
            role
            for plan_id, role in self.plans.items()
            if self.plan_organisations.get(plan_id) == organisation_id
        )
        return max(self.in_organisation(organisation_id), *in_plans, Role.NONE)

    def organisation_ids(self, minimum: Role = Role.VIEWER) -> set[int]:
        """Organisations in which the user holds at least `minimum` somewhere."""
        ids = {org for org, role in self.organisations.items() if role >= minimum}
        ids |= {self.plan_organisations[p] for p, role in self.plans.items() if role >= minimum}
        # A bare membership still makes the organisation the user's (its pages, not its data).
        return ids

    @property
    def any(self) -> bool:
        return self.superuser or bool(self.organisations) or bool(self.plans)


def grants_of(user: User | AnonymousUser) -> Grants:
    """The user's grants: one query, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return Grants()
    cached = getattr(user, "_actionplan_grants", None)
    if cached is not None:
        return cached
    grants = Grants(superuser=user.is_superuser)
    if not user.is_superuser:
        across = (
            Membership.objects.filter(user=user)
            .order_by()
            .values_list("organisation_id", Value(None, output_field=IntegerField()), "role")
        )
        per_plan = (
            PlanMembership.objects.filter(user=user)
            .order_by()
            .values_list("plan__organisation_id", "plan_id", "role")
        )
        for organisation_id, plan_id, role in across.union(per_plan, all=True):
            if plan_id is None:
                grants.organisations[organisation_id] = _ROLE_OF_GRANT[role]
            else:
                grants.plans[plan_id] = _ROLE_OF_GRANT[role]
                grants.plan_organisations[plan_id] = organisation_id
    user._actionplan_grants = grants
    return grants


def forget_grants(user: User) -> None:
    """After a grant changes within a request (e.g. an invitation accepted)."""
    if hasattr(user, "_actionplan_grants"):
        del user._actionplan_grants


def role_in_plan(user: User | AnonymousUser, plan: Plan) -> Role:
    return grants_of(user).in_plan(plan.pk, plan.organisation_id)


def has_any_role(user: User | AnonymousUser) -> bool:
    """Whether the user holds any grant at all (the navigation shows plan links then)."""
    return grants_of(user).any


def can_manage_plans(user: User | AnonymousUser, plan: Plan) -> bool:
    """Steering-group members and administrators of the plan edit it and run update rounds;
    an archived plan is kept as it was: nobody changes it."""
    return not is_archived(plan) and role_in_plan(user, plan) >= Role.STEERING_GROUP


def is_archived(plan: Plan) -> bool:
    return plan.status == PlanStatus.ARCHIVED


def can_add_plans(user: User | AnonymousUser, organisation_id: int) -> bool:
    """Organisation administrators create plans (and their next versions)."""
    return is_organisation_administrator(user, organisation_id)


def can_change_plan_settings(user: User | AnonymousUser, plan: Plan) -> bool:
    """Plan administrators change a plan's settings (an archived plan's too: to restore it)."""
    return role_in_plan(user, plan) >= Role.PLAN_ADMINISTRATOR


def is_plan_administrator(user: User | AnonymousUser, plan: Plan) -> bool:
    return role_in_plan(user, plan) >= Role.PLAN_ADMINISTRATOR


def is_organisation_administrator(user: User | AnonymousUser, organisation_id: int) -> bool:
    return grants_of(user).in_organisation(organisation_id) >= Role.ORGANISATION_ADMINISTRATOR


def administered_organisations(user: User | AnonymousUser) -> QuerySet[Organisation]:
    """Organisations whose people, logins and plans the user sets up."""
    grants = grants_of(user)
    if grants.superuser:
        return Organisation.objects.all()
    ids = [o for o, r in grants.organisations.items() if r >= Role.ORGANISATION_ADMINISTRATOR]
    return Organisation.objects.filter(pk__in=ids)


def organisation_to_administer(user: User | AnonymousUser, slug: str) -> Organisation:
    """The organisation, 404 if the user holds nothing in it, 403 if they do not run it."""
    organisation = get_object_or_404(visible_organisations(user), slug=slug)
    require(
        is_organisation_administrator(user, organisation.pk),
        "Only the organisation's administrators can change its people, logins and plans.",
    )
    return organisation


def visible_plans(user: User | AnonymousUser) -> QuerySet[Plan]:
    """Plans the user may see: those they hold a role in, drafts only where they manage.

    Each carries when its open update round opened (PlanQuerySet.with_open_round), which
    decides what is awaiting update, at no extra query.
    """
    grants = grants_of(user)
    plans = Plan.objects.with_open_round()
    if grants.superuser:
        return plans
    if not grants.any:
        return plans.none()
    orgs_seeing = {o for o, r in grants.organisations.items() if r >= Role.VIEWER}
    orgs_managing = {o for o, r in grants.organisations.items() if r >= Role.STEERING_GROUP}
    plans_seeing = {p for p, r in grants.plans.items() if r >= Role.VIEWER}
    plans_managing = {p for p, r in grants.plans.items() if r >= Role.STEERING_GROUP}
    sees = Q(organisation_id__in=orgs_seeing) | Q(pk__in=plans_seeing)
    manages = Q(organisation_id__in=orgs_managing) | Q(pk__in=plans_managing)
    return plans.filter(sees).filter(~Q(status=PlanStatus.DRAFT) | manages)


def visible_organisations(user: User | AnonymousUser) -> QuerySet[Organisation]:
    """Organisations in which the user holds any role (their registers and people pages)."""
    grants = grants_of(user)
    if grants.superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=grants.organisation_ids())


def organisation_for_user(
    user: User | AnonymousUser, slug: str, *, manage: bool = False
) -> Organisation:
    """The organisation, or 404 if the user holds nothing in it; 403 if `manage` is refused
    (managing its register of standards needs a steering-group role somewhere in it)."""
    organisation = get_object_or_404(visible_organisations(user), slug=slug)
    if manage:
        require(
            can_manage_organisation_register(user, organisation.pk),
            "Only steering-group members of this organisation can change this.",
        )
    return organisation


def can_manage_organisation_register(user: User | AnonymousUser, organisation_id: int) -> bool:
    """Standards and their figures are kept by the organisation's steering-group members."""
    return grants_of(user).best_in_organisation(organisation_id) >= Role.STEERING_GROUP


def can_read_organisation(user: User | AnonymousUser, organisation_id: int) -> bool:
    return grants_of(user).best_in_organisation(organisation_id) >= Role.VIEWER


def plan_for_user(user: User | AnonymousUser, slug: str, *, manage: bool = False) -> Plan:
    """The plan, or 404 if the user may not see it; 403 if `manage` and they may not change it."""
    plan = get_object_or_404(visible_plans(user).select_related("organisation"), slug=slug)
    if manage and is_archived(plan):
        raise PermissionDenied("This plan is archived: it is kept as it was and cannot change.")
    if manage and not can_manage_plans(user, plan):
        raise PermissionDenied("Only steering-group members can change the plan.")
    return plan


def owner_of(user: User | AnonymousUser, organisation_id: int | None = None) -> Owner | None:
    """The owner record a login belongs to in an organisation (the first, if not given)."""
    if not user.is_authenticated:
        return None
    owners = Owner.objects.filter(user=user)
    if organisation_id is not None:
        owners = owners.filter(organisation_id=organisation_id)
    return owners.order_by("organisation__name", "pk").first()


def owner_records_of(user: User | AnonymousUser) -> list[Owner]:
    """Every owner record of the login, one per organisation, in organisations it may see."""
    if not user.is_authenticated:
        return []
    ids = visible_organisations(user).values("pk")
    return list(
        Owner.objects.filter(user=user, organisation__in=ids).order_by("organisation__name")
    )


def owns_action(user: User | AnonymousUser, action: Action) -> bool:
    """True when the user's owner record owns the action directly or through a group."""
    owner = owner_of(user, action.theme.plan.organisation_id)
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
        Action.objects.select_related("theme__plan__organisation", "project", "unit"),
        pk=pk,
        theme__plan__in=visible_plans(user),
    )
    plan = action.theme.plan
    role = Role.VIEWER if is_archived(plan) else role_in_plan(user, plan)
    manage = role >= Role.STEERING_GROUP
    return ActionAccess(
        action=action,
        can_edit=manage,
        can_record_progress=manage or (role >= Role.ACTION_OWNER and owns_action(user, action)),
        can_delete=role >= Role.PLAN_ADMINISTRATOR,
    )


@dataclass(frozen=True)
class RoundAccess:
    update_round: UpdateRound
    can_manage: bool  # close it (and open the plan's next one)


def round_for_user(user: User | AnonymousUser, pk: int) -> RoundAccess:
    """The update round with what the user may do to it; 404 if they may not see its plan."""
    update_round = get_object_or_404(
        UpdateRound.objects.select_related("plan__organisation", "opened_by", "closed_by"),
        pk=pk,
        plan__in=visible_plans(user),
    )
    return RoundAccess(
        update_round=update_round, can_manage=can_manage_plans(user, update_round.plan)
    )


def require(allowed: bool, message: str) -> None:
    """Refuse with 403 and a message the error page shows."""
    if not allowed:
        raise PermissionDenied(message)
