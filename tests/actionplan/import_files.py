"""Small builders of spreadsheets for the import tests: each test makes the file it reads."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl import Workbook, load_workbook


def xlsx(
    sheets: dict[str, Sequence[Sequence[Any]]], merges: dict[str, list[str]] | None = None
) -> bytes:
    """A workbook with these sheets of rows; `merges` names merged ranges per sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def edited(data: bytes, edit: Callable[[Any, dict[str, int]], None], sheet: str = "Plan") -> bytes:
    """An exported workbook opened, changed by `edit(ws, columns)` and saved, as officers do."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    columns = {cell.value: cell.column for cell in ws[1]}
    edit(ws, columns)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row_of(ws: Any, columns: dict[str, int], action_id: int) -> int:
    """The sheet row holding the action with this id (hidden column "Action id")."""
    for number in range(2, ws.max_row + 1):
        if ws.cell(number, columns["Action id"]).value == action_id:
            return number
    raise AssertionError(f"action {action_id} is not in the sheet")
