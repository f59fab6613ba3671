"""The report builder, its Excel and CSV downloads, publishing, and published reports."""

import csv
import io
import subprocess
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from actionplan.models import Plan, PublishedReport, Status
from actionplan.services import action_record_progress
from actionplan.synthetic import build_plan
from tests.conftest import home_council

LONDON = timezone.get_default_timezone()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The builder with a report to preview: session and user (2), the user's grants (1), the
# plan (1), the last published moment, the default "since" (1); the report itself (9: see
# actionplan.reporting.build._snapshot); the form's choices as rendered: themes, owners,
# directorates (3); this user's reports made in the background (1). Each theme, owner or directorate
# filtered on adds one query to check it. The consultation section: the plan's exercises as
# at the moment (1; none here); the standards section: the register and its figures (2); when
# the plan was first recorded (1: a report as at a moment before it says so).
BUILDER_PREVIEW_QUERIES = 22
# Session and user, grants, the plan, the reports with who published them.
PUBLISHED_LIST_QUERIES = 5


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored_report(plan: Plan, *, meeting: date, as_at: datetime, **fields) -> PublishedReport:
    """A published report with small stand-in files, without rendering anything."""
    report = PublishedReport(
        plan=plan,
        committee=fields.pop("committee", "Executive"),
        meeting_date=meeting,
        title=fields.pop("title", "Customer Service Action Plan: progress report"),
        as_at=as_at,
        options={"filters_described": [], "exceptions_only": True},
        **fields,
    )
    report.pdf.save("executive.pdf", ContentFile(b"%PDF-1.7 stored paper"), save=False)
    report.xlsx.save("executive.xlsx", ContentFile(b"PK stored workbook"), save=False)
    report.save()
    return report


def builder_url(plan: Plan, query: str = "") -> str:
    return reverse("report_builder", args=[plan.slug]) + query


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "download.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(text.split())


# The builder


def test_anonymous_visitors_are_sent_to_sign_in_for_the_builder(client, plan):
    response = client.get(builder_url(plan))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_people_without_a_role_cannot_see_a_plans_builder(client, outsider, plan):
    client.force_login(outsider)
    assert client.get(builder_url(plan)).status_code == 404


def test_a_viewer_sees_the_form_but_no_preview_before_choosing(client, viewer, action):
    client.force_login(viewer)
    response = client.get(builder_url(action.theme.plan))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Build a report</h1>' in page
    assert 'name="as_at"' in page and 'name="theme"' in page and 'name="owner"' in page
    assert "4. Telephone Access" in page
    assert "Preview:" not in page
    assert "No report of this plan has been published yet" in page


def test_a_preview_shows_the_summary_and_links_with_the_same_query(client, viewer, action):
    client.force_login(viewer)
    query = "?as_at=&since=&committee=Scrutiny&exceptions=on"
    response = client.get(builder_url(action.theme.plan, query))
    page = response.content.decode()
    assert "Preview: Customer Service Action Plan: progress report" in page
    assert "Of 1 action, 1 (100%) not started." in page
    assert "Exceptions only: red, amber, slipped, overdue or awaiting update" in page
    assert "Scrutiny" in page
    xlsx = reverse("report_xlsx", args=[action.theme.plan.slug])
    assert f'href="{xlsx}?as_at=&amp;since=&amp;committee=Scrutiny&amp;exceptions=on"' in page


def test_a_viewer_cannot_see_the_publish_button_but_a_steering_member_can(
    client, viewer, steering_member, action
):
    url = builder_url(action.theme.plan, "?as_at=")
    client.force_login(viewer)
    assert "Publish this report" not in client.get(url).content.decode()
    client.force_login(steering_member)
    page = client.get(url).content.decode()
    assert "Publish this report" in page
    assert reverse("report_publish", args=[action.theme.plan.slug]) in page


def test_bad_input_shows_the_errors_keeps_what_was_typed_and_builds_nothing(client, viewer, action):
    client.force_login(viewer)
    response = client.get(builder_url(action.theme.plan, "?as_at=31/13/2011&since=31/03/2011"))
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter the &#x27;as at&#x27; date as day/month/year, like 31/03/2011" in page
    assert 'value="31/13/2011"' in page
    assert "Preview:" not in page
    assert "<title>Error: Build a report" in page


def test_the_since_hint_names_the_last_published_report(client, viewer, plan):
    _stored_report(
        plan, meeting=date(2011, 1, 20), as_at=datetime(2011, 1, 14, 17, 0, tzinfo=LONDON)
    )
    client.force_login(viewer)
    page = client.get(builder_url(plan)).content.decode()
    assert "changes since the last published report (14 January 2011, 17:00)" in page


def test_the_since_hint_stays_on_a_preview_and_names_a_day_for_a_dated_report(client, viewer, plan):
    _stored_report(
        plan, meeting=date(2011, 4, 20), as_at=datetime(2011, 3, 31, 23, 59, 59, tzinfo=LONDON)
    )
    client.force_login(viewer)
    page = client.get(builder_url(plan, "?as_at=&since=")).content.decode()
    assert "Preview:" in page
    assert "changes since the last published report (31 March 2011)." in page


