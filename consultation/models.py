"""Consultation exercises (and, with the consultation issue, their findings and scrutiny).

This module holds the exercises themselves; findings, "you said, we did" and scrutiny
recommendations build on it in further migrations.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from actionplan.models import Plan


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
