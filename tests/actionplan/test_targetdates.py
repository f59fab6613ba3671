"""Reading the target dates council officers actually write."""

from datetime import date

import pytest

from actionplan.targetdates import TargetDate, TargetKind, parse_target_date

K = TargetKind
D = date

READABLE = [
    # Months, in every spelling officers use.
    ("Dec 2004", K.MONTH, D(2004, 12, 1), D(2004, 12, 31)),
    ("October 2004", K.MONTH, D(2004, 10, 1), D(2004, 10, 31)),
    ("Oct  2005", K.MONTH, D(2005, 10, 1), D(2005, 10, 31)),
    ("DECEMBER 2004", K.MONTH, D(2004, 12, 1), D(2004, 12, 31)),
    ("  dec 2004  ", K.MONTH, D(2004, 12, 1), D(2004, 12, 31)),
    ("Dec 2004.", K.MONTH, D(2004, 12, 1), D(2004, 12, 31)),
    ("Dec. 2010", K.MONTH, D(2010, 12, 1), D(2010, 12, 31)),
    ("Sept. 2010", K.MONTH, D(2010, 9, 1), D(2010, 9, 30)),
    ("Sept 10", K.MONTH, D(2010, 9, 1), D(2010, 9, 30)),
    ("Sep 10", K.MONTH, D(2010, 9, 1), D(2010, 9, 30)),
    ("Mar 11", K.MONTH, D(2011, 3, 1), D(2011, 3, 31)),
    ("Jan 05", K.MONTH, D(2005, 1, 1), D(2005, 1, 31)),
    ("Jan-05", K.MONTH, D(2005, 1, 1), D(2005, 1, 31)),
    ("Dec '04", K.MONTH, D(2004, 12, 1), D(2004, 12, 31)),
    ("12/2004", K.MONTH, D(2004, 12, 1), D(2004, 12, 31)),
    ("Feb 2012", K.MONTH, D(2012, 2, 1), D(2012, 2, 29)),
    # Qualified months keep their kind but narrow the dates.
    ("End Dec 2004", K.MONTH, D(2004, 12, 31), D(2004, 12, 31)),
    ("End of March 2011", K.MONTH, D(2011, 3, 31), D(2011, 3, 31)),
    ("Mid November 2004", K.MONTH, D(2004, 11, 11), D(2004, 11, 20)),
    ("Mid-November 2004", K.MONTH, D(2004, 11, 11), D(2004, 11, 20)),
    ("Mid July 2004", K.MONTH, D(2004, 7, 11), D(2004, 7, 20)),
    ("Early Nov 2004", K.MONTH, D(2004, 11, 1), D(2004, 11, 10)),
    ("Late Nov 2004", K.MONTH, D(2004, 11, 21), D(2004, 11, 30)),
    ("Late Jan 2011", K.MONTH, D(2011, 1, 21), D(2011, 1, 31)),
    ("Late Feb 2012", K.MONTH, D(2012, 2, 19), D(2012, 2, 29)),
    ("Beginning of March 2011", K.MONTH, D(2011, 3, 1), D(2011, 3, 10)),
    # Days: UK day-first, ordinal, wordy and ISO.
    ("31/03/2013", K.DAY, D(2013, 3, 31), D(2013, 3, 31)),
    ("31/3/13", K.DAY, D(2013, 3, 31), D(2013, 3, 31)),
    ("31.03.2013", K.DAY, D(2013, 3, 31), D(2013, 3, 31)),
    ("31-03-2013", K.DAY, D(2013, 3, 31), D(2013, 3, 31)),
    ("1/4/2013", K.DAY, D(2013, 4, 1), D(2013, 4, 1)),
    ("31 March 2013", K.DAY, D(2013, 3, 31), D(2013, 3, 31)),
    ("31st March 2013", K.DAY, D(2013, 3, 31), D(2013, 3, 31)),
    ("2nd of May 2013", K.DAY, D(2013, 5, 2), D(2013, 5, 2)),
    ("Monday 1 April 2013", K.DAY, D(2013, 4, 1), D(2013, 4, 1)),
    ("Mon, 1 Apr 2013", K.DAY, D(2013, 4, 1), D(2013, 4, 1)),
    ("2013-03-31", K.DAY, D(2013, 3, 31), D(2013, 3, 31)),
    ("29/02/2012", K.DAY, D(2012, 2, 29), D(2012, 2, 29)),
    # Weeks.
    ("w/c 5 March 2012", K.WEEK, D(2012, 3, 5), D(2012, 3, 11)),
    ("w/c 05/03/2012", K.WEEK, D(2012, 3, 5), D(2012, 3, 11)),
    ("W/C 5th March 2012", K.WEEK, D(2012, 3, 5), D(2012, 3, 11)),
    ("week commencing 5 March 2012", K.WEEK, D(2012, 3, 5), D(2012, 3, 11)),
    # Quarters: calendar, and UK financial (Q1 = Apr-Jun).
    ("Q3 2012", K.QUARTER, D(2012, 7, 1), D(2012, 9, 30)),
    ("Q1 2013", K.QUARTER, D(2013, 1, 1), D(2013, 3, 31)),
    ("Quarter 2 2013", K.QUARTER, D(2013, 4, 1), D(2013, 6, 30)),
    ("Q3 2012/13", K.QUARTER, D(2012, 10, 1), D(2012, 12, 31)),
    ("Q4 2012/13", K.QUARTER, D(2013, 1, 1), D(2013, 3, 31)),
    ("Q1 2013/14", K.QUARTER, D(2013, 4, 1), D(2013, 6, 30)),
    ("Q2 FY2013/14", K.QUARTER, D(2013, 7, 1), D(2013, 9, 30)),
    ("End Q1 2013", K.QUARTER, D(2013, 3, 31), D(2013, 3, 31)),
    # Financial years run 1 April to 31 March.
    ("2012/13", K.FINANCIAL_YEAR, D(2012, 4, 1), D(2013, 3, 31)),
    ("2012-13", K.FINANCIAL_YEAR, D(2012, 4, 1), D(2013, 3, 31)),
    ("2012/2013", K.FINANCIAL_YEAR, D(2012, 4, 1), D(2013, 3, 31)),
    ("FY 2012/13", K.FINANCIAL_YEAR, D(2012, 4, 1), D(2013, 3, 31)),
    ("FY2012/13", K.FINANCIAL_YEAR, D(2012, 4, 1), D(2013, 3, 31)),
    ("2010-11", K.FINANCIAL_YEAR, D(2010, 4, 1), D(2011, 3, 31)),
    ("2099/00", K.FINANCIAL_YEAR, D(2099, 4, 1), D(2100, 3, 31)),
    # Meteorological seasons.
    ("Spring 2011", K.SEASON, D(2011, 3, 1), D(2011, 5, 31)),
    ("Summer 2010", K.SEASON, D(2010, 6, 1), D(2010, 8, 31)),
    ("Autumn 2005", K.SEASON, D(2005, 9, 1), D(2005, 11, 30)),
    ("Winter 2010", K.SEASON, D(2010, 12, 1), D(2011, 2, 28)),
    ("Winter 2010/11", K.SEASON, D(2010, 12, 1), D(2011, 2, 28)),
    ("Winter 2011/12", K.SEASON, D(2011, 12, 1), D(2012, 2, 29)),
    # Years.
    ("2005", K.YEAR, D(2005, 1, 1), D(2005, 12, 31)),
    ("Early 2011", K.YEAR, D(2011, 1, 1), D(2011, 5, 1)),
    ("End 2005", K.YEAR, D(2005, 12, 31), D(2005, 12, 31)),
    # Ranges: hyphen, en dash, em dash, "to"; the left side may borrow the right's year.
    ("Jan – Apr 2005", K.RANGE, D(2005, 1, 1), D(2005, 4, 30)),
    ("Jan-Apr 2005", K.RANGE, D(2005, 1, 1), D(2005, 4, 30)),
    ("Jan — Apr 2005", K.RANGE, D(2005, 1, 1), D(2005, 4, 30)),
    ("Jan 2005 to Apr 2005", K.RANGE, D(2005, 1, 1), D(2005, 4, 30)),
    ("Sept 10 – Mar 11", K.RANGE, D(2010, 9, 1), D(2011, 3, 31)),
    ("Nov 10 - Feb 11", K.RANGE, D(2010, 11, 1), D(2011, 2, 28)),
    ("Nov – Feb 2011", K.RANGE, D(2010, 11, 1), D(2011, 2, 28)),
    ("01/09/2010 - 31/03/2011", K.RANGE, D(2010, 9, 1), D(2011, 3, 31)),
    ("2013-03-01 - 2013-03-31", K.RANGE, D(2013, 3, 1), D(2013, 3, 31)),
    ("2005 to 2007", K.RANGE, D(2005, 1, 1), D(2007, 12, 31)),
    ("2005-2007", K.RANGE, D(2005, 1, 1), D(2007, 12, 31)),
    ("5-9 March 2012", K.RANGE, D(2012, 3, 5), D(2012, 3, 9)),
    ("28 Dec – 3 Jan 2012", K.RANGE, D(2011, 12, 28), D(2012, 1, 3)),
    ("Early Nov - Late Dec 2004", K.RANGE, D(2004, 11, 1), D(2004, 12, 31)),
    ("from Jan 2005 to Mar 2005", K.RANGE, D(2005, 1, 1), D(2005, 3, 31)),
    ("Q1 2013 - Q2 2013", K.RANGE, D(2013, 1, 1), D(2013, 6, 30)),
    # Deadlines only.
    ("By Dec 2004", K.BY, None, D(2004, 12, 31)),
    ("By Dec 2010", K.BY, None, D(2010, 12, 31)),
    ("by end Dec 2004", K.BY, None, D(2004, 12, 31)),
    (
        "FAQs to Districts and first tranche of OCC Internet FAQs by end Dec 2004",
        K.BY,
        None,
        D(2004, 12, 31),
    ),
    ("Report to Cabinet by 31/03/2013", K.BY, None, D(2013, 3, 31)),
    # Start only: no deadline.
    ("From Aug 2004", K.FROM, D(2004, 8, 1), None),
    ("From Oct 2004", K.FROM, D(2004, 10, 1), None),
    ("From mid Nov 2004", K.FROM, D(2004, 11, 11), None),
    ("Sept 2004 onwards", K.FROM, D(2004, 9, 1), None),
    ("Nov 2004 onwards", K.FROM, D(2004, 11, 1), None),
    ("March 2013 onwards", K.FROM, D(2013, 3, 1), None),
    ("Starting Jan 2011", K.FROM, D(2011, 1, 1), None),
    ("from April 2011 onwards", K.FROM, D(2011, 4, 1), None),
    # Ongoing work, whatever commentary follows.
    ("Ongoing", K.ONGOING, None, None),
    ("ONGOING", K.ONGOING, None, None),
    ("on-going", K.ONGOING, None, None),
    ("Ongoing – meeting with corporate HR in December 2004", K.ONGOING, None, None),
]

