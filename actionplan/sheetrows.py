"""What the spreadsheets say: rows of a report or the browser's queryset, as plain lines.

docs/workbook.md describes every sheet and column; the import issue reads it. The Plan sheet
is written from either a report (as at a moment) or the plan browser's queryset, both turned
into PlanLines first, so both give the same columns. The workbook (actionplan.workbook) and
the CSVs (actionplan.csvexport) only decide how to write each value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection

from actionplan.models import Action, ProgressUpdate, Theme
from actionplan.reporting import (
    RAG_LABELS,
    STATUS_LABELS,
    ActionRow,
    Changes,
    ProjectSection,
    Report,
    ThemeSection,
)

# A cell starting with one of these may be run as a formula by Excel, LibreOffice or Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet could run as a formula, made inert by a leading single quote.

    Only text is changed: numbers and dates cannot carry a formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass(frozen=True)
class PlanLine:
    """One action as the Plan sheet and the report's CSV show it, whatever it was read from."""

    action_id: int
    theme_id: int
    project_id: int | None
    version: int
    theme_reference: str
    theme_title: str
    project_reference: str
    project_title: str
    reference: str
    full_reference: str
    description: str
    owners: list[str]  # labels, lead first
    owners_as_written: str
    unit: str
    target: str
    target_earliest: date | None
    target_latest: date | None
    original_target: str
    replan_count: int
    status_label: str
    rag_label: str
    percent_complete: int | None
    completed_on: date | None
    latest_update_on: date | None
    latest_update_text: str
    last_changed: datetime


def report_plan_lines(report: Report) -> Iterator[PlanLine]:
    """The report's actions in plan order: each theme's own actions, then each project's."""
    for theme in report.themes:
        for row in theme.actions:
            yield _report_line(theme, None, row)
        for project in theme.projects:
            for row in project.actions:
                yield _report_line(theme, project, row)


def _report_line(theme: ThemeSection, project: ProjectSection | None, row: ActionRow) -> PlanLine:
    return PlanLine(
        action_id=row.id,
        theme_id=row.theme_id,
        project_id=row.project_id,
        version=row.version,
        theme_reference=theme.reference,
        theme_title=theme.title,
        project_reference=project.reference if project else "",
        project_title=project.title if project else "",
        reference=row.reference,
        full_reference=row.full_reference,
        description=row.description,
        owners=row.owners,
        owners_as_written=row.owners_as_written,
        unit=row.unit,
        target=row.target,
        target_earliest=row.target_earliest,
        target_latest=row.target_latest,
        original_target=row.original_target,
        replan_count=row.replan_count,
        status_label=row.status_label,
        rag_label=row.rag_label,
        percent_complete=row.percent_complete,
        completed_on=row.completed_on,
        latest_update_on=row.latest_update_on,
        latest_update_text=row.latest_update_text,
        last_changed=row.last_changed,
    )


def action_plan_line(action: Action) -> PlanLine:
    """An action of the browser's queryset (actionplan.filters.browse_base_queryset)."""
    project = action.project if action.project_id else None
    return PlanLine(
        action_id=action.pk,
        theme_id=action.theme_id,
        project_id=action.project_id,
        version=action.version,
        theme_reference=action.theme.reference,
        theme_title=action.theme.title,
        project_reference=project.reference if project else "",
        project_title=project.title if project else "",
        reference=action.reference,
        full_reference=action.full_reference,
        description=action.description,
        owners=[link.owner.label for link in action.ordered_owners],
        owners_as_written=action.owners_as_written,
        unit=action.unit.name if action.unit_id else "",
        target=action.target,
        target_earliest=action.target_earliest,
        target_latest=action.target_latest,
        original_target=action.original_target,
        replan_count=action.replan_count,
        status_label=action.get_status_display(),
        rag_label=action.get_rag_display(),
        percent_complete=action.percent_complete,
        completed_on=action.completed_on,
        latest_update_on=action.latest_update_on,
        latest_update_text=action.latest_update_text or "",
        last_changed=action.updated_at,
    )


@dataclass(frozen=True)
class SheetColumn:
    heading: str
    value: Callable[[Any], Any]
    width: float = 14
    wrap: bool = False
    hidden: bool = False


