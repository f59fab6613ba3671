"""Background reports whose worker died: queued again once, then failed with a message."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from actionplan.models import REPORT_JOB_RUN_LIMIT, REPORT_JOB_WAIT_LIMIT, ReportJobState
from actionplan.reporting.jobs import (
    REQUEUED,
    WORKER_STOPPED,
    report_job_request,
    report_jobs_recover,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _killed_mid_job(job, *, started_ago: timedelta):
    """What a worker killed while making the job leaves: job and task both running."""
    DBTaskResult.objects.filter(id=job.task_id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - started_ago
    )
    job.state = ReportJobState.RUNNING
    job.started_at = timezone.now() - started_ago
    job.save()
    return job


def test_a_report_whose_worker_died_is_made_by_the_next_worker(worker, action, viewer):
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)
    _killed_mid_job(job, started_ago=REPORT_JOB_RUN_LIMIT + timedelta(minutes=1))

    out = io.StringIO()
    call_command("recover_report_jobs", stdout=out)

    assert "Queued again: 1. Failed: 0." in out.getvalue()
    job.refresh_from_db()
    assert job.state == ReportJobState.QUEUED and job.started_at is None
    assert job.history.filter(history_change_reason=REQUEUED).count() == 1
    worker()
    job.refresh_from_db()
    assert job.state == ReportJobState.DONE
    assert job.file.read().startswith(b"PK")


def test_a_report_whose_worker_died_twice_fails_with_a_message_on_its_page(
    worker, client, action, viewer
):
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)
    late = REPORT_JOB_RUN_LIMIT + timedelta(minutes=1)
    _killed_mid_job(job, started_ago=late)
    assert report_jobs_recover(now=timezone.now()).requeued == [job.pk]
    job.refresh_from_db()
    _killed_mid_job(job, started_ago=late)

    recovery = report_jobs_recover(now=timezone.now())

    assert recovery.failed == [job.pk] and recovery.requeued == []
    job.refresh_from_db()
    assert job.state == ReportJobState.FAILED and job.finished_at is not None
    client.force_login(viewer)
    page = client.get(reverse("report_job_detail", args=[job.pk])).content.decode()
    assert WORKER_STOPPED.replace("'", "&#x27;") in page
    assert "may have stopped" not in page  # a failed job is no longer "taking long"


def test_a_report_still_being_made_within_its_time_is_left_alone(transactional_db, action, viewer):
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)
    _killed_mid_job(job, started_ago=REPORT_JOB_RUN_LIMIT - timedelta(minutes=1))

    recovery = report_jobs_recover(now=timezone.now())

    assert (recovery.requeued, recovery.failed, recovery.waiting) == ([], [], [])
    job.refresh_from_db()
    assert job.state == ReportJobState.RUNNING


def test_a_report_waiting_for_a_worker_stays_in_the_queue_for_one(transactional_db, action, viewer):
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)

    recovery = report_jobs_recover(now=timezone.now() + REPORT_JOB_WAIT_LIMIT * 2)

    assert recovery.waiting == [job.pk] and recovery.requeued == []
    job.refresh_from_db()
    assert job.state == ReportJobState.QUEUED
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_a_queued_report_whose_task_was_lost_is_queued_again(worker, action, viewer):
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)
    DBTaskResult.objects.filter(id=job.task_id).delete()  # say, pruned by mistake

    recovery = report_jobs_recover(now=timezone.now() + REPORT_JOB_WAIT_LIMIT * 2)

    assert recovery.requeued == [job.pk]
    worker()
    job.refresh_from_db()
    assert job.state == ReportJobState.DONE
