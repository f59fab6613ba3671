"""Consultation exercises (and, with the consultation issue, their findings and scrutiny).

This module holds the exercises themselves; findings, "you said, we did" and scrutiny
recommendations build on it in further migrations.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.text import Truncator
from simple_history.models import HistoricalRecords

from actionplan.models import Action, Organisation, Plan, Theme
from consultation.querysets import FindingQuerySet, RecommendationQuerySet


class Method(models.TextChoices):
    RESIDENTS_SURVEY = "residents_survey", "Residents' survey"
    MORI_POLL = "mori_poll", "MORI poll"
    CITIZENS_PANEL = "citizens_panel", "Citizens' panel"
    PARISH_COUNCILS = "parish_councils", "Parish councils"
    OLDER_PEOPLES_PANEL = "older_peoples_panel", "Older people's panel"
    WEBSITE_POLL = "website_poll", "Website poll"
    STAFF_SURVEY = "staff_survey", "Staff survey"
    MEMBER_SEMINAR = "member_seminar", "Member seminar"
    SCRUTINY_COMMITTEE = "scrutiny_committee", "Scrutiny committee"
    FOCUS_GROUP = "focus_group", "Focus group"
    MYSTERY_SHOPPING = "mystery_shopping", "Mystery shopping"
    SATISFACTION_SURVEY = "satisfaction_survey", "Reception or internal satisfaction survey"
    OTHER = "other", "Other"


class Exercise(models.Model):
    """A consultation exercise, e.g. the 2004 residents' survey or a staff survey."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consultations"
    )
    plan = models.ForeignKey(
        Plan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
        help_text="The strategy or plan the exercise informed, if any.",
    )
    title = models.CharField(max_length=300)
    method = models.CharField(max_length=30, choices=Method.choices)
    audience = models.CharField(max_length=300, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    respondents = models.PositiveIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True)
    document_url = models.URLField(blank=True, help_text="Where the results are published.")
    published = models.BooleanField(
        default=False, help_text="Shown on the public 'you said, we did' page."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="exercise_ends_after_it_starts",
                violation_error_message="An exercise cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (
            self.plan_id
            and self.organisation_id
            and self.plan.organisation_id != self.organisation_id
        ):
            raise ValidationError({"plan": "Choose a plan of the exercise's organisation."})


class Strength(models.TextChoices):
    """How a finding's strength is given: as a share, a count, or only in words."""

    PERCENTAGE = "percentage", "Percentage"
    COUNT = "count", "Count"
    WORDS = "words", "In words only"


class Finding(models.Model):
    """What people said in an exercise, how strongly, and what the council did about it."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="findings")
    said = models.TextField("what people said")
    strength_kind = models.CharField(
        "how strongly", max_length=20, choices=Strength.choices, default=Strength.WORDS
    )
    strength_value = models.DecimalField(
        "percentage or count",
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "The strength cannot be negative.")],
    )
    strength_of = models.PositiveIntegerField(
        "out of how many", null=True, blank=True, help_text="For a count: how many answered."
    )
    strength_as_written = models.CharField(
        "strength in words",
        max_length=200,
        blank=True,
        help_text='As the paper puts it, for example "strongly supported".',
    )
    quotes = models.TextField(
        "anonymised quotes",
        blank=True,
        help_text="One quote per paragraph (leave a blank line between quotes). No names.",
    )
    we_did = models.TextField(
        '"we did" note', blank=True, help_text="What the council did, in plain words."
    )
    published = models.BooleanField(
        default=False,
        help_text="Shown on the public page when its exercise is published too.",
    )
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["exercise", "position", "pk"]

    def __str__(self) -> str:
        return Truncator(self.said).chars(80)

    def clean(self) -> None:
        value, of = self.strength_value, self.strength_of
        if self.strength_kind == Strength.WORDS:
            if not self.strength_as_written:
                raise ValidationError(
                    {"strength_as_written": "Say in words how strongly people said it."}
                )
            return
        if value is None:
            raise ValidationError({"strength_value": "Enter the percentage or the count."})
        if self.strength_kind == Strength.PERCENTAGE and value > 100:
            raise ValidationError({"strength_value": "A percentage must be between 0 and 100."})
        if self.strength_kind == Strength.COUNT:
            if value != int(value):
                raise ValidationError({"strength_value": "A count must be a whole number."})
            if of is not None and value > of:
                raise ValidationError(
                    {"strength_of": "The count cannot be more than the number who answered."}
                )

    @property
    def strength(self) -> str:
        """The strength as a reader sees it: "62% ", "48 of 120", or the words."""
        words = self.strength_as_written
        if self.strength_kind == Strength.PERCENTAGE and self.strength_value is not None:
            text = f"{self.strength_value.normalize():f}%"
        elif self.strength_kind == Strength.COUNT and self.strength_value is not None:
            text = f"{int(self.strength_value)}"
            if self.strength_of:
                text += f" of {self.strength_of}"
        else:
            return words
        return f"{text} ({words})" if words else text

    def quote_list(self) -> list[str]:
        return [q.strip() for q in self.quotes.replace("\r\n", "\n").split("\n\n") if q.strip()]


class FindingTheme(models.Model):
    """A plan theme a finding bears on."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="finding_themes")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="finding_links")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "theme"],
                name="finding_theme_unique",
                violation_error_message="This finding is already linked to this theme.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finding} → {self.theme}"


