"""Actions as spreadsheet rows: the columns, text made safe for Excel, CSVs and workbooks.

The columns give typed values (dates stay dates) so every output, the CSVs and the
workbooks, shows the same thing; each output only decides how to write a value.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import zip_longest
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from actionplan.models import Action, ProgressUpdate, Theme
from actionplan.reports import (
    RAG_LABELS,
    STATUS_LABELS,
    ActionRow,
    Changes,
    ProjectSection,
    Report,
    ReportOptions,
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


# Workbooks and the report's CSV ---------------------------------------------------------
#
# docs/workbook.md describes every sheet and column; the import issue reads it. The Plan
# sheet is written from either a report (as at a moment) or the plan browser's queryset,
# both turned into PlanLines first, so both give the same columns.

WORKBOOK_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
LISTS_SHEET = "Lists"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="DDE7F0", end_color="DDE7F0")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
WRAP_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


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


@dataclass(frozen=True)
class ProgressLine:
    action: ActionRow
    update: Any  # a historical ProgressUpdate row
    reported_by: str


def progress_as_at(report: Report) -> list[ProgressLine]:
    """Every progress update on the report's actions as it stood at its moment.

    In the report's action order, each action's updates oldest first. Two queries whatever
    the plan's size: the latest historical row of each update of the plan's actions at the
    moment (deletions left out, read by their own fields, never their relations), and the
    names of the users who reported them.
    """
    theme_ids = Theme.history.filter(plan_id=report.plan_id).values("id")
    action_ids = Action.history.filter(theme_id__in=theme_ids).values("id")
    rows = (
        ProgressUpdate.history.filter(history_date__lte=report.as_at)
        .latest_of_each()
        .exclude(history_type="-")
        .filter(action_id__in=action_ids)
        .order_by()
    )
    latest: dict[int, Any] = {}
    for row in rows:
        # Two rows of one update saved in the same microsecond would both be "latest".
        held = latest.get(row.id)
        if held is None or (row.history_date, row.history_id) > (
            held.history_date,
            held.history_id,
        ):
            latest[row.id] = row
    by_action: dict[int, list[Any]] = defaultdict(list)
    for update in sorted(latest.values(), key=lambda r: (r.reported_on, r.id)):
        by_action[update.action_id].append(update)
    author_ids = {u.author_id for u in latest.values() if u.author_id and not u.author_name}
    users = get_user_model().objects.filter(pk__in=author_ids) if author_ids else []
    names = {user.pk: user.get_full_name() or user.get_username() for user in users}
    return [
        ProgressLine(row, update, update.author_name or names.get(update.author_id, ""))
        for row in report.rows()
        for update in by_action.get(row.id, [])
    ]


def excel_value(value: Any) -> Any:
    """A value as a workbook cell holds it: inert text, local times without a zone."""
    if isinstance(value, str):
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    return value


def _header_row(ws: Any, columns: Sequence[SheetColumn]) -> list[WriteOnlyCell]:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.heading)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        cells.append(cell)
    return cells


def _style_of(ws: Any, **attributes: Any) -> Any:
    """The style array of a cell with these attributes, to give many cells at little cost.

    Setting a style attribute on each cell looks the style up in the workbook every time:
    most of a large workbook's time. Cells built from the array share the lookup.
    """
    cell = WriteOnlyCell(ws)
    for name, value in attributes.items():
        setattr(cell, name, value)
    return cell._style


def _data_rows(ws: Any, columns: Sequence[SheetColumn], items: Iterable[Any]) -> Iterator[list]:
    date_style = _style_of(ws, number_format=DATE_FORMAT)
    datetime_style = _style_of(ws, number_format=DATETIME_FORMAT)
    wrap_style = _style_of(ws, alignment=WRAP_ALIGNMENT)
    for item in items:
        cells: list[Any] = []
        for column in columns:
            value = excel_value(column.value(item))
            if isinstance(value, datetime):
                value = Cell(ws, row=1, column=1, value=value, style_array=datetime_style)
            elif isinstance(value, date):
                value = Cell(ws, row=1, column=1, value=value, style_array=date_style)
            elif column.wrap and value:
                value = Cell(ws, row=1, column=1, value=value, style_array=wrap_style)
            cells.append(value)
        yield cells


def write_table(ws: Any, columns: Sequence[SheetColumn], items: Iterable[Any]) -> int:
    """A header row, frozen, then one row per item under an autofilter; returns the row count.

    Write-only sheets write their views and columns with the first row, so those come first.
    """
    ws.freeze_panes = "A2"
    for number, column in enumerate(columns, 1):
        dimension = ws.column_dimensions[get_column_letter(number)]
        dimension.width = column.width
        dimension.hidden = column.hidden
    ws.append(_header_row(ws, columns))
    count = 0
    for row in _data_rows(ws, columns, items):
        ws.append(row)
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def _choice_lists(wb: Workbook) -> dict[str, str]:
    """A hidden sheet of the status and RAG labels; heading → the range a drop-down lists."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    lists = {"Status": STATUS_LABELS.values(), "RAG": RAG_LABELS.values()}
    ws.append(list(lists))
    for labels in zip_longest(*lists.values()):
        ws.append(list(labels))
    ranges = {}
    for number, (heading, labels) in enumerate(lists.items(), 1):
        letter = get_column_letter(number)
        ranges[heading] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(labels) + 1}"
    return ranges


