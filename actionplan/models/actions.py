"""Actions and what hangs off them: owners, target revisions, milestones and progress."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from actionplan.models.base import IndexedHistoricalRecords, Versioned, percentage_validators
from actionplan.models.choices import FINISHED_STATUSES, Rag, Status
from actionplan.models.people import Owner, Unit
from actionplan.models.plans import Plan, Project, Theme
from actionplan.querysets import ActionQuerySet
from actionplan.targetdates import TargetDate, TargetKind, parse_target_date


class Action(Versioned):
    """Something the council will do, with owners, a target date and a status."""

    # The theme's plan, kept on the row so every per-plan read (and the history of the plan's
    # actions) starts from an index on the plan, whatever other plans the database holds.
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="actions", editable=False, blank=True
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="actions")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    reference = models.CharField(max_length=20, blank=True, help_text='For example "1(a)".')
    description = models.TextField()
    position = models.PositiveIntegerField(default=0)
    owners_as_written = models.CharField(
        max_length=300, blank=True, help_text='Owners as officers write them, e.g. "RF / PAG".'
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name="directorate or service",
    )
    target = models.CharField(
        max_length=200, blank=True, help_text='As written: "Dec 2004", "Q3 2012/13", "Ongoing".'
    )
    target_kind = models.CharField(max_length=20, editable=False, default="unscheduled")
    target_earliest = models.DateField(null=True, blank=True, editable=False)
    target_latest = models.DateField(null=True, blank=True, editable=False)
    original_target = models.CharField(
        max_length=200, blank=True, editable=False, help_text="The first target, once it slips."
    )
    replan_count = models.PositiveSmallIntegerField(default=0, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    rag = models.CharField(
        "RAG", max_length=10, choices=Rag.choices, default=Rag.NOT_ASSESSED, blank=True
    )
    percent_complete = models.PositiveSmallIntegerField(
        "percentage complete", null=True, blank=True, validators=percentage_validators
    )
    completed_on = models.DateField("completion date", null=True, blank=True)
    notes = models.TextField(blank=True)
    # The day of the action's latest progress update, kept by the database itself: triggers on
    # the progress-update table (migration 0017) set it on every insert, change and delete,
    # whatever the path (a form, an import's bulk insert, a revert, a restore, a cascade). It
    # lets "awaiting an update" and "longest without one" read one column through an index on
    # the plan instead of every action's updates. Never written by save() (see below), and not
    # in the action's history: it is derived, not a change anyone made.
    latest_update_on = models.DateField(null=True, blank=True, editable=False)
    carried_over_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_over_to",
        editable=False,
        help_text="The same action in the plan's previous version, where its history is.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = IndexedHistoricalRecords(
        excluded_fields=["latest_update_on"],
        # "Recent changes": the plan's newest history rows, read backwards from the limit.
        indexes=(
            models.Index(
                fields=["plan", "history_date", "history_id"], name="action_history_plan_recent"
            ),
        ),
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["theme__position", "theme_id", "project__position", "project_id", "position"]
        indexes = [
            # Overdue and due-soon lists sort open actions of a theme by their deadline.
            models.Index(fields=["theme", "status", "target_latest"], name="action_deadline"),
            # The dashboard's lists and counts read one plan's actions by status and deadline.
            models.Index(fields=["plan", "status", "target_latest"], name="action_plan_deadline"),
            # The dashboard's overdue and due-soon lists: the plan's actions in deadline order
            # across every status, read from the earliest and stopped at the list's length.
            models.Index(fields=["plan", "target_latest"], name="action_plan_target"),
            # Awaiting an update: the plan's actions from the longest without one, read in
            # order and stopped at the list's length.
            models.Index(
                fields=["plan", "latest_update_on", "target_latest", "id"],
                name="action_plan_latest_update",
            ),
            # "Does the plan use this unit": the browser's unit choices, a probe per unit.
            models.Index(fields=["unit", "plan"], name="action_unit_plan"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reference"],
                condition=~Q(reference="") & Q(project__isnull=False),
                name="action_unique_reference_in_project",
                violation_error_message="Another action in this project already has this "
                "reference.",
            ),
            models.UniqueConstraint(
                fields=["theme", "reference"],
                condition=~Q(reference="") & Q(project__isnull=True),
                name="action_unique_reference_in_theme",
                violation_error_message="Another action in this theme already has this reference.",
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True)
                | Q(percent_complete__gte=0, percent_complete__lte=100),
                name="action_percent_range",
                violation_error_message="Percentage complete must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.COMPLETED) | Q(completed_on__isnull=False),
                name="action_completed_has_date",
                violation_error_message="A completed action needs its completion date.",
            ),
        ]

    def __str__(self) -> str:
        label = self.description if len(self.description) <= 80 else self.description[:77] + "…"
        return f"{self.reference} {label}".strip()

    def save(self, *args, **kwargs) -> None:
        self.cache_target_dates()
        if not self._state.adding and not kwargs.get("force_insert"):
            # An action read before a progress update was added must not write its older
            # `latest_update_on` back: the database's triggers own that column.
            fields = kwargs.get("update_fields")
            if fields is None:
                fields = [f.name for f in self._meta.concrete_fields if not f.primary_key]
            kwargs["update_fields"] = [name for name in fields if name != "latest_update_on"]
        super().save(*args, **kwargs)

    def cache_target_dates(self) -> None:
        """The plan (from the theme) and the parsed dates, caches kept so SQL can find, sort
        and filter on them (set here for save(), and by bulk writers, which do not call it)."""
        if self.plan_id is None:
            self.plan_id = self.theme.plan_id
        parsed = self.target_date
        self.target_kind = parsed.kind.value
        self.target_earliest = parsed.earliest
        self.target_latest = parsed.latest

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.project_id and self.theme_id and self.project.theme_id != self.theme_id:
            errors["project"] = "The project must belong to the action's theme."
        theme_chosen = Action.theme.is_cached(self) and self.theme is not None
        if theme_chosen and self.plan_id and self.theme.plan_id != self.plan_id:
            errors["theme"] = "An action can only move to a theme of its own plan."
        if (
            self.unit_id
            and self.theme_id
            and self.unit.organisation_id != self.theme.plan.organisation_id
        ):
            errors["unit"] = "Choose a directorate or service of the plan's organisation."
        if self.status == Status.COMPLETED and not self.completed_on:
            errors["completed_on"] = "Enter the date the action was completed."
        if self.completed_on and self.status != Status.COMPLETED:
            errors["completed_on"] = (
                "Only a completed action has a completion date: set the status to Completed "
                "or clear the date."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def target_date(self) -> TargetDate:
        return parse_target_date(self.target)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_revised(self) -> bool:
        return self.replan_count > 0

    def is_overdue(self, today: date) -> bool:
        return self.target_date.is_overdue(today, finished=self.is_finished)

    @property
    def full_reference(self) -> str:
        """The reference qualified by theme and project, unique within the plan."""
        parts = [self.theme.reference]
        if self.project_id and self.project.reference:
            parts.append(self.project.reference)
        if self.reference:
            parts.append(self.reference)
        return " / ".join(parts)


# What an action says, as people edit it and a revert restores it: not its bookkeeping.
ACTION_CONTENT_FIELDS = (
    "theme",
    "project",
    "reference",
    "description",
    "owners_as_written",
    "unit",
    "target",
    "status",
    "rag",
    "percent_complete",
    "completed_on",
    "notes",
)


class ActionOwner(models.Model):
    """An owner of an action; exactly one may be the lead. Its own history records owner changes."""

    # The action's plan (actions never change plan), so "the owners this plan uses" is a range
    # of an index that starts with the plan, not a walk over every action of the plan. That
    # index (plan, owner) also serves lookups by plan alone, so the key has none of its own.
    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        blank=True,
        db_index=False,
    )
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="action_owners")
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="owned_actions")
    is_lead = models.BooleanField("lead owner", default=False)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-is_lead", "position", "id"]
        indexes = [
            # The plan browser's owner filter lists the owners of the plan's actions.
            models.Index(fields=["plan", "owner"], name="action_owner_plan_owner"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "owner"],
                name="action_owner_unique",
                violation_error_message="This owner is already an owner of this action.",
            ),
            models.UniqueConstraint(
                fields=["action"],
                condition=Q(is_lead=True),
                name="action_one_lead",
                violation_error_message="An action has only one lead owner.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} ({'lead' if self.is_lead else 'owner'})"

    def save(self, *args, **kwargs) -> None:
        if self.plan_id is None:
            self.plan_id = self.action.plan_id
        super().save(*args, **kwargs)


class TargetRevision(models.Model):
    """A change of an action's target date, with the reason: the record of slippage."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="target_revisions")
    old_target = models.CharField(max_length=200, blank=True)
    new_target = models.CharField(max_length=200)
    reason = models.TextField()
    revised_at = models.DateTimeField()
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "revised_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="target_revision_has_reason",
                violation_error_message="Give the reason the target date changed.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_target or '(none)'} → {self.new_target}"


