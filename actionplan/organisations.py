"""Councils as tenants: the organisation, and who holds which role in it and in its plans.

Every plan, owner, unit and service standard belongs to one organisation; everything else
belongs to one through its plan. Access is decided in access.py from these grants alone.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class OrganisationRole(models.TextChoices):
    """A role across all of an organisation's plans (or none: grants are per plan)."""

    ORGANISATION_ADMINISTRATOR = "organisation_administrator", "Organisation administrator"
    PLAN_ADMINISTRATOR = "plan_administrator", "Plan administrator (every plan)"
    STEERING_GROUP = "steering_group", "Steering-group member (every plan)"
    ACTION_OWNER = "action_owner", "Action owner (every plan)"
    VIEWER = "viewer", "Viewer (every plan)"
    MEMBER = "member", "Member (roles given per plan)"


class PlanRole(models.TextChoices):
    """A role in one plan."""

    PLAN_ADMINISTRATOR = "plan_administrator", "Plan administrator"
    STEERING_GROUP = "steering_group", "Steering-group member"
    ACTION_OWNER = "action_owner", "Action owner"
    VIEWER = "viewer", "Viewer"


class Organisation(models.Model):
    """A council (or shared service) using the product: its plans, people and standards."""

    slug = models.SlugField(
        max_length=80, unique=True, help_text="Used in the addresses of its public pages."
    )
    name = models.CharField(
        max_length=200,
        unique=True,
        help_text='As it appears on papers, e.g. "South Cambridgeshire District Council".',
    )
    short_name = models.CharField(max_length=50, blank=True, help_text='For example "SCDC".')
    committees = models.TextField(
        blank=True,
        help_text='The committees its reports go to, one a line, e.g. "Executive" or "Cabinet".',
    )
    logo = models.FileField(
        upload_to="organisation-logos/",
        blank=True,
        help_text="Shown on report covers. A PNG or SVG file.",
    )
    contact_address = models.TextField(
        blank=True, help_text="Where residents write to; shown on public pages and papers."
    )
    contact_email = models.EmailField(blank=True)
    public_pages = models.BooleanField(
        "public pages are on",
        default=True,
        help_text="Whether its published standards and 'you said, we did' pages can be read "
        "without signing in.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def committee_list(self) -> list[str]:
        return [line.strip() for line in self.committees.splitlines() if line.strip()]

    @property
    def default_committee(self) -> str:
        committees = self.committee_list()
        return committees[0] if committees else ""


class Membership(models.Model):
    """A login's place in an organisation, with its role across all the organisation's plans."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        max_length=30, choices=OrganisationRole.choices, default=OrganisationRole.MEMBER
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="membership_one_per_organisation",
                violation_error_message="This person is already a member of this organisation.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}: {self.get_role_display()}"


class PlanMembership(models.Model):
    """A login's role in one plan (e.g. chair of one plan, only a viewer of another)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_memberships"
    )
    plan = models.ForeignKey("actionplan.Plan", on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=30, choices=PlanRole.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "plan"],
                name="plan_membership_one_per_plan",
                violation_error_message="This person already has a role in this plan.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.plan}: {self.get_role_display()}"


def same_organisation(*objects: models.Model | None, message: str) -> None:
    """Refuse a link between objects of different organisations (None is no object)."""
    ids = {obj_organisation_id(obj) for obj in objects if obj is not None}
    if len(ids) > 1:
        raise ValidationError(message)


def obj_organisation_id(obj: models.Model) -> int | None:
    """The organisation an object belongs to, directly or through its plan."""
    if hasattr(obj, "organisation_id"):
        return obj.organisation_id
    plan = getattr(obj, "plan", None)
    return plan.organisation_id if plan is not None else None
