"""The committee report as a print page and a PDF: what it says, that it is tagged, and that
WeasyPrint can fetch nothing but our own static files."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplan.models import Rag, Status
from actionplan.reporting import ReportOptions, build_report, moment_from
from actionplan.reporting.pdf import (
    BASE_URL,
    RefusedURL,
    StaticFilesFetcher,
    moment_label,
    render_report_html,
    render_report_pdf,
)
from actionplan.services import action_record_progress, action_revise_target
from actionplan.synthetic import build_plan
from tests.conftest import home_council, make_action

OPTIONS = ReportOptions(
    committee="Executive",
    meeting_date=date(2026, 11, 23),
    author="Head of Customer Services",
)


def _poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, capture_output=True, check=True, text=True).stdout


def pdf_text(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, read back with poppler's pdftotext, with spaces collapsed."""
    pages = _poppler("pdftotext", pdf, tmp_path).split("\f")
    return [" ".join(page.split()) for page in pages]


def pdf_info(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    lines = _poppler("pdfinfo", pdf, tmp_path).splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


def quiet_action(project):
    """A green action with a recent update: not an exception."""
    quiet = make_action(project, description="Quietly on track", target="Ongoing")
    action_record_progress(
        action=quiet,
        reported_on=timezone.localdate(),
        narrative="All well",
        status=Status.ON_TRACK,
        rag=Rag.GREEN,
        user=None,
    )
    return quiet


@pytest.fixture
def slipped(action):
    """The conftest action, re-planned from Aug 2004 to Dec 2004, red, with an update."""
    action.target = "Aug 2004"
    action.save()
    action_revise_target(action=action, new_target="Dec 2004", reason="Supplier late", user=None)
    action_record_progress(
        action=action,
        reported_on=date(2026, 10, 1),  # before any day these tests run on
        narrative="Directory drafted; awaiting sign-off",
        status=Status.OFF_TRACK,
        rag=Rag.RED,
        user=None,
    )
    return action


# The print page -------------------------------------------------------------------------


def test_the_print_page_has_the_cover_fields_and_the_councils_sentence(plan, slipped):
    plan.organisation.name = "West Oxfordshire District Council"
    plan.organisation.save()
    today = timezone.localdate()
    report = build_report(plan=plan, as_at=today)

    html = render_report_html(report, OPTIONS)

    assert "West Oxfordshire District Council" in html
    assert "Executive" in html
    assert "23 November 2026" in html
    assert "Head of Customer Services" in html
    assert "Customer Service Action Plan: progress report" in html
    assert f'Position as at <span class="cover__as-at-date">{today:%-d %B %Y}</span>' in html
    assert "Of 1 action, 1 (100%) off track." in html
    assert '<html lang="en-GB">' in html


def test_a_title_given_in_the_options_replaces_the_default(plan, slipped):
    report = build_report(plan=plan)
    html = render_report_html(report, ReportOptions(title="Quarter 2 exception report"))
    assert "<title>Quarter 2 exception report</title>" in html
    assert "progress report" not in html


def test_a_slipped_target_shows_the_original_beside_it_in_the_theme_table(plan, slipped):
    html = render_report_html(build_report(plan=plan), OPTIONS)
    themes = html.split('id="progress-by-theme"')[1]

    assert "4. Telephone Access" in themes
    assert "Develop an electronic directory" in themes
    assert 'Dec 2004 <span class="original-target">(originally Aug 2004)</span>' in themes
    assert "Directory drafted; awaiting sign-off" in themes
    assert "1 October 2026:" in themes
    assert "RF, PAG" in themes


def test_the_exceptions_list_a_red_slipped_action_with_its_reasons(plan, slipped, project):
    quiet_action(project)
    report = build_report(plan=plan)

    html = render_report_html(report, OPTIONS)
    exceptions = html.split('id="exceptions"')[1].split("</section>")[0]

    assert "Identify key customer contacts" in exceptions
    assert "Red, Slipped, Overdue" in exceptions
    assert "Quietly on track" not in exceptions


def test_the_changes_section_lists_what_changed_since_the_last_report(plan, action, project):
    since = timezone.now()
    make_action(project, description="Publish the directory online")
    action_revise_target(action=action, new_target="Mar 2005", reason="Supplier late", user=None)

    html = render_report_html(build_report(plan=plan, since=since), OPTIONS)
    changes = html.split('id="changes"')[1].split("</section>")[0]

    assert f"Changes since {moment_label(since)}" in changes
    assert "Publish the directory online" in changes
    assert "<td>Dec 2004</td><td>Mar 2005</td><td>Supplier late</td>" in changes
    assert "No actions completed." in changes


def test_without_since_there_is_no_changes_section(plan, action):
    html = render_report_html(build_report(plan=plan), OPTIONS)
    assert 'id="changes"' not in html


def test_an_exceptions_only_report_adds_the_full_plan_as_an_appendix_when_asked(
    plan, slipped, project
):
    quiet_action(project)
    report = build_report(plan=plan, exceptions_only=True)

    without = render_report_html(report, OPTIONS)
    with_appendix = render_report_html(report, ReportOptions(include_full_plan=True))

    assert "Quietly on track" not in without
    appendix = with_appendix.split('id="appendix"')[1]
    assert "Quietly on track" in appendix
    assert "Identify key customer contacts" in appendix


def test_hostile_text_is_escaped_in_the_print_page(plan, project):
    make_action(project, description='<script>alert("x")</script><style>body{}</style>')
    html = render_report_html(build_report(plan=plan), ReportOptions(author="<b>Boss</b>"))
    assert "<script>" not in html
    assert "<style>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Boss&lt;/b&gt;" in html


# The PDF --------------------------------------------------------------------------------


def test_the_pdf_is_a_tagged_pdf_with_the_report_text_and_page_numbers(plan, slipped, tmp_path):
    pdf = render_report_pdf(build_report(plan=plan), OPTIONS)

    assert pdf.startswith(b"%PDF")
    info = pdf_info(pdf, tmp_path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Customer Service Action Plan: progress report"
    pages = pdf_text(pdf, tmp_path)
    text = "\n".join(pages)
    assert "Page 1 of" in pages[0]
    assert "Customer Service Action Plan" in text
    assert "Identify key customer contacts" in text
    assert "(originally Aug 2004)" in text
    # The running header takes the plan title and date from the cover.
    assert "As at" in pages[1]


def test_hostile_text_in_the_pdf_is_printed_as_text(plan, project, tmp_path):
    make_action(project, description='<img src="http://example.com/x.png"> Hostile')
    pdf = render_report_pdf(build_report(plan=plan), OPTIONS)
    # Table cells wrap lines anywhere: compare without white space.
    text = "".join("".join(pdf_text(pdf, tmp_path)).split())
    assert '<imgsrc="http://example.com/x.png">Hostile' in text


# The fetcher ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/style.css",
        "https://example.com/static/css/print.css",
        "file:///etc/passwd",
        "data:text/css,body{color:red}",
        BASE_URL + "static/../../etc/passwd",
        BASE_URL + "static/%2e%2e/actionplan/settings.py",
        BASE_URL + "media/reports/1.pdf",
        "/static//etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(RefusedURL):
        StaticFilesFetcher().fetch(url)


@pytest.mark.parametrize("url", ["/static/css/print.css", BASE_URL + "static/css/print.css"])
def test_the_fetcher_serves_our_print_stylesheet_from_disk(url):
    response = StaticFilesFetcher().fetch(url)
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


# The views -------------------------------------------------------------------------------


def print_url(plan, query: str = "") -> str:
    return reverse("report_print", args=[plan.slug]) + query


def pdf_url(plan, query: str = "") -> str:
    return reverse("report_pdf", args=[plan.slug]) + query


@pytest.mark.parametrize("url", [print_url, pdf_url])
def test_anonymous_visitors_are_sent_to_sign_in(client, plan, url):
    response = client.get(url(plan))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [print_url, pdf_url])
def test_a_user_with_no_role_cannot_find_the_report(client, plan, outsider, url):
    client.force_login(outsider)
    assert client.get(url(plan)).status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "action_owner", "steering_member", "plan_admin"])
