"""One report model: a plan's content as plain data, as it stood at a moment, for every output.

`build_report` reconstructs the plan from django-simple-history with one query per model
(the latest historical row of each object at the moment, deletions left out) and joins the
rows by id in Python: relations followed from historical rows would be today's, not the
moment's. The result is frozen dataclasses holding only str/int/date/datetime/lists, so the
print page, the PDF and the workbook all render the same data, and building it twice as at
the same past moment gives equal reports whatever changed in between.

Definitions follow ActionQuerySet.summary(): "revised" is open and re-planned, "overdue" is
open, not ongoing and past the latest day of the target, "awaiting update" is open with no
progress update reported in the plan's awaiting-update period before the day, "unscheduled"
is open with a target the parser cannot date. Update rounds are not consulted: as at a past
moment the period is the only rule that can be reproduced.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from actionplan import extensions
from actionplan.extensions import ReportSection
from actionplan.models import FINISHED_STATUSES, Plan, Rag, Status
from actionplan.querysets import DERIVED_LABELS, summary_from_row
from actionplan.reporting.as_reported import AsReported, as_reported, before_first_record, local_day
from actionplan.reporting.changes import Changes
from actionplan.reporting.changes import changes_between as _changes
from actionplan.reporting.snapshot import RAG_LABELS, STATUS_LABELS
from actionplan.reporting.snapshot import Snapshot as _Snapshot
from actionplan.reporting.snapshot import full_reference as _full_reference
from actionplan.reporting.snapshot import owner_label as _owner_label
from actionplan.reporting.snapshot import take_snapshot as _snapshot
from actionplan.summary import PlanSummary

EXCEPTIONS_DESCRIBED = "Exceptions only: red, amber, slipped, overdue or awaiting update"

Moment = date | datetime


@dataclass(frozen=True)
class ActionRow:
    """One action as it stood at the report's moment."""

    id: int
    theme_id: int
    project_id: int | None
    unit_id: int | None
    unit: str
    reference: str
    full_reference: str
    description: str
    owners: list[str]  # labels, lead first
    owner_ids: list[int]
    owners_as_written: str
    target: str
    target_kind: str
    target_earliest: date | None
    target_latest: date | None
    original_target: str
    replan_count: int
    status: str
    status_label: str
    rag: str
    rag_label: str
    percent_complete: int | None
    completed_on: date | None
    latest_update_on: date | None  # the latest progress written: "no change" never hides it
    latest_update_text: str
    is_open: bool
    is_revised: bool
    is_overdue: bool
    is_awaiting_update: bool
    version: int
    last_changed: datetime
    no_change_on: date | None = None  # a "no change" reported after the latest progress

    @property
    def is_exception(self) -> bool:
        return (
            self.rag in (Rag.RED, Rag.AMBER)
            or self.is_revised
            or self.is_overdue
            or self.is_awaiting_update
        )


@dataclass(frozen=True)
class ProjectSection:
    id: int
    reference: str
    title: str
    actions: list[ActionRow]


@dataclass(frozen=True)
class ThemeSection:
    """A theme's actions: those directly under it first, then each project's, in order."""

    id: int
    reference: str
    title: str
    kind: str
    actions: list[ActionRow]
    projects: list[ProjectSection]

    def rows(self) -> Iterator[ActionRow]:
        yield from self.actions
        for project in self.projects:
            yield from project.actions


@dataclass(frozen=True)
class Report:
    plan_id: int
    plan_slug: str
    plan_title: str
    organisation: str
    organisation_logo: str  # the logo file's storage name, or ""
    committee: str  # the committee the plan's papers go to
    version_label: str
    as_at: datetime
    today: date  # the day overdue and awaiting update are judged on
    awaiting_since: date
    filters_described: list[str]  # the summary counts only the rows these leave
    exceptions_only: bool
    themes: list[ThemeSection]
    summary: PlanSummary
    changes: Changes | None = None
    # What the satellite apps add (standards, consultation), in the order they are installed.
    sections: list[ReportSection] = field(default_factory=list)
    first_recorded: datetime | None = None  # when the plan was first recorded here
    as_reported: AsReported | None = None  # before that: what its dated updates reported

    @property
    def before_first_record(self) -> bool:
        return self.first_recorded is not None and self.as_at < self.first_recorded

    def rows(self) -> Iterator[ActionRow]:
        for theme in self.themes:
            yield from theme.rows()

    def section(self, name: str) -> Any:
        """The content of the satellite app's section called `name`, or None without one."""
        return next((s.content for s in self.sections if s.name == name), None)

    def sections_in(self, slot: str) -> list[ReportSection]:
        return [s for s in self.sections if s.slot == slot]


