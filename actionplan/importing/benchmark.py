"""`make bench` figures for the import: preview and write of a plan's own workbook.

Beside the time to export the same workbook (the plan browser's Excel download), as ratios;
peak memory (tracemalloc) at two plan sizes to show whether it stays flat. The write is
rolled back so each run measures the same plan.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from actionplan.exports import actions_workbook_bytes
from actionplan.filters import browse_base_queryset
from actionplan.importing.apply import import_apply
from actionplan.importing.plan_diff import build_preview
from actionplan.importing.reader import read_upload
from actionplan.importing.safety import Limits
from actionplan.models import Plan

EDITED_SHARE = 10  # every tenth row changed, as after an offline round of updates


def _measured(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """The result, seconds and peak MiB of work(): timed in one run, and its memory measured
    in a second, since tracemalloc slows allocation-heavy code several times."""
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def _edited(data: bytes) -> bytes:
    """The workbook with every EDITED_SHARE-th action's description changed."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb["Plan"]
    column = next(c.column for c in ws[1] if c.value == "Action")
    for row in range(2, ws.max_row + 1, EDITED_SHARE):
        ws.cell(row, column).value = f"{ws.cell(row, column).value} (edited offline)"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def import_figures(plans: Iterable[Plan], write: Callable[[str], None]) -> None:
    limits = Limits(max_bytes=10 * 1024 * 1024, max_rows=50_000)
    write("\nimport of the plan's own workbook (1 row in 10 edited) vs its export; write undone")
    write(
        f"{'actions':>8}{'export s':>9}{'preview s':>10}{'write s':>9}{'ratio':>7}"
        f"{'preview MiB':>12}{'write MiB':>10}  goal: ratio <= 5, memory about flat"
    )
    for plan in plans:
        _one_plan(plan, limits, write)


def _one_plan(plan: Plan, limits: Limits, write: Callable[[str], None]) -> None:
    actions = browse_base_queryset(plan).order_by("pk")
    data, export, _ = _measured(lambda: actions_workbook_bytes(actions))
    data = _edited(data)
    preview, seconds, preview_peak = _measured(
        lambda: build_preview(plan=plan, source=read_upload("bench.xlsx", data, limits))
    )

    def apply() -> Any:
        with transaction.atomic():
            result = import_apply(plan=plan, filename="bench.xlsx", data=data, user=None)
            transaction.set_rollback(True)
        return result

    result, written, write_peak = _measured(apply)
    ratio = (seconds + written) / export if export else float("inf")
    read = sum(sheet.read for sheet in preview.sheets)
    write(
        f"{read:>8}{export:>9.2f}{seconds:>10.2f}{written:>9.2f}{ratio:>7.1f}"
        f"{preview_peak:>12.1f}{write_peak:>10.1f}  {'ok' if ratio <= 5 else 'over'}"
        f"  ({result.changed} changed)"
    )


def row_limit_figures(plan: Plan, write: Callable[[str], None], *, timeout: int = 60) -> None:
    """A council sheet at the row limit, as CSV and as a workbook: read, preview and the first
    page rendered, against the request timeout the README documents (gunicorn --timeout)."""
    import io

    from django.template.loader import render_to_string
    from openpyxl import Workbook

    from actionplan.importing.pages import preview_page

    limits = Limits.from_settings()
    rows = limits.max_rows - 1
    header = ["Theme", "Ref", "Action", "Responsible officer", "Target Completion Date"]
    lines = [
        [str(1 + n % 5), f"{n}(a)", f"Answer calls within 20 seconds ({n})", "RF / PAG", "Dec 2027"]
        for n in range(rows)
    ]
    csv_data = "\n".join(",".join(line) for line in [header, *lines]).encode()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Plan")
    for line in [header, *lines]:
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    write(f"\nimport preview of a council sheet at the row limit ({rows:,} rows)")
    write(f"{'file':>6}{'preview s':>10}{'page s':>8}{'page KiB':>9}  goal: under {timeout} s")
    for name, data in (("limit.csv", csv_data), ("limit.xlsx", buffer.getvalue())):
        started = time.perf_counter()  # no tracemalloc here: it would slow the preview 4-fold
        preview = build_preview(plan=plan, source=read_upload(name, data, limits))
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        html = render_to_string(
            "actionplan/importing/preview.html",
            {
                "plan": plan,
                "preview": preview,
                "counts": preview.counts,
                "shown": preview_page(preview, 1),
                "stashed": {"filename": name, "token": "x"},
            },
        )
        page = time.perf_counter() - started
        total = seconds + page
        write(
            f"{name.split('.')[1]:>6}{seconds:>10.2f}{page:>8.2f}{len(html) / 1024:>9.0f}"
            f"  {'ok' if total < timeout else 'over'}"
        )
