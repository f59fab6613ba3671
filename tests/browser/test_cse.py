"""CSE self-assessment in real Chromium: evidence changes the coverage, pages pass axe-core,
and the rating form works with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from standards.cse.models import Assessment, Evidence, SubCriterion
from standards.cse.reference import cse_reference_load
from standards.cse.services import cse_theme_mapping_save
from tests.browser.conftest import Keyboard, check_accessibility
from tests.browser.test_keyboard import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def criteria(db):
    # A transactional test empties the database afterwards, data migration rows included.
    cse_reference_load()
    return {s.reference: s for s in SubCriterion.objects.select_related("criterion")}


def test_a_member_records_evidence_against_a_sub_criterion_and_sees_the_coverage_change(
    visitor, browser_users, plan, theme, action, criteria
):
    cse_theme_mapping_save(plan=plan, mapping={theme: [criteria["3.3"].criterion]}, user=None)
    visitor.sign_in("sam.steering")
    page = visitor.go(f"/plans/{plan.slug}/cse/")
    row = page.locator("#sub-3\\.3")
    expect(row).to_contain_text("No evidence recorded")
    row.get_by_role("link", name="Record evidence for 3.3 Access").click()
    check_accessibility(page)
    expect(page.get_by_label("3.3 Access")).to_be_checked()
    page.get_by_label("Title").fill("Telephone survey results")
    page.get_by_label("What it shows").fill("87% of callers satisfied with telephone access.")
    page.get_by_label("Date of the evidence").fill("01/10/2010")
    page.get_by_label(action.full_reference, exact=False).check()
    page.get_by_role("button", name="Record evidence").click()
    check_accessibility(page)
    expect(page.get_by_text("Evidence “Telephone survey results” recorded.")).to_be_visible()
    expect(page.locator("#sub-3\\.3")).not_to_contain_text("No evidence recorded")
    expect(page.locator("#sub-3\\.3 td").nth(1)).to_have_text("1 evidence item for 3.3")
    assert Evidence.objects.get().action_links.get().action == action

    visitor.go(f"/plans/{plan.slug}/cse/evidence/")
    expect(visitor.page.get_by_role("heading", name="Telephone survey results")).to_be_visible()
    visitor.go(f"/plans/{plan.slug}/cse/by-criterion/")
    visitor.go(f"/plans/{plan.slug}/cse/mapping/")
    visitor.go(f"/actions/{action.pk}/")
    expect(visitor.page.locator("body")).to_contain_text("Evidence: Telephone survey results")


def test_a_member_rates_a_sub_criterion_with_the_keyboard_alone(
    page, live_server, browser_users, plan, criteria
):
    page.goto(live_server.url + "/accounts/login/")
    keys = Keyboard(page)
    sign_in(keys, "sam.steering")
    page.goto(live_server.url + f"/plans/{plan.slug}/cse/assessments/add/")
    check_accessibility(page)
    keys.type_into("Who assessed", "CSE PAG")
    keys.tab_to("Not rated this time")  # the first sub-criterion's ratings: 1.1
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.labels[0].innerText") == "Full compliance"
    keys.type_into("Note on 1.1", "Ward profiles published")
    keys.activate("Record assessment")
    expect(page.get_by_text("Assessment recorded.")).to_be_visible()
    expect(page.locator("#sub-1\\.1")).to_contain_text("Full compliance")
    rating = Assessment.objects.get().ratings.get()
    assert (rating.sub_criterion.reference, rating.compliance, rating.note) == (
        "1.1",
        "full",
        "Ward profiles published",
    )
