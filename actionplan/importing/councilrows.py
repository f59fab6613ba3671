"""The rows of a council's own sheet or Word table below its heading row, shaped as the plan.

Councils write plans for reading, not for machines. Here, per row:

- a blank (or merged) theme, criterion, project or outcome cell continues the one above;
- in a Word table whose action column holds bullets, a row with text only in that column and
  no bullet is a project (outcome) line, as in seed 001's Annex 2; a cell with several bullets
  holds several actions (each bullet one), and the other cells of the row are paired with the
  bullets line by line when they have as many lines, otherwise each action gets them whole;
- one text merged across the action column and others, beside the theme, is a sub-heading of
  the theme (seed 003's "1.1 Customer Identification 1.3 Customer Satisfaction");
- a reference at the start of the action text ("1.1 Map …", "(a) …") is split off when no
  reference column gives one;
- columns kept in the notes come along as (heading, text); a RAG colour of the cell is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from actionplan.importing.columns import Column, kept, split_reference
from actionplan.importing.values import rag_of_colour, text
from actionplan.importing.wordtables import DocCell

CARRIED = ("theme_ref", "theme", "project_ref", "project")


class CouncilRows:
    """Shapes one sheet's rows; keeps what the rows above said (theme, project)."""

    def __init__(self, columns: dict[str, int], layout: list[Column]) -> None:
        self.columns, self.layout = columns, layout
        self.carry: dict[str, Any] = {}
        self.themed = {i for f, i in columns.items() if f in ("theme", "theme_ref")}
        colour_field = "rag" if "rag" in columns else "status"
        self.colour_column = columns.get(colour_field)

    def new_section(self) -> None:
        """A section row started a theme: projects carried from the last one end."""
        for name in CARRIED:
            self.carry.pop(name, None)

    def outcome_row(self, cells: list[Any], raw: Any) -> bool:
        """A project line of a Word table whose action column holds bullets."""
        index = self.columns.get("description")
        if index is None or index not in getattr(raw, "bulleted", ()):
            return False
        value = _whole(cells[index]) if index < len(cells) else None
        if (
            not isinstance(value, str)
            or isinstance(cells[index], DocCell)
            and (cells[index].has_bullets)
        ):
            return False
        others = [c for i, c in enumerate(cells) if i != index and i not in self.themed]
        return all(c is None or c == value for c in others)

    def subheading(self, cells: list[Any], across: bool) -> str | None:
        """One text merged across the action column and another, beside the theme."""
        index = self.columns.get("description")
        if not across or index is None or index >= len(cells) or cells[index] is None:
            return None
        if not any(cells[i] is not None for i in self.themed if i < len(cells)):
            return None  # no theme beside it: a section row or a project line
        value = cells[index]
        rest = [c for i, c in enumerate(cells) if i not in self.themed and c is not None]
        if len(rest) < 2 or any(c != value for c in rest):
            return None
        return text(value)

    def rows(self, cells: list[Any], raw: Any, across: bool) -> Iterator[dict[str, Any]]:
        """The row's values (field → value) for each action it holds; nothing for a project
        line or a row with only a theme or project (carried to the rows below)."""
        columns = self.columns
        heading = self.subheading(cells, across)
        if heading is not None:
            values = self._continued({f: cells[i] for f, i in columns.items() if i in self.themed})
            yield {**values, "subheading": heading}
            return
        if self.outcome_row(cells, raw):
            self.carry["project"] = _whole(cells[columns["description"]])
            self.carry.pop("project_ref", None)
            return
        values = {
            f: cells[i] for f, i in columns.items() if i < len(cells) and cells[i] is not None
        }
        values = self._continued(values)
        extra = kept(self.layout, cells, text)
        if not extra and all(name in CARRIED for name in values):
            return  # only a theme or project (a merged cell running on, or an outcome line)
        if extra:
            values["kept"] = extra
        colour = getattr(raw, "colours", {}).get(self.colour_column)
        if colour and rag_of_colour(colour):
            values["rag_colour"] = rag_of_colour(colour)
        description = values.get("description")
        if isinstance(description, DocCell) and description.has_bullets:
            yield from self._bullets(values, description)
        else:
            yield self._flat(values)

    def _continued(self, values: dict[str, Any]) -> dict[str, Any]:
        carry = self.carry
        themed = [name for name in ("theme_ref", "theme") if name in values]
        if any(values[name] != carry.get(name) for name in themed):
            carry.pop("project", None)  # a new theme: its projects start afresh
            carry.pop("project_ref", None)
        for name in CARRIED:
            if name in values:
                carry[name] = values[name]
            elif name in carry:
                values[name] = carry[name]
        return values

    def _flat(self, values: dict[str, Any]) -> dict[str, Any]:
        values = {k: (v.text if isinstance(v, DocCell) else v) for k, v in values.items()}
        description = values.get("description")
        if isinstance(description, str) and "reference" not in values:
            reference, rest = split_reference(description)
            if reference and rest:
                values["reference"], values["description"] = reference, rest
        return values

    def _bullets(self, values: dict[str, Any], cell: DocCell) -> Iterator[dict[str, Any]]:
        bullets: list[str] = []
        lead: list[str] = []
        for words, bullet in cell.paragraphs:
            if not words:
                continue
            if bullet:
                bullets.append(words)
            elif bullets:  # a line after a bullet continues it
                bullets[-1] = f"{bullets[-1]}\n{words}"
            else:
                lead.append(words)
        if lead and "project" not in self.columns:
            self.carry["project"] = " ".join(lead)
            self.carry.pop("project_ref", None)
            values["project"] = self.carry["project"]
        elif lead:
            bullets = [" ".join(lead), *bullets] if bullets else [" ".join(lead)]
        for position, bullet in enumerate(bullets):
            row = {}
            for name, value in values.items():
                if name in ("description", "kept", *CARRIED, "rag_colour"):
                    row[name] = value
                    continue
                row[name] = _paired(value, position, len(bullets))
            row["description"] = bullet
            row = self._flat({name: value for name, value in row.items() if value is not None})
            if len(bullets) > 1:
                row["part"] = position + 1
            yield row


def _paired(value: Any, position: int, count: int) -> Any:
    """The line of a cell beside the bullet at `position`, when the cell has a line for each
    of the `count` bullets (blank lines included, else not); else the whole cell."""
    if isinstance(value, DocCell):
        lines = [words for words, _ in value.paragraphs]
        filled = [words for words in lines if words]
    else:
        lines = filled = value.split("\n") if isinstance(value, str) else [value]
    for candidate in (lines, filled):
        if len(candidate) == count:
            return candidate[position] or None
    return _whole(value)


def _whole(value: Any) -> Any:
    return value.text if isinstance(value, DocCell) else value
