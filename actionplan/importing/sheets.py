"""What an uploaded plan is read into, and how a sheet's rows are read: the heading row, the
theme rows, cleaned cells and the checks every row passes, whatever the file's kind.

Council plans come in many layouts, so columns are found by their headings, matched without
regard to case, spaces or punctuation ("Responsible officer(s) / group" is the owners,
"Target Completion Date" the target). The heading row is the first of the top rows that names
an action column. Below it, a row holding only "1. Local Access Points" (or "Criterion 2 –
…", or one title merged across the row) starts a theme. Merged cells are read as if every
cell of the merge held the value. Our own workbook (docs/workbook.md) is recognised by its
hidden "Action id" and "Version" columns. reader.py (workbooks, CSV) and wordread.py (Word
tables) feed rows to a RowScan.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from actionplan.importing.columns import Column, key, mapped_columns
from actionplan.importing.councilrows import CouncilRows
from actionplan.importing.safety import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    ImportRefused,
    Limits,
    too_many_rows,
)
from actionplan.importing.wordtables import DocCell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADING_SEARCH_ROWS = 30
MAX_MERGES = 20_000

# What each column means → the headings that name it, most specific first. Headings are
# compared by key(): lower case, letters and digits only ("% complete" → "complete").
HEADINGS: dict[str, tuple[str, ...]] = {
    "action_id": ("actionid",),
    "theme_id": ("themeid",),
    "project_id": ("projectid",),
    "version": ("version",),
    "theme_ref": ("themeref", "themereference", "themeno", "criterionref", "criterionno"),
    "theme": ("theme", "criterion", "keytopic", "topic", "section", "strategytheme"),
    "project_ref": ("projectref", "projectreference", "projectno", "outcomeref"),
    "project": ("project", "desiredoutcome", "desiredoutcomes", "outcome", "objective"),
    "reference": ("actionref", "ref", "reference", "actionno", "refno", "no", "number"),
    "full_reference": ("fullreference",),
    "description": ("action", "actions", "description", "actiondescription", "task"),
    "owners": (
        "ownersaswritten",
        "responsibleofficersgroup",
        "responsibleofficergroup",
        "responsibleofficers",
        "responsibleofficer",
        "responsibility",
        "responsible",
        "leadofficers",
        "leadofficer",
        "owners",
        "owner",
        "lead",
        "leadowner",
        "bywhom",
    ),
    "unit": ("directorateservice", "directorate", "service", "department"),
    "target": (
        "targetaswritten",
        "targetdate",
        "targetcompletiondate",
        "timescales",
        "timescale",
        "target",
        "deadline",
        "bywhen",
        "timeline",
        "timelines",
        "originaltarget",
        "originaltargetdate",
    ),
    "revised_target": (
        "revisedtarget",
        "revisedtargetdate",
        "reviseddate",
        "revisedcompletiondate",
        "revisedtimescale",
        "reviseddeadline",
        "newtargetdate",
    ),
    "status": ("status", "progressstatus"),
    "rag": ("rag", "ragstatus", "ragrating"),
    "percent_complete": (
        "complete",
        "percentcomplete",
        "percentagecomplete",
        "done",
        "percentdone",
        "progresspercent",
    ),
    "completed_on": (
        "completedon",
        "datecompleted",
        "completiondate",
        "actualcompletiondate",
        "dateachieved",
    ),
    "progress": (
        "latestupdate",
        "progress",
        "update",
        "progressupdate",
        "progresstodate",
        "updatecomments",
        "comments",
        "comment",
    ),
    "notes": ("notes", "note", "remarks"),
    "update_date": ("latestupdatedate", "updatedate", "dateofupdate"),
    # Our own workbook's Progress sheet (docs/workbook.md). Last, so they never take a column
    # from the fields above.
    "update_id": ("updateid",),
    "reported_on": ("reportedon",),
    "date_as_written": ("dateaswritten",),
    "status_reported": ("statusreported",),
    "rag_reported": ("ragreported",),
    "percent_reported": ("completereported",),
    "no_change": ("nochange",),
    "reported_by": ("reportedby",),
}
OWN_WORKBOOK_FIELDS = {"action_id", "version"}
OWN_PROGRESS_FIELDS = {"action_id", "update_id"}

_SECTION_RE = re.compile(
    r"^(?:(?P<prefix>theme|criterion|key\s+topic|section)\s*)?"
    r"(?P<ref>\d{1,3}(?:\.\d{1,3})?)\s*[.):\-\u2013\u2014]?\s+(?P<title>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Section:
    """A theme named by a section row, a theme column or nothing at all."""

    reference: str = ""
    title: str = ""
    is_criterion: bool = False


@dataclass
class SourceRow:
    sheet: str
    number: int  # the row's number in its sheet, as the spreadsheet shows it
    values: dict[str, Any]  # field → cleaned value (text, int, float, date); blanks left out
    section: Section = field(default_factory=Section)
    part: int = 0  # the bullet of a Word cell holding several actions (1, 2, …), else 0
    # Council sheets also: "kept" → [(heading, text)] of columns kept in the notes,
    # "rag_colour" → the RAG a cell's colour says, "subheading" → a theme's sub-heading row.


@dataclass(eq=False)
class SourceSheet:
    """A sheet found to hold a plan. Its rows are not kept: `iter_rows()` reads the file again
    (it passed every check on the first read), so memory does not grow with the file."""

    name: str
    columns: dict[str, str]  # field → the heading as written
    reread: Callable[[], Iterator[SourceRow]]
    count: int  # rows read below the heading row (blank and section rows included)
    own: bool  # this product's own workbook (hidden Action id and Version columns)
    progress: bool = False  # our workbook's Progress sheet (hidden Update id and Action id)
    layout: list[Column] = field(default_factory=list)  # every column and what it maps to
    needs_action: bool = False  # headings found, but no column is the action's text

    def iter_rows(self) -> Iterator[SourceRow]:
        return self.reread()

    @property
    def rows(self) -> list[SourceRow]:
        """Every row, in a list: for small files and tests; the import streams iter_rows()."""
        return list(self.iter_rows())


@dataclass
class Source:
    filename: str
    sheets: list[SourceSheet]
    skipped: list[str]  # sheets not read, with why

    def sheets_named(self, mapping: Mapping[str, str], choice: str) -> list[str]:
        """The names of the sheets the user gave this choice (a mapping's sheet_key)."""
        return [s.name for s in self.sheets if mapping.get(sheet_key(s.name)) == choice]

    @property
    def row_count(self) -> int:
        return sum(sheet.count for sheet in self.sheets)


SKIP = "skip"  # the user's answer for a sheet without an action column: do not read it


def sheet_key(name: str) -> str:
    """The mapping key of a sheet-wide choice; a heading's key (letters, digits) never has ":"."""
    return f"sheet:{name}"


class LooseMapping(Mapping[str, str]):
    """The user's mapping, for reading a file again when none of its sheets has a heading row
    with three known columns: then two (no action column among them) are enough for the
    preview to ask which column holds the actions, instead of refusing the file."""

    loose = True

    def __init__(self, mapping: Mapping[str, str] | None) -> None:
        self.mapping = mapping if mapping is not None else {}
        self.remembered = getattr(mapping, "remembered", False)

    def __getitem__(self, heading: str) -> str:
        return self.mapping[heading]

    def __iter__(self) -> Iterator[str]:
        return iter(self.mapping)

    def __len__(self) -> int:
        return len(self.mapping)


def clean(value: Any) -> Any:
    """A cell as the import uses it: trimmed text without our formula guard, dates as dates."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value
    if isinstance(value, date | int | DocCell):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    text = _CONTROL_RE.sub("", str(value)).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        text = text[1:]  # the quote exports.safe_cell put in front (docs/workbook.md)
    return text or None


def heading_map(cells: Iterable[Any]) -> dict[str, int]:
    """field → column index, for a row read as headings; each field takes its best heading."""
    keys: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if isinstance(cell, str) and key(cell):
            keys.setdefault(key(cell), index)
    found: dict[str, int] = {}
    for name, spellings in HEADINGS.items():
        for spelling in spellings:
            if spelling in keys and keys[spelling] not in found.values():
                found[name] = keys[spelling]
                break
    # Our Plan sheet has "Owners" (the linked owners' labels) beside "Owners as written".
    labels = keys.get("owners")
    if "owners" in found and labels is not None and labels not in found.values():
        found["owner_labels"] = labels
    return found


def section_of(cells: list[Any], merged_across: bool) -> Section | None:
    """The theme a row starts, if it is a section row: one text, numbered or merged across."""
    texts = {cell for cell in cells if cell is not None}
    if len(texts) != 1:
        return None
    (text,) = texts
    if not isinstance(text, str):
        return None
    match = _SECTION_RE.match(text)
    if match:
        title = " ".join(match["title"].split())[:300]
        is_criterion = (match["prefix"] or "").casefold() == "criterion"
        return Section(match["ref"], title, is_criterion)
    if merged_across:
        return Section("", " ".join(text.split())[:300])
    return None


class CellTooLong(ImportRefused):
    """A cell longer than a spreadsheet cell can hold: the file is damaged or not a plan."""

    def __init__(self, sheet: str, number: int) -> None:
        super().__init__(
            f"Sheet “{sheet}” row {number} has a cell longer than a spreadsheet cell can hold: "
            "the file is damaged or not a plan."
        )
        self.number = number


class Merges:
    """Merged ranges of one sheet, filling every cell of a merge with its top-left value."""

    def __init__(self, ranges: list[tuple[int, int, int, int]]) -> None:
        # (min_col, min_row, max_col, max_row), by first row; rows are read in order.
        self.waiting = sorted(ranges, key=lambda r: r[1], reverse=True)
        self.active: list[tuple[tuple[int, int, int, int], Any]] = []

    def fill(self, number: int, cells: list[Any]) -> bool:
        """Fill row `number` in place; True when a merge spans several columns of it."""
        self.active = [(r, v) for r, v in self.active if r[3] >= number]
        while self.waiting and self.waiting[-1][1] <= number:
            merge = self.waiting.pop()
            if merge[1] == number and merge[0] <= MAX_COLUMNS:
                top_left = cells[merge[0] - 1] if merge[0] <= len(cells) else None
                self.active.append((merge, top_left))
        across = False
        for (min_col, _, max_col, _), value in self.active:
            last = min(max_col, MAX_COLUMNS)
            if len(cells) < last:
                cells.extend([None] * (last - len(cells)))
            for column in range(min_col, last + 1):
                cells[column - 1] = value
            across = across or max_col > min_col
        return across


class RowScan:
    """One pass over a sheet's rows: finds the heading row, then yields the rows below it.

    `mapping` (heading key → field, columns.KEEP or columns.IGNORE) is the user's reading of
    a council sheet's columns; our own workbook is always read by its own headings.
    """

    def __init__(
        self,
        name: str,
        rows: Iterator[list[Any]],
        merges: Merges | None,
        limits: Limits,
        mapping: Mapping[str, str] | None = None,
        colour_columns: set[int] | None = None,
    ) -> None:
        self.name, self.rows, self.merges, self.limits = name, rows, merges, limits
        self.mapping = mapping if mapping is not None else {}
        self.columns: dict[str, int] = {}
        self.headings: list[Any] = []
        self.layout: list[Column] = []
        self.heading_keys: list[str] = []
        self.own = self.needs_action = False
        self.count = 0
        self.colour_columns = colour_columns if colour_columns is not None else set()
        self.number = 0  # rows read
        self.done = False  # no heading row among the first rows: the rest is not read
        self.section = Section()
        self.shaper: CouncilRows | None = None

    def _heading(self, cells: list[Any]) -> bool:
        found = heading_map(cells)
        own = set(found) >= OWN_WORKBOOK_FIELDS or set(found) >= OWN_PROGRESS_FIELDS
        columns, layout = mapped_columns(found, cells, {} if own else self.mapping)
        if "description" in columns and len(columns) >= 2:
            pass
        elif not own and len(columns) >= (2 if getattr(self.mapping, "loose", False) else 3):
            self.needs_action = True  # the user must say which column holds the actions
        else:
            return False
        self.columns.update(columns)
        self.own, self.layout, self.headings = own, layout, cells
        self.heading_keys = [key(_text(c)) for c in cells]
        self.colour_columns.update(i for f, i in columns.items() if f in ("rag", "status"))
        return True

    def __iter__(self) -> Iterator[SourceRow]:
        for raw in self.rows:
            yield from self.step(raw)
            if self.done:
                return

    def step(self, raw: Any) -> Iterator[SourceRow]:
        """The plan's rows in the sheet's next row (several for a Word cell of bullets)."""
        self.number += 1
        name, number, columns = self.name, self.number, self.columns
        if columns:
            self.count += 1  # rows below the heading row
            if self.count > self.limits.max_rows:
                raise too_many_rows(self.limits)
        cells = [clean(value) for value in raw[:MAX_COLUMNS]]
        if any(isinstance(c, str | DocCell) and len(c) > MAX_CELL_CHARS for c in cells):
            raise CellTooLong(name, number)
        merges = self.merges
        across = merges.fill(number, cells) if merges else getattr(raw, "across", False)
        if not columns:
            if self._heading(cells):
                self.shaper = None if self.own else CouncilRows(columns, self.layout)
            elif number >= HEADING_SEARCH_ROWS:
                self.done = True
            return
        if all(c is None for c in cells) or self.needs_action:
            return
        shaper = self.shaper
        if shaper is None:
            new_section = section_of(cells, across)
            if new_section is not None:
                self.section = new_section
                return
            values = {
                f: cells[i] for f, i in columns.items() if i < len(cells) and cells[i] is not None
            }
            if values:
                yield SourceRow(name, number, values, self.section)
            return
        if self._heading_again(cells):
            return  # the heading row again, as printed at the top of each page
        new_section = section_of(cells, across)
        numbered = new_section is not None and new_section.reference
        if new_section is not None and (numbered or not shaper.outcome_row(cells, raw)):
            self.section = new_section
            shaper.new_section()
            return
        for values in shaper.rows(cells, raw, across):
            yield SourceRow(name, number, values, self.section, values.pop("part", 0))

    def continued(self) -> RowScan:
        """A copy of this scan to read on into rows that may turn out not to be this sheet's
        (a Word table that may continue the one before it)."""
        scan = copy.copy(self)
        scan.columns, scan.colour_columns = dict(self.columns), set(self.colour_columns)
        if self.shaper is not None:
            scan.shaper = copy.copy(self.shaper)
            scan.shaper.carry = dict(self.shaper.carry)
        return scan

    def _heading_again(self, cells: list[Any]) -> bool:
        """The heading row repeated: first one cell, then (rarely) all of them."""
        index = self.columns.get("description", min(self.columns.values()))
        cell = cells[index] if index < len(cells) else None
        if not isinstance(cell, str) or key(cell) != self.heading_keys[index]:
            return False
        keys = [key(_text(c)) for c in cells[: len(self.heading_keys)]]
        return keys == self.heading_keys and not any(cells[len(self.heading_keys) :])


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def sheet_from_rows(
    name: str,
    rows: Iterator[list[Any]],
    merges: Merges | None,
    limits: Limits,
    reread: Callable[[], Iterator[SourceRow]],
    mapping: Mapping[str, str] | None = None,
) -> SourceSheet | str:
    """Check every row and find the headings; a string says why the sheet was skipped."""
    scan = RowScan(name, rows, merges, limits, mapping)
    for _ in scan:
        pass
    return sheet_of(scan, reread)


def sheet_of(scan: RowScan, reread: Callable[[], Iterator[SourceRow]]) -> SourceSheet | str:
    """The sheet a finished scan found, or why it was skipped."""
    if not scan.columns:
        return f"“{scan.name}”: no heading row naming an Action or Description column"
    columns = scan.columns
    return SourceSheet(
        name=scan.name,
        columns={f: _text(scan.headings[i]) for f, i in columns.items()},
        reread=reread,
        count=scan.count,
        own=set(columns) >= OWN_WORKBOOK_FIELDS,
        progress=set(columns) >= OWN_PROGRESS_FIELDS and "version" not in columns,
        layout=[] if scan.own else scan.layout,
        needs_action=scan.needs_action,
    )
