"""`make bench` figures for councils' own files: a sheet and a Word table made from a plan.

The plan's actions are written out as a council keeps them (criterion cells blank below the
first, references inside the action text, a Revised date on one row in ten, status words,
dated comments, a column the reader does not know), then imported into an empty plan of the
same organisation: preview, then write (rolled back), beside the export time of the plan's
own workbook, as ratios; peak memory (tracemalloc) at two sizes. Times are taken without
tracemalloc (it slows the ORM's many small allocations far more than openpyxl's export, which
would distort the ratio), and memory in a second run of each step under it. Everything is
measured with DEBUG's query log off, as in production: under DEBUG=1 (which `make bench`
sets) Django keeps the text of the last 9,000 queries, and a bulk INSERT of 500 actions is a
long text, so the log alone grew the write's peak with the file.
"""

from __future__ import annotations

import io
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import transaction
from django.test.utils import override_settings

from actionplan.exports import actions_workbook_bytes
from actionplan.filters import browse_base_queryset
from actionplan.importing.apply import import_apply
from actionplan.importing.plan_diff import build_preview
from actionplan.importing.reader import read_upload
from actionplan.importing.safety import Limits
from actionplan.models import Action, Plan

HEADINGS = [
    "Criterion",
    "Action",
    "Responsible officer(s)",
    "Target date",
    "Revised date",
    "Status",
    "Comments",
    "Cost",
]
STATUS_WORDS = ("On target", "Achieved", "Delayed", "Not yet started", "In progress")


def council_rows(plan: Plan) -> Iterator[list[Any]]:
    """The plan's actions as a council's sheet has them, heading row first."""
    yield HEADINGS
    theme_seen = None
    actions = Action.objects.filter(theme__plan=plan).select_related("theme", "project")
    for n, action in enumerate(actions.order_by("pk").iterator(chunk_size=1000)):
        theme = f"{action.theme.reference} {action.theme.title}"
        yield [
            theme if theme != theme_seen else None,  # merged down: blank below the first
            f"{n + 1}.1 {action.description}",
            f"O{n % 10} / {plan.slug}-PAG",  # the synthetic plan's officers and group
            action.target or "TBC",
            "Mar 14" if n % 10 == 0 else None,
            STATUS_WORDS[n % len(STATUS_WORDS)],
            f"Nov 10: progress noted on item {n + 1}" if n % 2 else "Meeting held",
            f"£{n * 10}",
        ]
        theme_seen = theme


def council_xlsx(rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Action plan")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def council_docx(rows: Iterable[list[Any]]) -> bytes:
    """A Word document with one table of the rows (written as XML: python-docx's cell API
    walks the whole table for each cell)."""
    from docx import Document
    from docx.oxml import OxmlElement

    document = Document()
    table = document.add_table(rows=0, cols=len(HEADINGS))
    for row in rows:
        tr = OxmlElement("w:tr")
        for value in row:
            tc, p = OxmlElement("w:tc"), OxmlElement("w:p")
            if value:
                r, t = OxmlElement("w:r"), OxmlElement("w:t")
                t.text = str(value)
                r.append(t)
                p.append(r)
            tc.append(p)
            tr.append(tc)
        table._tbl.append(tr)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@override_settings(DEBUG=False)  # no query log: it grows with the file (docstring)
def council_figures(plans: Iterable[Plan], write: Callable[[str], None]) -> None:
    limits = Limits(max_bytes=10 * 1024 * 1024, max_rows=50_000)
    write("\nimport of a council's own sheet / Word table (every action new) vs the plan's export")
    write(
        f"{'file':>6}{'rows':>7}{'export s':>9}{'preview s':>10}{'write s':>9}{'ratio':>7}"
        f"{'preview MiB':>12}{'write MiB':>10}  goal: ratio <= 5, memory about flat"
    )
    for plan in plans:
        actions = browse_base_queryset(plan).order_by("pk")
        _, export = _timed(lambda actions=actions: actions_workbook_bytes(actions))
        rows = list(council_rows(plan))
        for kind, make in (("xlsx", council_xlsx), ("docx", council_docx)):
            _one_file(plan, kind, make(rows), export, limits, write)


def _timed(work: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def _peak(work: Callable[[], Any]) -> float:
    """Peak MiB allocated while work() runs (a second run, for memory only)."""
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def _into_new_plan(plan: Plan, kind: str, work: Callable[[Plan], Any]) -> Any:
    """work(target) on an empty plan of the same organisation, rolled back afterwards."""
    with transaction.atomic():
        target = Plan.objects.create(
            slug=f"{plan.slug}-council-{kind}", title="Imported", organisation=plan.organisation
        )
        result = work(target)
        transaction.set_rollback(True)
    return result


def _one_file(
    plan: Plan, kind: str, data: bytes, export: float, limits: Limits, write: Callable
) -> None:
    filename = f"council.{kind}"

    def preview_of(target: Plan) -> Any:
        source = read_upload(filename, data, limits)
        return build_preview(plan=target, source=source, page=1)  # as the preview page does

    def write_into(target: Plan) -> Any:
        return import_apply(plan=target, filename=filename, data=data, user=None, limits=limits)

    preview, seconds = _timed(lambda: _into_new_plan(plan, kind, preview_of))
    result, written = _timed(lambda: _into_new_plan(plan, kind, write_into))
    preview_peak = _peak(lambda: _into_new_plan(plan, kind, preview_of))
    write_peak = _peak(lambda: _into_new_plan(plan, kind, write_into))
    ratio = (seconds + written) / export if export else float("inf")
    read = sum(sheet.read for sheet in preview.sheets)
    write(
        f"{kind:>6}{read:>7}{export:>9.2f}{seconds:>10.2f}{written:>9.2f}{ratio:>7.1f}"
        f"{preview_peak:>12.1f}{write_peak:>10.1f}  {'ok' if ratio <= 5 else 'over'}"
        f"  ({result.created} created, {result.targets_revised} revised, "
        f"{result.progress_dated} of {result.progress_recorded} updates dated from the text)"
    )
