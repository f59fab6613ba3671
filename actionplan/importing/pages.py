"""The import preview a page at a time, so the page's size does not grow with the file.

A file at the row limit (50,000 rows) would otherwise show every row it creates or changes on
one page (tens of megabytes, longer to render than to read). The counts, new themes and
projects and the confirmation stay whole; the rows come PAGE_ROWS at a time, and the error
summary lists the first MAX_PROBLEMS problems, each linked to its page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from actionplan.importing.plan_diff import Preview
from actionplan.importing.rows import Outcome, RowPlan, SheetPreview

PAGE_ROWS = 100
MAX_PROBLEMS = 20


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


def preview_page(preview: Preview, number: str | int | None) -> PreviewPage:
    shown = [
        (sheet_number, sheet, row)
        for sheet_number, sheet in enumerate(preview.sheets, 1)
        for row in sheet.shown()
    ]
    page = Paginator(shown, PAGE_ROWS).get_page(number)
    on_page = list(page.object_list)
    sheets = [
        SheetPage(n, sheet, [row for s, _, row in on_page if s == n])
        for n, sheet in enumerate(preview.sheets, 1)
    ]
    problems = []
    for index, (sheet_number, sheet, row) in enumerate(shown):
        if row.outcome in (Outcome.ERROR, Outcome.CONFLICT):
            problems.append(Problem(sheet_number, sheet, row, index // PAGE_ROWS + 1))
            if len(problems) == MAX_PROBLEMS:
                break
    return PreviewPage(page, sheets, problems)
