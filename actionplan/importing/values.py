"""Cell values read as the plan's values: statuses, RAG, percentages, dates, text.

Each reader returns (value, error); an error is a sentence for the row's report.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.utils import formats

from actionplan.importing.columns import key
from actionplan.importing.textdates import DATE_RE
from actionplan.models import Rag, Status
from actionplan.targetdates import parse_target_date

STATUSES: dict[str, str] = {key(label): value for value, label in Status.choices}
STATUSES |= {key(value): value for value in Status.values}
# The words councils write (compared by key(): case, spaces and punctuation ignored).
STATUSES |= {
    "complete": Status.COMPLETED,
    "completed": Status.COMPLETED,
    "done": Status.COMPLETED,
    "achieved": Status.COMPLETED,
    "finished": Status.COMPLETED,
    "closed": Status.COMPLETED,
    "ontarget": Status.ON_TRACK,
    "onschedule": Status.ON_TRACK,
    "ontrack": Status.ON_TRACK,
    "inprogress": Status.ON_TRACK,
    "workinprogress": Status.ON_TRACK,
    "underway": Status.ON_TRACK,
    "started": Status.ON_TRACK,
    "ongoing": Status.ON_TRACK,
    # "Revised completion date": the target moved and the action runs to the new one.
    "revisedcompletiondate": Status.ON_TRACK,
    "reviseddate": Status.ON_TRACK,
    "revisedtarget": Status.ON_TRACK,
    "revisedtargetdate": Status.ON_TRACK,
    "atrisk": Status.AT_RISK,
    "delayed": Status.OFF_TRACK,
    "behind": Status.OFF_TRACK,
    "behindschedule": Status.OFF_TRACK,
    "offtarget": Status.OFF_TRACK,
    "overdue": Status.OFF_TRACK,
    "slipped": Status.OFF_TRACK,
    "suspended": Status.SUSPENDED,
    "deferred": Status.SUSPENDED,
    "onhold": Status.SUSPENDED,
    "postponed": Status.SUSPENDED,
    "deleted": Status.DELETED,
    "nolongerrequired": Status.DELETED,
    "nolongerappropriate": Status.DELETED,
    "deletedasnolongerappropriate": Status.DELETED,
    "cancelled": Status.DELETED,
    "withdrawn": Status.DELETED,
    "notstarted": Status.NOT_STARTED,
    "notyetstarted": Status.NOT_STARTED,
}
# Statuses that say the target moved: the target in the file is the revised one.
REVISED_STATUSES = {"revisedcompletiondate", "reviseddate", "revisedtarget", "revisedtargetdate"}
RAGS: dict[str, str] = {key(label): value for value, label in Rag.choices}
RAGS |= {"r": Rag.RED, "a": Rag.AMBER, "g": Rag.GREEN, "na": Rag.NOT_ASSESSED}
RAGS |= {"redrag": Rag.RED, "amberrag": Rag.AMBER, "greenrag": Rag.GREEN, "yellow": Rag.AMBER}
# A status written at the start of a progress text: "Completed – SCM Summer edition".
_LEADING_STATUS_RE = re.compile(
    r"^\s*(?P<words>[A-Za-z][A-Za-z ]{1,40}?)\s*(?:$|[\n.:;,!\u2013\u2014-])"
)
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


def status_in_progress(value: Any) -> str | None:
    """A status the progress text opens with, as a whole phrase: "Completed", "Completed –
    SCM Summer edition", "Achieved. Report to Cabinet"; not "Completed 'You said' edition"."""
    # Dates around the words are the update's date, not part of the status:
    # "31/10/10 – completed", "Completed 30/11/2004".
    words = DATE_RE.sub(" ", text(value)).strip(" \t\u2013\u2014-:;,.")
    match = _LEADING_STATUS_RE.match(words)
    return STATUSES.get(key(match["words"])) if match else None


def rag_of_colour(colour: str | None) -> str | None:
    """A cell's fill colour (hex RGB, "FF0000" or "FFFF0000") as red, amber or green."""
    if not colour or not re.fullmatch(r"(?:[0-9A-Fa-f]{2})?[0-9A-Fa-f]{6}", colour):
        return None
    red, green, blue = (int(colour[-6:][i : i + 2], 16) for i in (0, 2, 4))
    if max(red, green, blue) - min(red, green, blue) < 60:
        return None  # white, black and greys say nothing
    if red > 150 and green < 110 and blue < 110:
        return Rag.RED
    if red > 180 and green >= 110 and blue < 120:
        return Rag.AMBER
    if green > 110 and red < 150 and blue < 150:
        return Rag.GREEN
    return None


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
        written = text(value).strip()
        try:
            number = float(written.rstrip("%").strip())
        except ValueError:
            number = None
        if number is not None and not written.endswith("%") and 0 < number < 1:
            number *= 100  # "0.5" written for 50%
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
