"""Service standards the council publishes, and (with the standards issue) performance against them.

This module holds the register itself. Performance values, RAG and the Customer Service
Excellence self-assessment build on it in further migrations.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from actionplan.models import Owner, Plan, Unit


class Channel(models.TextChoices):
    TELEPHONE = "telephone", "Telephone"
    LETTERS = "letters", "Letters"
    EMAIL = "email", "E-mail"
    FACE_TO_FACE = "face_to_face", "Face to face"
    WEBSITE = "website", "Website"
    COMPLAINTS = "complaints", "Complaints"
    HOME_VISITS = "home_visits", "Home visits"
    OPENING_HOURS = "opening_hours", "Opening hours"
    OTHER = "other", "Other"


class MeasureUnit(models.TextChoices):
    """The unit a standard is measured in."""

    PERCENT = "percent", "Percentage"
    SECONDS = "seconds", "Seconds"
    MINUTES = "minutes", "Minutes"
    WORKING_DAYS = "working_days", "Working days"
    DAYS = "days", "Days"
    COUNT = "count", "Count"
    HOURS = "hours", "Hours"


class Better(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUALLY = "annually", "Annually"


class Scope(models.TextChoices):
    CORPORATE = "corporate", "Corporate standard"
    SERVICE = "service", "Service commitment"


class Standard(models.Model):
    """A published service standard, e.g. "We will answer 90% of calls within 20 seconds"."""

    reference = models.CharField(max_length=20, unique=True, help_text="For example T1 or C2.")
    title = models.CharField(max_length=200)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    stage = models.CharField(
        max_length=50, blank=True, help_text="For complaints: the stage, e.g. Stage 1."
    )
    commitment = models.TextField(help_text="The standard as the council publishes it.")
    measure = models.CharField(max_length=300, blank=True, help_text="What is measured.")
    unit = models.CharField(max_length=20, choices=MeasureUnit.choices, blank=True)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    better = models.CharField(max_length=10, choices=Better.choices, default=Better.HIGHER)
    amber_tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text="How far short of the target still counts as amber, in the standard's unit.",
    )
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    owner = models.ForeignKey(
        Owner, null=True, blank=True, on_delete=models.PROTECT, related_name="standards"
    )
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.CORPORATE)
    service = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="standards",
        help_text="For a service commitment: the service that makes it.",
    )
    plan = models.ForeignKey(
        Plan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="standards",
        help_text="The strategy that publishes this standard, if any.",
    )
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    published = models.BooleanField(default=False, help_text="Shown on the public standards page.")
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="standard_effective_to_after_from",
                violation_error_message="A standard cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


from standards.cse_models import *  # noqa: E402, F401, F403  (CSE models live in their own module)