def test_everyone_who_can_see_the_plan_can_read_its_print_page(
    client, plan, slipped, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(print_url(plan, "?committee=Scrutiny&author=Jo+Bloggs"))
    html = response.content.decode()
    assert "Scrutiny" in html
    assert "Jo Bloggs" in html
    assert 'Dec 2004 <span class="original-target">(originally Aug 2004)</span>' in html
    assert f'href="{pdf_url(plan, "?committee=Scrutiny&amp;author=Jo+Bloggs")}"' in html


def test_the_pdf_download_is_the_same_report_as_a_pdf(client, plan, slipped, viewer, tmp_path):
    client.force_login(viewer)
    response = client.get(pdf_url(plan, "?committee=Scrutiny"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="test-plan-report-')
    text = " ".join(pdf_text(response.content, tmp_path))
    assert "Committee Scrutiny" in text
    assert "Identify key customer contacts" in text


def _queries_for_print_page(client, plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(print_url(plan, "?full=1&exceptions=1"))
    assert "Appendix: the full plan" in response.content.decode()
    return len(queries)


def test_the_print_page_costs_the_same_queries_for_a_small_and_a_larger_plan(client, viewer):
    """32 queries, none per action: session, user, the user's grants, the plan, the last
    published report's moment (the default "since"), nine for the report (one per history
    model), then the plan and nine again for the full-plan appendix; each of the two reports
    adds two for its standards section (the register and its figures as at the moment),
    one for its consultation section (the plan's exercises as at the moment, none here) and
    one for when the plan was first recorded (a report before that says so)."""
    client.force_login(viewer)
    small = build_plan(organisation=home_council(), slug="small", actions_per_project=1)
    large = build_plan(organisation=home_council(), slug="large", actions_per_project=8)
    counts = (_queries_for_print_page(client, small), _queries_for_print_page(client, large))
    assert counts == (32, 32)


def test_a_print_page_asked_with_bad_parameters_goes_back_to_the_builder(client, plan, viewer):
    client.force_login(viewer)
    response = client.get(print_url(plan, "?as_at=not-a-date"))
    assert response.status_code == 302
    assert response.url == reverse("report_builder", args=[plan.slug]) + "?as_at=not-a-date"


def test_a_pdf_asked_with_bad_parameters_is_refused_with_the_reason(client, plan, viewer):
    client.force_login(viewer)
    response = client.get(pdf_url(plan, "?as_at=not-a-date"))
    assert response.status_code == 400
    assert "This report cannot be made" in response.content.decode()


# As at ----------------------------------------------------------------------------------


def test_a_dates_report_is_labelled_with_the_day_and_an_exact_moment_with_its_time():
    end_of_day = moment_from(date(2026, 11, 1))
    assert moment_label(end_of_day) == "1 November 2026"
    assert moment_label(end_of_day - timedelta(hours=10)) == "1 November 2026, 13:59"
