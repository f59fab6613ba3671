"""Large reports from the builder: offered, asked for, followed with "Check again", downloaded."""

from datetime import datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from actionplan.models import ReportJob, ReportJobState
from actionplan.reporting.jobs import report_job_request

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Session and user, the user's grants, the job with its plan, organisation, requester and
# publication among the plans the user may see: the same for every state.
JOB_PAGE_QUERIES = 4


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def small_threshold(settings):
    """Any report of more than no action is made in the background."""
    settings.ACTIONPLAN_SYNC_REPORT_MAX_ACTIONS = 0


def _job_page(client, job: ReportJob) -> str:
    return client.get(reverse("report_job_detail", args=[job.pk])).content.decode()


@pytest.mark.parametrize(
    ("name", "kind", "label"),
    [("report_pdf", "pdf", "PDF"), ("report_xlsx", "xlsx", "Excel workbook")],
)
def test_a_download_above_the_threshold_offers_the_background_instead(
    client, viewer, action, small_threshold, name, kind, label
):
    client.force_login(viewer)
    response = client.get(reverse(name, args=[action.theme.plan.slug]) + "?exceptions=&as_at=")
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "This report is too large to make while you wait" in page
    assert "It lists 1 action." in page
    assert f'action="{reverse("report_job_request", args=[action.theme.plan.slug, kind])}"' in page
    assert f"Make the {label}</button>" in page
    assert '<input type="hidden" name="exceptions" value="">' in page
    assert not ReportJob.objects.exists()


def test_a_download_at_the_threshold_is_made_at_once(client, viewer, action, settings):
    settings.ACTIONPLAN_SYNC_REPORT_MAX_ACTIONS = 1
    client.force_login(viewer)
    response = client.get(reverse("report_pdf", args=[action.theme.plan.slug]))
    assert response["Content-Type"] == PDF
    assert not ReportJob.objects.exists()


def test_the_builder_offers_background_buttons_for_a_large_preview(
    client, viewer, action, small_threshold
):
    client.force_login(viewer)
    slug = action.theme.plan.slug
    page = client.get(reverse("report_builder", args=[slug]) + "?exceptions=").content.decode()
    assert "This report is too large to make while you wait" in page
    assert f'action="{reverse("report_job_request", args=[slug, "pdf"])}"' in page
    assert f'action="{reverse("report_job_request", args=[slug, "xlsx"])}"' in page
    assert "Download this report as a PDF" not in page


def test_a_small_preview_keeps_its_download_links(client, viewer, action):
    client.force_login(viewer)
    slug = action.theme.plan.slug
    page = client.get(reverse("report_builder", args=[slug]) + "?exceptions=").content.decode()
    assert "Download this report as a PDF" in page
    assert reverse("report_job_request", args=[slug, "pdf"]) not in page


def test_a_viewer_asks_follows_and_downloads_a_background_pdf(worker, client, viewer, action):
    client.force_login(viewer)
    response = client.post(
        reverse("report_job_request", args=[action.theme.plan.slug, "pdf"]), {"exceptions": ""}
    )
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("report_job_detail", args=[job.pk])
    assert job.requested_by == viewer
    assert job.params["exceptions"] == [""]
    (as_at,) = job.params["as_at"]  # "now" is pinned to the moment of asking
    assert abs(datetime.fromisoformat(as_at) - job.requested_at) < timedelta(minutes=1)

    page = _job_page(client, job)
    assert "Waiting to start" in page
    assert "Your PDF is being made in the background." in page
    assert f'<a href="{reverse("report_job_detail", args=[job.pk])}" role="button"' in page
    assert ">Check again</a>" in page
    assert client.get(reverse("report_job_file", args=[job.pk])).status_code == 404

    worker()

    page = _job_page(client, job)
    assert "Your PDF is ready" in page
    assert "Check again" not in page
    download = client.get(reverse("report_job_file", args=[job.pk]))
    assert download["Content-Type"] == PDF
    assert download["Content-Disposition"].startswith('attachment; filename="test-plan-report-')
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_failed_job_says_why_plainly(client, viewer, plan):
    job = ReportJob.objects.create(
        plan=plan,
        kind="pdf",
        requested_by=viewer,
        state=ReportJobState.FAILED,
        error="This report cannot be made: Choose an owner from the list.",
    )
    client.force_login(viewer)
    page = _job_page(client, job)
    assert "The report could not be made" in page
    assert "This report cannot be made: Choose an owner from the list." in page
    assert "<title>Failed: " in page
    assert client.get(reverse("report_job_file", args=[job.pk])).status_code == 404


