"""What a "Move up" or "Move down" button passes: the neighbours the page shows."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.db import models

from actionplan.structure import NO_NEIGHBOUR

register = template.Library()


@register.filter
def neighbours(rows: Sequence[models.Model], index: int) -> tuple[str, str]:
    """The ids of the rows before and after rows[index] ("none" at either end), for the move
    buttons to carry: a move passes only the neighbour its page showed (structure.py)."""
    if not isinstance(rows, list):  # the views pass lists: indexed, never copied per row
        rows = list(rows)
    before = str(rows[index - 1].pk) if index > 0 else NO_NEIGHBOUR
    after = str(rows[index + 1].pk) if index + 1 < len(rows) else NO_NEIGHBOUR
    return before, after