UNREADABLE = [
    "TBC",
    "TBC.",
    "T.B.C.",
    "Tba",
    "TBA",
    "TBD",
    "to be confirmed",
    "To be agreed",
    "",
    "   ",
    "Monthly review after West Oxon pilot started",
    "next year sometime",
    "ASAP",
    "31/02/2013",  # no such day
    "13/13/2013",
    "Apr 2005 – Jan 2005",  # runs backwards
    "Monday 31 March 2013",  # 31 March 2013 was a Sunday: which part is the mistake?
    "Spring 2011/12",  # only winter spans two years
    "2012/14",  # not consecutive years, so not a financial year
    "Q5 2012",
    "Q3 FY2012",  # which financial year?
    "Dec 1899",
    "2200",
    "December",  # no year
    "Summer",
    "Dec 2004 or Jan 2005",
    "Dec 2004 - TBC",
    "2005-2006-2007",  # could be split two ways
]


@pytest.mark.parametrize(("text", "kind", "earliest", "latest"), READABLE)
def test_officers_target_dates_are_read_as_expected(text, kind, earliest, latest):
    target = parse_target_date(text)
    assert (target.kind, target.earliest, target.latest) == (kind, earliest, latest)


@pytest.mark.parametrize("text", UNREADABLE)
def test_text_that_cannot_be_read_fully_is_unscheduled_with_no_dates(text):
    target = parse_target_date(text)
    assert (target.kind, target.earliest, target.latest) == (K.UNSCHEDULED, None, None)
    assert target.unscheduled