def _drop_downs(ws: Any, choices: dict[str, str], rows: int) -> None:
    headings = [column.heading for column in PLAN_SHEET_COLUMNS]
    for heading, source in choices.items():
        letter = get_column_letter(headings.index(heading) + 1)
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"Not a {heading}",
            error=f"Choose a {heading} from the list.",
        )
        validation.add(f"{letter}2:{letter}{max(rows, 1) + 1}")
        ws.data_validations.append(validation)


def _plan_sheet(wb: Workbook, lines: Iterable[PlanLine]) -> Callable[[], None]:
    """Write the Plan sheet; call the result last, to add the hidden Lists sheet behind it."""
    ws = wb.create_sheet("Plan")
    rows = write_table(ws, PLAN_SHEET_COLUMNS, lines)
    return lambda: _drop_downs(ws, _choice_lists(wb), rows)


def _summary_sheet(wb: Workbook, report: Report, options: ReportOptions) -> None:
    ws = wb.create_sheet("Summary")
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 80
    ws.column_dimensions["C"].width = 10
    summary, changes = report.summary, report.changes

    def heading(*texts: str) -> None:
        ws.append(_header_row(ws, [SheetColumn(text, str) for text in texts]))

    def line(label: str, value: Any, number_format: str = "") -> None:
        cell = WriteOnlyCell(ws, value=excel_value(value))
        if number_format:
            cell.number_format = number_format
        elif isinstance(value, str):
            cell.alignment = WRAP_ALIGNMENT
        ws.append([WriteOnlyCell(ws, value=label), cell])

    heading("Report", "")
    line("Title", options.title or f"{report.plan_title}: progress report")
    line("Committee", options.committee)
    line("Meeting date", options.meeting_date, DATE_FORMAT)
    line("Author", options.author)
    line("Plan", f"{report.plan_title} {report.version_label}".strip())
    line("Organisation", report.organisation)
    line("As at", report.as_at, DATETIME_FORMAT)
    line(
        "Changes since",
        changes.since if changes else "Not asked for",
        DATETIME_FORMAT if changes else "",
    )
    line("Filters", "; ".join(report.filters_described) or "None: every action in the plan")
    line("Overdue and awaiting update judged on", report.today, DATE_FORMAT)
    ws.append([])
    line("Summary", summary.sentence())
    for title, counts in (
        ("Status", summary.by_status),
        ("RAG", summary.by_rag),
        ("Also counted", summary.derived),
    ):
        ws.append([])
        heading(title, "Actions", "%")
        for count in counts:
            share = WriteOnlyCell(ws, value=count.percent / 100)
            share.number_format = "0%"
            ws.append([count.label, count.count, share])
        ws.append(["Total", summary.total])


def report_workbook_bytes(report: Report, options: ReportOptions) -> bytes:
    """The report as an .xlsx: Plan, Progress, Changes (when since was given) and Summary."""
    wb = Workbook(write_only=True)
    add_drop_downs = _plan_sheet(wb, report_plan_lines(report))
    write_table(
        wb.create_sheet("Progress"),
        PROGRESS_SHEET_COLUMNS,
        progress_as_at(report),
    )
    if report.changes is not None:
        write_table(wb.create_sheet("Changes"), CHANGES_SHEET_COLUMNS, change_lines(report.changes))
    _summary_sheet(wb, report, options)
    add_drop_downs()
    return _saved(wb)


def actions_workbook_bytes(actions: Iterable[Action]) -> bytes:
    """A Plan sheet of exactly these actions (the browser's filtered queryset), in their order."""
    wb = Workbook(write_only=True)
    _plan_sheet(wb, (action_plan_line(action) for action in actions))()
    return _saved(wb)


def _saved(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def report_csv_bytes(report: Report) -> bytes:
    """The Plan sheet's visible columns as CSV, one row per action; UTF-8 with a BOM."""
    stream = io.StringIO()
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow([column.heading for column in PLAN_CSV_COLUMNS])
    for line in report_plan_lines(report):
        writer.writerow([csv_text(column.value(line)) for column in PLAN_CSV_COLUMNS])
    return stream.getvalue().encode("utf-8")
