"""A plan as its own dated progress updates reported it, for moments before it was recorded here.

History in this product starts when a plan was first recorded (loaded or typed in). A report
as at an earlier moment has nothing to rebuild, and says so; but a plan brought in from its
papers often carries progress updates dated long before ("30 November 2004: survey drafted").
This view lists, for each action, the latest update reported on or before the day, with the
status, RAG and progress that update reported: the plan as reported, clearly not the plan as
recorded. Two queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from actionplan.models import Plan, ProgressUpdate, Rag, Status
from actionplan.summary import Count, PlanSummary

STATUS_LABELS = dict(Status.choices)
RAG_LABELS = dict(Rag.choices)


@dataclass(frozen=True)
class AsReportedRow:
    """One action's latest progress update reported on or before the day."""

    full_reference: str
    description: str
    reported_on: date
    date_as_written: str
    status_label: str
    rag_label: str
    percent_complete: int | None
    narrative: str


@dataclass(frozen=True)
class AsReported:
    """What the plan's dated progress updates said on or before `day`."""

    day: date
    rows: list[AsReportedRow]
    summary: PlanSummary


def first_recorded(plan: Plan) -> datetime | None:
    """When the plan was first recorded in this product: its first history row."""
    return (
        plan.history.filter(id=plan.pk)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )


def as_reported(plan: Plan, *, day: date) -> AsReported:
    """The latest update of each action of the plan reported on or before `day`, plan order."""
    updates = (
        ProgressUpdate.objects.filter(action__theme__plan=plan, reported_on__lte=day)
        .select_related("action__theme", "action__project")
        .order_by("action_id", "reported_on", "id")
    )
    latest: dict[int, ProgressUpdate] = {}
    for update in updates:
        latest[update.action_id] = update
    ordered = sorted(
        latest.values(),
        key=lambda u: (
            u.action.theme.position,
            u.action.theme_id,
            u.action.project.position if u.action.project else -1,
            u.action.project_id or 0,
            u.action.position,
            u.action_id,
        ),
    )
    rows = [
        AsReportedRow(
            full_reference=u.action.full_reference,
            description=u.action.description,
            reported_on=u.reported_on,
            date_as_written=u.date_as_written,
            status_label=STATUS_LABELS.get(u.status, "Not reported")
            if u.status
            else "Not reported",
            rag_label=RAG_LABELS.get(u.rag, u.rag) if u.rag else "Not reported",
            percent_complete=u.percent_complete,
            narrative=u.narrative,
        )
        for u in ordered
    ]
    by_status = [
        Count(value, label, sum(u.status == value for u in ordered), len(ordered))
        for value, label in Status.choices
    ]
    return AsReported(day=day, rows=rows, summary=PlanSummary(len(ordered), by_status=by_status))


def before_first_record(plan: Plan, moment: datetime) -> tuple[datetime | None, bool]:
    """The plan's first record, and whether `moment` is before it."""
    first = first_recorded(plan)
    return first, first is not None and moment < first


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()