def test_the_dashboard_and_the_plan_browser_link_to_the_builder(client, viewer, action):
    client.force_login(viewer)
    slug = action.theme.plan.slug
    for page in ("plan_dashboard", "plan_browse"):
        content = client.get(reverse(page, args=[slug])).content.decode()
        assert f'href="{builder_url(action.theme.plan)}"' in content, page


@pytest.mark.parametrize("actions_per_project", [1, 8])
def test_a_preview_costs_the_same_queries_whatever_the_plans_size(
    client, viewer, django_assert_num_queries, actions_per_project
):
    plan = build_plan(
        organisation=home_council(),
        slug=f"size-{actions_per_project}",
        actions_per_project=actions_per_project,
    )
    client.force_login(viewer)
    with django_assert_num_queries(BUILDER_PREVIEW_QUERIES):
        response = client.get(builder_url(plan, "?as_at=&exceptions=1"))
    assert "Preview:" in response.content.decode()


# Excel and CSV


def test_a_viewer_downloads_the_reports_actions_as_csv(client, viewer, action):
    client.force_login(viewer)
    response = client.get(reverse("report_csv", args=[action.theme.plan.slug]) + "?as_at=")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="test-plan-report-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["Action"] for row in rows] == [action.description]


def test_a_viewer_downloads_the_report_as_a_workbook(client, viewer, action):
    client.force_login(viewer)
    response = client.get(reverse("report_xlsx", args=[action.theme.plan.slug]))
    assert response["Content-Type"] == XLSX
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    cells = [c for row in workbook["Plan"].iter_rows(values_only=True) for c in row]
    assert action.description in cells


def test_downloads_with_bad_parameters_say_why(client, viewer, plan):
    client.force_login(viewer)
    for name in ("report_csv", "report_xlsx"):
        response = client.get(reverse(name, args=[plan.slug]) + "?as_at=soon")
        assert response.status_code == 400
        assert "Enter the 'as at' date as day/month/year" in response.content.decode()


def test_people_without_a_role_cannot_download_a_report(client, outsider, plan):
    client.force_login(outsider)
    assert client.get(reverse("report_csv", args=[plan.slug])).status_code == 404


# Publishing


def _publish(client, plan, **params):
    params = {"committee": "Executive", "meeting_date": "14/01/2011", "as_at": "", **params}
    return client.post(reverse("report_publish", args=[plan.slug]), params)


@pytest.mark.parametrize("persona", ["viewer", "action_owner"])
def test_viewers_and_owners_cannot_publish_and_nothing_is_kept(
    client, request, action, media, persona
):
    client.force_login(request.getfixturevalue(persona))
    assert _publish(client, action.theme.plan).status_code == 403
    assert not PublishedReport.objects.exists()
    assert not media.exists() or not any(media.rglob("*.pdf"))


def test_people_without_a_role_get_not_found_when_publishing(client, outsider, plan):
    client.force_login(outsider)
    assert _publish(client, plan).status_code == 404


