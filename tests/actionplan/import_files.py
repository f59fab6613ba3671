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


class Bullets:
    """A Word table cell holding bulleted paragraphs, after `lead` plain ones (if any)."""

    def __init__(self, *items: str, lead: str = "") -> None:
        self.items, self.lead = items, lead


def docx(tables: Sequence[dict[str, Any]], *, before: str = "Action plan") -> bytes:
    """A Word document with these tables, typed as an officer would.

    Each table: {"rows": [[cell, ...], ...], "merges": [((row, col), (row, col)), ...],
    "colours": {(row, col): "FF0000"}}. A cell is None, text (a new paragraph per line) or
    Bullets. A merged range is written once, in its top-left cell.
    """
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = Document()
    document.add_paragraph(before)
    for spec in tables:
        rows = spec["rows"]
        width = max(len(row) for row in rows)
        table = document.add_table(rows=len(rows), cols=width)
        covered: set[tuple[int, int]] = set()
        for (r1, c1), (r2, c2) in spec.get("merges", []):
            table.cell(r1, c1).merge(table.cell(r2, c2))
            covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
            covered.discard((r1, c1))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (r, c) in covered or value is None:
                    continue
                _write_cell(table.cell(r, c), value)
        for (r, c), colour in spec.get("colours", {}).items():
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:fill"), colour)
            table.cell(r, c)._tc.get_or_add_tcPr().append(shading)
        document.add_paragraph("")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _write_cell(cell: Any, value: Any) -> None:
    paragraphs: list[tuple[str, str | None]] = []
    if isinstance(value, Bullets):
        paragraphs += [(line, None) for line in value.lead.split("\n") if value.lead]
        paragraphs += [(item, "List Bullet") for item in value.items]
    else:
        paragraphs += [(line, None) for line in str(value).split("\n")]
    first = cell.paragraphs[0]
    for index, (text, style) in enumerate(paragraphs):
        paragraph = first if index == 0 else cell.add_paragraph()
        paragraph.text = text
        if style:
            paragraph.style = style
