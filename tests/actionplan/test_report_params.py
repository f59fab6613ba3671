"""Reading the report builder's parameters into a report and its options."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from actionplan.models import Plan, PublishedReport, Theme, Unit
from actionplan.reporting import EXCEPTIONS_DESCRIBED
from actionplan.reporting.params import report_from_params
from tests.conftest import home_council

LONDON = timezone.get_default_timezone()
TODAY = timezone.localdate()


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=LONDON)


def _published(plan: Plan, as_at: datetime) -> PublishedReport:
    return PublishedReport.objects.create(
        plan=plan,
        committee="Executive",
        meeting_date=as_at.date(),
        title="Progress report",
        as_at=as_at,
        pdf="reports/test.pdf",
        xlsx="reports/test.xlsx",
    )


def _read(plan: Plan, query: str):
    return report_from_params(plan, QueryDict(query), today=TODAY)


def test_no_parameters_give_the_whole_plan_now_with_the_default_cover(action):
    before = timezone.now()
    report, options, errors = _read(action.theme.plan, "")
    assert errors == []
    assert before <= report.as_at <= timezone.now()
    assert report.changes is None
    assert [row.id for row in report.rows()] == [action.pk]
    assert (options.committee, options.meeting_date, options.title) == ("Executive", None, "")
    assert options.include_full_plan is False


@pytest.mark.parametrize("written", ["31/03/2011", "2011-03-31", "31/3/2011", "31/03/11"])
def test_an_as_at_date_means_the_end_of_that_day_in_london(plan, written):
    report, _, errors = _read(plan, f"as_at={written}")
    assert errors == []
    assert report.as_at == _end_of(date(2011, 3, 31))


def test_an_as_at_datetime_is_the_exact_moment_in_london_time(plan):
    report, _, errors = _read(plan, "as_at=2011-01-14T17:30")
    assert errors == []
    assert report.as_at == datetime(2011, 1, 14, 17, 30, tzinfo=LONDON)


def test_an_as_at_datetime_with_its_own_offset_keeps_it(plan):
    report, _, _ = report_from_params(plan, {"as_at": "2011-07-14T17:30+01:00"}, today=TODAY)
    assert report.as_at == datetime(2011, 7, 14, 16, 30, tzinfo=UTC)


def test_a_past_as_at_judges_overdue_on_that_day_not_today(plan):
    report, _, _ = _read(plan, "as_at=31/03/2011")
    assert report.today == date(2011, 3, 31)


def test_an_unreadable_as_at_date_is_refused_with_an_example(plan):
    report, options, errors = _read(plan, "as_at=next+Tuesday")
    assert report is None
    assert errors == [
        "Enter the 'as at' date as day/month/year, like 31/03/2011, or with a time, like "
        "31/03/2011 12:25"
    ]


def test_an_as_at_date_after_today_is_refused(plan):
    tomorrow = TODAY + timedelta(days=1)
    _, _, errors = _read(plan, f"as_at={tomorrow:%d/%m/%Y}")
    assert errors == [f"The 'as at' date cannot be after today ({TODAY.day} {TODAY:%B %Y})"]


def test_since_a_date_gives_the_changes_from_the_start_of_that_day(plan):
    report, _, errors = _read(plan, "as_at=31/03/2011&since=14/01/2011")
    assert errors == []
    assert report.changes.since == datetime(2011, 1, 14, 0, 0, tzinfo=LONDON)


def test_as_at_and_since_accept_a_date_and_a_time(plan):
    report, _, errors = _read(plan, "as_at=31/03/2011+12:25&since=14/01/2011+09:30")
    assert errors == []
    assert report.as_at == datetime(2011, 3, 31, 12, 25, tzinfo=LONDON)
    assert report.changes.since == datetime(2011, 1, 14, 9, 30, tzinfo=LONDON)


def test_since_today_with_as_at_now_is_accepted(plan):
    report, _, errors = _read(plan, f"as_at=&since={TODAY:%d/%m/%Y}")
    assert errors == []
    assert report.changes.since == datetime.combine(TODAY, datetime.min.time(), tzinfo=LONDON)


def test_since_must_be_before_as_at(plan):
    for since in ("01/04/2011", "2011-03-31T23:59:59.999999", "31/03/2011 23:59"):
        _, _, errors = _read(plan, f"as_at=31/03/2011+12:00&since={since}")
        assert errors == ["The 'since' moment must be before the 'as at' moment."], since


def test_an_unreadable_since_is_refused_and_says_none_is_allowed(plan):
    _, _, errors = _read(plan, "since=last+time")
    assert errors == [
        "Enter the 'since' date as day/month/year, like 14/01/2011, or with a time, like "
        "14/01/2011 09:00, or write 'none' for no list of changes"
    ]


def test_since_defaults_to_the_last_published_report_before_the_moment(plan):
    january = datetime(2011, 1, 14, 17, 0, tzinfo=LONDON)
    april = datetime(2011, 4, 8, 9, 0, tzinfo=LONDON)
    _published(plan, january)
    _published(plan, april)

    latest, _, _ = _read(plan, "")
    assert latest.changes.since == april
    blank, _, _ = _read(plan, "since=")
    assert blank.changes.since == april
    # A report as at a moment between the two reads against the one before it.
    between, _, _ = _read(plan, "as_at=31/03/2011")
    assert between.changes.since == january
    earliest, _, _ = _read(plan, "as_at=01/01/2011")
    assert earliest.changes is None


def test_since_none_leaves_out_the_changes_even_after_a_publication(plan):
    _published(plan, datetime(2011, 1, 14, 17, 0, tzinfo=LONDON))
    report, _, errors = _read(plan, "since=none")
    assert errors == []
    assert report.changes is None


def test_other_plans_publications_do_not_set_the_default(plan):
    other = Plan.objects.create(slug="other", title="Other plan", organisation=home_council())
    _published(other, datetime(2011, 1, 14, 17, 0, tzinfo=LONDON))
    report, _, _ = _read(plan, "")
    assert report.changes is None


def test_filters_and_flags_are_read_and_described(action, people):
    plan = action.theme.plan
    unit = Unit.objects.create(organisation=home_council(), name="Customer Services")
    query = (
        f"theme={action.theme_id}&owner={people['RF'].pk}&unit={unit.pk}"
        "&exceptions=1&full=1&committee=Scrutiny&meeting_date=14/01/2011&title=Q3&author=A+Officer"
    )
    report, options, errors = _read(plan, query)
    assert errors == []
    assert report.exceptions_only is True
    assert report.filters_described == [
        "Theme: 4. Telephone Access",
        "Owner: RF (directly or through a group they belonged to at the time)",
        "Directorate or service: Customer Services",
        EXCEPTIONS_DESCRIBED,
    ]
    assert options.committee == "Scrutiny"
    assert options.meeting_date == date(2011, 1, 14)
    assert (options.title, options.author, options.include_full_plan) == ("Q3", "A Officer", True)


def test_a_ticked_checkbox_counts_like_1(plan):
    report, options, _ = _read(plan, "exceptions=on&full=on")
    assert report.exceptions_only and options.include_full_plan


def test_several_themes_and_owners_may_be_given(action, people):
    plan = action.theme.plan
    second = Theme.objects.create(plan=plan, reference="5", title="Face to face", position=5)
    report, _, errors = _read(
        plan,
        f"theme={action.theme_id}&theme={second.pk}&owner={people['RF'].pk}&owner="
        f"{people['PW'].pk}",
    )
    assert errors == []
    assert [text for text in report.filters_described if text.startswith("Theme")] == [
        "Theme: 4. Telephone Access",
        "Theme: 5. Face to face",
    ]
    assert len([text for text in report.filters_described if text.startswith("Owner")]) == 2


def test_a_theme_of_another_plan_or_an_unknown_owner_is_refused(plan, people):
    other = Plan.objects.create(slug="other", title="Other plan", organisation=home_council())
    foreign = Theme.objects.create(plan=other, reference="1", title="Elsewhere")
    _, _, errors = _read(plan, f"theme={foreign.pk}&owner=999999&unit=abc")
    assert errors == [
        "Choose themes of this plan from the list.",
        "Choose an owner from the list.",
        "Choose a directorate or service from the list.",
    ]


def test_an_unreadable_meeting_date_is_refused(plan):
    _, _, errors = _read(plan, "meeting_date=Thursday")
    assert errors == ["Enter the meeting date as day/month/year, like 14/01/2011"]


def test_a_plain_dict_of_values_works_like_a_query_string(action, people):
    report, options, errors = report_from_params(
        action.theme.plan,
        {
            "as_at": TODAY,
            "owner": [people["RF"].pk],
            "exceptions": False,
            "full": True,
            "meeting_date": date(2011, 1, 14),
        },
        today=TODAY,
    )
    assert errors == []
    assert report.as_at == _end_of(TODAY)
    assert report.exceptions_only is False
    assert options.include_full_plan is True
    assert options.meeting_date == date(2011, 1, 14)
