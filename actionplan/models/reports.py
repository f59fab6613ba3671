"""Published reports and the report jobs a worker makes them in."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateformat import format as date_format
from simple_history.models import HistoricalRecords

from actionplan.models.plans import Plan


class PublishedReportQuerySet(models.QuerySet):
    def for_list_page(self) -> PublishedReportQuerySet:
        """Newest meeting first, with who published each, in one query."""
        return self.select_related("published_by").order_by("-meeting_date", "-published_at", "-id")


class PublishedReport(models.Model):
    """A report as it went to a committee: its moment, options and the very files sent."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="published_reports")
    committee = models.CharField(max_length=200)
    meeting_date = models.DateField()
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    as_at = models.DateTimeField("as at", help_text="The exact moment the report shows the plan.")
    since = models.DateTimeField(
        null=True, blank=True, help_text="The start of the changes the report lists, if any."
    )
    options = models.JSONField(default=dict, blank=True, help_text="Filters and flags as given.")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pdf = models.FileField("PDF", upload_to="reports/%Y/")
    xlsx = models.FileField("workbook", upload_to="reports/%Y/")
    history = HistoricalRecords()

    objects = PublishedReportQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-meeting_date", "-published_at", "-id"]
        indexes = [
            # The next report's "since" is the latest published moment before its own.
            models.Index(fields=["plan", "as_at"], name="published_report_moment"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(since__isnull=True) | Q(since__lt=F("as_at")),
                name="published_report_since_before_as_at",
                violation_error_message="The 'since' moment must be before the 'as at' moment.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} {date_format(self.meeting_date, 'j F Y')}: {self.title}"


class ReportJobKind(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel workbook"
    PUBLISH = "publish", "Publication"


class ReportJobState(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


# Longer than this, a report job is taken to be stuck (see ReportJob.seems_stuck).
REPORT_JOB_WAIT_LIMIT = timedelta(minutes=10)
REPORT_JOB_RUN_LIMIT = timedelta(minutes=30)


class ReportJobQuerySet(models.QuerySet):
    def seemingly_stuck(self, now: datetime) -> ReportJobQuerySet:
        """The jobs ReportJob.seems_stuck picks out, in SQL."""
        return self.filter(
            Q(state=ReportJobState.QUEUED, requested_at__lt=now - REPORT_JOB_WAIT_LIMIT)
            | Q(state=ReportJobState.RUNNING, started_at__lt=now - REPORT_JOB_RUN_LIMIT)
        )

    def recent_for(self, user: models.Model, plan: Plan, *, limit: int = 5) -> ReportJobQuerySet:
        """The user's latest requests for the plan's reports, newest first, in one query."""
        return (
            self.filter(plan=plan, requested_by=user)
            .select_related("published")
            .order_by("-requested_at", "-id")[:limit]
        )


class ReportJob(models.Model):
    """A report made by the background worker: what was asked, by whom, and how it went."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="report_jobs")
    kind = models.CharField(max_length=10, choices=ReportJobKind.choices)
    params = models.JSONField(
        default=dict, blank=True, help_text="The report builder's parameters, name → values."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=ReportJobState.choices, default=ReportJobState.QUEUED
    )
    error = models.TextField(
        blank=True, help_text="Why the report could not be made, for its user."
    )
    file = models.FileField(upload_to="report-jobs/%Y/", blank=True)
    file_name = models.CharField(max_length=200, blank=True, help_text="The name to download as.")
    published = models.ForeignKey(
        PublishedReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True, help_text="The django-tasks result id.")
    history = HistoricalRecords()

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["plan", "requested_by", "requested_at"], name="report_job_recent")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.plan} ({self.get_state_display()})"

    @property
    def in_progress(self) -> bool:
        return self.state in (ReportJobState.QUEUED, ReportJobState.RUNNING)

    def seems_stuck(self, now: datetime) -> bool:
        """Waiting so long that no worker is running, or so long in the making that its worker
        must have stopped (a killed worker leaves its job running for ever)."""
        if self.state == ReportJobState.QUEUED:
            return now - self.requested_at > REPORT_JOB_WAIT_LIMIT
        if self.state == ReportJobState.RUNNING and self.started_at is not None:
            return now - self.started_at > REPORT_JOB_RUN_LIMIT
        return False
