"""An uploaded spreadsheet (.xlsx or .csv) as sheets of rows keyed by what each column means.

Council plans come in many layouts, so columns are found by their headings, matched without
regard to case, spaces or punctuation ("Responsible officer(s) / group" is the owners,
"Target Completion Date" the target). The heading row is the first of the top rows that names
an action column. Below it, a row holding only "1. Local Access Points" (or "Criterion 2 –
…", or one title merged across the row) starts a theme. Merged cells are read as if every
cell of the merge held the value. Our own workbook (docs/workbook.md) is recognised by its
hidden "Action id" and "Version" columns; then only those sheets are read.

Everything here runs after safety.py's checks; any failure to read is an ImportRefused.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from actionplan.importing.columns import Column, key, mapped_columns
from actionplan.importing.councilrows import CouncilRows
from actionplan.importing.safety import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    ImportRefused,
    Limits,
    check_zip,
    csv_rows,
    decode_csv,
    file_kind,
    too_many_rows,
)
from actionplan.importing.wordtables import (
    DocCell,
    RawRow,
    WordTable,
    table_rows,
)

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
# A sheet's XML is scanned for merges this much at a time: 1 MiB chunks (three copies alive)
# were most of a 5,000-row sheet's preview peak (docs/import.md, Speed).
MERGE_SCAN_BYTES = 64 * 1024
_MERGE_RE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')


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


class _Merges:
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


def _merged_ranges(archive: zipfile.ZipFile, path: str, limits: Limits) -> _Merges:
    """The sheet's <mergeCell> refs, found by scanning its XML in chunks (bounded by check_zip)."""
    ranges: list[tuple[int, int, int, int]] = []
    tail = b""
    with archive.open(path.lstrip("/")) as member:
        while chunk := member.read(MERGE_SCAN_BYTES):
            data = tail + chunk
            counted = 0  # where the last match counted ends
            for match in _MERGE_RE.finditer(data):
                counted = match.end()
                ref = match.group(1).decode()
                min_col, min_row, max_col, max_row = range_boundaries(ref)
                if min_row <= limits.max_rows + HEADING_SEARCH_ROWS:
                    ranges.append((min_col, min_row, max_col, max_row))
                if len(ranges) > MAX_MERGES:
                    raise ImportRefused("The workbook has too many merged cells to be a plan.")
            tail = data[max(counted, len(data) - 100) :]  # a ref cut by the chunk's end
    return _Merges(list(dict.fromkeys(ranges)))


