"""Who does the work: units (directorates, services, partners), owners and group members."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from actionplan.models.choices import OwnerKind, UnitKind
from actionplan.organisations import Organisation
from actionplan.querysets import (
    OwnerQuerySet,
    UnitQuerySet,
)


class Unit(models.Model):
    """A directorate or service of the council, or a partner organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=50, blank=True, help_text="For example E&E, WODC.")
    kind = models.CharField(max_length=20, choices=UnitKind.choices, default=UnitKind.SERVICE)
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="unit_unique_name_in_organisation",
                violation_error_message="This organisation already has a unit with this name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


class Owner(models.Model):
    """Someone who owns actions: a person (officer) or a group (e.g. a project assurance group)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="owners")
    kind = models.CharField(max_length=10, choices=OwnerKind.choices, default=OwnerKind.PERSON)
    name = models.CharField(max_length=200)
    short_name = models.CharField(
        max_length=50, blank=True, help_text="A person's initials or a group's abbreviation."
    )
    aliases = models.CharField(
        max_length=500,
        blank=True,
        help_text="Other ways officers write this owner, separated by commas (e.g. CSE PAG).",
    )
    job_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owner_records",
        help_text="The login of this person, if they use the system.",
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="owners"
    )
    is_active = models.BooleanField(
        "still with the organisation",
        default=True,
        help_text="A leaver is kept (their actions' history names them) but offered no more.",
    )
    history = HistoricalRecords()

    objects = OwnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "name"],
                name="owner_unique_name",
                violation_error_message="An owner of this kind with this name already exists.",
            ),
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(user__isnull=False),
                name="owner_one_per_login",
                violation_error_message="This login already belongs to another owner of this "
                "organisation.",
            ),
        ]

    def __str__(self) -> str:
        return self.label_for(self.name, self.short_name)

    @staticmethod
    def label_for(name: str, short_name: str) -> str:
        """How an owner of this name and short name is named in full (pages may read only them)."""
        if short_name and short_name != name:
            return f"{name} ({short_name})"
        return name

    def clean(self) -> None:
        if self.kind == OwnerKind.GROUP and self.user_id:
            raise ValidationError({"user": "A group cannot have a login; give its members one."})
        if (
            self.unit_id
            and self.organisation_id
            and self.unit.organisation_id != self.organisation_id
        ):
            raise ValidationError({"unit": "Choose a unit of this owner's organisation."})

    @property
    def label(self) -> str:
        """How the owner is shown in tight spaces: initials or abbreviation when known."""
        return self.short_name or self.name

    def spellings(self) -> list[str]:
        """Every way of writing this owner that owner text may use."""
        names = [self.name, self.short_name, *self.aliases.split(",")]
        return [n.strip() for n in names if n.strip()]


class GroupMembership(models.Model):
    """A person's membership of a group, with its own history."""

    group = models.ForeignKey(
        Owner,
        on_delete=models.CASCADE,
        related_name="memberships",
        limit_choices_to={"kind": OwnerKind.GROUP},
    )
    person = models.ForeignKey(
        Owner,
        on_delete=models.CASCADE,
        related_name="group_memberships",
        limit_choices_to={"kind": OwnerKind.PERSON},
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"],
                name="membership_unique",
                violation_error_message="This person is already a member of this group.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.group}"

    def clean(self) -> None:
        if self.group_id and self.group.kind != OwnerKind.GROUP:
            raise ValidationError({"group": "Only a group can have members."})
        if self.person_id and self.person.kind != OwnerKind.PERSON:
            raise ValidationError({"person": "Only a person can be a member of a group."})
        if (
            self.group_id
            and self.person_id
            and self.group.organisation_id != self.person.organisation_id
        ):
            raise ValidationError(
                {"person": "Only people of the group's organisation can join it."}
            )
