"""The spreadsheet outputs, importable from one place as before the split.

actionplan.sheetrows holds what the sheets say (lines, columns, formula-safe text),
actionplan.csvexport the CSVs and actionplan.workbook the openpyxl writing.
"""

from actionplan.csvexport import (
    ACTION_COLUMNS,
    Column,
    action_rows,
    csv_text,
    lead_owner_name,
    owner_names,
    report_csv_bytes,
    write_actions_csv,
)
from actionplan.sheetrows import (
    CHANGES_SHEET_COLUMNS,
    FORMULA_TRIGGERS,
    PLAN_CSV_COLUMNS,
    PLAN_SHEET_COLUMNS,
    PROGRESS_SHEET_COLUMNS,
    ChangeLine,
    PlanLine,
    ProgressLine,
    SheetColumn,
    action_plan_line,
    change_lines,
    progress_as_at,
    report_plan_lines,
    safe_cell,
)
from actionplan.workbook import (
    WORKBOOK_CONTENT_TYPE,
    actions_workbook_bytes,
    excel_value,
    report_workbook_bytes,
    write_table,
)

__all__ = [
    "ACTION_COLUMNS",
    "CHANGES_SHEET_COLUMNS",
    "FORMULA_TRIGGERS",
    "PLAN_CSV_COLUMNS",
    "PLAN_SHEET_COLUMNS",
    "PROGRESS_SHEET_COLUMNS",
    "WORKBOOK_CONTENT_TYPE",
    "ChangeLine",
    "Column",
    "PlanLine",
    "ProgressLine",
    "SheetColumn",
    "action_plan_line",
    "action_rows",
    "actions_workbook_bytes",
    "change_lines",
    "csv_text",
    "excel_value",
    "lead_owner_name",
    "owner_names",
    "progress_as_at",
    "report_csv_bytes",
    "report_plan_lines",
    "report_workbook_bytes",
    "safe_cell",
    "write_actions_csv",
    "write_table",
]