def test_the_table_covers_at_least_eighty_real_world_strings():
    assert len(READABLE) + len(UNREADABLE) >= 80


def test_none_is_read_as_blank_unscheduled_text():
    assert parse_target_date(None) == TargetDate("", K.UNSCHEDULED, None, None)


@pytest.mark.parametrize("text", ["  Dec 2004 ", "Oct  2005", "\tTBC\n", "Dec 2004.", ""])
def test_text_is_kept_exactly_as_given(text):
    assert parse_target_date(text).text == text


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("End Dec 2004", "end"),
        ("Mid November 2004", "mid"),
        ("early 2011", "early"),
        ("Late Jan 2011", "late"),
        ("Dec 2004", ""),
        ("FAQs to Districts and first tranche of OCC Internet FAQs by end Dec 2004", "end"),
    ],
)
def test_qualifiers_are_recorded_for_information(text, qualifier):
    assert parse_target_date(text).qualifier == qualifier


def test_kinds_are_plain_lowercase_words():
    assert K.FINANCIAL_YEAR == "financial_year"
    assert str(K.MONTH) == "month"


AFTER_EVERYTHING = date(2100, 1, 1)


@pytest.mark.parametrize(
    "text", ["Ongoing", "Ongoing – meeting with corporate HR in December 2004"]
)
def test_ongoing_work_is_never_overdue(text):
    target = parse_target_date(text)
    assert target.ongoing
    assert not target.has_deadline
    assert not target.is_overdue(AFTER_EVERYTHING, finished=False)


