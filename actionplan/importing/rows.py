"""What the import preview is made of: each row's outcome, its changes, new themes/projects.

Shared by plan_diff.py (which builds them), stale.py (rows from an older export) and apply.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.db.models import Model

from actionplan.importing import values as cells
from actionplan.importing.columns import Column, distinct_headings
from actionplan.models import Action, Project, Theme, Unit

LABELS = {
    "reference": "Reference",
    "description": "Action",
    "owners_as_written": "Owners",
    "unit": "Directorate/service",
    "target": "Target",
    "status": "Status",
    "rag": "RAG",
    "percent_complete": "% complete",
    "completed_on": "Completed on",
    "progress": "Progress update",
    "owner_labels": "Owners (linked)",
    "notes": "Notes",
}


class Outcome(StrEnum):
    CREATE = "create"
    CHANGE = "change"
    PROGRESS = "progress"  # a new row of our workbook's Progress sheet: a new progress update
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    ERROR = "error"


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(eq=False)
class NewTheme:
    reference: str
    title: str
    is_criterion: bool = False
    description: str = ""  # sub-heading rows of the theme, one a line
    used: bool = False  # a row creating an action in it was met (only those are created)


@dataclass(eq=False)
class NewProject:
    theme: Theme | NewTheme
    reference: str
    title: str
    used: bool = False


@dataclass(eq=False)
class RowPlan:
    """One row's outcome, and what applying it writes."""

    sheet: str
    number: int
    label: str  # the reference, as the file gives it
    text: str = ""  # the action's description
    outcome: Outcome = Outcome.UNCHANGED
    action: Action | None = None
    theme: Theme | NewTheme | None = None
    project: Project | NewProject | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # model field → new value
    progress: str = ""
    progress_on: date | None = None
    changes: list[FieldChange] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    unknown_owners: list[str] = field(default_factory=list)
    stale_version: int | None = None
    owner_labels: str | None = None  # our workbook's edited "Owners" column: link these
    report: dict[str, Any] = field(default_factory=dict)  # a new update's status, RAG, …
    # Council sheets: a revised target ("target" in fields) and the original the file gives,
    # the reason recorded with the revision, the words that dated the progress, and what was
    # dated the import day because nothing was written (the preview says so per row).
    original_target: str = ""
    target_reason: str = ""
    progress_written: str = ""
    notes_on_dates: list[str] = field(default_factory=list)
    completion_import_day: bool = False
    subheading: str = ""  # a theme's sub-heading row (seed 003's sub-criteria)
    part: int = 0  # the bullet of a Word cell holding several actions, else 0
    shown_at: int = -1  # its place among the rows the preview shows (for its page)

    def fail(self, message: str) -> RowPlan:
        self.outcome = Outcome.ERROR
        self.messages.append(message)
        return self


PAGE_ROWS = 100  # rows the preview shows a page
MAX_PROBLEMS = 20  # problems its error summary lists
MAX_LEFT_OUT = 100  # rows not imported the result page lists


@dataclass
class Keeper:
    """What the preview keeps of the rows it shows; the rest are only counted, so its memory
    does not grow with the file.

    `page`: keep only that page's rows (PAGE_ROWS a page, docs/import.md), and the first
    MAX_PROBLEMS rows with an error or a conflict (the error summary). None: keep every row
    shown (the command, tests, small files).
    `write`: the import writes each row as it is compared (apply.py); of those rows only the
    first MAX_LEFT_OUT not imported are kept, for the result page.
    """

    page: int | None = None
    write: Callable[[RowPlan], None] | None = None
    shown: int = 0  # rows shown so far, in every sheet
    problems: list[tuple[SheetPreview, RowPlan]] = field(default_factory=list)
    unknown_owners: dict[str, None] = field(default_factory=dict)

    left_out_kept: int = 0

    def keeps(self, row: RowPlan) -> bool:
        if self.write is not None:
            if row.outcome not in (Outcome.ERROR, Outcome.CONFLICT):
                return False
            self.left_out_kept += 1
            return self.left_out_kept <= MAX_LEFT_OUT
        return self.page is None or row.shown_at // PAGE_ROWS + 1 == self.page


