"""Logins: organisations set up, people invited, roles changed, logins deactivated.

Every function is keyword-only and atomic and records who did it in history. Nobody grants a
role above their own or in another organisation (access.GRANTABLE), and an organisation always
keeps at least one active administrator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import (
    INVITATION_DAYS,
    Invitation,
    InvitationPlanRole,
    SignInProvider,
    invitation_expiry,
)
from actionplan.access import GRANTABLE, forget_grants, grants_of, role_in_plan
from actionplan.conflicts import refuse_conflicts
from actionplan.models import Membership, Organisation, Owner, OwnerKind, Plan, PlanMembership
from actionplan.organisations import OrganisationRole, PlanRole
from actionplan.personnames import person_name
from actionplan.services import delete_with_history, save_with_history

User = AbstractUser
INVITATION_SALT = "accounts.invitation"


# Who may grant what


def _may_grant_across(user: User, organisation: Organisation, role: str) -> bool:
    if role == OrganisationRole.MEMBER:
        return grants_of(user).best_in_organisation(organisation.pk) in GRANTABLE
    return role in GRANTABLE.get(grants_of(user).in_organisation(organisation.pk), set())


def _may_grant_in_plan(user: User, plan: Plan, role: str | None) -> bool:
    allowed = GRANTABLE.get(role_in_plan(user, plan), set())
    return role is None or role in allowed


def _check_grants(
    *,
    user: User,
    organisation: Organisation,
    organisation_role: str,
    plan_roles: Mapping[Plan, str | None],
    current_organisation_role: str | None = None,
) -> None:
    if any(plan.organisation_id != organisation.pk for plan in plan_roles):
        raise ValidationError("Choose plans of this organisation only.")
    changing_across = organisation_role != current_organisation_role
    if changing_across and not _may_grant_across(user, organisation, organisation_role):
        raise ValidationError(
            "You cannot give a role across the organisation higher than your own."
        )
    if (
        current_organisation_role
        and changing_across
        and not _may_grant_across(user, organisation, current_organisation_role)
    ):
        raise ValidationError("You cannot change the role of someone who ranks above you.")
    for plan, role in plan_roles.items():
        if not _may_grant_in_plan(user, plan, role):
            raise ValidationError(f"You cannot give roles in {plan}.")


def _administrators(organisation: Organisation):
    return Membership.objects.filter(
        organisation=organisation,
        role=OrganisationRole.ORGANISATION_ADMINISTRATOR,
        user__is_active=True,
    )


def _keep_an_administrator(organisation: Organisation, leaving: User) -> None:
    others = _administrators(organisation).exclude(user=leaving)
    if _administrators(organisation).filter(user=leaving).exists() and not others.exists():
        raise ValidationError(
            f"{leaving.get_full_name() or leaving.get_username()} is the last administrator of "
            f"{organisation}. Make someone else an administrator first."
        )


# Organisations


@transaction.atomic
def organisation_create(
    *,
    name: str,
    slug: str,
    short_name: str,
    committees: str,
    administrator_name: str,
    administrator_email: str,
    user: User,
    base_url: str,
) -> tuple[Organisation, Invitation]:
    """A new organisation, and an invitation to its first administrator (site superusers)."""
    if not user.is_superuser:
        raise ValidationError("Only a site superuser can add an organisation.")
    organisation = Organisation(
        name=name.strip(),
        slug=slug or slugify(name)[:80],
        short_name=short_name.strip(),
        committees=committees.strip(),
    )
    save_with_history(organisation, user=user, reason="Organisation added")
    invitation = invitation_create(
        organisation=organisation,
        email=administrator_email,
        name=administrator_name,
        organisation_role=OrganisationRole.ORGANISATION_ADMINISTRATOR,
        plan_roles={},
        owner=None,
        user=user,
        base_url=base_url,
    )
    return organisation, invitation


# Invitations


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT, compress=True)


def invitation_link(invitation: Invitation, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("invitation_accept", args=[invitation_token(invitation)])


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    name: str,
    organisation_role: str,
    plan_roles: Mapping[Plan, str],
    owner: Owner | None,
    user: User,
    base_url: str,
) -> Invitation:
    """Invite a person by e-mail; the link lets them set a password within 7 days, once."""
    email = email.strip().lower()
    _check_grants(
        user=user,
        organisation=organisation,
        organisation_role=organisation_role,
        plan_roles=plan_roles,
    )
    if owner is not None and (
        owner.organisation_id != organisation.pk or owner.kind != OwnerKind.PERSON
    ):
        raise ValidationError({"owner": "Choose a person of this organisation."})
    if owner is not None and owner.user_id:
        raise ValidationError({"owner": f"{owner} already has a login."})
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": "Someone with this e-mail address already has a login: change their "
                "roles instead."
            }
        )
    earlier = Invitation.objects.waiting().filter(organisation=organisation, email__iexact=email)
    if earlier.exists():
        raise ValidationError(
            {
                "email": f"{email} was already invited on "
                f"{earlier.first().created_at:%-d %B %Y}: send that invitation again, or "
                "withdraw it first, from the Logins page."
            }
        )
    invitation = Invitation(
        organisation=organisation,
        email=email,
        name=name.strip(),
        organisation_role=organisation_role,
        owner=owner,
        invited_by=user,
    )
    save_with_history(invitation, user=user, reason="Invitation sent")
    for plan, role in plan_roles.items():
        save_with_history(
            InvitationPlanRole(invitation=invitation, plan=plan, role=role),
            user=user,
            reason="Invitation sent",
        )
    _send_invitation(invitation, user=user, base_url=base_url)
    return invitation


def _send_invitation(invitation: Invitation, *, user: User, base_url: str) -> None:
    grants = invitation.plan_roles.select_related("plan").order_by("plan__title")
    context = {
        "invitation": invitation,
        "link": invitation_link(invitation, base_url),
        "days": INVITATION_DAYS,
        "inviter": user.get_full_name() or user.get_username(),
        "plans": [f"{grant.plan} ({PlanRole(grant.role).label})" for grant in grants],
    }
    send_mail(
        subject=f"You are invited to the {settings.ACTIONPLAN_SERVICE_NAME} of "
        f"{invitation.organisation}",
        message=render_to_string("emails/invitation.txt", context),
        from_email=None,
        recipient_list=[formataddr((invitation.name, invitation.email))],
        fail_silently=False,
    )


def _check_may_handle(invitation: Invitation, user: User) -> Invitation:
    """Lock the invitation; only someone who could have sent it may resend or withdraw it."""
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=invitation.pk)
    )
    _check_grants(
        user=user,
        organisation=locked.organisation,
        organisation_role=locked.organisation_role,
        plan_roles={grant.plan: grant.role for grant in locked.plan_roles.select_related("plan")},
    )
    if locked.is_used:
        raise ValidationError(f"{locked.email} has already accepted this invitation.")
    if locked.is_withdrawn:
        raise ValidationError(f"The invitation to {locked.email} was withdrawn.")
    return locked


@transaction.atomic
def invitation_resend(*, invitation: Invitation, user: User, base_url: str) -> Invitation:
    """E-mail the invitation again with a new link, working for another 7 days from now.
    Links sent before keep working until their own week is over; any of them works once."""
    locked = _check_may_handle(invitation, user)
    locked.expires_at = invitation_expiry()
    save_with_history(locked, user=user, reason="Invitation sent again")
    _send_invitation(locked, user=user, base_url=base_url)
    return locked


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, user: User) -> Invitation:
    """Stop every link of the invitation working; the record and its history stay."""
    locked = _check_may_handle(invitation, user)
    locked.withdrawn_at, locked.withdrawn_by = timezone.now(), user
    save_with_history(locked, user=user, reason="Invitation withdrawn")
    return locked


@dataclass(frozen=True)
class InvitationLookup:
    invitation: Invitation | None
    problem: str = ""


def invitation_for_token(token: str, *, now=None) -> InvitationLookup:
    """The invitation a link names, or why the link cannot be used (in plain words)."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        return InvitationLookup(None, "This invitation link has expired. Ask for a new one.")
    except signing.BadSignature:
        return InvitationLookup(
            None,
            "This invitation link is not valid. Check it was copied in full, or ask for a new one.",
        )
    invitation = Invitation.objects.select_related("organisation").filter(pk=pk).first()
    if invitation is None:
        return InvitationLookup(None, "This invitation has been withdrawn. Ask for a new one.")
    if invitation.is_withdrawn:
        return InvitationLookup(None, "This invitation has been withdrawn. Ask for a new one.")
    if invitation.is_used:
        return InvitationLookup(
            None,
            "This invitation link has already been used. Sign in, "
            "or reset your password if you have forgotten it.",
        )
    if invitation.is_expired(now):
        return InvitationLookup(None, "This invitation link has expired. Ask for a new one.")
    return InvitationLookup(invitation)


