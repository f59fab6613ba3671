"""Cell values read as the plan's values: statuses, RAG, percentages, dates, text.

Each reader returns (value, error); an error is a sentence for the row's report.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import formats

from actionplan.importing.reader import key
from actionplan.models import Rag, Status
from actionplan.targetdates import parse_target_date

STATUSES: dict[str, str] = {key(label): value for value, label in Status.choices}
STATUSES |= {key(value): value for value in Status.values}
STATUSES |= {
    "complete": Status.COMPLETED,
    "done": Status.COMPLETED,
    "achieved": Status.COMPLETED,
    "inprogress": Status.ON_TRACK,
    "underway": Status.ON_TRACK,
    "started": Status.ON_TRACK,
    "ongoing": Status.ON_TRACK,
    "delayed": Status.OFF_TRACK,
    "behind": Status.OFF_TRACK,
    "suspended": Status.SUSPENDED,
    "deferred": Status.SUSPENDED,
    "deleted": Status.DELETED,
    "notyetstarted": Status.NOT_STARTED,
}
RAGS: dict[str, str] = {key(label): value for value, label in Rag.choices}
RAGS |= {"r": Rag.RED, "a": Rag.AMBER, "g": Rag.GREEN, "na": Rag.NOT_ASSESSED}
STATUS_LABELS = dict(Status.choices)
RAG_LABELS = dict(Rag.choices)


def text(value: Any) -> str:
    """Any cell as text: numbers without ".0", dates as dd/mm/yyyy (which the parsers read)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def status_of(value: Any) -> tuple[str | None, str]:
    if value is None:
        return None, ""
    found = STATUSES.get(key(text(value)))
    if found is None:
        labels = ", ".join(STATUS_LABELS.values())
        return None, f"Status “{text(value)}” is not one of: {labels}."
    return found, ""


def rag_of(value: Any) -> tuple[str | None, str]:
    if value is None:
        return None, ""
    found = RAGS.get(key(text(value)))
    if found is None:
        return None, f"RAG “{text(value)}” is not one of: Red, Amber, Green, Not assessed."
    return found, ""


def percent_of(value: Any) -> tuple[int | None, str]:
    if value is None:
        return None, ""
    number: float | None
    if isinstance(value, int | float):
        # A cell formatted as a percentage holds 0.5 for 50%.
        number = value * 100 if isinstance(value, float) and 0 < value < 1 else value
    else:
        try:
            number = float(text(value).rstrip("%").strip())
        except ValueError:
            number = None
    if number is None or not 0 <= number <= 100:
        return None, f"% complete “{text(value)}” is not a number from 0 to 100."
    return round(number), ""


def date_of(value: Any, label: str) -> tuple[date | None, str]:
    """A real date cell, or text naming one day ("31/03/2013", "3 March 2013")."""
    if value is None:
        return None, ""
    if isinstance(value, datetime):
        return value.date(), ""
    if isinstance(value, date):
        return value, ""
    parsed = parse_target_date(text(value))
    if parsed.earliest is not None and parsed.earliest == parsed.latest:
        return parsed.earliest, ""
    return None, f"{label} “{text(value)}” is not a date."


def shown(value: Any) -> str:
    """A value as the preview shows it."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, date):
        return formats.date_format(value, "j M Y")
    return str(value)
