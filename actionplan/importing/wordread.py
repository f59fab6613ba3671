"""A Word plan (.docx) read into sheets: each plan table (consecutive tables of the same width
joined) checked row by row in the one streaming pass that also finds its shape, then read
again, streaming, when the import asks for its rows. wordtables.py reads the document's XML.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from actionplan.importing.safety import ImportRefused, Limits, check_zip, too_many_rows
from actionplan.importing.sheets import (
    HEADING_SEARCH_ROWS,
    CellTooLong,
    RowScan,
    Source,
    SourceRow,
    SourceSheet,
    sheet_of,
)
from actionplan.importing.wordtables import DocCell, RawRow, WordTable, table_rows


def read_docx(
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
            return iter(RowScan(table.name, table.rows(data), None, limits, mapping))

        read = sheet_of(group.reading.scan, reread)
        (skipped.append(read) if isinstance(read, str) else sheets.append(read))
    if not groups:
        skipped.append("The document has no tables: a Word plan is read from its tables.")
    return Source(filename, sheets, skipped)


@dataclass
class _Reading:
    """A scan of a Word table's rows, and the refusal it met (raised once the document is
    read: whether a table continues the one before is known only at its end)."""

    scan: RowScan
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
        own = RowScan(f"Table {number}", iter(()), None, self.limits, self.mapping)
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
