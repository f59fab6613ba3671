"""Dates officers write inside progress text: "Nov 10: meeting held", "31/10/10 – completed".

A council's Update column dates its own notes. The import dates a progress update (and the
completion of a finished action) by what the text says, not by the day of the import: the
latest day or month the text names that is not after the import day (later ones are plans,
"Meeting arranged for Dec 2011"). A month counts as its first day, as the demo plans do.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from actionplan.targetdates import parse_target_date

_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
DATE_RE = re.compile(
    r"(?<![\w/])(?:"
    r"\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})"  # 31/10/10, 31/10/2010
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH})\.?,?\s+(?:\d{{4}}|\d{{2}})"  # 3 March 2013
    rf"|(?:{_MONTH})\.?,?\s+(?:\d{{4}}|\d{{2}})"  # Nov 10, Sept 2010, Nov. 2004
    r")(?![\w/])",
    re.IGNORECASE,
)


class WrittenDate(NamedTuple):
    day: date
    as_written: str


def dates_in(text: str) -> list[WrittenDate]:
    """Every day or month the text names, in order, with the words as written."""
    found = []
    for match in DATE_RE.finditer(text or ""):
        parsed = parse_target_date(match.group())
        if parsed.earliest is not None:
            found.append(WrittenDate(parsed.earliest, match.group()))
    return found


def reported_date(text: str, today: date) -> WrittenDate | None:
    """The date the text reports on: the latest it names that is not after today."""
    past = [written for written in dates_in(text) if written.day <= today]
    return max(past, key=lambda written: written.day) if past else None
