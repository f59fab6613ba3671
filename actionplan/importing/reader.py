"""An uploaded plan (.xlsx, .csv or .docx) as sheets of rows keyed by what each column means.

sheets.py finds the headings and reads the rows; this module opens workbooks (merged cells
found by scanning the sheet's XML) and CSV files, and wordread.py Word documents.
Everything here runs after safety.py's checks; any failure to read is an ImportRefused.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from actionplan.importing.safety import (
    MAX_COLUMNS,
    ImportRefused,
    Limits,
    check_zip,
    csv_rows,
    decode_csv,
    file_kind,
    too_many_rows,
)
from actionplan.importing.sheets import (
    HEADING_SEARCH_ROWS,
    SKIP,
    LooseMapping,
    Merges,
    RowScan,
    Source,
    SourceRow,
    SourceSheet,
    sheet_from_rows,
)
from actionplan.importing.wordread import read_docx
from actionplan.importing.wordtables import RawRow

MAX_MERGES = 20_000
# A sheet's XML is scanned for merges this much at a time: 1 MiB chunks (three copies alive)
# were most of a 5,000-row sheet's preview peak (docs/import.md, Speed).
MERGE_SCAN_BYTES = 64 * 1024
_MERGE_RE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')


def _merged_ranges(archive: zipfile.ZipFile, path: str, limits: Limits) -> Merges:
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
    return Merges(list(dict.fromkeys(ranges)))


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
        yield from RowScan(title, _sheet_rows(ws, colours), merges, limits, mapping, colours)

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
            read = sheet_from_rows(ws.title, rows, merges, limits, reread, mapping)
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
        return iter(RowScan(name, rows(), None, limits, mapping))

    read = sheet_from_rows(name, rows(), None, limits, reread, mapping)
    if isinstance(read, str):
        return Source(filename, [], [read])
    return Source(filename, [read], [])


READERS = {"xlsx": _read_xlsx, "docx": read_docx, "csv": _read_csv}


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