class Milestone(models.Model):
    """A step within an action, with its own target and the day it was done."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    text = models.TextField()
    target = models.CharField(max_length=200, blank=True)
    target_earliest = models.DateField(null=True, blank=True, editable=False)
    target_latest = models.DateField(null=True, blank=True, editable=False)
    done_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "position", "id"]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs) -> None:
        parsed = parse_target_date(self.target)
        self.target_earliest = parsed.earliest
        self.target_latest = parsed.latest
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not self.action_id:
            return
        action_target = self.action.target_date
        mine = parse_target_date(self.target)
        if mine.latest and action_target.has_deadline and mine.latest > action_target.latest:
            raise ValidationError(
                {
                    "target": f"This milestone's target ({self.target}) is after the action's "
                    f"own target ({self.action.target}). Change one of them."
                }
            )
        starts = action_target.kind == TargetKind.FROM and action_target.earliest
        if starts and mine.latest and mine.latest < action_target.earliest:
            raise ValidationError(
                {
                    "target": f"This milestone's target ({self.target}) is before the action "
                    f"starts ({self.action.target})."
                }
            )


class ProgressUpdate(models.Model):
    """A dated progress note on an action, with the status, RAG and percentage reported."""

    # The action's plan (actions never change plan), so "the plan's latest updates" reads only
    # this plan's rows through an index that starts with it.
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="+", editable=False, blank=True
    )
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField()
    date_as_written = models.CharField(
        max_length=100, blank=True, help_text='The date as the source wrote it, e.g. "Sept 2010".'
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_updates",
    )
    author_name = models.CharField(
        max_length=200, blank=True, help_text="Who reported it, when not a user of the system."
    )
    narrative = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices, blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        "percentage complete", null=True, blank=True, validators=percentage_validators
    )
    is_no_change = models.BooleanField("no change since the last update", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "reported_on", "id"]
        get_latest_by = ["reported_on", "id"]
        indexes = [
            # "Latest update" and "no update since" are asked of every action on most pages.
            models.Index(fields=["action", "reported_on"], name="update_action_reported"),
            models.Index(fields=["-created_at"], name="update_created"),
            # The dashboard's recent changes: the plan's newest updates, by id.
            models.Index(fields=["plan", "id"], name="update_plan_recent"),
            # "Which of the plan's actions has an update since this day": a range of this
            # plan's recent updates, read once per page rather than probed once per action.
            models.Index(fields=["plan", "reported_on", "action"], name="update_plan_reported"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True)
                | Q(percent_complete__gte=0, percent_complete__lte=100),
                name="update_percent_range",
                violation_error_message="Percentage complete must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=~Q(narrative="") | Q(is_no_change=True),
                name="update_has_narrative",
                violation_error_message="Describe the progress made, or record no change.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reported_on:%d/%m/%Y}: {self.narrative[:60]}"

    def save(self, *args, **kwargs) -> None:
        if self.plan_id is None:
            self.plan_id = self.action.plan_id
        super().save(*args, **kwargs)
