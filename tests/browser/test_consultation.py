"""Consultation and scrutiny in real headless Chromium, each page checked with axe-core.

(a) A steering-group member links an action to a finding, and the finding appears on the
public "you said, we did" page with the action's current status, for someone not signed in.
(b) A recommendation whose report-back date has passed shows as overdue on the dashboard.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actionplan.services import action_record_progress
from consultation.models import PublicPage, Recommendation, ScrutinyMeeting
from tests.browser.conftest import check_accessibility
from tests.conftest import make_action
from tests.consultation.conftest import make_exercise, make_finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_links_a_finding_to_an_action_and_the_public_sees_it(
    visitor, browser_users, plan, project, action, steering_member, browser
):
    make_action(project, description="Simplify the BT directory entry")
    witney = make_action(project, description="Pilot a local access point in Witney")
    action_record_progress(
        action=witney,
        reported_on=date(2005, 2, 1),
        narrative="Access point opened in the library",
        status="on_track",
        user=steering_member,
    )
    exercise = make_exercise(plan, title="Residents' survey 2004", started_on=date(2004, 6, 1))
    finding = make_finding(exercise, said="Make it easier to see someone locally")
    PublicPage.objects.create(plan=plan, you_said_we_did_published=True)

    visitor.sign_in("sam.steering")
    page = visitor.go(f"/plans/{plan.slug}/consultation/")
    page.get_by_role("link", name="Residents' survey 2004").click()
    check_accessibility(page)
    page.get_by_role("link", name="Make it easier to see someone locally").click()
    check_accessibility(page)
    page.get_by_label("Find actions by words or reference").fill("witney")
    page.get_by_role("button", name="Find actions").click()
    check_accessibility(page)
    page.get_by_label("Action (matching “witney”)").select_option(str(witney.pk))
    page.get_by_role("button", name="Link action").click()
    check_accessibility(page)
    expect(page.get_by_text(f"Action {witney.full_reference} linked.")).to_be_visible()
    expect(page.get_by_role("cell", name="On track")).to_be_visible()

    # Someone not signed in, in a browser of their own.
    public = browser.new_context().new_page()
    public.goto(f"{visitor.base_url}/public/{plan.organisation.slug}/{plan.slug}/you-said-we-did/")
    check_accessibility(public)
    card = public.locator(".govuk-summary-card", has_text=finding.said)
    expect(card.get_by_text("Pilot a local access point in Witney")).to_be_visible()
    expect(card.get_by_text("On track")).to_be_visible()
    expect(card.get_by_text("Access point opened in the library")).to_be_visible()
    expect(public.get_by_text("Sign out")).to_have_count(0)
    assert "Simplify the BT directory entry" not in public.content()


def test_a_recommendation_whose_report_back_date_has_passed_shows_as_overdue(
    visitor, browser_users, plan, action
):
    meeting = ScrutinyMeeting.objects.create(
        plan=plan, body="Corporate Governance Scrutiny Committee", title="Customer Services Review"
    )
    today = timezone.localdate()
    Recommendation.objects.create(
        meeting=meeting,
        reference="(i)",
        text="Review the value of the user satisfaction survey",
        report_back_as_written="in 12 months time",
        report_back_due=today - timedelta(days=1),
    )
    Recommendation.objects.create(
        meeting=meeting,
        reference="(ii)",
        text="Develop a mystery shopping exercise",
        report_back_due=today + timedelta(days=20),
    )
    visitor.sign_in("vic.viewer")
    page = visitor.go(f"/plans/{plan.slug}/")
    expect(page.get_by_text("1 scrutiny report-back overdue.")).to_be_visible()
    table = page.locator("#table-report-backs")
    expect(table.get_by_role("row", name="(i)")).to_contain_text("Overdue")
    expect(table.get_by_role("row", name="(ii)")).not_to_contain_text("Overdue")
    table.get_by_role("link", name="(i)").click()
    check_accessibility(page)
    expect(page.get_by_text("Report-back overdue")).to_be_visible()
    page.get_by_role("link", name="Scrutiny recommendations").click()
    check_accessibility(page)
    page.get_by_role("link", name="Report-back paper").click()
    check_accessibility(page)
    expect(page.get_by_text("(overdue)")).to_be_visible()


def test_the_consultation_forms_and_their_errors_pass_axe(visitor, browser_users, plan, action):
    exercise = make_exercise(plan, title="Staff survey")
    meeting = ScrutinyMeeting.objects.create(plan=plan, body="Scrutiny", title="Review")
    recommendation = Recommendation.objects.create(meeting=meeting, reference="(i)", text="Do")
    visitor.sign_in("sam.steering")
    page = visitor.go(f"/plans/{plan.slug}/consultation/add/")
    page.get_by_role("button", name="Add exercise").click()
    check_accessibility(page)
    expect(page.get_by_role("alert")).to_be_visible()
    page = visitor.go(f"/consultation/{exercise.pk}/findings/add/")
    page.get_by_label("Percentage", exact=True).check()
    page.get_by_role("button", name="Add finding").click()
    check_accessibility(page)
    expect(page.get_by_text("Enter the percentage or the count.").first).to_be_visible()
    page = visitor.go(f"/plans/{plan.slug}/consultation/public-page/")
    page.get_by_label('Make the "you said, we did" page public').check()
    page.get_by_role("button", name="Save").click()
    check_accessibility(page)
    page = visitor.go(f"/recommendations/{recommendation.pk}/edit/")
    page.get_by_label("Rejected").check()
    page.get_by_role("button", name="Save").click()
    check_accessibility(page)
    expect(page.get_by_text("Give the reasons").first).to_be_visible()
    visitor.go(f"/public/{plan.organisation.slug}/{plan.slug}/you-said-we-did/")
