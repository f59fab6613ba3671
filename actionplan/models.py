"""The action plan: plans, themes, projects, actions, owners, milestones and progress.

What is stored and what is derived:
- stored: an action's status (what the owner last reported) and RAG (the judgement of risk);
- stored: the target as written, with its earliest/latest day parsed from it, so the database
  can sort, filter and judge overdue; the original target and the number of re-plans;
- derived: "revised completion date" (replan_count > 0), "overdue" (target passed, not finished)
  and "awaiting update" (no update since the current round, or for N days). See querysets.py.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateformat import format as date_format
from simple_history.models import HistoricalRecords

from actionplan.organisations import Membership, Organisation, PlanMembership  # noqa: F401
from actionplan.querysets import (
    ActionQuerySet,
    OwnerQuerySet,
    PlanQuerySet,
    UnitQuerySet,
    UpdateRequestQuerySet,
    UpdateRoundQuerySet,
)
from actionplan.targetdates import TargetDate, TargetKind, parse_target_date
from actionplan.validators import single_line


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ADOPTED = "adopted", "Adopted"
    ARCHIVED = "archived", "Archived"


class ThemeKind(models.TextChoices):
    KEY_TOPIC = "key_topic", "Strategy key topic"
    CSE_CRITERION = "cse_criterion", "Customer Service Excellence criterion"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETED = "completed", "Completed"
    SUSPENDED = "suspended", "Suspended or deferred"
    DELETED = "deleted", "Deleted as no longer appropriate"


# Statuses in which an action needs no further delivery and cannot be overdue.
FINISHED_STATUSES = (Status.COMPLETED, Status.SUSPENDED, Status.DELETED)


class Rag(models.TextChoices):
    NOT_ASSESSED = "", "Not assessed"
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class UnitKind(models.TextChoices):
    DIRECTORATE = "directorate", "Directorate"
    SERVICE = "service", "Service"
    PARTNER = "partner", "Partner organisation"


class OwnerKind(models.TextChoices):
    PERSON = "person", "Person"
    GROUP = "group", "Group"


class IndexedHistoricalRecords(HistoricalRecords):
    """History whose table carries extra indexes, such as one to list a plan's latest changes."""

    def __init__(self, *args, indexes: tuple[models.Index, ...] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.extra_indexes = indexes

    def get_meta_options(self, model: type[models.Model]) -> dict:
        options = super().get_meta_options(model)
        options["indexes"] = (*options.get("indexes", ()), *self.extra_indexes)
        return options


class Versioned(models.Model):
    """A row that carries a version number, raised on every save, to detect edit conflicts."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            self.version += 1
        super().save(*args, **kwargs)


percentage_validators = [
    MinValueValidator(0, "Percentage complete must be between 0 and 100."),
    MaxValueValidator(100, "Percentage complete must be between 0 and 100."),
]


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


# Update rounds: collecting progress before a steering-group meeting.


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


# Published reports: the papers that went to committees, kept to be printed again.


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


class ImportColumnChoice(models.Model):
    """How an organisation reads a column heading of its own sheets, chosen in an import.

    Kept per heading (compared without case, spaces or punctuation), so the next file with
    the same headings is read the same way; never offered to another organisation.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_column_choices"
    )
    heading = models.CharField(max_length=200, help_text="The heading, lower case, letters only.")
    field = models.CharField(max_length=30, help_text="What the column holds, or keep / ignore.")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "heading"],
                name="import_column_choice_unique",
                violation_error_message="This heading already has a choice for the organisation.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.heading} → {self.field}"


class ChangeStamp(models.Model):
    """A token that changes with every write that can change what a plan's pages show.

    One row per plan ("plan:<id>") and one for what every plan shows ("site": owners, units,
    standards of no plan). Cached fragments are keyed by it (actionplan/stamps.py). Not audited:
    it is bookkeeping, rewritten in the same transaction as the write it stands for.
    """

    scope = models.CharField(max_length=40, primary_key=True)
    token = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.scope}: {self.token}"


class AppliedImport(models.Model):
    """An import confirmed from the browser: its preview's token, so it is applied only once."""

    token = models.CharField(max_length=64, unique=True)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.filename} imported into {self.plan}"
