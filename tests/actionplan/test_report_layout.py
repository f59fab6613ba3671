"""The demo plans' committee papers, read back from the PDF as a clerk would look at them:
no heading left at the foot of a page, no page mostly blank but the last of a section, the
latest progress never hidden by a "no change", and a report as at a day before the plan was
recorded that says so and lists what the plan's own dated updates reported."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from actionplan.models import Action, Plan
from actionplan.reporting import ReportOptions, build_report
from actionplan.reporting.pdf import render_report_html, render_report_pdf
from actionplan.services import action_record_progress
from tests.pdflayout import headings_at_the_foot, mostly_blank_pages, read_pages

DEMO_PLANS = ["occ-customer-service-2004", "scdc-cse-action-plan-v4"]


def _text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "paper.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return {plan.slug: plan for plan in Plan.objects.filter(slug__in=DEMO_PLANS)}


def test_the_demo_papers_never_leave_a_heading_at_the_foot_or_a_page_mostly_blank(demo):
    assert sorted(demo) == DEMO_PLANS
    for slug, plan in demo.items():
        for exceptions_only in (False, True):
            report = build_report(plan=plan, exceptions_only=exceptions_only)
            pdf = render_report_pdf(report, ReportOptions(include_full_plan=True))
            pages = read_pages(pdf)
            which = f"{slug}{' (exceptions)' if exceptions_only else ''}"
            assert len(pages) > 5, which
            assert headings_at_the_foot(pages) == [], which
            assert mostly_blank_pages(pages) == [], which
            # The cover names the plan's own council and its committee.
            cover = _text(pdf).split("\f")[0]
            assert plan.organisation.name in cover and plan.committee_name in cover, which


def test_the_2004_plan_as_at_2004_says_what_is_held_and_lists_what_was_reported(demo):
    plan = demo["occ-customer-service-2004"]
    report = build_report(plan=plan, as_at=date(2004, 12, 31))

    assert report.before_first_record
    assert report.summary.total == 0
    reported = report.as_reported
    assert reported is not None and len(reported.rows) > 10
    assert all(row.reported_on <= date(2004, 12, 31) for row in reported.rows)

    text = _text(render_report_pdf(report, ReportOptions()))
    cover, summary_page = text.split("\f")[:2]
    first = f"{report.first_recorded:%-d %B %Y}"
    said = f"This plan was first recorded on {first}; nothing earlier is held."
    assert said in " ".join(cover.split())
    assert said in " ".join(summary_page.split())
    assert "As reported by 31 December 2004" in text
    assert "There are no actions in this plan" not in text
    a_row = reported.rows[0]
    assert a_row.narrative.split()[0] in text


def test_a_report_as_at_a_moment_with_nothing_reported_by_then_says_that_too(demo):
    report = build_report(plan=demo["occ-customer-service-2004"], as_at=date(2001, 1, 1))
    assert report.before_first_record and report.as_reported is None
    html = " ".join(render_report_html(report, ReportOptions()).split())
    assert "nothing earlier is held." in html
    assert "No progress updates are dated on or before that day either." in html


def test_latest_progress_shows_the_narrative_with_a_later_no_change_beside_it(
    action, steering_member
):
    action_record_progress(
        action=action,
        reported_on=date(2004, 11, 30),
        narrative="Survey drafted and sent to PAG",
        status="on_track",
        user=steering_member,
    )
    action_record_progress(
        action=action,
        reported_on=date(2004, 12, 14),
        narrative="",
        is_no_change=True,
        user=steering_member,
    )
    report = build_report(plan=Action.objects.get(pk=action.pk).theme.plan)
    row = next(report.rows())
    assert (row.latest_update_on, row.no_change_on) == (date(2004, 11, 30), date(2004, 12, 14))
    html = " ".join(render_report_html(report, ReportOptions()).split())
    assert "Survey drafted and sent to PAG" in html
    assert "No change reported on 14 December 2004." in html
    assert "No change since the last update." not in html