@pytest.mark.parametrize("text", ["From Aug 2004", "Sept 2004 onwards"])
def test_work_with_only_a_start_date_is_never_overdue(text):
    target = parse_target_date(text)
    assert not target.has_deadline
    assert not target.is_overdue(AFTER_EVERYTHING, finished=False)


@pytest.mark.parametrize("text", ["TBC", "", "next year sometime"])
def test_unscheduled_work_is_never_overdue(text):
    target = parse_target_date(text)
    assert not target.has_deadline
    assert not target.is_overdue(AFTER_EVERYTHING, finished=False)


@pytest.mark.parametrize("text", ["Dec 2004", "By Dec 2004", "31/03/2013"])
def test_finished_work_is_never_overdue(text):
    assert not parse_target_date(text).is_overdue(AFTER_EVERYTHING, finished=True)


@pytest.mark.parametrize("text", ["Dec 2004", "By Dec 2004", "End Dec 2004", "Nov – Dec 2004"])
def test_work_becomes_overdue_the_day_after_its_latest_date(text):
    target = parse_target_date(text)
    assert target.has_deadline
    assert target.is_overdue(date(2005, 1, 1), finished=False)


@pytest.mark.parametrize("text", ["Dec 2004", "By Dec 2004", "End Dec 2004", "Nov – Dec 2004"])
def test_work_is_not_overdue_on_its_latest_date(text):
    assert not parse_target_date(text).is_overdue(date(2004, 12, 31), finished=False)


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        ("Dec 2004", "1 December 2004 to 31 December 2004"),
        ("By Dec 2004", "by 31 December 2004"),
        ("From Aug 2004", "from 1 August 2004 (no deadline)"),
        ("Ongoing", "ongoing (no deadline)"),
        ("TBC", "not yet scheduled"),
        ("31/03/2013", "31 March 2013"),
        ("End Dec 2004", "31 December 2004"),
        ("w/c 05/03/2012", "5 March 2012 to 11 March 2012"),
        ("Q4 2012/13", "1 January 2013 to 31 March 2013"),
    ],
)
def test_describe_uses_plain_british_wording(text, wording):
    assert parse_target_date(text).describe() == wording


def test_sort_key_orders_by_latest_then_earliest_then_text_with_undated_last():
    texts = [
        "TBC",
        "From Aug 2004",
        "Ongoing",
        "2005",
        "By Dec 2004",
        "Dec 2004",
        "End Dec 2004",
        "Nov 2004",
        "Nov 2004 onwards",
        "a: by 30/11/2004",
    ]
    ordered = [t.text for t in sorted(map(parse_target_date, texts), key=TargetDate.sort_key)]
    assert ordered == [
        "Nov 2004",
        "a: by 30/11/2004",  # latest 30 Nov; an open start sorts after a known one
        "Dec 2004",
        "End Dec 2004",
        "By Dec 2004",  # latest 31 Dec; earliest 1st, 31st, none
        "2005",
        "From Aug 2004",
        "Nov 2004 onwards",  # no latest; by earliest
        "Ongoing",
        "TBC",  # no dates at all; by text
    ]
