"""The import preview a page at a time, so the page's size does not grow with the file.

A file at the row limit (50,000 rows) would otherwise show every row it creates or changes on
one page (tens of megabytes, longer to render than to read). The counts, new themes and
projects and the confirmation stay whole; the rows come PAGE_ROWS at a time, and the error
summary lists the first MAX_PROBLEMS problems, each linked to its page. The preview built for
a page keeps only that page's rows (rows.Keeper), so neither the page nor the preview's
memory grows with the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from actionplan.importing.plan_diff import Preview
from actionplan.importing.rows import MAX_PROBLEMS, PAGE_ROWS, RowPlan, SheetPreview

__all__ = ["MAX_PROBLEMS", "PAGE_ROWS", "PreviewPage", "preview_page", "requested_page"]


@dataclass(frozen=True)
class SheetPage:
    number: int  # the sheet's place in the file: row anchors are row-<number>-<row>
    sheet: SheetPreview
    rows: list[RowPlan]  # the sheet's rows on this page


@dataclass(frozen=True)
class Problem:
    sheet_number: int
    sheet: SheetPreview
    row: RowPlan
    page: int


@dataclass(frozen=True)
class PreviewPage:
    page: Page
    sheets: list[SheetPage]
    problems: list[Problem]  # the first MAX_PROBLEMS rows with an error or a conflict


def requested_page(number: str | int | None) -> int:
    """The page a query string asks for (1 when it asks for none or nonsense)."""
    try:
        return max(1, int(number))
    except (TypeError, ValueError):
        return 1


def preview_page(preview: Preview, number: str | int | None) -> PreviewPage:
    """The page of rows `number` (the last when past it); the preview must have kept it
    (built with this page, or with every row)."""
    page = Paginator(range(preview.shown_count), PAGE_ROWS).get_page(number)
    on_page = page.object_list
    sheets = [
        SheetPage(n, sheet, [row for row in sheet.shown() if row.shown_at in on_page])
        for n, sheet in enumerate(preview.sheets, 1)
    ]
    numbers = {id(sheet): n for n, sheet in enumerate(preview.sheets, 1)}
    problems = [
        Problem(numbers[id(sheet)], sheet, row, row.shown_at // PAGE_ROWS + 1)
        for sheet, row in preview.problems
    ]
    return PreviewPage(page, sheets, problems)
