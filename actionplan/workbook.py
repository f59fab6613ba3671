"""Workbooks (.xlsx, openpyxl write-only): the report's sheets and the browser's Plan sheet.

docs/workbook.md describes every sheet and column; the import issue reads it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import zip_longest
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from actionplan.models import Action
from actionplan.reporting import RAG_LABELS, STATUS_LABELS, Report, ReportOptions, committee_of
from actionplan.sheetrows import (
    CHANGES_SHEET_COLUMNS,
    PLAN_SHEET_COLUMNS,
    PROGRESS_SHEET_COLUMNS,
    PlanLine,
    SheetColumn,
    action_plan_line,
    change_lines,
    progress_as_at,
    report_plan_lines,
    safe_cell,
)

WORKBOOK_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
LISTS_SHEET = "Lists"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="DDE7F0", end_color="DDE7F0")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
WRAP_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


def excel_value(value: Any) -> Any:
    """A value as a workbook cell holds it: inert text, local times without a zone.

    Empty text is no cell at all (None): it reads back empty, and not writing it saves an
    eighth of a large workbook's time.
    """
    if isinstance(value, str):
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value)) or None
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
    line("Committee", committee_of(report, options))
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