PLAN_SHEET_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("Theme ref", lambda r: r.theme_reference, 8),
    SheetColumn("Theme", lambda r: r.theme_title, 24, wrap=True),
    SheetColumn("Project ref", lambda r: r.project_reference, 8),
    SheetColumn("Project", lambda r: r.project_title, 24, wrap=True),
    SheetColumn("Action ref", lambda r: r.reference, 8),
    SheetColumn("Full reference", lambda r: r.full_reference, 12),
    SheetColumn("Action", lambda r: r.description, 50, wrap=True),
    SheetColumn("Owners", lambda r: ", ".join(r.owners), 16, wrap=True),
    SheetColumn("Lead owner", lambda r: r.owners[0] if r.owners else "", 12),
    SheetColumn("Owners as written", lambda r: r.owners_as_written, 16, wrap=True),
    SheetColumn("Directorate/service", lambda r: r.unit, 18, wrap=True),
    SheetColumn("Target (as written)", lambda r: r.target, 16, wrap=True),
    SheetColumn("Target earliest", lambda r: r.target_earliest, 12),
    SheetColumn("Target latest", lambda r: r.target_latest, 12),
    SheetColumn("Original target", lambda r: r.original_target, 16, wrap=True),
    SheetColumn("Re-plans", lambda r: r.replan_count, 9),
    SheetColumn("Status", lambda r: r.status_label, 18),
    SheetColumn("RAG", lambda r: r.rag_label, 13),
    SheetColumn("% complete", lambda r: r.percent_complete, 10),
    SheetColumn("Completed on", lambda r: r.completed_on, 12),
    SheetColumn("Latest update date", lambda r: r.latest_update_on, 12),
    SheetColumn("Latest update", lambda r: r.latest_update_text, 60, wrap=True),
    SheetColumn("Last changed", lambda r: r.last_changed, 16),
    SheetColumn("Action id", lambda r: r.action_id, 9, hidden=True),
    SheetColumn("Theme id", lambda r: r.theme_id, 9, hidden=True),
    SheetColumn("Project id", lambda r: r.project_id, 9, hidden=True),
    SheetColumn("Version", lambda r: r.version, 9, hidden=True),
)
PLAN_CSV_COLUMNS = tuple(c for c in PLAN_SHEET_COLUMNS if not c.hidden)

PROGRESS_SHEET_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("Full reference", lambda p: p.action.full_reference, 12),
    SheetColumn("Action", lambda p: p.action.description, 40, wrap=True),
    SheetColumn("Reported on", lambda p: p.update.reported_on, 12),
    SheetColumn("Date as written", lambda p: p.update.date_as_written, 12),
    SheetColumn("Status reported", lambda p: STATUS_LABELS.get(p.update.status, ""), 18),
    SheetColumn("RAG reported", lambda p: RAG_LABELS[p.update.rag] if p.update.rag else "", 13),
    SheetColumn("% complete reported", lambda p: p.update.percent_complete, 10),
    SheetColumn("No change", lambda p: "Yes" if p.update.is_no_change else "", 9),
    SheetColumn("Progress", lambda p: p.update.narrative, 70, wrap=True),
    SheetColumn("Reported by", lambda p: p.reported_by, 18),
    SheetColumn("Update id", lambda p: p.update.id, 9, hidden=True),
    SheetColumn("Action id", lambda p: p.action.id, 9, hidden=True),
)

CHANGES_SHEET_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("Change", lambda r: r.kind, 16),
    SheetColumn("Full reference", lambda r: r.full_reference, 12),
    SheetColumn("Action", lambda r: r.description, 50, wrap=True),
    SheetColumn("Old", lambda r: r.old, 24, wrap=True),
    SheetColumn("New", lambda r: r.new, 40, wrap=True),
    SheetColumn("Reason", lambda r: r.reason, 30, wrap=True),
    SheetColumn("Date", lambda r: r.on, 12),
    SheetColumn("Action id", lambda r: r.action_id, 9, hidden=True),
)


@dataclass(frozen=True)
class ChangeLine:
    kind: str
    action_id: int
    full_reference: str
    description: str
    old: str = ""
    new: str = ""
    reason: str = ""
    on: date | None = None


def change_lines(changes: Changes) -> Iterator[ChangeLine]:
    """Every change in the window, one line each, grouped by kind in the report's order."""

    def plain(kind: str, items: Iterable[Any]) -> Iterator[ChangeLine]:
        for c in items:
            yield ChangeLine(kind, c.action_id, c.full_reference, c.description)

    yield from plain("New action", changes.new_actions)
    yield from plain("Completed", changes.completed)
    for kind, items in (
        ("Status changed", changes.status_changes),
        ("RAG changed", changes.rag_changes),
    ):
        for c in items:
            yield ChangeLine(
                kind, c.action_id, c.full_reference, c.description, c.old_label, c.new_label
            )
    for c in changes.slipped:
        yield ChangeLine(
            "Target slipped",
            c.action_id,
            c.full_reference,
            c.description,
            c.old,
            c.new,
            reason="; ".join(c.reasons),
        )
    for c in changes.progress_updates:
        yield ChangeLine(
            "Progress update",
            c.action_id,
            c.full_reference,
            c.description,
            new=c.text,
            on=c.reported_on,
        )
    yield from plain("Retired", changes.retired)
    yield from plain("Removed", changes.removed)
    for c in changes.owner_changes:
        yield ChangeLine(
            "Owners changed",
            c.action_id,
            c.full_reference,
            c.description,
            old=", ".join(c.removed),
            new=", ".join(c.added),
        )


