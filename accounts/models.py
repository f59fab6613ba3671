"""Invitations to sign in, and each organisation's own identity provider (single sign-on)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from simple_history import register
from simple_history.models import HistoricalRecords

from accounts.fields import SealedTextField
from actionplan.models import Organisation, Owner, Plan
from actionplan.organisations import OrganisationRole, PlanRole

INVITATION_DAYS = 7


def invitation_expiry():
    """An invitation link works for a week."""
    return timezone.now() + timedelta(days=INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet):
    def waiting(self):
        """Neither accepted nor withdrawn: open, or expired and worth sending again."""
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)

    def open(self, now=None):
        """Waiting and still within their week: the link works."""
        return self.waiting().filter(expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """A person asked by e-mail to sign in, with the roles they will hold once they accept."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    organisation_role = models.CharField(
        "role across the organisation",
        max_length=30,
        choices=OrganisationRole.choices,
        default=OrganisationRole.MEMBER,
    )
    owner = models.ForeignKey(
        Owner,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The owner record the login will belong to.",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accepted_invitations",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_used(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class InvitationPlanRole(models.Model):
    """A role in one plan that an invitation gives."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="plan_roles")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=30, choices=PlanRole.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "plan"],
                name="invitation_one_role_per_plan",
                violation_error_message="An invitation gives one role in each plan.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of {self.plan}"


class SignInProvider(models.Model):
    """An organisation's own identity provider (OpenID Connect), e.g. Microsoft Entra ID."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="sign_in_provider"
    )
    issuer = models.URLField(
        help_text="The provider's issuer address, e.g. "
        "https://login.microsoftonline.com/<tenant>/v2.0. Its "
        "/.well-known/openid-configuration must be reachable from this server."
    )
    client_id = models.CharField("client ID", max_length=200)
    client_secret = SealedTextField(
        help_text="Kept encrypted under the site's secret key; never shown again once saved."
    )
    allowed_domains = models.CharField(
        "allowed e-mail domains",
        max_length=500,
        help_text="Separated by commas, e.g. scambs.gov.uk. Only addresses at these domains "
        "may sign in this way.",
    )
    anyone_from_domains_joins = models.BooleanField(
        "let anyone from these domains join as a viewer",
        default=False,
        help_text="Otherwise only people invited, or who already have a login, may sign in.",
    )
    is_enabled = models.BooleanField("offered on the sign-in page", default=True)
    history = HistoricalRecords(excluded_fields=["client_secret"])

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"Single sign-on for {self.organisation}"

    @property
    def provider_id(self) -> str:
        """allauth's id for this provider: it is in the sign-in addresses."""
        return self.organisation.slug

    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.allowed_domains.split(",") if d.strip()]

    def allows(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.domains()


# Logins keep their history too: who deactivated whom, and when (not their passwords).
register(
    get_user_model(),
    app="accounts",
    table_name="accounts_historicaluser",
    excluded_fields=["password", "last_login"],
)
