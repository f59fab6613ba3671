"""Reporting periods of a standard: a start date and a frequency, named as councils name them.

Months are "October 2026"; quarters and years follow the UK financial year, which starts on
1 April: "Q3 2026/27" is October to December 2026, "2026/27" is April 2026 to March 2027.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from actionplan.formfields import EARLIEST_DAY, LATEST_DAY

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHLY, QUARTERLY, ANNUALLY = "monthly", "quarterly", "annually"
_LENGTH = {MONTHLY: 1, QUARTERLY: 3, ANNUALLY: 12}


class PeriodError(ValueError):
    """A period that cannot be read or does not start where its frequency says."""


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _financial_year(day: date) -> int:
    """The calendar year the financial year containing `day` starts in."""
    return day.year if day.month >= 4 else day.year - 1


@dataclass(frozen=True, order=True)
class Period:
    start: date
    frequency: str = MONTHLY

    def __post_init__(self) -> None:
        if self.frequency not in _LENGTH:
            raise PeriodError(f"Unknown frequency {self.frequency!r}.")
        if self.start.day != 1:
            raise PeriodError("A period starts on the first day of a month.")
        if self.frequency == QUARTERLY and self.start.month not in (1, 4, 7, 10):
            raise PeriodError("A quarter starts in January, April, July or October.")
        if self.frequency == ANNUALLY and self.start.month != 4:
            raise PeriodError("A financial year starts in April.")

    @classmethod
    def containing(cls, day: date, frequency: str = MONTHLY) -> Period:
        start = day.replace(day=1)
        if frequency == QUARTERLY:
            start = start.replace(month=(start.month - 1) // 3 * 3 + 1)
        elif frequency == ANNUALLY:
            start = date(_financial_year(day), 4, 1)
        return cls(start, frequency)

    @property
    def months(self) -> int:
        return _LENGTH[self.frequency]

    @property
    def end(self) -> date:
        return _add_months(self.start, self.months) - timedelta(days=1)

    @property
    def last_month(self) -> date:
        return _add_months(self.start, self.months - 1)

    @property
    def label(self) -> str:
        year = _financial_year(self.start)
        if self.frequency == QUARTERLY:
            quarter = (self.start.month - 4) % 12 // 3 + 1
            return f"Q{quarter} {year}/{(year + 1) % 100:02d}"
        if self.frequency == ANNUALLY:
            return f"{year}/{(year + 1) % 100:02d}"
        return f"{MONTHS[self.start.month - 1]} {self.start.year}"

    @property
    def short_label(self) -> str:
        """For a chart's axis: "Oct 26", "Q3 26/27", "26/27"."""
        if self.frequency == MONTHLY:
            return f"{MONTHS[self.start.month - 1][:3]} {self.start.year % 100:02d}"
        return self.label[2:] if self.frequency == ANNUALLY else self.label.replace(" 20", " ")

    @property
    def key(self) -> str:
        """The form used in addresses: 2026-10."""
        return f"{self.start.year}-{self.start.month:02d}"

    def previous(self) -> Period:
        return Period(_add_months(self.start, -self.months), self.frequency)

    def year_before(self) -> Period:
        return Period(_add_months(self.start, -12), self.frequency)

    def __str__(self) -> str:
        return self.label


_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_NAME = re.compile(r"^([A-Za-z]+)\s+(\d{4})$")
_QUARTER = re.compile(r"^Q([1-4])\s+(\d{4})/(\d{2})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def parse_period(text: str, frequency: str = MONTHLY) -> Period:
    """Read "2026-10", "October 2026", "Oct 2026", "Q3 2026/27" or "2026/27".

    A month given for a quarterly or annual standard must be the first month of its period.
    Years outside 1900–2999 are refused: year 0 or 9999's next month are not dates at all.
    """
    text = " ".join(text.split())
    year = re.search(r"\d{4}", text)
    if year and not EARLIEST_DAY.year <= int(year[0]) <= LATEST_DAY.year:
        raise PeriodError(
            f"{text[:20]!r} is not a period figures can be kept for: "
            f"write a year between {EARLIEST_DAY.year} and {LATEST_DAY.year}."
        )
    if match := _ISO.match(text):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(f"{text!r} is not a month: write it like 2026-10.")
        return Period(date(year, month, 1), frequency)
    if match := _MONTH_NAME.match(text):
        name = match[1].lower()
        found = [
            i for i, m in enumerate(MONTHS, 1) if len(name) >= 3 and m.lower().startswith(name)
        ]
        if len(found) != 1:
            raise PeriodError(f"{text!r} is not a month: write it like October 2026.")
        return Period(date(int(match[2]), found[0], 1), frequency)
    if match := _QUARTER.match(text):
        year = int(match[2])
        if (year + 1) % 100 != int(match[3]):
            raise PeriodError(f"{text!r} is not a financial year: write it like Q3 2026/27.")
        start = _add_months(date(year, 4, 1), (int(match[1]) - 1) * 3)
        if frequency != QUARTERLY:
            raise PeriodError(f"{text!r} is a quarter, but this standard is reported {frequency}.")
        return Period(start, QUARTERLY)
    if match := _YEAR.match(text):
        year = int(match[1])
        if (year + 1) % 100 != int(match[2]) or frequency != ANNUALLY:
            raise PeriodError(f"{text!r} is not a period this standard is reported for.")
        return Period(date(year, 4, 1), ANNUALLY)
    raise PeriodError(f"{text!r} is not a period: write it like 2026-10 or October 2026.")
