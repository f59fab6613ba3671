"""Update rounds: collecting progress before a steering-group meeting."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateformat import format as date_format
from simple_history.models import HistoricalRecords

from actionplan.models.actions import Action
from actionplan.models.people import Owner
from actionplan.models.plans import Plan
from actionplan.querysets import (
    UpdateRequestQuerySet,
    UpdateRoundQuerySet,
)
from actionplan.validators import single_line


class UpdateRound(models.Model):
    """A call for progress updates from action owners before a steering-group meeting."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="update_rounds")
    title = models.CharField(
        max_length=200,
        help_text='For example "Steering group 14 January 2011".',
        validators=[single_line],  # it is the subject of every e-mail the round sends
    )
    meeting_date = models.DateField()
    deadline = models.DateField(
        "deadline for updates", help_text="The last day owners have to send their update."
    )
    note = models.TextField(
        "note to owners", blank=True, help_text="Included in the e-mail asking for updates."
    )
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = UpdateRoundQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-meeting_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__lte=F("meeting_date")),
                name="round_deadline_by_meeting",
                violation_error_message="The deadline for updates must be on or before the "
                "meeting date.",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(closed_at__isnull=True),
                name="round_one_open_per_plan",
                violation_error_message="This plan already has an open update round. Close it "
                "before opening another.",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("opened_at")),
                name="round_closed_after_opened",
                violation_error_message="A round cannot close before it opened.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.deadline and self.meeting_date and self.deadline > self.meeting_date:
            raise ValidationError(
                {
                    "deadline": "The deadline for updates must be on or before the meeting "
                    f"date ({date_format(self.meeting_date, 'j F Y')})."
                }
            )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def deadline_ends_at(self) -> datetime:
        """Midnight at the end of the deadline day, in the site's time zone (Europe/London)."""
        next_day = self.deadline + timedelta(days=1)
        return datetime.combine(next_day, time.min, tzinfo=timezone.get_default_timezone())

    def is_late(self, responded_at: datetime | None) -> bool:
        return responded_at is not None and responded_at >= self.deadline_ends_at


class UpdateRequest(models.Model):
    """An owner asked about an action when a round opened: the record of who was asked."""

    round = models.ForeignKey(UpdateRound, on_delete=models.CASCADE, related_name="requests")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="update_requests")
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="update_requests")
    via_group = models.ForeignKey(
        Owner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The group through which this person was asked, if not asked directly.",
    )
    requested_at = models.DateTimeField()
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    objects = UpdateRequestQuerySet.as_manager()

    class Meta:
        ordering = ["round", "action", "owner"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "action", "owner"],
                name="request_unique_in_round",
                violation_error_message="This owner has already been asked about this action "
                "in this round.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} asked about {self.action} ({self.round})"