class UpdateAsAt(NamedTuple):
    """A progress update as it stood at the report's moment: its latest historical row."""

    id: int
    action_id: int
    reported_on: date
    date_as_written: str
    status: str
    rag: str
    percent_complete: int | None
    is_no_change: bool
    narrative: str
    author_id: int | None
    author_name: str
    history_date: datetime
    history_id: int


@dataclass(frozen=True)
class ProgressLine:
    action: ActionRow
    update: UpdateAsAt
    reported_by: str


def progress_as_at(report: Report, *, chunk_size: int = 500) -> Iterator[ProgressLine]:
    """Every progress update on the report's actions as it stood at its moment, streamed.

    In the report's action order (the Plan sheet's), each action's updates oldest first (by
    reported date, then id). Two queries whatever the plan's size: the names of the users
    who reported on the plan's actions, then the latest historical row of each update at the
    moment (deletions left out, read by their own fields, never their relations). The
    database puts the rows in the report's order, given as one JSON list of action ids, and
    they are read `chunk_size` at a time (a server-side cursor on PostgreSQL): memory holds
    one chunk and one action's updates, not the plan's.
    """
    rows = list(report.rows())
    if not rows:
        return
    theme_ids = Theme.history.filter(plan_id=report.plan_id).values("id")
    action_ids = Action.history.filter(theme_id__in=theme_ids).values("id")
    names = _author_names(action_ids)
    latest = (
        ProgressUpdate.history.filter(history_date__lte=report.as_at)
        .latest_of_each()
        .exclude(history_type="-")
        .filter(action_id__in=action_ids)
        .order_by()
    )
    # Raw SQL around the ORM's query: the ORM cannot join a table-valued function, and the
    # report's order (historical positions, filters) is known only here, in Python.
    sql, params = latest.query.sql_with_params()
    columns = ", ".join(f"u.{connection.ops.quote_name(name)}" for name in UpdateAsAt._fields)
    ordered = _stream(
        f"SELECT {columns}, o.position FROM ({sql}) u {_order_join()} "
        "ORDER BY o.position, u.id, u.history_date, u.history_id",
        (*params, json.dumps([row.id for row in rows])),
        chunk_size,
    )
    for index, records in groupby(ordered, key=itemgetter(-1)):
        updates = (UpdateAsAt._make(record[:-1]) for record in records)
        for update in sorted(_latest_of_each(updates), key=attrgetter("reported_on", "id")):
            author = update.author_name or names.get(update.author_id, "")
            yield ProgressLine(rows[index], update, author)


def _stream(sql: str, params: Sequence[Any], chunk_size: int) -> Iterator[tuple]:
    """The rows of a query, fetched `chunk_size` at a time.

    On PostgreSQL a server-side cursor, unless DISABLE_SERVER_SIDE_CURSORS says a pooler
    forbids them (as QuerySet.iterator() does). SQLite's declared column types give dates,
    times and booleans their Python types, as the ORM would.
    """
    server_side = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with connection.chunked_cursor() if server_side else connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(chunk_size):
            yield from chunk


def _order_join() -> str:
    """The report's order as a table o(position, value): action ids from one JSON list."""
    if connection.vendor == "postgresql":
        ids = (
            "SELECT ordinal - 1 AS position, value::bigint AS value "
            "FROM jsonb_array_elements_text(%s::jsonb) WITH ORDINALITY AS e(value, ordinal)"
        )
    else:
        ids = "SELECT key AS position, value FROM json_each(%s)"
    return f"JOIN ({ids}) o ON o.value = u.action_id"


def _latest_of_each(updates: Iterable[UpdateAsAt]) -> list[UpdateAsAt]:
    """One row per update: two rows saved in the same microsecond would both be "latest"."""
    chosen: dict[int, UpdateAsAt] = {}
    for update in updates:
        held = chosen.get(update.id)
        if held is None or (update.history_date, update.history_id) > (
            held.history_date,
            held.history_id,
        ):
            chosen[update.id] = update
    return list(chosen.values())


def _author_names(action_ids: Any) -> dict[int, str]:
    """Users who reported on these actions (ever): their full name, or else their username."""
    authors = ProgressUpdate.history.filter(action_id__in=action_ids).values("author_id")
    users = get_user_model().objects.filter(pk__in=authors)
    return {user.pk: user.get_full_name() or user.get_username() for user in users}
