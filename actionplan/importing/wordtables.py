"""A Word plan (.docx): every table of the document as rows of cells, for wordread.py.

Most councils keep their plan as Word tables (seeds 001 and 003 were). Each table row becomes
a row of cells by the table's grid: a cell spanning several grid columns (merged across) fills
each of them and marks the row as merged across; a cell merged down repeats the value of the
cell it continues. Consecutive tables with the same number of columns are one plan (a table
broken across pages, its heading row repeated or not). Paragraphs with a list style or
numbering, or opening with a bullet character, are bullets: a cell holding several bullets
in the action column holds several actions (sheets.py splits them).

The file passed safety.check_zip (kind "docx") before a byte of its XML is parsed. The
document part is then read with lxml's iterparse, a table row at a time (each row let go once
read), not through python-docx's object model: building python-docx's proxies for every cell
and run was most of the time of a Word import (docs/import.md, Speed). The text of a
paragraph is what python-docx's `Paragraph.text` gives (runs, also inside hyperlinks, inserted
text and content controls; tabs and line breaks), so the same tables read the same.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from lxml import etree

from actionplan.importing.safety import MAIN_PART, MAX_COLUMNS, ImportRefused

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY, _TBL, _TR, _TC, _P, _R, _T = (W + n for n in ("body", "tbl", "tr", "tc", "p", "r", "t"))
_BR = W + "br"
_RUN_CHARACTERS = {W + "tab": "\t", W + "ptab": "\t", W + "cr": "\n", W + "noBreakHyphen": "-"}
# Where a paragraph's runs may sit besides the paragraph itself (deleted text is not read).
_RUN_HOLDERS = {
    W + name
    for name in ("hyperlink", "ins", "smartTag", "sdt", "sdtContent", "fldSimple", "customXml")
}

BULLET_CHARACTERS = ("·", "•", "▪", "‣", "◦", "●", "○", "■", "□", "–", "-", "*")


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
    """Consecutive tables with the same number of columns: one plan table (wordread.py finds
    them). Its rows are not kept: `rows()` reads them from the document again, as a
    workbook's sheet is read twice."""

    name: str
    numbers: list[int]  # the body's tables it joins (1, 2, …)
    count: int  # rows
    bulleted: frozenset[int] = frozenset()  # columns that hold bullets in any of its rows

    def rows(self, data: bytes) -> Iterator[RawRow]:
        for _, row in table_rows(data, set(self.numbers)):
            row.bulleted = self.bulleted
            yield row


def _runs_text(element: Any, parts: list[str]) -> None:
    for child in element:
        if child.tag == _R:
            for piece in child:
                tag = piece.tag
                if tag == _T:
                    parts.append(piece.text or "")
                elif tag == _BR:
                    parts.append("" if piece.get(W + "type") in ("page", "column") else "\n")
                elif tag in _RUN_CHARACTERS:
                    parts.append(_RUN_CHARACTERS[tag])
        elif child.tag in _RUN_HOLDERS:
            _runs_text(child, parts)


def _paragraph(p: Any) -> tuple[str, bool]:
    parts: list[str] = []
    _runs_text(p, parts)
    text = "".join(parts).strip()
    ppr = p.find(W + "pPr")
    style = ppr.find(W + "pStyle") if ppr is not None else None
    bullet = ppr is not None and (
        ppr.find(W + "numPr") is not None
        or "list" in ((style.get(W + "val") or "") if style is not None else "").lower()
    )
    if text[:1] in BULLET_CHARACTERS and text[1:2] in (" ", "\t", "\u00a0"):
        text, bullet = text[1:].strip(), True
    return text, bullet


def _cell_value(tc: Any) -> str | DocCell | None:
    paragraphs = tuple(map(_paragraph, tc.iter(_P)))
    filled = [text for text, _ in paragraphs if text]
    if not filled:
        return None
    if any(bullet for _, bullet in paragraphs):
        return DocCell(tuple((text, bullet) for text, bullet in paragraphs if text or not bullet))
    if len(filled) < len(paragraphs) and len(filled) > 1 or paragraphs[0][0] == "":
        return DocCell(paragraphs)  # blank lines placing the others: kept for pairing
    return "\n".join(filled)


