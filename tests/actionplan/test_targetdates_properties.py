"""Properties of parse_target_date that must hold for any input."""

import calendar
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from actionplan.targetdates import TargetKind, parse_target_date

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
MONTH_NAMES = [
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

days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
months = st.integers(min_value=1, max_value=12)
years = st.integers(min_value=1900, max_value=2199)
year_months = st.tuples(years, months)

# Fragments of the real grammar, so that generated text often comes close to readable.
TOKENS = [
    "dec",
    "sept",
    "march",
    "q3",
    "2012/13",
    "2005",
    "10",
    "31",
    "31/03/2013",
    "-",
    "–",
    "to",
    "by",
    "from",
    "onwards",
    "end",
    "mid",
    "early",
    "late",
    "winter",
    "w/c",
    "of",
    "ongoing",
    "tbc",
    "2013-03-31",
    "fy",
    ".",
    "/",
    "29",
    "02",
    "1899",
    "2200",
    "'04",
]
near_misses = st.lists(st.sampled_from(TOKENS), max_size=8).map(" ".join)
any_text = st.one_of(
    st.text(),
    near_misses,
    st.text(alphabet="0123456789/-–.' qjanfebmrspuyoctvdlwinter", max_size=25),
)


def month_count(first: date, last: date) -> int:
    return (last.year * 12 + last.month) - (first.year * 12 + first.month) + 1


def covers_whole_months(first: date | None, last: date | None) -> bool:
    assert first is not None and last is not None
    return first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]


@given(any_text)
def test_any_text_is_read_without_raising_and_kept_exactly(text):
    assert parse_target_date(text).text == text


@given(any_text)
def test_earliest_is_never_after_latest(text):
    target = parse_target_date(text)
    if target.earliest is not None and target.latest is not None:
        assert target.earliest <= target.latest


@given(any_text)
def test_unscheduled_results_never_carry_dates(text):
    target = parse_target_date(text)
    if target.unscheduled or target.ongoing:
        assert (target.earliest, target.latest) == (None, None)


@given(days)
def test_any_uk_or_iso_date_reads_back_as_that_day(day):
    for text in (day.strftime("%d/%m/%Y"), day.isoformat()):
        target = parse_target_date(text)
        assert (target.kind, target.earliest, target.latest) == (TargetKind.DAY, day, day)


@given(year_months)
def test_any_month_and_year_reads_back_as_exactly_that_month(year_month):
    year, month = year_month
    name = MONTH_NAMES[month - 1]
    expected = (
        TargetKind.MONTH,
        date(year, month, 1),
        date(year, month, calendar.monthrange(year, month)[1]),
    )
    texts = [f"{name} {year}", f"{name[:3]} {year}"]
    if 2000 <= year <= 2099:
        texts.append(f"{name[:3]} {year % 100:02d}")
    for text in texts:
        target = parse_target_date(text)
        assert (target.kind, target.earliest, target.latest) == expected, text


@given(st.integers(min_value=1, max_value=4), years)
def test_calendar_quarters_cover_exactly_three_months(quarter, year):
    target = parse_target_date(f"Q{quarter} {year}")
    assert target.kind is TargetKind.QUARTER
    assert covers_whole_months(target.earliest, target.latest)
    assert month_count(target.earliest, target.latest) == 3
    assert target.earliest.month == 3 * quarter - 2


@given(st.integers(min_value=1, max_value=4), st.integers(min_value=1900, max_value=2198))
def test_financial_quarters_cover_exactly_three_months(quarter, year):
    target = parse_target_date(f"Q{quarter} {year}/{(year + 1) % 100:02d}")
    assert target.kind is TargetKind.QUARTER
    assert covers_whole_months(target.earliest, target.latest)
    assert month_count(target.earliest, target.latest) == 3
    assert date(year, 4, 1) <= target.earliest <= target.latest <= date(year + 1, 3, 31)


@given(st.integers(min_value=1900, max_value=2198), st.sampled_from(["{}/{:02d}", "{}-{:02d}"]))
def test_financial_years_cover_exactly_twelve_months_from_april(year, pattern):
    target = parse_target_date(pattern.format(year, (year + 1) % 100))
    assert target.kind is TargetKind.FINANCIAL_YEAR
    assert covers_whole_months(target.earliest, target.latest)
    assert month_count(target.earliest, target.latest) == 12
    assert target.earliest == date(year, 4, 1)


@given(year_months, year_months, st.sampled_from([" - ", " – ", "—", " to ", "-"]), st.booleans())
def test_a_range_of_two_ordered_months_covers_both(first, second, separator, abbreviate):
    (start_year, start_month), (end_year, end_month) = sorted([first, second])

    def spell(year: int, month: int) -> str:
        name = MONTH_NAMES[month - 1]
        return f"{name[:3] if abbreviate else name} {year}"

    target = parse_target_date(
        spell(start_year, start_month) + separator + spell(end_year, end_month)
    )
    assert target.kind is TargetKind.RANGE
    assert target.earliest == date(start_year, start_month, 1)
    assert target.latest == date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
