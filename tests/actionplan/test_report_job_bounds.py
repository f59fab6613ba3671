"""The background queue is bounded: a few waiting reports per person, an identical request
never queued twice, publications ahead of downloads, old files deleted (finding 2)."""

from __future__ import annotations

import os
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actionplan.models import PublishedReport, ReportJob, ReportJobState
from actionplan.reporting.jobs import report_job_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ACTIONPLAN_SYNC_REPORT_MAX_ACTIONS = 0  # every PDF goes to the worker
    return settings.MEDIA_ROOT


def _ask(client, plan, **params):
    return client.post(reverse("report_job_request", args=[plan.slug, "pdf"]), params)


def test_a_viewer_cannot_flood_the_queue(client, viewer, action, settings):
    settings.ACTIONPLAN_REPORT_JOBS_PER_USER = 3
    plan = action.theme.plan
    client.force_login(viewer)
    for committee in ("A", "B", "C"):
        assert _ask(client, plan, committee=committee)["Location"].startswith("/report-jobs/")
    for committee in ("D", "E", "F", "G"):
        refused = _ask(client, plan, committee=committee)
        assert refused["Location"].startswith(reverse("report_builder", args=[plan.slug]))
    assert ReportJob.objects.filter(requested_by=viewer).count() == 3
    assert DBTaskResult.objects.count() == 3
    page = client.get(refused["Location"]).content.decode()
    assert "You already have 3 reports waiting to be made or being made" in page


def test_a_finished_report_frees_a_place(client, viewer, action, settings):
    settings.ACTIONPLAN_REPORT_JOBS_PER_USER = 1
    plan = action.theme.plan
    client.force_login(viewer)
    _ask(client, plan, committee="A")
    ReportJob.objects.update(state=ReportJobState.DONE)
    assert _ask(client, plan, committee="B")["Location"].startswith("/report-jobs/")
    assert ReportJob.objects.count() == 2


def test_the_same_request_twice_is_the_same_waiting_job(client, viewer, action):
    plan = action.theme.plan
    client.force_login(viewer)
    first = _ask(client, plan, exceptions="1")["Location"]
    second = _ask(client, plan, exceptions="1")["Location"]
    assert first == second
    assert ReportJob.objects.count() == 1 and DBTaskResult.objects.count() == 1


def test_a_different_as_at_is_a_different_report(client, viewer, action):
    plan = action.theme.plan
    client.force_login(viewer)
    _ask(client, plan, as_at="01/01/2011")
    _ask(client, plan)
    assert ReportJob.objects.count() == 2


def test_a_plan_s_downloads_are_bounded_too(client, viewer, action_owner, action, settings):
    settings.ACTIONPLAN_REPORT_JOBS_PER_PLAN = 2
    plan = action.theme.plan
    for user, committee in ((viewer, "A"), (action_owner, "B")):
        report_job_request(plan=plan, kind="pdf", params={"committee": committee}, user=user)
    client.force_login(viewer)
    _ask(client, plan, committee="C")
    assert ReportJob.objects.count() == 2


def test_publications_go_ahead_of_waiting_downloads(worker, action, viewer, steering_member):
    plan = action.theme.plan
    downloads = [
        report_job_request(plan=plan, kind="pdf", params={"committee": c}, user=viewer)
        for c in ("A", "B")
    ]
    publication = report_job_request(
        plan=plan, kind="publish", params={"meeting_date": "14/01/2011"}, user=steering_member
    )
    worker()
    publication.refresh_from_db()
    for job in downloads:
        job.refresh_from_db()
        assert job.state == ReportJobState.DONE
        assert publication.started_at < job.started_at


def _finished_job(plan, *, days_ago: int, state=ReportJobState.DONE) -> ReportJob:
    job = ReportJob(plan=plan, kind="pdf", state=state, file_name="report.pdf")
    job.file.save("report.pdf", ContentFile(b"%PDF-1.7"), save=False)
    job.finished_at = timezone.now() - timedelta(days=days_ago)
    job.save()
    return job


def test_prune_report_jobs_deletes_old_files_and_keeps_the_rest(action, media):
    plan = action.theme.plan
    old = _finished_job(plan, days_ago=10)
    recent = _finished_job(plan, days_ago=1)
    waiting = _finished_job(plan, days_ago=30, state=ReportJobState.QUEUED)
    stray = media / "report-jobs" / "2020" / "left-behind.pdf"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"%PDF")
    os.utime(stray, (0, 0))
    published = PublishedReport(
        plan=plan, committee="Executive", meeting_date=timezone.localdate(), as_at=timezone.now()
    )
    published.pdf.save("executive.pdf", ContentFile(b"%PDF-1.7"), save=False)
    published.xlsx.save("executive.xlsx", ContentFile(b"PK"), save=False)
    published.save()
    old_file = media / old.file.name

    out = StringIO()
    call_command("prune_report_jobs", "--days", "7", stdout=out)

    assert "Deleted 1 finished report jobs with their files and 1 stray files" in out.getvalue()
    assert not ReportJob.objects.filter(pk=old.pk).exists() and not old_file.exists()
    assert ReportJob.history.filter(id=old.pk, history_type="-").exists()
    assert not stray.exists()
    for kept in (recent, waiting):
        assert (media / ReportJob.objects.get(pk=kept.pk).file.name).exists()
    assert (media / published.pdf.name).exists()