def test_asking_with_parameters_in_error_goes_back_to_the_builder_and_queues_nothing(
    client, viewer, plan
):
    client.force_login(viewer)
    response = client.post(
        reverse("report_job_request", args=[plan.slug, "xlsx"]), {"as_at": "31/02/2011"}
    )
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("report_builder", args=[plan.slug]) + "?as_at=31%2F02%2F2011"
    )
    assert not ReportJob.objects.exists()


def test_there_is_no_background_csv_or_other_kind(client, viewer, plan):
    client.force_login(viewer)
    for kind in ("csv", "publish", "docx"):
        response = client.post(reverse("report_job_request", args=[plan.slug, kind]))
        assert response.status_code == 404, kind
    assert not ReportJob.objects.exists()


def test_the_builder_lists_only_my_own_background_reports(client, viewer, steering_member, action):
    plan = action.theme.plan
    report_job_request(plan=plan, kind="pdf", params={}, user=viewer)
    report_job_request(plan=plan, kind="xlsx", params={}, user=steering_member)
    client.force_login(viewer)
    page = client.get(reverse("report_builder", args=[plan.slug])).content.decode()
    assert "Reports you asked for" in page
    assert page.count('href="/report-jobs/') == 1
    assert "Waiting to start" in page


def test_a_job_of_a_draft_plan_is_not_found_for_a_viewer(
    worker, client, viewer, steering_member, draft_plan
):
    job = report_job_request(plan=draft_plan, kind="xlsx", params={}, user=steering_member)
    worker()
    client.force_login(viewer)
    assert client.get(reverse("report_job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("report_job_file", args=[job.pk])).status_code == 404
    client.force_login(steering_member)
    assert client.get(reverse("report_job_file", args=[job.pk])).status_code == 200


def test_a_missing_file_is_not_found_rather_than_an_error(client, viewer, plan):
    job = ReportJob(plan=plan, kind="pdf", state=ReportJobState.DONE, file_name="r.pdf")
    job.file.save("r.pdf", ContentFile(b"%PDF-1.7"), save=False)
    job.save()
    job.file.storage.delete(job.file.name)
    client.force_login(viewer)
    assert client.get(reverse("report_job_file", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("state", ["queued", "running", "done", "failed"])
def test_the_job_page_costs_the_same_queries_in_every_state(
    client, viewer, plan, django_assert_num_queries, state
):
    job = ReportJob.objects.create(plan=plan, kind="pdf", requested_by=viewer, state=state)
    client.force_login(viewer)
    with django_assert_num_queries(JOB_PAGE_QUERIES):
        response = client.get(reverse("report_job_detail", args=[job.pk]))
    assert response.status_code == 200


def test_administrators_see_every_job_in_the_administration_screens_but_change_none(
    client, plan_admin, viewer, plan
):
    ReportJob.objects.create(
        plan=plan, kind="pdf", requested_by=viewer, state=ReportJobState.FAILED, error="No"
    )
    client.force_login(plan_admin)
    page = client.get(reverse("admin:actionplan_reportjob_changelist")).content.decode()
    assert "Failed" in page and viewer.username in page
    assert client.get(reverse("admin:actionplan_reportjob_add")).status_code == 403


@pytest.mark.parametrize(
    ("state", "minutes_ago", "stuck"),
    [("queued", 5, False), ("queued", 11, True), ("running", 29, False), ("running", 31, True)],
)
def test_a_job_waiting_or_running_far_too_long_says_the_worker_may_have_stopped(
    client, viewer, plan, state, minutes_ago, stuck
):
    then = timezone.now() - timedelta(minutes=minutes_ago)
    job = ReportJob.objects.create(
        plan=plan, kind="pdf", requested_by=viewer, state=state, requested_at=then, started_at=then
    )
    client.force_login(viewer)
    page = _job_page(client, job)
    assert ("the background worker may have stopped" in page) is stuck
    assert "Check again" in page
