"""Read the loose target dates council officers write into action plans.

Officers type things like "Dec 2004", "Mid November 2004", "Sept 2004 onwards",
"Jan – Apr 2005", "Q3 2012/13" or "TBC". :func:`parse_target_date` turns such text into a
:class:`TargetDate` holding the earliest and latest day it allows, so plans can be sorted
and overdue actions flagged.

The parser never guesses: text it cannot read completely becomes UNSCHEDULED with no
dates, so a typo can never invent a deadline. The deliberate exceptions are text starting
with "ongoing" (ONGOING, no dates) and sentences ending "by <date>" (BY, deadline only).
Standard library only, so it can be used outside Django.
"""

import re
from calendar import monthrange
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

__all__ = ["TargetDate", "TargetKind", "parse_target_date"]

# Anything outside this window is far more likely a typo ("20012") than a real plan date.
MIN_YEAR, MAX_YEAR = 1900, 2199


class TargetKind(StrEnum):
    """The shape of period a target date names."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    SEASON = "season"
    YEAR = "year"
    FINANCIAL_YEAR = "financial_year"
    RANGE = "range"
    BY = "by"  # deadline only: "by Dec 2004", "... by end Dec 2004"
    FROM = "from"  # start only: "From Aug 2004", "Sept 2004 onwards"
    ONGOING = "ongoing"
    UNSCHEDULED = "unscheduled"


_MONTH_NAMES = (
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
)


@dataclass(frozen=True)
class TargetDate:
    """What a target date allows (parse_target_date keeps earliest <= latest)."""

    text: str  # exactly as the officer typed it
    kind: TargetKind
    earliest: date | None
    latest: date | None
    qualifier: str = ""

    @property
    def ongoing(self) -> bool:
        return self.kind is TargetKind.ONGOING

    @property
    def unscheduled(self) -> bool:
        return self.kind is TargetKind.UNSCHEDULED

    @property
    def has_deadline(self) -> bool:
        return self.latest is not None and not self.ongoing

    def is_overdue(self, today: date, *, finished: bool) -> bool:
        return not (finished or self.ongoing or self.latest is None) and today > self.latest

    def describe(self) -> str:
        """Plain en-GB wording, e.g. "by 31 December 2004"."""
        if self.ongoing:
            return "ongoing (no deadline)"
        if self.earliest is not None and self.latest is None:
            return f"from {_format_day(self.earliest)} (no deadline)"
        if self.latest is None:
            return "not yet scheduled"
        if self.earliest is None:
            return f"by {_format_day(self.latest)}"
        if self.earliest == self.latest:
            return _format_day(self.latest)
        return f"{_format_day(self.earliest)} to {_format_day(self.latest)}"

    def sort_key(self) -> tuple[bool, date, bool, date, str]:
        """Latest first (undated last), then earliest (undated last), then text."""
        return (
            self.latest is None,
            self.latest or date.min,
            self.earliest is None,
            self.earliest or date.min,
            self.text,
        )


def _format_day(day: date) -> str:
    # Built by hand: strftime is locale-dependent and cannot drop the leading zero portably.
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


_MONTHS: dict[str, int] = (
    {name.lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)}
    | {name[:3].lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)}
    | {"sept": 9}
)
_WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thur": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # meteorological
_QUALIFIERS = {
    "early": "early",
    "beginning of": "early",
    "start of": "early",
    "mid": "mid",
    "middle of": "mid",
    "late": "late",
    "end": "end",
}
_PLACEHOLDERS = frozenset(
    {"tbc", "tba", "tbd", "to be confirmed", "to be agreed", "to be determined", "to be arranged"}
)


def _alternation(words: Iterable[str]) -> str:
    # Longest first so "september" is not read as "sep" + junk.
    return "|".join(sorted(words, key=len, reverse=True))


_MONTH = _alternation(_MONTHS)
_WEEKDAY = _alternation(_WEEKDAYS)

# Patterns are fullmatched against normalised, lower-case text.
# re.ASCII so that e.g. Arabic-Indic digits are not silently read as a year.
_A = re.ASCII
_ISO_DAY_RE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})", _A)
_NUMERIC_DAY_RE = re.compile(
    r"(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})", _A
)
_WORDY_DAY_RE = re.compile(
    rf"(?:(?P<weekday>{_WEEKDAY})\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    rf"(?P<month>{_MONTH})\s+(?P<year>\d{{4}}|\d{{2}})",
    _A,
)
_WEEK_RE = re.compile(
    r"(?:w/c|w/b|wc|wb|week\s+(?:commencing|beginning|starting))\s*(?P<day>.+)", _A
)
# A month name followed by 1-2 digits is month + two-digit year ("Sept 10"), never a day.
_MONTH_RE = re.compile(rf"(?P<month>{_MONTH})(?:\s+|-|\s*')(?P<year>\d{{4}}|\d{{1,2}})", _A)
_NUMERIC_MONTH_RE = re.compile(r"(?P<month>\d{1,2})/(?P<year>\d{4})", _A)
_QUARTER_RE = re.compile(
    r"(?:q|quarter\s*)(?P<q>[1-4])\s+(?:of\s+)?(?P<fy>fy\s*)?"
    r"(?P<year>\d{4})(?:\s*[/-]\s*(?P<end>\d{4}|\d{2}))?",
    _A,
)
_FINANCIAL_YEAR_RE = re.compile(
    r"(?:(?:fy|financial\s+year)\s*)?(?P<year>\d{4})(?:\s*/\s*|-)(?P<end>\d{4}|\d{2})", _A
)
_SEASON_RE = re.compile(
    rf"(?P<season>{_alternation(_SEASON_START)})\s+(?:of\s+)?"
    r"(?P<year>\d{4})(?:\s*[/-]\s*(?P<end>\d{4}|\d{2}))?",
    _A,
)
_YEAR_RE = re.compile(r"(?P<year>\d{4})", _A)
_QUALIFIER_RE = re.compile(rf"(?P<q>{_alternation(_QUALIFIERS)})(?:\s+of)?[\s-]+(?P<rest>.+)", _A)
_BARE_DAY_RE = re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?", _A)
_RANGE_SEP_RE = re.compile(r"\s*(?:-|\bto\b|\buntil\b|\btill\b)\s*", _A)
_FROM_RE = re.compile(r"(?:from|starting(?:\s+from)?|commencing)\s+(?P<rest>.+)", _A)
_ONWARDS_RE = re.compile(r"(?P<rest>.+?)\s+(?:onwards?|and\s+(?:beyond|onwards|ongoing))", _A)
_BY_RE = re.compile(r"(?:.*\s)?by\s+(?P<rest>.+)", _A)  # greedy: the last "by"
_ONGOING_RE = re.compile(r"on[\s-]?going", _A)

_SPACES_RE = re.compile(r"[\s,]+")  # unicode-aware on purpose: catches non-breaking spaces
_LETTER_DOT_RE = re.compile(r"(?<=[a-z])\.")  # "Dec." / "Sept." / "T.B.C." but not "31.03"
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


class _Span(NamedTuple):
    """A readable period with both ends known."""

    kind: TargetKind
    earliest: date
    latest: date
    qualifier: str = ""


def _year(digits: str) -> int | None:
    # Officers' two-digit years ("Sept 10", "31/3/13") are always this century.
    year = int(digits) + (2000 if len(digits) <= 2 else 0)
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def _month_number(token: str) -> int:
    return int(token) if token.isdigit() else _MONTHS[token]


def _months(kind: TargetKind, year: int, month: int, count: int = 1) -> _Span:
    """Whole months from (year, month); month may run past 12 into the next year."""
    first_year, first_month = divmod(year * 12 + month - 1, 12)
    last_year, last_month = divmod(year * 12 + month - 1 + count - 1, 12)
    last_day = monthrange(last_year, last_month + 1)[1]
    return _Span(
        kind, date(first_year, first_month + 1, 1), date(last_year, last_month + 1, last_day)
    )


def _consecutive(first: str, second: str) -> int | None:
    """First year of "2012/13" or "2012/2013"; None unless the second year follows."""
    start = _year(first)
    if start is None or start + 1 > MAX_YEAR:
        return None
    expected = start + 1 if len(second) == 4 else (start + 1) % 100
    return start if int(second) == expected else None


def _parse_day(text: str) -> date | None:
    match = (
        _ISO_DAY_RE.fullmatch(text)
        or _NUMERIC_DAY_RE.fullmatch(text)
        or _WORDY_DAY_RE.fullmatch(text)
    )
    if match is None or (year := _year(match["year"])) is None:
        return None
    try:
        day = date(year, _month_number(match["month"]), int(match["day"]))
    except ValueError:  # 31/02/2013, month 13 ...
        return None
    weekday = match.groupdict().get("weekday")
    if weekday and _WEEKDAYS[weekday] != day.weekday():
        return None  # "Monday 31 March 2013" was a Sunday: we cannot tell which part is wrong
    return day


def _day_span(match: re.Match[str]) -> _Span | None:
    day = _parse_day(match.string)
    return _Span(TargetKind.DAY, day, day) if day else None


def _week_span(match: re.Match[str]) -> _Span | None:
    start = _parse_day(match["day"])
    return _Span(TargetKind.WEEK, start, start + timedelta(days=6)) if start else None


def _month_span(match: re.Match[str]) -> _Span | None:
    year = _year(match["year"])
    month = _month_number(match["month"])
    return _months(TargetKind.MONTH, year, month) if year and 1 <= month <= 12 else None


def _quarter_span(match: re.Match[str]) -> _Span | None:
    quarter = int(match["q"])
    if match["end"] is None:
        if match["fy"]:  # "Q3 FY2012" does not say whether that is 2011/12 or 2012/13
            return None
        year = _year(match["year"])
        return _months(TargetKind.QUARTER, year, 3 * quarter - 2, 3) if year else None
    # UK financial quarters start in April: Q1 Apr-Jun ... Q4 Jan-Mar of the following year.
    start = _consecutive(match["year"], match["end"])
    return _months(TargetKind.QUARTER, start, 3 * quarter + 1, 3) if start else None


def _financial_year_span(match: re.Match[str]) -> _Span | None:
    start = _consecutive(match["year"], match["end"])
    return _months(TargetKind.FINANCIAL_YEAR, start, 4, 12) if start else None


def _season_span(match: re.Match[str]) -> _Span | None:
    year = _year(match["year"])
    season = match["season"]
    if match["end"] is not None and (
        season != "winter" or _consecutive(match["year"], match["end"]) is None
    ):
        return None  # only winter straddles two years ("Winter 2010/11")
    return _months(TargetKind.SEASON, year, _SEASON_START[season], 3) if year else None


def _year_span(match: re.Match[str]) -> _Span | None:
    year = _year(match["year"])
    return _months(TargetKind.YEAR, year, 1, 12) if year else None


_PERIODS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], _Span | None]], ...] = (
    (_ISO_DAY_RE, _day_span),
    (_NUMERIC_DAY_RE, _day_span),
    (_WORDY_DAY_RE, _day_span),
    (_WEEK_RE, _week_span),
    (_MONTH_RE, _month_span),
    (_NUMERIC_MONTH_RE, _month_span),
    (_QUARTER_RE, _quarter_span),
    (_FINANCIAL_YEAR_RE, _financial_year_span),
    (_SEASON_RE, _season_span),
    (_YEAR_RE, _year_span),
)
_QUALIFIABLE = frozenset(
    {
        TargetKind.MONTH,
        TargetKind.QUARTER,
        TargetKind.SEASON,
        TargetKind.YEAR,
        TargetKind.FINANCIAL_YEAR,
    }
)


def _parse_period(text: str) -> _Span | None:
    for pattern, build in _PERIODS:
        if match := pattern.fullmatch(text):
            return build(match)
    return None


def _narrow(span: _Span, qualifier: str) -> _Span:
    """early/mid/late take thirds of the period by days (late keeps any spare days)."""
    if qualifier == "end":
        return span._replace(earliest=span.latest, qualifier=qualifier)
    third = ((span.latest - span.earliest).days + 1) // 3
    start = span.earliest + timedelta(days=third * ("early", "mid", "late").index(qualifier))
    end = span.latest if qualifier == "late" else start + timedelta(days=third - 1)
    return span._replace(earliest=start, latest=end, qualifier=qualifier)


def _parse_qualified(text: str) -> _Span | None:
    match = _QUALIFIER_RE.fullmatch(text)
    if match is None:
        return _parse_period(text)
    base = _parse_period(match["rest"])
    if base is None or base.kind not in _QUALIFIABLE:
        return None
    return _narrow(base, _QUALIFIERS[match["q"]])


def _parse_yearless(text: str, right: _Span) -> _Span | None:
    """Left side of "Jan – Apr 2005", "28 Dec - 3 Jan 2012" or "5-9 March 2012"."""
    if right.kind not in (TargetKind.DAY, TargetKind.MONTH):
        return None
    anchor = right.earliest
    if (match := _BARE_DAY_RE.fullmatch(text)) and right.kind is TargetKind.DAY:
        try:
            day = anchor.replace(day=int(match["day"]))
        except ValueError:
            return None
        return _Span(TargetKind.DAY, day, day)
    span = _parse_qualified(f"{text} {anchor.year}")
    if span is None or span.kind not in (TargetKind.DAY, TargetKind.MONTH):
        return None
    if span.earliest.month > anchor.month:  # "Nov – Feb 2011" starts in November 2010
        span = _parse_qualified(f"{text} {anchor.year - 1}")
    return span


def _join(left_text: str, right_text: str) -> _Span | None:
    right = _parse_qualified(right_text)
    if right is None:
        return None
    left = _parse_qualified(left_text) or _parse_yearless(left_text, right)
    # A range running backwards ("Apr 2005 – Jan 2005") is a mistake, not a range.
    if left is None or right.earliest < left.earliest or right.latest < left.latest:
        return None
    return _Span(TargetKind.RANGE, left.earliest, right.latest)


def _parse_span(text: str) -> _Span | None:
    """A single (possibly qualified) period, or a range of two."""
    if single := _parse_qualified(text):
        return single
    readings = {
        span
        for sep in _RANGE_SEP_RE.finditer(text)
        if (span := _join(text[: sep.start()], text[sep.end() :]))
    }
    # Hyphens also live inside dates, so try every split; two different readings is a guess.
    return readings.pop() if len(readings) == 1 else None


# Whole-text readers, tried in order. Each leaves `text` blank for parse_target_date to fill.


def _read_ongoing(text: str) -> TargetDate | None:
    # Whatever follows "Ongoing – ..." is commentary, not a deadline.
    return TargetDate("", TargetKind.ONGOING, None, None) if _ONGOING_RE.match(text) else None


def _read_span(text: str) -> TargetDate | None:
    span = _parse_span(text)
    return TargetDate("", *span) if span else None


def _read_open_start(text: str) -> TargetDate | None:
    """ "From Aug 2004", "Sept 2004 onwards", "Starting Jan 2011", "from Jan to Mar 2005"."""
    prefix = _FROM_RE.fullmatch(text)
    core = prefix["rest"] if prefix else text
    suffix = _ONWARDS_RE.fullmatch(core)
    if not (prefix or suffix):
        return None
    span = _parse_span(suffix["rest"] if suffix else core)
    if span is None:
        return None
    if span.kind is TargetKind.RANGE:  # "from X to Y" is a range; "X - Y onwards" is muddled
        return None if suffix else TargetDate("", *span)
    return TargetDate("", TargetKind.FROM, span.earliest, None, span.qualifier)


def _read_deadline(text: str) -> TargetDate | None:
    # "By Dec 2004" and sentences such as "FAQs to Districts ... by end Dec 2004".
    match = _BY_RE.fullmatch(text)
    span = _parse_span(match["rest"]) if match else None
    return TargetDate("", TargetKind.BY, None, span.latest, span.qualifier) if span else None


_READERS: tuple[Callable[[str], TargetDate | None], ...] = (
    _read_ongoing,
    _read_span,
    _read_open_start,
    _read_deadline,
)


def _normalise(text: str) -> str:
    text = _SPACES_RE.sub(" ", text.translate(_DASHES).lower())
    return _LETTER_DOT_RE.sub("", text).strip(" .")


def parse_target_date(text: str | None) -> TargetDate:
    """Read an officer's target date; never raises, never guesses (see module docstring)."""
    raw = "" if text is None else text
    normalised = _normalise(raw)
    if normalised and normalised not in _PLACEHOLDERS:  # "TBC", "Tba", blank: unscheduled
        for reader in _READERS:
            if found := reader(normalised):
                return replace(found, text=raw)
    return TargetDate(raw, TargetKind.UNSCHEDULED, None, None)
