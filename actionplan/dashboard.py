"""The plan dashboard and the home page's plan overviews, built once as plain data.

The dashboard page renders `build_dashboard`; reports can render the same data. Each builder
runs a fixed number of queries whatever the size of the plan (the view tests pin them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    Value,
    When,
    Window,
)
from django.utils import formats

from actionplan import charts
from actionplan.awaiting import awaiting_since, awaiting_since_by_plan
from actionplan.models import (
    FINISHED_STATUSES,
    Action,
    Plan,
    ProgressUpdate,
    Rag,
    Status,
    Theme,
)
from actionplan.personnames import person_name
from actionplan.querysets import DUE_SOON_DAYS, ActionQuerySet, summary_from_row
from actionplan.summary import Count as Tally
from actionplan.summary import PlanSummary

LIST_LIMIT = 10
RECENT_LIMIT = 10
# The plan browser's filter for open actions; its due and slipped filters include finished ones.
OPEN_STATUSES = [value for value in Status.values if value not in FINISHED_STATUSES]
# Reports read RAG worst first, with the actions not yet assessed last.
RAG_ORDER = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_ASSESSED]
# Choice fields whose old and new values "recent changes" spells out.
_CHOICE_FIELDS = {"status": dict(Status.choices), "rag": dict(Rag.choices)}


# Counts by group --------------------------------------------------------------------------


def summaries_by_plan(
    plans: Sequence[Plan], *, today: date, since: dict[int, date]
) -> dict[int, PlanSummary]:
    """Plan id → counts of its actions, for many plans in one grouped query.

    Each plan has its own "awaiting update" day, chosen in SQL by plan id.
    """
    if not plans:
        return {}
    by_day: dict[date, list[int]] = {}
    for plan_id, day in since.items():
        by_day.setdefault(day, []).append(plan_id)
    plan_since = Case(
        *[When(plan_id__in=ids, then=Value(day)) for day, ids in sorted(by_day.items())],
        output_field=DateField(),
    )
    found = (
        Action.objects.filter(plan__in=[plan.pk for plan in plans])
        .annotate(awaiting_since=plan_since)
        .summaries_by("plan_id", today=today, awaiting_since=OuterRef("awaiting_since"))
    )
    return {plan.pk: found.get(plan.pk) or summary_from_row(None) for plan in plans}


# Rows the page lists ---------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRow:
    """An action as the dashboard lists it."""

    pk: int
    reference: str
    description: str
    owners: str
    status: str
    status_label: str
    rag: str
    rag_label: str
    target: str
    target_reading: str
    target_latest: date | None
    original_target: str
    replan_count: int
    days_overdue: int
    latest_update_on: date | None

    @classmethod
    def from_action(cls, action: Action, *, today: date) -> ActionRow:
        late = (today - action.target_latest).days if action.is_overdue(today) else 0
        return cls(
            pk=action.pk,
            reference=action.full_reference,
            description=action.description,
            owners=action.owners_as_written,
            status=action.status,
            status_label=action.get_status_display(),
            rag=action.rag,
            rag_label=action.get_rag_display(),
            target=action.target,
            target_reading=action.target_date.describe(),
            target_latest=action.target_latest,
            original_target=action.original_target,
            replan_count=action.replan_count,
            days_overdue=late,
            latest_update_on=action.latest_update_on,
        )


@dataclass(frozen=True)
class ActionList:
    """The first few actions meeting a condition, how many there are, and the browse filter."""

    key: str
    rows: list[ActionRow]
    total: int
    browse_query: str  # query string for the plan browser showing all of them

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


def _action_list(
    key: str,
    actions: ActionQuerySet,
    *,
    today: date,
    browse: dict[str, str | list[str]],
    limit: int = LIST_LIMIT,
    total: int | None = None,
) -> ActionList:
    """One query: the first `limit` rows, each carrying the full count in a window.

    Pass the `total` when the plan's summary has counted it already: a window counts every
    matching row, so without one the query stops at the first `limit` rows of its ordering.
    """
    actions = actions.select_related("theme", "project")
    if total is None:
        found = list(actions.annotate(matching=Window(Count("pk")))[:limit])
        total = found[0].matching if found else 0
    else:
        found = list(actions[:limit])
    return ActionList(
        key=key,
        rows=[ActionRow.from_action(action, today=today) for action in found],
        total=total,
        browse_query=urlencode(browse, doseq=True),
    )


@dataclass(frozen=True)
class ChangeRow:
    """A recent change to an action, or a progress update, with who and when."""

    when: datetime
    who: str
    action_pk: int | None  # None when the action no longer exists
    action_label: str
    what: str
    is_progress_update: bool


def _person(user: AbstractBaseUser | None, fallback: str = "") -> str:
    return person_name(user, fallback=fallback or "Not recorded")


def _describe_change(record: models.Model, previous: models.Model | None) -> str:
    """What an action history row changed, from its previous row, with the reason given."""
    if record.history_type == "+":
        what = "Added"
    elif record.history_type == "-":
        what = "Deleted"
    elif previous is None:
        what = "Changed"
    else:
        names = []
        for change in record.diff_against(previous).changes:
            field = Action._meta.get_field(change.field)
            label = field.verbose_name
            if change.field in _CHOICE_FIELDS:
                choices = _CHOICE_FIELDS[change.field]
                old, new = choices.get(change.old, change.old), choices.get(change.new, change.new)
                label = f"{label} ({old} → {new})"
            names.append(label)
        what = ("Changed " + ", ".join(names)) if names else "Saved without changes"
    reason = record.history_change_reason
    return f"{what}: {reason}" if reason else what


def recent_changes(plan: Plan, *, limit: int = RECENT_LIMIT) -> list[ChangeRow]:
    """The latest edits to the plan's actions and the latest progress updates (three queries).

    Both read backwards along an index that starts with the plan and stop at the limit, so
    neither the plan's size nor other plans' rows change their cost.
    """
    history = Action.history.model
    earlier = history.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    latest = (
        Action.history.filter(plan=plan)
        .annotate(
            previous_id=earlier.order_by("-history_date", "-history_id").values("history_id")[:1]
        )
        .order_by("-history_date", "-history_id")
    )
    records = list(
        latest.select_related("history_user").annotate(
            still_exists=Exists(Action.objects.filter(plan=plan, pk=OuterRef("id")))
        )[:limit]
    )
    # Selected by subquery rather than by ids, so it is one query even when there are none.
    previous = {
        record.history_id: record
        for record in history.objects.filter(
            plan=plan, history_id__in=latest.values("previous_id")[:limit]
        )
    }
    rows = [
        ChangeRow(
            when=record.history_date,
            who=_person(record.history_user),
            action_pk=record.id if record.still_exists else None,
            action_label=_action_label(record.reference, record.description),
            what=_describe_change(record, previous.get(record.previous_id)),
            is_progress_update=False,
        )
        for record in records
    ]
    # Ids rise with each update recorded, so the newest ids are the most recently recorded.
    updates = (
        ProgressUpdate.objects.filter(plan=plan)
        .select_related("action", "author")
        .order_by("-id")[:limit]
    )
    rows += [
        ChangeRow(
            when=update.created_at,
            who=_person(update.author, update.author_name),
            action_pk=update.action_id,
            action_label=_action_label(update.action.reference, update.action.description),
            what=_describe_update(update),
            is_progress_update=True,
        )
        for update in updates
    ]
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows[:limit]


def _action_label(reference: str, description: str) -> str:
    return f"{reference} {charts.shorten(description, 80)}".strip()


def _describe_update(update: ProgressUpdate) -> str:
    if update.is_no_change:
        return f"Progress update of {update.reported_on:%d/%m/%Y}: no change"
    return (
        f"Progress update of {update.reported_on:%d/%m/%Y}: {charts.shorten(update.narrative, 120)}"
    )


# The dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeSummary:
    """A theme's counts, with cells lined up with the dashboard's table columns."""

    id: int | None  # None for the whole-plan row
    label: str
    summary: PlanSummary
    status_cells: list[Tally]
    rag_cells: list[Tally]
    overdue: Tally
    awaiting_update: Tally

    @property
    def browse_query(self) -> str:
        return urlencode({"theme": self.id}) if self.id else ""


def rag_counts(summary: PlanSummary) -> list[Tally]:
    """The summary's RAG counts in RAG_ORDER."""
    by_key = {count.key: count for count in summary.by_rag}
    return [by_key[value] for value in RAG_ORDER]