class FindingAction(models.Model):
    """A plan action that responds to a finding."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="finding_actions")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="finding_links")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "action"],
                name="finding_action_unique",
                violation_error_message="This action is already linked to this finding.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finding} → {self.action}"


class PublicPage(models.Model):
    """Whether a plan's "you said, we did" page is public, and what it says first."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="public_page")
    you_said_we_did_published = models.BooleanField(
        '"you said, we did" page is public',
        default=False,
        help_text="Anyone can read it without signing in. Only published findings appear.",
    )
    introduction = models.TextField(blank=True, help_text="Shown at the top of the public page.")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Public page of {self.plan}"


class Response(models.TextChoices):
    AWAITING = "awaiting", "Awaiting response"
    ACCEPTED = "accepted", "Accepted"
    PARTLY_ACCEPTED = "partly_accepted", "Partly accepted"
    REJECTED = "rejected", "Rejected"


class ScrutinyMeeting(models.Model):
    """A scrutiny body's meeting (or review) that made recommendations on a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="scrutiny_meetings")
    body = models.CharField(
        max_length=300, help_text='For example "Corporate Governance Scrutiny Committee".'
    )
    title = models.CharField(max_length=300, help_text='For example "Customer Services Review".')
    meeting_date = models.DateField(null=True, blank=True)
    minute_reference = models.CharField(max_length=50, blank=True)
    document_url = models.URLField(blank=True)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-meeting_date", "pk"]

    def __str__(self) -> str:
        when = f", {self.meeting_date:%-d %B %Y}" if self.meeting_date else ""
        return f"{self.body}: {self.title}{when}"


class Recommendation(models.Model):
    """A numbered scrutiny recommendation, the council's response and its report-back."""

    meeting = models.ForeignKey(
        ScrutinyMeeting, on_delete=models.CASCADE, related_name="recommendations"
    )
    reference = models.CharField(max_length=20, help_text='For example "(iv)".')
    theme_heading = models.CharField(
        max_length=300, blank=True, help_text="The heading the minutes give it, as written."
    )
    theme = models.ForeignKey(
        Theme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
        help_text="The plan theme it falls under, if any.",
    )
    text = models.TextField()
    response = models.CharField(max_length=20, choices=Response.choices, default=Response.AWAITING)
    response_reasons = models.TextField("reasons", blank=True)
    report_back_as_written = models.CharField(
        max_length=200, blank=True, help_text='As the minutes put it: "in 12 months time".'
    )
    report_back_due = models.DateField("report-back due", null=True, blank=True)
    reported_back_on = models.DateField("reported back on", null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "reference"],
                name="recommendation_unique_reference",
                violation_error_message=(
                    "This meeting already has a recommendation with this reference."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {Truncator(self.text).chars(60)}"

    def clean(self) -> None:
        if self.response in (Response.PARTLY_ACCEPTED, Response.REJECTED) and not (
            self.response_reasons.strip()
        ):
            raise ValidationError(
                {
                    "response_reasons": (
                        "Give the reasons when a recommendation is not fully accepted."
                    )
                }
            )

    def is_report_back_overdue(self, today: date) -> bool:
        return (
            self.report_back_due is not None
            and self.reported_back_on is None
            and self.report_back_due < today
        )


class RecommendationAction(models.Model):
    """A plan action that answers a scrutiny recommendation."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="recommendation_actions"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="recommendation_links"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "action"],
                name="recommendation_action_unique",
                violation_error_message="This action is already linked to this recommendation.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} → {self.action}"
