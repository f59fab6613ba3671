"""Service standards the council publishes, and (with the standards issue) performance against them.

This module holds the register itself. Performance values, RAG and the Customer Service
Excellence self-assessment build on it in further migrations.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actionplan.models import Organisation, Owner, Plan, Unit
from standards.figures import figure_value
from standards.periods import Period, PeriodError


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


class StandardQuerySet(models.QuerySet):
    def in_organisation(self, organisation) -> StandardQuerySet:
        """The organisation's standards (organisation or its id): never another's."""
        return self.filter(organisation=organisation)

    def in_force(self, start: date, end: date | None = None) -> StandardQuerySet:
        """Versions in force on any day from `start` to `end` (default: that one day)."""
        end = end or start
        return self.filter(
            models.Q(effective_from__isnull=True) | models.Q(effective_from__lte=end),
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=start),
        )

    def for_register(self) -> StandardQuerySet:
        return self.select_related("owner", "service").order_by(
            "channel", "position", "reference", "effective_from"
        )


class Standard(models.Model):
    """A published service standard, e.g. "We will answer 90% of calls within 20 seconds".

    A revision is a new row with the same reference: the old version ends the day before the
    new one starts (services.standard_revise), so each period is judged against the standard
    in force then.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="standards"
    )
    reference = models.CharField(max_length=20, db_index=True, help_text="For example T1 or C2.")
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
    note = models.TextField(
        blank=True, help_text="Where the wording and target come from, e.g. a launch or a paper."
    )
    history = HistoricalRecords()

    objects = StandardQuerySet.as_manager()

    class Meta:
        ordering = ["position", "reference", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference", "effective_from"],
                name="standard_one_version_per_start",
                violation_error_message="This standard already has a version starting that day.",
            ),
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

    def clean(self) -> None:
        errors = {}
        for name, label in (("owner", "owner"), ("service", "service"), ("plan", "plan")):
            linked = getattr(self, name) if getattr(self, f"{name}_id") else None
            if linked is not None and linked.organisation_id != self.organisation_id:
                errors[name] = f"Choose a {label} of the standard's organisation."
        if errors:
            raise ValidationError(errors)

    @property
    def is_percentage(self) -> bool:
        return self.unit == MeasureUnit.PERCENT

    def in_force_on(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or self.effective_to >= day
        )

    def format_value(self, value) -> str:
        """A figure with its unit, as a reader expects it: "91.5%", "3 working days"."""
        if value is None:
            return ""
        text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
        if self.unit == MeasureUnit.PERCENT:
            return f"{text}%"
        if self.unit:
            label = self.get_unit_display().lower()
            return f"{text} {label.removesuffix('s') if text == '1' else label}"
        return text

    @property
    def tolerance_text(self) -> str:
        return self.format_value(self.amber_tolerance) if self.amber_tolerance else ""

    @property
    def target_text(self) -> str:
        """ "90% or more", "10 working days or fewer"; empty without a target."""
        if self.target is None:
            return ""
        more = self.better == Better.HIGHER
        if self.unit in (MeasureUnit.PERCENT,):
            words = "or more" if more else "or less"
        else:
            words = "or more" if more else "or fewer"
        return f"{self.format_value(self.target)} {words}"


class PerformanceValue(models.Model):
    """How a standard performed in one period (and, optionally, at one site or service)."""

    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="values")
    period_start = models.DateField(help_text="The first day of the period.")
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    site = models.CharField(
        max_length=100, blank=True, help_text="A service or site, when reported separately."
    )
    value = models.DecimalField(max_digits=12, decimal_places=2)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(default=timezone.now)
    published = models.BooleanField(default=False, help_text="Shown on the public standards page.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["period_start", "site"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "period_start", "site"],
                name="performance_one_value_per_period_and_site",
                violation_error_message=(
                    "There is already a value for this standard, period and site."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard.reference} {self.period}: {self.value}"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.frequency)

    @property
    def value_text(self) -> str:
        return self.standard.format_value(self.value)

    def clean(self) -> None:
        try:
            Period(self.period_start, self.frequency)
        except PeriodError as error:
            raise ValidationError({"period_start": str(error)}) from None
        if (
            self.standard_id
            and not self.standard.in_force_on(self.period_start)
            and not (self.standard.in_force_on(Period(self.period_start, self.frequency).end))
        ):
            raise ValidationError(f"{self.standard.reference} was not in force in {self.period}.")
        numbers = [None if n is None else Decimal(n) for n in (self.numerator, self.denominator)]
        try:
            self.value = figure_value(
                unit=self.standard.unit if self.standard_id else "",
                value=self.value,
                numerator=numbers[0],
                denominator=numbers[1],
            )
        except ValidationError as error:
            raise ValidationError({"value": error.messages}) from None


class StandardAction(models.Model):
    """An action of a plan that improves performance against a standard (link with history)."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="action_links")
    action = models.ForeignKey(
        "actionplan.Action", on_delete=models.CASCADE, related_name="standard_links"
    )
    note = models.CharField(max_length=200, blank=True, help_text="How the action helps.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["standard__reference", "action_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "action"],
                name="standard_action_once",
                violation_error_message="This action is already linked to this standard.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard.reference} ↔ action {self.action_id}"


from standards.cse.models import *  # noqa: E402, F401, F403  (CSE models live in their own module)