def _theme_summary(
    theme_id: int | None, label: str, summary: PlanSummary, status_keys: list[str]
) -> ThemeSummary:
    statuses = {c.key: c for c in summary.by_status}
    derived = {c.key: c for c in summary.derived}
    return ThemeSummary(
        id=theme_id,
        label=label,
        summary=summary,
        status_cells=[statuses[key] for key in status_keys],
        rag_cells=rag_counts(summary),
        overdue=derived["overdue"],
        awaiting_update=derived["awaiting_update"],
    )


@dataclass(frozen=True)
class WatchRow:
    """A derived count (overdue, awaiting update…) with where the page or browser lists them."""

    count: Tally
    anchor: str  # the section of the dashboard listing them, if any
    browse_query: str  # the plan browser's filter for them, if it has one


_WATCH_LINKS = {
    "revised": ("slipped", {"slipped": "1", "status": OPEN_STATUSES}),
    "overdue": ("overdue", {"overdue": "1"}),
    "awaiting_update": ("awaiting", {"awaiting": "1"}),
    "unscheduled": ("", {"unscheduled": "1"}),
}


@dataclass(frozen=True)
class Dashboard:
    """Everything the plan dashboard shows, as at `today`."""

    plan: Plan
    today: date
    awaiting_since: date
    due_until: date
    summary: PlanSummary
    status_columns: list[Tally]  # the statuses that occur in the plan, for the theme table
    rag: list[Tally]  # the plan's RAG counts, red first
    themes: list[ThemeSummary]
    whole_plan: ThemeSummary
    overdue: ActionList
    due_soon: ActionList
    slipped: ActionList
    awaiting: ActionList
    recent: list[ChangeRow]
    status_chart: charts.StackedBarChart
    rag_chart: charts.BarChart

    @property
    def open_total(self) -> int:
        return sum(c.count for c in self.summary.by_status if c.key in OPEN_STATUSES)

    @property
    def all_updated_sentence(self) -> str:
        """Said when no open action is awaiting an update: true with none, one or many open."""
        since = formats.date_format(self.awaiting_since, "j F Y")
        if not self.open_total:
            return "No action is open, so none is awaiting an update."
        if self.open_total == 1:
            return f"The one open action has an update since {since}."
        return f"Each of the {self.open_total} open actions has an update since {since}."

    @property
    def watch(self) -> list[WatchRow]:
        rows = []
        for count in self.summary.derived:
            anchor, browse = _WATCH_LINKS.get(count.key, ("", {}))
            query = urlencode(browse, doseq=True)
            rows.append(WatchRow(count=count, anchor=anchor, browse_query=query))
        return rows