def moment_from(value: Moment | None) -> datetime:
    """A date is the end of that day in the site's time zone (Europe/London); None is now."""
    if value is None:
        return timezone.now()
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            return timezone.make_aware(value, timezone.get_default_timezone())
        return value
    return datetime.combine(value, time.max, tzinfo=timezone.get_default_timezone())


def since_moment_from(value: Moment) -> datetime:
    """Where a list of changes starts: a date is the start of that day, a datetime exact."""
    if isinstance(value, datetime):
        return moment_from(value)
    return datetime.combine(value, time.min, tzinfo=timezone.get_default_timezone())


def _row(snap: _Snapshot, action: Any, today: date, awaiting_since: date) -> ActionRow:
    links = snap.links.get(action.id, [])
    updates = snap.updates.get(action.id, [])
    written = [u for u in updates if not u.is_no_change]
    latest = written[-1] if written else None
    no_change = updates[-1] if updates and updates[-1].is_no_change else None
    is_open = action.status not in FINISHED_STATUSES
    unit = snap.units.get(action.unit_id)
    return ActionRow(
        id=action.id,
        theme_id=action.theme_id,
        project_id=action.project_id if action.project_id in snap.projects else None,
        unit_id=action.unit_id,
        unit=unit.name if unit is not None else "",
        reference=action.reference,
        full_reference=_full_reference(snap, action),
        description=action.description,
        owners=[_owner_label(snap, link.owner_id) for link in links],
        owner_ids=[link.owner_id for link in links],
        owners_as_written=action.owners_as_written,
        target=action.target,
        target_kind=action.target_kind,
        target_earliest=action.target_earliest,
        target_latest=action.target_latest,
        original_target=action.original_target,
        replan_count=action.replan_count,
        status=action.status,
        status_label=STATUS_LABELS.get(action.status, action.status),
        rag=action.rag,
        rag_label=RAG_LABELS.get(action.rag, action.rag),
        percent_complete=action.percent_complete,
        completed_on=action.completed_on,
        latest_update_on=latest.reported_on if latest else None,
        latest_update_text=latest.narrative if latest else "",
        is_open=is_open,
        is_revised=is_open and action.replan_count > 0,
        is_overdue=is_open
        and action.target_kind != "ongoing"
        and action.target_latest is not None
        and action.target_latest < today,
        is_awaiting_update=is_open and not any(u.reported_on >= awaiting_since for u in updates),
        version=action.version,
        last_changed=action.history_date,
        no_change_on=no_change.reported_on if no_change else None,
    )


def _matches(
    snap: _Snapshot, action: Any, themes: list[int], owners: list[int], unit: int | None
) -> bool:
    if themes and action.theme_id not in themes:
        return False
    if unit is not None and action.unit_id != unit:
        return False
    if owners:
        acting = set(owners).union(*(snap.groups_of.get(o, set()) for o in owners))
        if not any(link.owner_id in acting for link in snap.links.get(action.id, [])):
            return False
    return True


def _summary(rows: list[ActionRow]) -> PlanSummary:
    """The counts of ActionQuerySet.summary(), over reconstructed rows."""
    row: dict[str, int] = {"total": len(rows)}
    for value in Status.values:
        row[f"status_{value}"] = sum(r.status == value for r in rows)
    for value in Rag.values:
        row[f"rag_{value or 'none'}"] = sum(r.rag == value for r in rows)
    derived = {
        "revised": sum(r.is_revised for r in rows),
        "overdue": sum(r.is_overdue for r in rows),
        "awaiting_update": sum(r.is_awaiting_update for r in rows),
        "unscheduled": sum(r.is_open and r.target_kind == "unscheduled" for r in rows),
    }
    row |= {key: derived[key] for key in DERIVED_LABELS}
    return summary_from_row(row)


def _sections(snap: _Snapshot, rows: dict[int, ActionRow], filtered: bool) -> list[ThemeSection]:
    """Themes and projects in position order; a filtered report leaves out the empty ones."""
    by_parent: dict[tuple[int, int | None], list[ActionRow]] = defaultdict(list)
    ordered = sorted(rows.values(), key=lambda r: (snap.actions[r.id].position, r.id))
    for row in ordered:
        by_parent[(row.theme_id, row.project_id)].append(row)
    sections = []
    for theme in sorted(snap.themes.values(), key=lambda t: (t.position, t.id)):
        projects = [
            ProjectSection(
                id=project.id,
                reference=project.reference,
                title=project.title,
                actions=by_parent[(theme.id, project.id)],
            )
            for project in sorted(snap.projects.values(), key=lambda p: (p.position, p.id))
            if project.theme_id == theme.id
        ]
        sections.append(
            ThemeSection(
                id=theme.id,
                reference=theme.reference,
                title=theme.title,
                kind=theme.kind,
                actions=by_parent[(theme.id, None)],
                projects=[p for p in projects if p.actions or not filtered],
            )
        )
    return [s for s in sections if not filtered or any(True for _ in s.rows())]