@dataclass
class SheetPreview:
    """One sheet's outcome. Rows that match the plan are only counted, and of the rows shown
    only those the Keeper says (a page's): a large plan's preview holds what one page shows."""

    name: str
    keeper: Keeper = field(default_factory=Keeper)
    rows: list[RowPlan] = field(default_factory=list)  # kept: shown on this page
    read: int = 0  # rows read
    unchanged: int = 0  # rows read that match the plan and have nothing to say (not shown)
    shown_count: int = 0  # rows shown, on any page
    counted: Counter = field(default_factory=Counter)  # outcome → rows shown

    def keep(self, row: RowPlan) -> None:
        """Count the row; keep it if it is shown on the kept page (unchanged rows are shown
        only when they say why); hand it to the writer when importing."""
        self.read += 1
        if row.outcome == Outcome.UNCHANGED and not row.messages:
            self.unchanged += 1
            return
        keeper = self.keeper
        row.shown_at, keeper.shown = keeper.shown, keeper.shown + 1
        self.shown_count += 1
        self.counted[row.outcome.value] += 1
        if row.outcome in (Outcome.ERROR, Outcome.CONFLICT):
            if len(keeper.problems) < MAX_PROBLEMS:
                keeper.problems.append((self, row))
        elif row.outcome in (Outcome.CREATE, Outcome.CHANGE):
            keeper.unknown_owners.update(dict.fromkeys(row.unknown_owners))
            if row.outcome == Outcome.CREATE:
                _mark_used(row)
        if keeper.write is not None:
            keeper.write(row)
        if keeper.keeps(row):
            self.rows.append(row)

    def shown(self) -> list[RowPlan]:
        return self.rows


def _mark_used(row: RowPlan) -> None:
    """The new theme and project a created action goes into are created too."""
    for new in (row.theme, row.project, getattr(row.project, "theme", None)):
        if isinstance(new, NewTheme | NewProject):
            new.used = True


@dataclass
class Preview:
    filename: str
    sheets: list[SheetPreview]
    skipped: list[str]
    new_themes: list[NewTheme]
    new_projects: list[NewProject]
    unknown_owners: list[str]
    # Actions of the plan that our own workbook's Plan sheet does not list (left alone):
    # (full reference, description) of the first MISSING_SHOWN, and how many in all.
    missing: list[tuple[str, str]] = field(default_factory=list)
    missing_count: int = 0
    # Council sheets: (sheet name, every column and what it maps to), for the mapping step;
    # `needing` the same for sheets where no column holds the actions: the user must choose
    # one, or skip the sheet, before anything is imported.
    layouts: list[tuple[str, list[Column]]] = field(default_factory=list)
    needing: list[tuple[str, list[Column]]] = field(default_factory=list)
    # The first MAX_PROBLEMS rows with an error or a conflict, whatever page is kept.
    problems: list[tuple[SheetPreview, RowPlan]] = field(default_factory=list)
    page: int | None = None  # the page of rows kept (None: all)

    @property
    def needs_action(self) -> bool:
        return bool(self.needing)

    @property
    def headings(self) -> list[Column]:
        """The columns of every sheet with a heading, each heading once, for the mapping."""
        return distinct_headings(layout for _, layout in self.layouts)

    def rows(self) -> list[RowPlan]:
        """The rows kept (every row shown, unless the preview was built for one page)."""
        return [row for sheet in self.sheets for row in sheet.rows]

    @property
    def counts(self) -> dict[str, int]:
        """Rows by outcome, of every row read (whatever was kept)."""
        counted: Counter = Counter()
        for sheet in self.sheets:
            counted.update(sheet.counted)
            counted[Outcome.UNCHANGED.value] += sheet.unchanged
        return {outcome.value: counted[outcome.value] for outcome in Outcome}

    @property
    def shown_count(self) -> int:
        return sum(sheet.shown_count for sheet in self.sheets)

    @property
    def has_writes(self) -> bool:
        counts = self.counts
        return bool(counts["create"] or counts["change"] or counts["progress"])


def same(old: Any, new: Any) -> bool:
    old, new = (v.pk if isinstance(v, Model) else v for v in (old, new))
    if isinstance(old, str) or isinstance(new, str):
        return " ".join(str(old or "").split()) == " ".join(str(new or "").split())
    return old == new


def display(name: str, value: Any) -> Any:
    """A stored value as people read it: choice labels, not codes."""
    if name == "status":
        return cells.STATUS_LABELS.get(value, value)
    if name == "rag":
        return cells.RAG_LABELS.get(value, value)
    if name == "unit" and isinstance(value, int):
        return Unit.objects.filter(pk=value).first() or value
    return value


def current_value(action: Action, name: str) -> Any:
    if name == "unit":
        return action.unit
    return getattr(action, name)