def build_dashboard(plan: Plan, *, today: date) -> Dashboard:
    """The dashboard of `plan` as at `today`, in a fixed number of queries (ten)."""
    since = awaiting_since(plan, today)
    due_until = today + timedelta(days=DUE_SOON_DAYS)
    actions = Action.objects.for_plan(plan)
    summary, by_theme = actions.summary_and_by("theme_id", today=today, awaiting_since=since)
    status_columns = [c for c in summary.by_status if c.count]
    status_keys = [c.key for c in status_columns]
    themes = [
        _theme_summary(
            theme.pk, str(theme), by_theme.get(theme.pk) or summary_from_row(None), status_keys
        )
        for theme in Theme.objects.filter(plan=plan).order_by("position", "id")
    ]
    chart_rows = [("Whole plan", summary.by_status)] + [
        (theme.label, theme.summary.by_status) for theme in themes
    ]
    return Dashboard(
        plan=plan,
        today=today,
        awaiting_since=since,
        due_until=due_until,
        summary=summary,
        status_columns=status_columns,
        rag=rag_counts(summary),
        themes=themes,
        whole_plan=_theme_summary(None, "Whole plan", summary, status_keys),
        overdue=_action_list(
            "overdue",
            actions.overdue(today).order_by("target_latest", "pk"),
            today=today,
            browse={"overdue": "1"},
            total=summary.count("overdue"),
        ),
        due_soon=_action_list(
            "due_soon",
            actions.due_between(today, due_until).order_by("target_latest", "pk"),
            today=today,
            browse={
                "due_from": today.isoformat(),
                "due_to": due_until.isoformat(),
                "status": OPEN_STATUSES,
            },
        ),
        slipped=_action_list(
            "slipped",
            actions.revised().open().order_by("-replan_count", "target_latest", "pk"),
            today=today,
            browse={"slipped": "1", "status": OPEN_STATUSES},
            total=summary.count("revised"),
        ),
        awaiting=_action_list(
            "awaiting",
            # Longest without an update first, never-updated before all (on every database).
            actions.awaiting_update(since=since).order_by(
                F("latest_update_on").asc(nulls_first=True), "target_latest", "pk"
            ),
            today=today,
            browse={"awaiting": "1"},
            total=summary.count("awaiting_update"),
        ),
        recent=recent_changes(plan),
        status_chart=charts.stacked_bar_chart(
            chart_id="chart-status",
            title=f"Actions by status: {plan}",
            rows=chart_rows,
            colours=charts.STATUS_COLOURS,
        ),
        rag_chart=charts.bar_chart(
            chart_id="chart-rag",
            title=f"Actions by RAG: {plan}",
            parts=rag_counts(summary),
            colours=charts.RAG_COLOURS,
        ),
    )


# The home page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanOverview:
    """A plan on the home page: its sentence and what needs chasing."""

    plan: Plan
    summary: PlanSummary

    @property
    def overdue(self) -> int:
        return self.summary.count("overdue")

    @property
    def awaiting_update(self) -> int:
        return self.summary.count("awaiting_update")


def plan_overviews(plans: Sequence[Plan], *, today: date) -> list[PlanOverview]:
    """The plans with their counts, in one query for all of them."""
    plans = list(plans)
    summaries = summaries_by_plan(plans, today=today, since=awaiting_since_by_plan(plans, today))
    return [PlanOverview(plan=plan, summary=summaries[plan.pk]) for plan in plans]