@pytest.mark.parametrize("persona", ["steering_member", "plan_admin"])
def test_managers_publish_a_report_through_the_worker_and_reach_its_page(
    worker, client, request, action, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = _publish(client, action.theme.plan, author="Chief Executive")
    assert response.status_code == 302
    assert "Publishing the report" in client.get(response["Location"]).content.decode()
    assert not PublishedReport.objects.exists()

    worker()
    published = PublishedReport.objects.get()
    assert published.published_by == user
    assert published.pdf.read().startswith(b"%PDF")
    page = client.get(response["Location"]).content.decode()
    assert "Report published for the Executive meeting on 14 January 2011." in page
    assert reverse("published_detail", args=[published.pk]) in page


def test_publishing_without_a_meeting_date_shows_why_and_keeps_nothing(
    client, steering_member, action
):
    client.force_login(steering_member)
    response = _publish(client, action.theme.plan, meeting_date="", title="Q3 report")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the date of the meeting the report is for, like 14/01/2011" in page
    assert 'value="Q3 report"' in page
    assert not PublishedReport.objects.exists()


def test_publishing_is_never_done_by_a_get(client, steering_member, plan):
    client.force_login(steering_member)
    response = client.get(reverse("report_publish", args=[plan.slug]) + "?meeting_date=1/1/2011")
    assert response.status_code == 405
    assert not PublishedReport.objects.exists()


def test_a_reprint_is_the_paper_as_published_after_the_plan_changed(
    worker, client, steering_member, viewer, action, tmp_path
):
    client.force_login(steering_member)
    _publish(client, action.theme.plan)
    worker()
    published = PublishedReport.objects.get()
    sent = published.pdf.read()
    action_record_progress(
        action=action,
        reported_on=timezone.localdate(),
        narrative="Directory published",
        status=Status.COMPLETED,
        user=steering_member,
    )

    client.force_login(viewer)
    reprint = client.get(reverse("published_file", args=[published.pk, "pdf"]))
    content = b"".join(reprint.streaming_content)
    assert content == sent
    text = _pdf_text(content, tmp_path)
    assert "Of 1 action, 1 (100%) not started." in text
    assert "Directory published" not in text


# Published reports


def test_a_viewer_sees_the_published_reports_latest_meeting_first(client, viewer, plan):
    _stored_report(plan, meeting=date(2011, 1, 20), as_at=datetime(2011, 1, 14, 17, tzinfo=LONDON))
    _stored_report(
        plan,
        meeting=date(2011, 4, 21),
        as_at=datetime(2011, 4, 14, 17, tzinfo=LONDON),
        since=datetime(2011, 1, 14, 17, tzinfo=LONDON),
        committee="Scrutiny",
        published_by=viewer,
    )
    client.force_login(viewer)
    page = client.get(reverse("published_list", args=[plan.slug])).content.decode()
    assert page.index("Scrutiny, 21 April 2011") < page.index("Executive, 20 January 2011")
    assert "14 April 2011, 17:00" in page and "14 January 2011, 17:00" in page
    assert "by vic.viewer" in page


def test_a_plan_without_published_reports_says_so(client, viewer, plan):
    client.force_login(viewer)
    page = client.get(reverse("published_list", args=[plan.slug])).content.decode()
    assert "No report of this plan has been published yet." in page


@pytest.mark.parametrize("actions_per_project", [1, 8])
def test_the_published_list_costs_the_same_queries_whatever_the_plans_size(
    client, viewer, django_assert_num_queries, actions_per_project
):
    plan = build_plan(
        organisation=home_council(),
        slug=f"pub-{actions_per_project}",
        actions_per_project=actions_per_project,
    )
    for month in range(1, actions_per_project + 1):
        _stored_report(
            plan,
            meeting=date(2011, month, 20),
            as_at=datetime(2011, month, 14, tzinfo=LONDON),
            published_by=viewer,
        )
    client.force_login(viewer)
    with django_assert_num_queries(PUBLISHED_LIST_QUERIES):
        response = client.get(reverse("published_list", args=[plan.slug]))
    assert response.content.decode().count("by vic.viewer") == actions_per_project


def test_a_published_reports_page_shows_its_moment_and_options(client, viewer, plan):
    published = _stored_report(
        plan,
        meeting=date(2011, 1, 20),
        as_at=datetime(2011, 1, 14, 23, 59, 59, 999999, tzinfo=LONDON),
        author="Assistant Chief Executive",
    )
    client.force_login(viewer)
    page = client.get(reverse("published_detail", args=[published.pk])).content.decode()
    assert "Customer Service Action Plan: progress report</h1>" in page
    assert "14 January 2011</dd>" in page
    assert "No list of changes" in page
    assert "Exceptions only" in page
    assert "Assistant Chief Executive" in page
    assert "executive-2011-01-20.pdf" in page


def test_published_files_download_with_their_type_and_meeting_name(client, viewer, plan):
    published = _stored_report(
        plan, meeting=date(2011, 1, 20), as_at=datetime(2011, 1, 14, tzinfo=LONDON)
    )
    client.force_login(viewer)
    pdf = client.get(reverse("published_file", args=[published.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="executive-2011-01-20.pdf"'
    assert b"".join(pdf.streaming_content) == b"%PDF-1.7 stored paper"
    xlsx = client.get(reverse("published_file", args=[published.pk, "xlsx"]))
    assert xlsx["Content-Type"] == XLSX
    assert b"".join(xlsx.streaming_content) == b"PK stored workbook"
    assert client.get(reverse("published_file", args=[published.pk, "docx"])).status_code == 404


def test_a_missing_stored_file_is_not_found_rather_than_an_error(client, viewer, plan):
    published = _stored_report(
        plan, meeting=date(2011, 1, 20), as_at=datetime(2011, 1, 14, tzinfo=LONDON)
    )
    published.pdf.storage.delete(published.pdf.name)
    client.force_login(viewer)
    assert client.get(reverse("published_file", args=[published.pk, "pdf"])).status_code == 404


@pytest.mark.parametrize("name", ["published_detail", "published_file"])
def test_published_reports_of_a_plan_someone_cannot_see_are_not_found(
    client, outsider, viewer, draft_plan, name
):
    published = _stored_report(
        draft_plan, meeting=date(2011, 1, 20), as_at=datetime(2011, 1, 14, tzinfo=LONDON)
    )
    args = [published.pk, "pdf"] if name == "published_file" else [published.pk]
    for person in (outsider, viewer):  # viewers do not see draft plans
        client.force_login(person)
        assert client.get(reverse(name, args=args)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_for_published_files(client, plan):
    published = _stored_report(
        plan, meeting=date(2011, 1, 20), as_at=datetime(2011, 1, 14, tzinfo=LONDON)
    )
    response = client.get(reverse("published_file", args=[published.pk, "pdf"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