def _describe_filters(
    snap: _Snapshot, themes: list[int], owners: list[int], unit: int | None, exceptions: bool
) -> list[str]:
    described = []
    for theme_id in themes:
        theme = snap.themes.get(theme_id)
        label = f"{theme.reference}. {theme.title}" if theme is not None else f"#{theme_id}"
        described.append(f"Theme: {label}")
    for owner_id in owners:
        described.append(
            f"Owner: {_owner_label(snap, owner_id)} (directly or through a group they belonged "
            "to at the time)"
        )
    if unit is not None:
        found = snap.units.get(unit)
        described.append(f"Directorate or service: {found.name if found else f'#{unit}'}")
    if exceptions:
        described.append(EXCEPTIONS_DESCRIBED)
    return described


def build_report(
    *,
    plan: Plan,
    as_at: Moment | None = None,
    since: Moment | None = None,
    themes: list[int] | None = None,
    owners: list[int] | None = None,
    unit: int | None = None,
    exceptions_only: bool = False,
    today: date | None = None,
) -> Report:
    """The plan as it stood `as_at`, filtered, with its summary and the changes since `since`.

    `today` (default: the day of `as_at` in Europe/London) is the day overdue and awaiting
    update are judged on. Owners match the actions they own directly or through a group they
    belonged to at the moment. The summary counts the filtered rows only.
    """
    themes, owners = list(themes or []), list(owners or [])
    moment = moment_from(as_at)
    today = today or timezone.localdate(moment)
    snap = _snapshot(plan, moment, owners)
    days = snap.plan.awaiting_update_days or settings.ACTIONPLAN_AWAITING_UPDATE_DAYS
    awaiting_since = today - timedelta(days=days)

    in_scope = {
        pk for pk, action in snap.actions.items() if _matches(snap, action, themes, owners, unit)
    }
    rows = {pk: _row(snap, snap.actions[pk], today, awaiting_since) for pk in in_scope}
    if exceptions_only:
        rows = {pk: row for pk, row in rows.items() if row.is_exception}

    filtered = bool(themes or owners or exceptions_only or unit is not None)
    changes = None
    if since is not None:
        start = since_moment_from(since)
        if start > moment:
            raise ValueError("The start of the changes must be before the report's moment.")
        then = _snapshot(plan, start, owners)
        scope = in_scope | {
            pk
            for pk, action in then.actions.items()
            if _matches(then, action, themes, owners, unit)
        }
        changes = _changes(then, snap, scope)

    first, before = before_first_record(plan, moment)
    reported = as_reported(plan, day=local_day(moment)) if before else None
    return Report(
        plan_id=plan.pk,
        plan_slug=snap.plan.slug,
        plan_title=snap.plan.title,
        organisation=plan.organisation.name,
        committee=plan.committee_name or DEFAULT_COMMITTEE,
        organisation_logo=plan.organisation.logo.name or "",
        version_label=snap.plan.version_label,
        as_at=moment,
        today=today,
        awaiting_since=awaiting_since,
        filters_described=_describe_filters(snap, themes, owners, unit, exceptions_only),
        exceptions_only=exceptions_only,
        themes=_sections(snap, rows, filtered=filtered),
        summary=_summary(list(rows.values())),
        changes=changes,
        sections=extensions.report_sections(plan=plan, moment=moment, today=today, actions=rows),
        first_recorded=first,
        as_reported=reported if reported is not None and reported.rows else None,
    )


# The committee a paper names when neither the report builder, the plan nor its organisation
# names one.
DEFAULT_COMMITTEE = "Executive"


def committee_of(report: Report, options: ReportOptions) -> str:
    """The committee a paper goes to: as given for this paper, else the plan's."""
    return options.committee or report.committee


@dataclass(frozen=True)
class ReportOptions:
    """What a committee paper says about itself, and which parts it includes.

    Shared by the print page, the PDF, the workbook, the report builder and export_plan.
    """

    committee: str = ""  # blank: the plan's own committee (Report.committee)
    meeting_date: date | None = None
    title: str = ""  # blank: "<plan title>: progress report"
    author: str = ""
    include_full_plan: bool = False  # the appendix with every action
