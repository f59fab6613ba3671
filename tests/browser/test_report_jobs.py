"""The report builder in real headless Chromium, and a large PDF made by the background worker.

Every page is checked with axe-core. The worker is the real `db_worker`, run once between two
looks at the page, as it would run beside the web server.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from actionplan.models import ReportJob, ReportJobState
from tests.browser.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_steering_member_previews_a_report_in_the_builder(visitor, browser_users, action):
    plan = action.theme.plan
    visitor.sign_in("sam.steering")
    page = visitor.go(f"/plans/{plan.slug}/")
    page.get_by_role("link", name="Build a committee report of this plan").click()
    check_accessibility(page)
    expect(page.get_by_role("heading", name="Build a report")).to_be_visible()

    page.get_by_label("Committee").fill("Scrutiny")
    page.get_by_role("button", name="Preview").click()
    check_accessibility(page)
    preview = page.get_by_role("heading", name="Preview: Customer Service Action Plan")
    expect(preview).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Of 1 action, 1 (100%) not started.")
    expect(page.get_by_role("link", name="Download this report as a PDF")).to_be_visible()
    expect(page.get_by_role("button", name="Publish this report")).to_be_visible()


def test_a_large_pdf_is_made_in_the_background_and_downloaded_when_ready(
    worker, visitor, browser_users, action, settings, tmp_path
):
    settings.ACTIONPLAN_SYNC_REPORT_MAX_ACTIONS = 0
    plan = action.theme.plan
    # As in a browser without JavaScript (or where it failed): "Check again" by hand.
    visitor.page.route("**/static/js/report-job.js", lambda route: route.abort())
    visitor.sign_in("sam.steering")
    page = visitor.go(f"/plans/{plan.slug}/report/")
    page.get_by_role("button", name="Download PDF").click()
    check_accessibility(page)
    expect(page.get_by_role("heading", name="This report is too large")).to_be_visible()

    page.get_by_role("button", name="Make the PDF").click()
    check_accessibility(page)
    expect(page.get_by_text("Waiting to start", exact=True).first).to_be_visible()
    expect(page.get_by_text("Your PDF is being made in the background.")).to_be_visible()
    job = ReportJob.objects.get()
    assert job.state == ReportJobState.QUEUED

    worker()

    page.get_by_role("button", name="Check again").click()
    check_accessibility(page)
    expect(page.get_by_role("heading", name="Your PDF is ready")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download test-plan-report-").click()
    saved = tmp_path / "downloaded.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    page = visitor.go(f"/plans/{plan.slug}/report/")
    jobs = page.get_by_role("table", name="Reports you asked for")
    expect(jobs).to_contain_text("PDF")
    expect(jobs).to_contain_text("Ready")


def test_with_javascript_the_job_page_shows_when_the_pdf_is_ready_by_itself(
    worker, visitor, browser_users, action, settings
):
    settings.ACTIONPLAN_SYNC_REPORT_MAX_ACTIONS = 0
    plan = action.theme.plan
    visitor.sign_in("sam.steering")
    page = visitor.go(f"/plans/{plan.slug}/report/?exceptions=")
    page.get_by_role("button", name="Make the PDF").click()
    check_accessibility(page)
    expect(page.get_by_role("button", name="Check again")).to_be_visible()

    worker()

    expect(page.get_by_role("heading", name="Your PDF is ready")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("status")).to_have_text("Your PDF is ready")
    check_accessibility(page)


def test_a_steering_member_publishes_through_the_worker_and_finds_the_report_listed(
    worker, visitor, browser_users, action
):
    plan = action.theme.plan
    visitor.page.route("**/static/js/report-job.js", lambda route: route.abort())
    visitor.sign_in("sam.steering")
    page = visitor.go(f"/plans/{plan.slug}/report/")
    page.get_by_label("Committee").fill("Scrutiny")
    page.get_by_label("Meeting date").fill("14/01/2011")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Publish this report").click()
    check_accessibility(page)
    expect(page.get_by_role("heading", name="Publishing the report")).to_be_visible()

    worker()

    page.get_by_role("button", name="Check again").click()
    check_accessibility(page)
    expect(
        page.get_by_text("Report published for the Scrutiny meeting on 14 January 2011.")
    ).to_be_visible()
    page.get_by_role("link", name="Open the published report").click()
    check_accessibility(page)
    page = visitor.go(f"/plans/{plan.slug}/reports/")
    expect(page.locator("main")).to_contain_text("Scrutiny")


def test_a_failed_job_reads_plainly_and_passes_axe(visitor, browser_users, action, viewer):
    job = ReportJob.objects.create(
        plan=action.theme.plan,
        kind="xlsx",
        requested_by=viewer,
        state=ReportJobState.FAILED,
        error="This report cannot be made: Choose an owner from the list.",
    )
    visitor.sign_in("vic.viewer")
    page = visitor.go(f"/report-jobs/{job.pk}/")
    expect(page.get_by_role("alert")).to_contain_text("Choose an owner from the list.")
