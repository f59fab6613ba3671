"""A Word plan (.docx): every table of the document as rows of cells, for reader.py.

Most councils keep their plan as Word tables (seeds 001 and 003 were). Each table row becomes
a row of cells by the table's grid: a cell spanning several grid columns (merged across) fills
each of them and marks the row as merged across; a cell merged down repeats the value of the
cell it continues. Consecutive tables with the same number of columns are one plan (a table
broken across pages, its heading row repeated or not). Paragraphs with a list style or
numbering, or opening with a bullet character, are bullets: a cell holding several bullets
in the action column holds several actions (reader.py splits them).

The file passed safety.check_zip (kind "docx") before python-docx parses a byte of it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from actionplan.importing.safety import MAX_COLUMNS, ImportRefused

BULLET_CHARACTERS = ("·", "•", "▪", "‣", "◦", "●", "○", "■", "□", "–", "-", "*")
MAX_TABLE_ROWS_CHECKED = 1_000_000


@dataclass(frozen=True)
class DocCell:
    """A cell of a Word table that holds bullets, or lines with blank ones between (kept, as
    they place each line beside its bullet): its paragraphs as (text, is a bullet)."""

    paragraphs: tuple[tuple[str, bool], ...]

    @property
    def text(self) -> str:
        return "\n".join(text for text, _ in self.paragraphs if text)

    @property
    def has_bullets(self) -> bool:
        return any(bullet for _, bullet in self.paragraphs)

    def __str__(self) -> str:
        return self.text

    def __len__(self) -> int:
        return len(self.text)


class RawRow(list):
    """A row's cell values, with what the file says about the row beyond its values."""

    across: bool = False  # a cell of the row spans several columns
    bulleted: frozenset[int] = frozenset()  # columns of this table that hold bullets
    colours: dict[int, str]

    def __init__(self, values: Any = (), *, across: bool = False, colours=None) -> None:
        super().__init__(values)
        self.across = across
        self.colours = colours or {}


@dataclass
class WordTable:
    """Consecutive tables with the same number of columns: one plan table."""

    name: str
    rows: list[RawRow]


def _paragraph(p: Any) -> tuple[str, bool]:
    text = Paragraph(p, None).text.strip()
    ppr = p.pPr
    bullet = ppr is not None and (
        ppr.numPr is not None
        or "list" in (ppr.pStyle.val if ppr.pStyle is not None else "").lower()
    )
    if text[:1] in BULLET_CHARACTERS and text[1:2] in (" ", "\t", "\u00a0"):
        text, bullet = text[1:].strip(), True
    return text, bullet


def _cell_value(tc: Any) -> str | DocCell | None:
    paragraphs = tuple(map(_paragraph, tc.iter(qn("w:p"))))
    filled = [text for text, _ in paragraphs if text]
    if not filled:
        return None
    if any(bullet for _, bullet in paragraphs):
        return DocCell(tuple((text, bullet) for text, bullet in paragraphs if text or not bullet))
    if len(filled) < len(paragraphs) and len(filled) > 1 or paragraphs[0][0] == "":
        return DocCell(paragraphs)  # blank lines placing the others: kept for pairing
    return "\n".join(filled)


def _colour(tc: Any) -> str | None:
    shading = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    fill = shading.get(qn("w:fill")) if shading is not None else None
    return fill if fill and fill.lower() != "auto" else None


def _rows(tbl: Any) -> Iterator[RawRow]:
    above: dict[int, tuple[Any, str | None]] = {}  # grid column → (value, colour) of the row above
    for tr in tbl.iterchildren(qn("w:tr")):
        row = RawRow()
        column = 0
        for tc in tr.iterchildren(qn("w:tc")):
            span = max(1, min(tc.grid_span, MAX_COLUMNS))
            merge = tc.vMerge
            if merge is not None and merge != "restart":
                value, colour = above.get(column, (None, None))
            else:
                value, colour = _cell_value(tc), _colour(tc)
            for _ in range(span):
                if column < MAX_COLUMNS:
                    row.append(value)
                    if colour:
                        row.colours[column] = colour
                    above[column] = (value, colour)
                column += 1
            row.across = row.across or span > 1
        yield row


def word_tables(data: bytes) -> list[WordTable]:
    """The document's tables, those with the same number of columns in a row joined."""
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds for a damaged file
        raise ImportRefused(
            "The file is not a readable Word document (.docx): it may be damaged "
            f"({type(error).__name__})."
        ) from error
    tables: list[WordTable] = []
    width = None
    for number, tbl in enumerate(document.element.body.iterchildren(qn("w:tbl")), 1):
        rows = list(_rows(tbl))
        if not rows:
            continue
        row_width = max(len(row) for row in rows)
        if tables and row_width == width:
            tables[-1].rows.extend(rows)
            tables[-1].name = f"{tables[-1].name.split('–')[0]}–{number}"
        else:
            tables.append(WordTable(f"Table {number}", rows))
        width = row_width
    for table in tables:
        bulleted = frozenset(
            index
            for row in table.rows
            for index, value in enumerate(row)
            if isinstance(value, DocCell) and value.has_bullets
        )
        for row in table.rows:
            row.bulleted = bulleted
    return tables
