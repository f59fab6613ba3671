"""Publishing a report: its moment, options and files are kept, all or nothing."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from actionplan import exports, publishing
from actionplan.models import PublishedReport, Status
from actionplan.publishing import report_publish
from actionplan.reporting.params import report_from_params
from actionplan.services import action_record_progress

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored_files(media) -> list[str]:
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


def _publish(plan, user, **params) -> PublishedReport:
    params.setdefault("committee", "Executive")
    params.setdefault("meeting_date", "14/01/2011")
    return report_publish(plan=plan, params=params, user=user, today=TODAY)


def test_publishing_keeps_the_moment_options_and_both_files(action, people, steering_member, media):
    before = timezone.now()
    published = _publish(
        action.theme.plan,
        steering_member,
        owner=str(people["RF"].pk),
        exceptions="",
        full="1",
        author="Assistant Chief Executive",
    )

    published.refresh_from_db()
    assert before <= published.as_at <= timezone.now()
    assert published.since is None
    assert (published.committee, published.meeting_date) == ("Executive", date(2011, 1, 14))
    assert published.title == "Customer Service Action Plan: progress report"
    assert published.author == "Assistant Chief Executive"
    assert published.published_by == steering_member
    assert published.options == {
        "themes": [],
        "owners": [people["RF"].pk],
        "unit": None,
        "exceptions_only": False,
        "include_full_plan": True,
        "filters_described": [
            "Owner: RF (directly or through a group they belonged to at the time)"
        ],
    }
    assert published.pdf.name.startswith(f"reports/{timezone.now():%Y}/executive-2011-01-14")
    assert published.pdf.read().startswith(b"%PDF")
    workbook = openpyxl.load_workbook(io.BytesIO(published.xlsx.read()), read_only=True)
    cells = [c for row in workbook["Plan"].iter_rows(values_only=True) for c in row]
    assert action.description in cells
    assert _stored_files(media) == ["executive-2011-01-14.pdf", "executive-2011-01-14.xlsx"]
    assert published.history.get().history_change_reason == "Report published"


def test_a_published_report_keeps_its_files_whatever_changes_afterwards(action, steering_member):
    published = _publish(action.theme.plan, steering_member)
    pdf, workbook = published.pdf.read(), published.xlsx.read()
    action_record_progress(
        action=action,
        reported_on=TODAY,
        narrative="Directory published",
        status=Status.COMPLETED,
        user=steering_member,
    )

    kept = PublishedReport.objects.get(pk=published.pk)
    assert kept.pdf.read() == pdf
    assert kept.xlsx.read() == workbook
    assert _statuses(workbook) == ["Not started"]
    # The plan did change: the same parameters today make a different workbook.
    report, options, _ = report_from_params(action.theme.plan, {}, today=TODAY)
    assert _statuses(exports.report_workbook_bytes(report, options)) == ["Completed"]


def _statuses(workbook: bytes) -> list[str]:
    """The Status column of the workbook's Plan sheet."""
    rows = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)["Plan"].iter_rows(
        values_only=True
    )
    headings = list(next(rows))
    return [row[headings.index("Status")] for row in rows]


def test_the_next_report_lists_the_changes_since_the_published_one(action, steering_member):
    published = _publish(action.theme.plan, steering_member)
    action_record_progress(
        action=action,
        reported_on=TODAY,
        narrative="Directory published",
        status=Status.COMPLETED,
        user=steering_member,
    )

    report, _, errors = report_from_params(action.theme.plan, {}, today=TODAY)
    assert errors == []
    assert report.changes.since == published.as_at
    assert [c.action_id for c in report.changes.completed] == [action.pk]
    assert [c.text for c in report.changes.progress_updates] == ["Directory published"]


def test_publishing_twice_reads_the_second_against_the_first(action, steering_member):
    first = _publish(action.theme.plan, steering_member)
    second = _publish(action.theme.plan, steering_member, meeting_date="14/04/2011")
    assert second.since == first.as_at


def test_publishing_needs_a_meeting_date_and_stores_nothing_without_one(
    action, steering_member, media
):
    with pytest.raises(ValidationError) as refused:
        _publish(action.theme.plan, steering_member, meeting_date="")
    assert refused.value.message_dict == {
        "meeting_date": ["Enter the date of the meeting the report is for, like 14/01/2011"]
    }
    assert not PublishedReport.objects.exists()
    assert _stored_files(media) == []


def test_parameters_in_error_are_refused_by_name(action, steering_member):
    with pytest.raises(ValidationError) as refused:
        _publish(action.theme.plan, steering_member, as_at="31/02/2011")
    assert refused.value.message_dict == {
        "as_at": [
            "Enter the 'as at' date as day/month/year, like 31/03/2011, or with a time, like "
            "31/03/2011 12:25"
        ]
    }


def test_a_rendering_failure_leaves_no_row_and_no_file(action, steering_member, media, monkeypatch):
    def broken(report, options):
        raise RuntimeError("openpyxl failed")

    monkeypatch.setattr(exports, "report_workbook_bytes", broken)
    with pytest.raises(RuntimeError):
        _publish(action.theme.plan, steering_member)
    assert not PublishedReport.objects.exists()
    assert _stored_files(media) == []


def test_a_row_that_cannot_be_saved_takes_its_files_with_it(
    action, steering_member, media, monkeypatch
):
    def refuse(obj, **kwargs):
        raise IntegrityError("database gone")

    monkeypatch.setattr(publishing, "save_with_history", refuse)
    with pytest.raises(IntegrityError):
        _publish(action.theme.plan, steering_member)
    assert not PublishedReport.objects.exists()
    assert _stored_files(media) == []


def test_the_model_refuses_a_since_after_its_as_at(plan):
    now = timezone.now()
    report = PublishedReport(
        plan=plan,
        committee="Executive",
        meeting_date=TODAY,
        title="Report",
        as_at=now,
        since=now + timedelta(hours=1),
        pdf="reports/a.pdf",
        xlsx="reports/a.xlsx",
    )
    with pytest.raises(ValidationError) as refused:
        report.full_clean()
    assert refused.value.messages == ["The 'since' moment must be before the 'as at' moment."]


def test_download_names_come_from_the_committee_and_meeting(plan):
    report = PublishedReport(committee="Overview & Scrutiny", meeting_date=date(2011, 1, 14))
    assert publishing.published_file_name(report, "pdf") == "overview-scrutiny-2011-01-14.pdf"
