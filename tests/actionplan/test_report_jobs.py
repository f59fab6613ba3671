"""Reports made in the background: queued by the service, made by the real db_worker."""

import io
import os
import subprocess
import sys

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from actionplan.models import Owner, PublishedReport, ReportJob, ReportJobState
from actionplan.reporting.jobs import UNEXPECTED_FAILURE, report_job_request, report_size
from actionplan.reporting.params import report_from_params
from actionplan.synthetic import build_plan
from tests.conftest import home_council


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "job.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(text.split())


def test_a_pdf_job_waits_in_the_queue_until_the_worker_makes_it(
    worker, action, steering_member, media, tmp_path
):
    job = report_job_request(
        plan=action.theme.plan, kind="pdf", params={"exceptions": ""}, user=steering_member
    )
    assert job.state == ReportJobState.QUEUED
    assert not job.file
    queued = DBTaskResult.objects.get(id=job.task_id)
    assert queued.status == TaskResultStatus.READY
    assert queued.args_kwargs == {"args": [job.pk], "kwargs": {}}

    worker()

    job.refresh_from_db()
    assert job.state == ReportJobState.DONE
    assert job.requested_at <= job.started_at <= job.finished_at
    assert job.error == ""
    assert job.file_name.startswith("test-plan-report-") and job.file_name.endswith(".pdf")
    content = job.file.read()
    assert content.startswith(b"%PDF")
    text = _pdf_text(content, tmp_path)
    assert "Of 1 action, 1 (100%) not started." in text
    assert "Identify key customer" in text
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.SUCCESSFUL


def test_a_workbook_job_holds_the_plans_actions(worker, action, viewer):
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)
    worker()
    job.refresh_from_db()
    assert job.state == ReportJobState.DONE
    workbook = openpyxl.load_workbook(io.BytesIO(job.file.read()), read_only=True)
    cells = [c for row in workbook["Plan"].iter_rows(values_only=True) for c in row]
    assert action.description in cells


def test_each_step_of_a_job_is_in_its_history_with_who_asked(worker, action, steering_member):
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=steering_member)
    worker()
    rows = list(job.history.order_by("history_date", "history_id"))
    assert [r.history_change_reason for r in rows] == [
        "Report requested",
        "Report queued",
        "Report started",
        "Report made",
    ]
    assert {r.history_user for r in rows} == {steering_member}
    assert [r.state for r in rows] == ["queued", "queued", "running", "done"]


def test_parameters_that_make_no_report_are_refused_and_nothing_is_queued(plan, viewer):
    with pytest.raises(ValidationError) as refused:
        report_job_request(plan=plan, kind="pdf", params={"as_at": "31/02/2011"}, user=viewer)
    assert "as_at" in refused.value.message_dict
    with pytest.raises(ValidationError):
        report_job_request(plan=plan, kind="docx", params={}, user=viewer)
    assert not ReportJob.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_publishing_needs_a_meeting_date_before_anything_is_queued(plan, steering_member):
    with pytest.raises(ValidationError) as refused:
        report_job_request(plan=plan, kind="publish", params={}, user=steering_member)
    assert "meeting_date" in refused.value.message_dict
    assert not ReportJob.objects.exists()


def test_a_job_whose_parameters_stopped_making_sense_fails_and_says_why(
    worker, action, viewer, media
):
    departed = Owner.objects.create(
        organisation=home_council(), name="Left the council", short_name="LC"
    )
    job = report_job_request(
        plan=action.theme.plan, kind="pdf", params={"owner": [departed.pk]}, user=viewer
    )
    departed.delete()

    worker()

    job.refresh_from_db()
    assert job.state == ReportJobState.FAILED
    assert job.error == "This report cannot be made: Choose an owner from the list."
    assert job.finished_at is not None
    assert not job.file
    assert not media.exists() or not any(media.rglob("*.pdf"))


def test_a_job_that_cannot_store_its_file_fails_plainly_and_the_worker_logs_it(
    worker, action, viewer, settings, tmp_path
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)

    worker()

    job.refresh_from_db()
    assert job.state == ReportJobState.FAILED
    assert job.error == UNEXPECTED_FAILURE
    assert not job.file
    task_result = DBTaskResult.objects.get(id=job.task_id)
    assert task_result.status == TaskResultStatus.FAILED
    assert task_result.exception_class_path.endswith("Error")


def test_a_publication_job_publishes_the_report(worker, action, steering_member):
    job = report_job_request(
        plan=action.theme.plan,
        kind="publish",
        params={"committee": "Scrutiny", "meeting_date": "14/01/2011"},
        user=steering_member,
    )
    assert not PublishedReport.objects.exists()
    worker()
    job.refresh_from_db()
    published = PublishedReport.objects.get()
    assert job.state == ReportJobState.DONE
    assert job.published == published
    assert published.committee == "Scrutiny"
    assert published.published_by == steering_member
    assert published.pdf.read().startswith(b"%PDF")


def test_the_worker_makes_each_job_once(worker, action, viewer):
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)
    worker()
    worker()
    assert job.history.filter(history_change_reason="Report made").count() == 1


def test_a_reports_size_counts_its_rows_and_the_appendix_of_a_filtered_one(db):
    plan = build_plan(
        organisation=home_council(),
        slug="sized",
        themes=2,
        projects_per_theme=1,
        actions_per_project=3,
    )
    first_theme = plan.themes.order_by("position").first()
    report, options, _ = report_from_params(plan, {}, today=timezone.localdate())
    assert report_size(report, options) == 6
    report, options, _ = report_from_params(
        plan, {"theme": [first_theme.pk], "full": "1"}, today=timezone.localdate()
    )
    assert report_size(report, options) == 3 + 6


def test_the_worker_as_its_own_process_makes_a_queued_report(
    transactional_db, action, viewer, media
):
    """`manage.py db_worker`, as `make run` and production start it, against the test database.

    Needs a database another process can open: PostgreSQL (the SQLite test database lives in
    this process's memory; the tests above run the same command in-process).
    """
    database = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database is in memory: another process cannot see it")
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)
    url = (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/"
        f"{database['NAME']}"
    )
    finished = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": url,
            "ACTIONPLAN_MEDIA_ROOT": str(media),
            "DJANGO_DEBUG": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    job.refresh_from_db()
    assert job.state == ReportJobState.DONE
    assert job.file.read().startswith(b"PK")


def test_a_report_for_now_shows_the_plan_as_it_was_when_asked_not_when_made(
    worker, action, viewer, steering_member
):
    asked_for = action.description
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)
    action.description = "Changed while the report waited in the queue"
    action.save()
    worker()
    job.refresh_from_db()
    assert job.state == ReportJobState.DONE
    workbook = openpyxl.load_workbook(io.BytesIO(job.file.read()), read_only=True)
    cells = [c for row in workbook["Plan"].iter_rows(values_only=True) for c in row]
    assert asked_for in cells
    assert "Changed while the report waited in the queue" not in cells
