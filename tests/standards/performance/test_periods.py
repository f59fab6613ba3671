"""Periods named as councils name them, and read back from what people type."""

from datetime import date

import pytest

from standards.periods import ANNUALLY, MONTHLY, QUARTERLY, Period, PeriodError, parse_period


@pytest.mark.parametrize(
    ("start", "frequency", "label"),
    [
        (date(2026, 10, 1), MONTHLY, "October 2026"),
        (date(2026, 10, 1), QUARTERLY, "Q3 2026/27"),
        (date(2026, 4, 1), QUARTERLY, "Q1 2026/27"),
        (date(2027, 1, 1), QUARTERLY, "Q4 2026/27"),
        (date(2026, 4, 1), ANNUALLY, "2026/27"),
        (date(1999, 4, 1), ANNUALLY, "1999/00"),
    ],
)
def test_labels(start, frequency, label):
    assert Period(start, frequency).label == label


def test_ends_previous_and_year_before():
    month = Period(date(2026, 1, 1))
    assert month.end == date(2026, 1, 31)
    assert month.previous() == Period(date(2025, 12, 1))
    assert month.year_before() == Period(date(2025, 1, 1))
    quarter = Period(date(2026, 1, 1), QUARTERLY)
    assert quarter.end == date(2026, 3, 31)
    assert quarter.previous().label == "Q3 2025/26"
    assert quarter.year_before().label == "Q4 2024/25"
    assert Period(date(2026, 4, 1), ANNUALLY).end == date(2027, 3, 31)


def test_containing_finds_the_period_of_a_day():
    assert Period.containing(date(2026, 11, 23), QUARTERLY).label == "Q3 2026/27"
    assert Period.containing(date(2026, 2, 5), ANNUALLY).label == "2025/26"
    assert Period.containing(date(2026, 2, 5)).label == "February 2026"


@pytest.mark.parametrize(
    ("start", "frequency"),
    [(date(2026, 10, 2), MONTHLY), (date(2026, 11, 1), QUARTERLY), (date(2026, 1, 1), ANNUALLY)],
)
def test_misaligned_periods_are_refused(start, frequency):
    with pytest.raises(PeriodError):
        Period(start, frequency)


@pytest.mark.parametrize(
    ("text", "frequency", "expected"),
    [
        ("2026-10", MONTHLY, "October 2026"),
        ("2026-1", MONTHLY, "January 2026"),
        ("October 2026", MONTHLY, "October 2026"),
        ("oct  2026", MONTHLY, "October 2026"),
        ("Q3 2026/27", QUARTERLY, "Q3 2026/27"),
        ("2026-10", QUARTERLY, "Q3 2026/27"),
        ("2026/27", ANNUALLY, "2026/27"),
    ],
)
def test_parse(text, frequency, expected):
    assert parse_period(text, frequency).label == expected


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        ("2026-13", MONTHLY),
        ("Octember 2026", MONTHLY),
        ("Ju 2026", MONTHLY),  # June or July
        ("Q3 2026/28", QUARTERLY),
        ("Q3 2026/27", MONTHLY),
        ("2026-11", QUARTERLY),  # not the start of a quarter
        ("next month", MONTHLY),
        ("", MONTHLY),
    ],
)
def test_unreadable_periods_are_refused_with_a_message(text, frequency):
    with pytest.raises(PeriodError) as error:
        parse_period(text, frequency)
    assert str(error.value)
