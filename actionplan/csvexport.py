"""CSVs: the plan browser's actions and the report's Plan rows, text made safe for Excel.

The columns give typed values (dates stay dates) so every output, the CSVs and the
workbooks, shows the same thing; each output only decides how to write a value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.utils import timezone

from actionplan.models import Action
from actionplan.reporting import Report
from actionplan.sheetrows import PLAN_CSV_COLUMNS, report_plan_lines, safe_cell


def owner_names(action: Action) -> list[str]:
    """The action's owners, lead first (needs the `ordered_owners` prefetch)."""
    return [str(link.owner) for link in action.ordered_owners]


def lead_owner_name(action: Action) -> str:
    return next((str(link.owner) for link in action.ordered_owners if link.is_lead), "")


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Action], Any]


def _project(action: Action, attribute: str) -> str:
    return getattr(action.project, attribute) if action.project_id else ""


# Each action needs theme__plan, project and unit joined, `ordered_owners` prefetched and
# the latest update annotated: actionplan.filters.browse_base_queryset does all of that.
ACTION_COLUMNS: tuple[Column, ...] = (
    Column("Plan", lambda a: str(a.theme.plan)),
    Column("Theme ref", lambda a: a.theme.reference),
    Column("Theme", lambda a: a.theme.title),
    Column("Project ref", lambda a: _project(a, "reference")),
    Column("Project", lambda a: _project(a, "title")),
    Column("Action ref", lambda a: a.reference),
    Column("Action", lambda a: a.description),
    Column("Owners", lambda a: ", ".join(owner_names(a)) or a.owners_as_written),
    Column("Lead owner", lead_owner_name),
    Column("Directorate/service", lambda a: str(a.unit) if a.unit_id else ""),
    Column("Target (as written)", lambda a: a.target),
    Column("Target earliest", lambda a: a.target_earliest),
    Column("Target latest", lambda a: a.target_latest),
    Column("Original target", lambda a: a.original_target),
    Column("Re-plans", lambda a: a.replan_count),
    Column("Status", lambda a: a.get_status_display()),
    Column("RAG", lambda a: a.get_rag_display()),
    Column("% complete", lambda a: a.percent_complete),
    Column("Completed on", lambda a: a.completed_on),
    Column("Latest update date", lambda a: a.latest_update_on),
    Column("Latest update", lambda a: a.latest_update_text),
    Column("Last changed", lambda a: a.updated_at),
    Column("Action id", lambda a: a.pk),
    Column("Version", lambda a: a.version),
)


def action_rows(actions: Iterable[Action]) -> Iterator[list[Any]]:
    """One row of typed values per action, in ACTION_COLUMNS order."""
    for action in actions:
        yield [column.value(action) for column in ACTION_COLUMNS]


def csv_text(value: Any) -> str:
    """A value as CSV text: ISO dates, local times, blanks for nothing, inert formulas."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_cell(value)
    return str(value)


def write_actions_csv(stream: IO[str], actions: Iterable[Action]) -> None:
    """Write a heading row and one row per action; UTF-8 with a BOM so Excel reads it right."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow([column.heading for column in ACTION_COLUMNS])
    for row in action_rows(actions):
        writer.writerow([csv_text(value) for value in row])


def report_csv_bytes(report: Report) -> bytes:
    """The Plan sheet's visible columns as CSV, one row per action; UTF-8 with a BOM."""
    stream = io.StringIO()
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow([column.heading for column in PLAN_CSV_COLUMNS])
    for line in report_plan_lines(report):
        writer.writerow([csv_text(column.value(line)) for column in PLAN_CSV_COLUMNS])
    return stream.getvalue().encode("utf-8")
