"""What each column of a council's sheet or Word table means, as read and as the user maps it.

The reader guesses from the headings (sheets.HEADINGS); the preview shows every column with
that reading and lets the user change it (reference, action, owner, target, …, "kept in the
notes", "ignored"). The choice is a mapping from a heading, compared by columns.key(), to a
field; it is remembered for the organisation (mappings.py). A column that is neither mapped
nor ignored is kept: its text goes into the action's notes under its heading, so nothing a
council wrote is dropped silently.

Also here: the small readings of a council row's text that are not values of one cell: a
reference at the start of the action text ("1.1 Map …", "(a) …").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

KEEP = "keep"
IGNORE = "ignore"

# The choices of the mapping step, in the order the select shows them.
CHOICES: tuple[tuple[str, str], ...] = (
    ("reference", "Reference"),
    ("description", "Action"),
    ("owners", "Owner(s)"),
    ("unit", "Directorate or service"),
    ("target", "Target date"),
    ("revised_target", "Revised target date"),
    ("status", "Status"),
    ("rag", "RAG"),
    ("percent_complete", "% complete"),
    ("progress", "Progress update"),
    ("update_date", "Date of the progress update"),
    ("completed_on", "Completion date"),
    ("notes", "Notes"),
    ("theme", "Theme or section"),
    ("theme_ref", "Theme reference"),
    ("project", "Project or outcome"),
    ("project_ref", "Project reference"),
    (KEEP, "Kept in the notes"),
    (IGNORE, "Ignored"),
)
CHOICE_LABELS = dict(CHOICES)
FIELDS = {value for value, _ in CHOICES} - {KEEP, IGNORE}

_REFERENCE_RE = re.compile(
    r"^(?P<ref>"
    r"\d{1,3}(?:\.\d{1,3})+\.?"  # 1.1, 1.1.2
    r"|\d{1,3}\s?\([a-z0-9]{1,4}\)"  # 1(a), 2 (b)
    r"|\([a-z0-9]{1,5}\)"  # (a), (4), (iv)
    r"|[a-z]\)"  # a)
    r"|\d{1,3}[.)]"  # 3. or 3)
    r")\s+(?=\S)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Column:
    """One column of a sheet as the preview shows it."""

    index: int
    heading: str  # as written ("Column C" when the heading cell is blank)
    key: str  # key(heading); "" for a blank heading
    field: str  # a field of CHOICES, KEEP or IGNORE

    @property
    def label(self) -> str:
        return CHOICE_LABELS.get(self.field, self.field)


def key(heading: str) -> str:
    """A heading as compared: "Responsible officer(s) / group" → "responsibleofficersgroup"."""
    return "".join(ch for ch in heading.casefold() if ch.isalnum())


def letter(index: int) -> str:
    """0 → "A", 27 → "AB": how a spreadsheet names a column."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def mapped_columns(
    found: dict[str, int], cells: list[Any], mapping: Mapping[str, str]
) -> tuple[dict[str, int], list[Column]]:
    """The guessed columns (`found`: field → index) with the user's mapping applied.

    `mapping` is heading key → field, KEEP or IGNORE; a field the user gives to one column is
    taken from any other. A remembered mapping (from earlier files, `mapping.remembered`)
    does not take a field from a column whose own heading names it: the user's choice for
    "Project" in a file without an Action column says nothing about a file that has one.
    Returns field → index and every headed column with its meaning.
    """
    remembered = getattr(mapping, "remembered", False)
    columns = dict(found)
    keys = [key(cell) if isinstance(cell, str) else "" for cell in cells]
    first = {}
    for index, heading_key in enumerate(keys):
        first.setdefault(heading_key, index)
    for index, heading_key in enumerate(keys):
        chosen = mapping.get(heading_key) if heading_key else None
        if chosen is None or first[heading_key] != index:
            continue  # a heading written twice: the choice is the first column's
        if remembered and chosen in FIELDS and found.get(chosen, index) != index:
            continue
        columns = {f: i for f, i in columns.items() if i != index}
        if chosen in FIELDS:
            columns = {f: i for f, i in columns.items() if f != chosen}
            columns[chosen] = index
    by_index = {i: f for f, i in columns.items()}
    layout = []
    for index, cell in enumerate(cells):
        heading_key = keys[index]
        if index in by_index:
            chosen = by_index[index]
        elif heading_key and mapping.get(heading_key) == IGNORE:
            chosen = IGNORE
        else:
            chosen = KEEP
        heading = str(cell) if heading_key else f"Column {letter(index)}"
        layout.append(Column(index, heading, heading_key, chosen))
    return columns, layout


def distinct_headings(layouts: Iterable[list[Column]]) -> list[Column]:
    """The headed columns of every sheet, each heading once (the mapping is by heading)."""
    seen: dict[str, Column] = {}
    for layout in layouts:
        for column in layout:
            if column.key and column.key not in seen:
                seen[column.key] = column
    return list(seen.values())


def kept(layout: Iterable[Column], cells: list[Any], text: Any) -> list[tuple[str, str]]:
    """(heading, text) of the row's cells in columns kept in the notes: blank ones left out,
    and a cell that only repeats a mapped cell's value (a merge across) is not kept twice."""
    layout = list(layout)
    mapped = {text(cells[c.index]) for c in layout if c.field in FIELDS and c.index < len(cells)}
    out = []
    for column in layout:
        if column.field != KEEP or column.index >= len(cells) or cells[column.index] is None:
            continue
        value = text(cells[column.index])
        if value and value not in mapped:
            out.append((column.heading, value))
    for index in range(len(layout), len(cells)):  # beyond the heading row's last cell
        value = text(cells[index]) if cells[index] is not None else ""
        if value and value not in mapped:
            out.append((f"Column {letter(index)}", value))
    return out


def split_reference(description: str) -> tuple[str, str]:
    """ "1.1 Map the journeys" → ("1.1", "Map the journeys"); "(a) Survey" → ("(a)", "Survey").
    Text that does not open with a reference is returned whole, with an empty reference."""
    match = _REFERENCE_RE.match(description)
    if match is None:
        return "", description
    reference = match["ref"].replace(" ", "")
    if reference.endswith(".") or (reference.endswith(")") and "(" not in reference[:-1]):
        reference = reference[:-1] if reference[-2:-1].isdigit() else reference
    return reference[:20], description[match.end() :].strip()
