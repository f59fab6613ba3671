"""A plan and its shape: themes and projects."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from actionplan.models.base import Versioned
from actionplan.models.choices import PlanStatus, ThemeKind
from actionplan.organisations import Organisation
from actionplan.querysets import PlanQuerySet


class Plan(Versioned):
    """A strategy's action plan, as adopted (e.g. "Customer Service Excellence Action Plan V.4")."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="plans")
    committee = models.CharField(
        max_length=200,
        blank=True,
        help_text='The committee its reports go to, e.g. "Executive". Blank uses the '
        "organisation's first.",
    )
    version_label = models.CharField(max_length=50, blank=True, help_text='For example "V.4".')
    adopted_on = models.DateField(null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    description = models.TextField(blank=True)
    source = models.CharField(
        max_length=300, blank=True, help_text="The paper the plan comes from, if any."
    )
    awaiting_update_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Days without an update before an action is awaiting update. "
        "Blank uses the site default.",
    )
    history = HistoricalRecords()

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="plan_period_ordered",
                violation_error_message="The plan period must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version_label}".strip()

    @property
    def committee_name(self) -> str:
        """The committee its papers go to: its own, else its organisation's first."""
        return self.committee or self.organisation.default_committee

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The plan period must end after it starts."})


class Theme(Versioned):
    """A key topic of the strategy, or a Customer Service Excellence criterion."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    reference = models.CharField(max_length=20, help_text='For example "1" or "3.1".')
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=ThemeKind.choices, default=ThemeKind.KEY_TOPIC)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reference"],
                name="theme_unique_reference",
                violation_error_message="Another theme in this plan already has this reference.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}. {self.title}"


class Project(Versioned):
    """A project, desired outcome or objective under a theme."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="projects")
    reference = models.CharField(max_length=20, blank=True)
    title = models.TextField()
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["theme", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "reference"],
                condition=~Q(reference=""),
                name="project_unique_reference",
                violation_error_message="Another project in this theme already has this reference.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()