def _colour(tcpr: Any) -> str | None:
    shading = tcpr.find(W + "shd") if tcpr is not None else None
    fill = shading.get(W + "fill") if shading is not None else None
    return fill if fill and fill.lower() != "auto" else None


def _span(tcpr: Any) -> int:
    found = tcpr.find(W + "gridSpan") if tcpr is not None else None
    try:
        span = int(found.get(W + "val")) if found is not None else 1
    except (TypeError, ValueError):
        span = 1
    return max(1, min(span, MAX_COLUMNS))


def _merge(tcpr: Any) -> str | None:
    """A cell's vertical merge: None, "restart" (the first cell) or "continue"."""
    found = tcpr.find(W + "vMerge") if tcpr is not None else None
    return None if found is None else (found.get(W + "val") or "continue")


def _row(tr: Any, above: dict[int, tuple[Any, str | None]]) -> RawRow:
    """A table row by the grid; `above`: grid column → (value, colour) of the row above."""
    row = RawRow()
    column = 0
    for tc in tr.iterchildren(_TC):
        tcpr = tc.find(W + "tcPr")
        span = _span(tcpr)
        merge = _merge(tcpr)
        if merge is not None and merge != "restart":
            value, colour = above.get(column, (None, None))
        else:
            value, colour = _cell_value(tc), _colour(tcpr)
        for _ in range(span):
            if column < MAX_COLUMNS:
                row.append(value)
                if colour:
                    row.colours[column] = colour
                above[column] = (value, colour)
            column += 1
        row.across = row.across or span > 1
    return row


def _document_xml(data: bytes) -> IO[bytes]:
    """The document part of the .docx, as a stream (safety.check_zip found it)."""
    return zipfile.ZipFile(io.BytesIO(data)).open(MAIN_PART["docx"])


def _body_rows(xml: IO[bytes], wanted: set[int] | None) -> Iterator[tuple[int, RawRow]]:
    """(table number, row) for the rows of the body's tables (only the `wanted` ones), in
    order; each row is read as it ends and then let go, and so is everything else of the body
    once passed. Reading stops after the last wanted table."""
    depth = number = 0
    current: int | None = None  # the number of the body's table being read, if wanted
    above: dict[int, tuple[Any, str | None]] = {}
    last = max(wanted) if wanted else None
    # Events for tables, rows and paragraphs only: an event for every run and text element
    # was half the time of a reading (docs/import.md, Speed).
    parser = etree.iterparse(
        xml,
        events=("start", "end"),
        tag=(_TBL, _TR, _P),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
    )
    for event, element in parser:
        tag = element.tag
        if tag == _TBL and event == "start":
            depth += 1
            parent = element.getparent()
            if depth == 1 and parent is not None and parent.tag == _BODY:
                number += 1
                if last is not None and number > last:
                    return
                current = number if wanted is None or number in wanted else None
                above = {}
            continue
        if event != "end":
            continue
        if tag == _TR and depth == 1 and current is not None:
            yield current, _row(element, above)
            _let_go(element)
        elif tag == _TBL:
            depth -= 1
            if depth == 0:
                current = None
        parent = element.getparent()
        if parent is not None and parent.tag == _BODY:
            _let_go(element)  # and whatever else of the body came before it


def _let_go(element: Any) -> None:
    """Free a read element and the siblings before it (iterparse keeps the tree otherwise)."""
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]


def table_rows(data: bytes, wanted: set[int] | None = None) -> Iterator[tuple[int, RawRow]]:
    """(table number, row) for each row of the body's tables, or of the `wanted` ones."""
    try:
        with _document_xml(data) as xml:
            yield from _body_rows(xml, wanted)
    except Exception as error:  # zipfile and lxml raise many kinds for a damaged file
        raise ImportRefused(
            "The file is not a readable Word document (.docx): it may be damaged "
            f"({type(error).__name__})."
        ) from error