class _Scan:
    """One pass over a sheet's rows: finds the heading row, then yields the rows below it.

    `mapping` (heading key → field, columns.KEEP or columns.IGNORE) is the user's reading of
    a council sheet's columns; our own workbook is always read by its own headings.
    """

    def __init__(
        self,
        name: str,
        rows: Iterator[list[Any]],
        merges: _Merges | None,
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

    def continued(self) -> _Scan:
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


def _sheet_from_rows(
    name: str,
    rows: Iterator[list[Any]],
    merges: _Merges | None,
    limits: Limits,
    reread: Callable[[], Iterator[SourceRow]],
    mapping: Mapping[str, str] | None = None,
) -> SourceSheet | str:
    """Check every row and find the headings; a string says why the sheet was skipped."""
    scan = _Scan(name, rows, merges, limits, mapping)
    for _ in scan:
        pass
    return _sheet_of(scan, reread)


def _sheet_of(scan: _Scan, reread: Callable[[], Iterator[SourceRow]]) -> SourceSheet | str:
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


def _open_workbook(data: bytes) -> Any:
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except ImportRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused(
            "The file is not a readable Excel workbook: it may be damaged or not really a "
            f"workbook ({type(error).__name__})."
        ) from error


def _sheet_rows(ws: Any, colour_columns: set[int]) -> Iterator[RawRow]:
    """The sheet's rows of values; the fill colour of the cells in `colour_columns` (the RAG
    or Status column, filled in once the heading row is found) is kept beside them."""
    for cells in ws.iter_rows(max_col=MAX_COLUMNS):
        values = [getattr(cell, "value", None) for cell in cells]
        while values and values[-1] is None:  # rows come padded to the widest row
            values.pop()
        row = RawRow(values)
        for index in colour_columns:
            cell = cells[index] if index < len(cells) else None
            if cell is not None and getattr(cell, "has_style", False):
                fill = cell.fill
                colour = fill.fgColor if fill.fill_type == "solid" else None
                if colour is not None and colour.type == "rgb" and isinstance(colour.rgb, str):
                    row.colours[index] = colour.rgb
        yield row


def _xlsx_rereader(
    workbook: Any, data: bytes, title: str, limits: Limits, mapping: Mapping[str, str] | None
) -> Callable[[], Iterator[SourceRow]]:
    """Read one sheet's rows again, streaming: the second pass over a checked file. The
    read-only workbook of the first pass is reused (its shared strings are parsed once); it
    holds only the bytes in memory, no file."""

    def reread() -> Iterator[SourceRow]:
        ws = workbook[title]
        merges = _merged_ranges(zipfile.ZipFile(io.BytesIO(data)), ws._worksheet_path, limits)
        colours: set[int] = set()
        yield from _Scan(title, _sheet_rows(ws, colours), merges, limits, mapping, colours)

    return reread


def _read_xlsx(
    filename: str, data: bytes, limits: Limits, mapping: Mapping[str, str] | None
) -> Source:
    check_zip(data, limits)
    workbook = _open_workbook(data)
    sheets: list[SourceSheet] = []
    skipped: list[str] = []
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        for ws in workbook.worksheets:
            if ws.sheet_state != "visible":
                skipped.append(f"“{ws.title}”: hidden")
                continue
            declared = ws.max_row or 0
            if declared > limits.max_rows + HEADING_SEARCH_ROWS:
                raise too_many_rows(limits)
            merges = _merged_ranges(archive, ws._worksheet_path, limits)
            reread = _xlsx_rereader(workbook, data, ws.title, limits, mapping)
            rows = _sheet_rows(ws, set())
            read = _sheet_from_rows(ws.title, rows, merges, limits, reread, mapping)
            (skipped.append(read) if isinstance(read, str) else sheets.append(read))
    except ImportRefused:
        workbook.close()
        raise
    except Exception as error:
        workbook.close()
        raise ImportRefused(
            f"The workbook could not be read: it may be damaged ({type(error).__name__})."
        ) from error
    if not sheets:
        workbook.close()
    return Source(filename, sheets, skipped)


def _read_csv(
    filename: str, data: bytes, limits: Limits, mapping: Mapping[str, str] | None
) -> Source:
    name = filename.rsplit("/", 1)[-1] or "CSV"

    def rows() -> Iterator[list[str]]:
        return iter(csv_rows(decode_csv(data), limits))

    def reread() -> Iterator[SourceRow]:
        return iter(_Scan(name, rows(), None, limits, mapping))

    read = _sheet_from_rows(name, rows(), None, limits, reread, mapping)
    if isinstance(read, str):
        return Source(filename, [], [read])
    return Source(filename, [read], [])


def _read_docx(
    filename: str, data: bytes, limits: Limits, mapping: Mapping[str, str] | None
) -> Source:
    check_zip(data, limits, kind="docx")
    most = limits.max_rows + HEADING_SEARCH_ROWS
    checks = _WordChecks(limits, mapping)
    for total, (number, row) in enumerate(table_rows(data), 1):
        if total > most:
            raise too_many_rows(limits)
        checks.read(number, row)
    groups = checks.finish()
    sheets: list[SourceSheet] = []
    skipped: list[str] = []
    for group in groups:
        table = group.table

        def reread(table: WordTable = table) -> Iterator[SourceRow]:
            return iter(_Scan(table.name, table.rows(data), None, limits, mapping))

        read = _sheet_of(group.reading.scan, reread)
        (skipped.append(read) if isinstance(read, str) else sheets.append(read))
    if not groups:
        skipped.append("The document has no tables: a Word plan is read from its tables.")
    return Source(filename, sheets, skipped)


@dataclass
class _Reading:
    """A scan of a Word table's rows, and the refusal it met (raised once the document is
    read: whether a table continues the one before is known only at its end)."""

    scan: _Scan
    refusal: ImportRefused | None = None

    def feed(self, row: RawRow) -> None:
        if self.refusal is not None or self.scan.done:
            return  # the scan stopped here
        try:
            for _ in self.scan.step(row):
                pass
        except ImportRefused as error:
            self.refusal = error


@dataclass
class _WordGroup:
    """Consecutive tables of the same width (one plan table) and its scan."""

    table: WordTable
    width: int
    reading: _Reading


class _WordChecks:
    """Every table of a Word document checked in the one reading that also finds their
    shape (width, rows, columns with bullets). A table joins the one before when it has as
    many columns, which is known only at its end, so its rows are scanned both as a table of
    its own and as the rest of the one before (a copy of that scan), and one of the two is
    kept. The checks do not depend on which columns hold bullets (only the rows the scan
    yields do, and these are read again for the comparison, with the table's shape known)."""

    def __init__(self, limits: Limits, mapping: Mapping[str, str] | None) -> None:
        self.limits, self.mapping = limits, mapping
        self.groups: list[_WordGroup] = []
        self.number: int | None = None  # the body table being read
        self.width = self.count = 0
        self.bulleted: set[int] = set()
        self.alone: _Reading | None = None
        self.joined: _Reading | None = None  # None: no scan to continue (or no table before)

    def read(self, number: int, row: RawRow) -> None:
        if number != self.number:
            self._end_table()
            self._start_table(number)
        self.width, self.count = max(self.width, len(row)), self.count + 1
        for index, value in enumerate(row):
            if isinstance(value, DocCell) and value.has_bullets:
                self.bulleted.add(index)
        for reading in (self.alone, self.joined):
            if reading is not None:
                reading.feed(row)

    def finish(self) -> list[_WordGroup]:
        """The plan tables; the first refusal met in them raised."""
        self._end_table()
        for group in self.groups:
            group.reading.scan.name = group.table.name  # named by all the tables it joins
            refusal = group.reading.refusal
            if isinstance(refusal, CellTooLong):
                raise CellTooLong(group.table.name, refusal.number)
            if refusal is not None:
                raise refusal
        return self.groups

    def _start_table(self, number: int) -> None:
        self.number, self.width, self.count, self.bulleted = number, 0, 0, set()
        own = _Scan(f"Table {number}", iter(()), None, self.limits, self.mapping)
        self.alone, self.joined = _Reading(own), None
        before = self.groups[-1].reading if self.groups else None
        if before is not None and before.refusal is None and not before.scan.done:
            self.joined = _Reading(before.scan.continued())

    def _end_table(self) -> None:
        number = self.number
        if number is None or self.alone is None:
            return
        before = self.groups[-1] if self.groups else None
        if before is not None and before.width == self.width:
            table = before.table
            table.numbers.append(number)
            table.count += self.count
            table.bulleted |= self.bulleted
            table.name = f"{table.name.split('–')[0]}–{number}"
            if self.joined is not None:
                before.reading = self.joined
        else:
            table = WordTable(f"Table {number}", [number], self.count, frozenset(self.bulleted))
            self.groups.append(_WordGroup(table, self.width, self.alone))
        self.number = None


READERS = {"xlsx": _read_xlsx, "docx": _read_docx, "csv": _read_csv}


def read_upload(
    filename: str,
    data: bytes,
    limits: Limits | None = None,
    *,
    mapping: Mapping[str, str] | None = None,
) -> Source:
    """The file's sheets of rows; ImportRefused (and nothing else) for anything unreadable.

    `mapping`: the user's reading of a council sheet's columns (heading key → field,
    columns.KEEP or columns.IGNORE), applied over the headings' own meaning.
    """
    limits = limits or Limits.from_settings()
    kind = file_kind(filename, data, limits)
    source = READERS[kind](filename, data, limits, mapping)
    if not source.sheets:  # no heading row with three known columns: look for two
        source = READERS[kind](filename, data, limits, LooseMapping(mapping))
    own = [sheet for sheet in source.sheets if sheet.own or sheet.progress]
    if own:  # our workbook: its Plan and Progress sheets are read; Changes is a report
        source.skipped += [f"“{s.name}”: a report sheet" for s in source.sheets if s not in own]
        source.sheets = own
    # A sheet without an action column stays: the preview asks which column holds its
    # actions, or whether to skip it (the user's answer is in the mapping: sheet_key).
    # (Skips are never remembered: a remembered mapping is not asked, which saves its query.)
    chosen = mapping is not None and not getattr(mapping, "remembered", False)
    skipped = set(source.sheets_named(mapping, SKIP)) if chosen else set()
    if skipped:
        source.skipped += [f"“{name}”: skipped, as you chose" for name in skipped]
        source.sheets = [sheet for sheet in source.sheets if sheet.name not in skipped]
        if not source.sheets:
            raise ImportRefused(
                "You chose to skip every sheet and table of the file, so there is nothing to "
                "import. Upload the file again to choose differently."
            )
    if not source.sheets:
        raise ImportRefused(
            "No sheet or table in the file has a heading row with an “Action” (or "
            "“Description”) column and at least one other known column, such as “Ref”, "
            "“Owner” or “Target date”."
        )
    return source