def username_for(email: str) -> str:
    """A free username made from the e-mail address."""
    base = email.split("@")[0][:140] or "user"
    users = get_user_model().objects
    candidate, n = base, 1
    while users.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, password: str | None, username: str = "", name: str = ""
) -> User:
    """Make the login, give it the invitation's roles and link it to its owner record.

    Refuses an invitation already used (even by a request racing this one) or expired.
    `password` None makes a login that signs in only through single sign-on.
    """
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.is_used:
        raise ValidationError("This invitation link has already been used.")
    if locked.is_withdrawn:
        raise ValidationError("This invitation has been withdrawn. Ask for a new one.")
    if locked.is_expired():
        raise ValidationError("This invitation link has expired. Ask for a new one.")
    first, _, last = (name or locked.name).strip().partition(" ")
    user = get_user_model()(
        username=username or username_for(locked.email),
        email=locked.email,
        first_name=first[:150],
        last_name=last[:150],
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    reason = f"Invitation accepted ({locked.email})"
    inviter = locked.invited_by
    save_with_history(user, user=inviter, reason=reason, validate=False)
    save_with_history(
        Membership(
            user=user,
            organisation=locked.organisation,
            role=locked.organisation_role,
            granted_by=inviter,
        ),
        user=inviter,
        reason=reason,
    )
    for grant in locked.plan_roles.select_related("plan"):
        save_with_history(
            PlanMembership(user=user, plan=grant.plan, role=grant.role, granted_by=inviter),
            user=inviter,
            reason=reason,
        )
    if locked.owner_id:
        owner = Owner.objects.select_for_update().get(pk=locked.owner_id)
        if owner.user_id is None:
            owner.user = user
            owner.email = owner.email or locked.email
            save_with_history(owner, user=user, reason=reason)
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    save_with_history(locked, user=user, reason=reason)
    invitation.accepted_at, invitation.accepted_by = locked.accepted_at, user
    return user


# Roles and logins


@dataclass(frozen=True)
class RoleChange:
    when: object
    by: str
    what: str


def role_changes(*, organisation: Organisation, member: User, limit: int = 30) -> list[RoleChange]:
    """Who granted, changed or removed which of the login's roles here, and when; newest first.
    Three queries (organisation role, plan roles, the login itself)."""
    kinds = {"+": "granted", "~": "changed to", "-": "removed"}
    rows = []
    for record in Membership.history.filter(user=member, organisation=organisation).select_related(
        "history_user"
    ):
        label = OrganisationRole(record.role).label
        rows.append((record, f"Across the organisation: {kinds[record.history_type]} {label}"))
    plan_records = PlanMembership.history.filter(
        user=member, plan__organisation=organisation
    ).select_related("history_user", "plan")
    for record in plan_records:
        label = PlanRole(record.role).label
        rows.append((record, f"{record.plan}: {kinds[record.history_type]} {label}"))
    for record in member.history.filter(history_change_reason="Login deactivated").select_related(
        "history_user"
    ):
        rows.append((record, "Login deactivated"))
    rows.sort(key=lambda row: row[0].history_date, reverse=True)
    return [
        RoleChange(
            when=record.history_date,
            by=person_name(record.history_user, fallback="the system"),
            what=what,
        )
        for record, what in rows[:limit]
    ]


def members_of(organisation: Organisation):
    """Logins holding any grant in the organisation, for its Logins page."""
    in_plans = PlanMembership.objects.filter(plan__organisation=organisation).values("user_id")
    return (
        get_user_model()
        .objects.filter(Q(memberships__organisation=organisation) | Q(pk__in=in_plans))
        .distinct()
        .order_by("-is_active", "first_name", "last_name", "username")
    )


_ROLES_SALT = "accounts.roles.loaded"


class RolesChanged(Exception):
    """Someone changed the login's roles after the form was loaded; nothing was written.
    `current` holds the roles as they are now, `changed` the names others changed."""

    def __init__(self, *, current: dict[str, str], changed: list[str], by: str) -> None:
        super().__init__(f"{by} changed these roles meanwhile")
        self.current, self.changed, self.by = current, changed, by


def role_values(*, organisation: Organisation, member: User) -> dict[str, str]:
    """The login's roles here as the roles form names them: organisation_role, plan_<pk>."""
    membership = Membership.objects.filter(user=member, organisation=organisation).first()
    values = {"organisation_role": membership.role if membership else OrganisationRole.MEMBER}
    for grant in PlanMembership.objects.filter(user=member, plan__organisation=organisation):
        values[f"plan_{grant.plan_id}"] = grant.role
    return values


def sign_roles(values: Mapping[str, str], member: User) -> str:
    return signing.dumps({"member": member.pk, "roles": dict(values)}, salt=_ROLES_SALT)


def read_roles(token: str, member: User) -> dict[str, str] | None:
    """The roles a form was loaded with, or None for a missing or tampered token."""
    try:
        loaded = signing.loads(token or "", salt=_ROLES_SALT)
    except signing.BadSignature:
        return None
    return loaded["roles"] if loaded.get("member") == member.pk else None


@transaction.atomic
def user_set_roles(
    *,
    organisation: Organisation,
    member: User,
    organisation_role: str,
    plan_roles: Mapping[Plan, str | None],
    user: User,
    loaded: Mapping[str, str] | None = None,
) -> None:
    """Give `member` this role across the organisation and these roles in its plans (None
    removes a plan role). With `loaded` (the roles the form showed), a change someone else
    made meanwhile refuses the save (RolesChanged) and nothing is written."""
    get_user_model().objects.select_for_update().filter(pk=member.pk).first()
    if loaded is not None:
        current = role_values(organisation=organisation, member=member)
        names = {"organisation_role", *current, *loaded, *(f"plan_{p.pk}" for p in plan_roles)}
        changed = sorted(name for name in names if current.get(name, "") != loaded.get(name, ""))
        if changed:
            latest = role_changes(organisation=organisation, member=member, limit=1)
            raise RolesChanged(
                current=current, changed=changed, by=latest[0].by if latest else "Someone else"
            )
    membership = Membership.objects.filter(user=member, organisation=organisation).first()
    current = membership.role if membership else None
    current_plans = {
        pm.plan_id: pm
        for pm in PlanMembership.objects.filter(user=member, plan__organisation=organisation)
    }
    changed_plans = {
        plan: role
        for plan, role in plan_roles.items()
        if role != getattr(current_plans.get(plan.pk), "role", None)
    }
    _check_grants(
        user=user,
        organisation=organisation,
        organisation_role=organisation_role,
        plan_roles=changed_plans,
        current_organisation_role=current,
    )
    if organisation_role != OrganisationRole.ORGANISATION_ADMINISTRATOR:
        _keep_an_administrator(organisation, member)
    reason = "Roles changed"
    if membership is None:
        membership = Membership(user=member, organisation=organisation)
    if membership.role != organisation_role or membership.pk is None:
        membership.role = organisation_role
        membership.granted_by = user
        save_with_history(membership, user=user, reason=reason)
    for plan, role in changed_plans.items():
        existing = current_plans.get(plan.pk)
        if role is None and existing:
            delete_with_history(existing, user=user, reason=reason)
        elif role is not None:
            grant = existing or PlanMembership(user=member, plan=plan)
            grant.role, grant.granted_by = role, user
            save_with_history(grant, user=user, reason=reason)
    forget_grants(member)


@transaction.atomic
def user_deactivate(*, organisation: Organisation, member: User, user: User) -> None:
    """Stop a login signing in; its history, updates and owner record stay."""
    if member.pk == user.pk:
        raise ValidationError("You cannot deactivate your own login.")
    if member.is_superuser:
        raise ValidationError("A site superuser's login is managed by the site's operators.")
    if not _may_grant_across(user, organisation, OrganisationRole.ORGANISATION_ADMINISTRATOR):
        raise ValidationError("Only the organisation's administrators can deactivate a login.")
    elsewhere = Membership.objects.filter(user=member).exclude(organisation=organisation)
    in_plans_elsewhere = PlanMembership.objects.filter(user=member).exclude(
        plan__organisation=organisation
    )
    if elsewhere.exists() or in_plans_elsewhere.exists():
        raise ValidationError(
            "This login also has roles in other organisations: remove its roles here instead."
        )
    _keep_an_administrator(organisation, member)
    member.is_active = False
    save_with_history(member, user=user, reason="Login deactivated", validate=False)


# Single sign-on


@transaction.atomic
def user_for_sign_in(
    *, organisation_id: int, email: str, name: str, join_as_viewer: bool
) -> User | None:
    """The login a verified e-mail address signs in as through the organisation's provider:
    an active login of the organisation, an open invitation (accepted now), or, if the
    organisation lets anyone from its domains join, a new viewer. None: nobody."""
    in_plans = PlanMembership.objects.filter(plan__organisation_id=organisation_id)
    users = get_user_model().objects.filter(email__iexact=email, is_active=True)
    member = users.filter(
        Q(memberships__organisation_id=organisation_id) | Q(pk__in=in_plans.values("user_id"))
    ).first()
    if member is not None:
        return member
    if users.exists() or get_user_model().objects.filter(email__iexact=email).exists():
        return None  # a login of another organisation, or a deactivated one
    invitation = (
        Invitation.objects.open()
        .filter(organisation_id=organisation_id, email__iexact=email)
        .order_by("-created_at")
        .first()
    )
    if invitation is not None:
        return invitation_accept(invitation=invitation, password=None, name=name)
    if not join_as_viewer:
        return None
    first, _, last = name.strip().partition(" ")
    user = get_user_model()(
        username=username_for(email), email=email, first_name=first[:150], last_name=last[:150]
    )
    user.set_unusable_password()
    reason = "Joined through single sign-on"
    save_with_history(user, user=None, reason=reason, validate=False)
    save_with_history(
        Membership(user=user, organisation_id=organisation_id, role=OrganisationRole.VIEWER),
        user=user,
        reason=reason,
    )
    return user


@transaction.atomic
def sign_in_provider_save(
    *, provider: SignInProvider, user: User, base: dict | None = None
) -> SignInProvider:
    """Save an organisation's single sign-on settings; `base` (the form's start) refuses saving
    over someone else's change to them (actionplan.conflicts)."""
    refuse_conflicts(provider, base)
    save_with_history(provider, user=user, reason="Single sign-on settings")
    return provider
