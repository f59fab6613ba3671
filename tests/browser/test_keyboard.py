"""The same journeys with the keyboard alone: Tab, type, Space and Enter, focus always visible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actionplan.models import Action, UpdateRound
from tests.browser.conftest import PASSWORD, Keyboard, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def keys(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    check_accessibility(page)
    return Keyboard(page)


def sign_in(keys: Keyboard, username: str) -> None:
    keys.page.goto(keys.page.url.split("/accounts/")[0] + "/accounts/login/")
    keys.type_into("Username", username)
    keys.type_into("Password", PASSWORD)
    with keys.page.expect_navigation():
        keys.page.keyboard.press("Enter")


def test_an_owner_records_progress_with_the_keyboard_alone(
    keys, people, action_owner, browser_users, action
):
    people["RF"].user = action_owner
    people["RF"].save()
    sign_in(keys, "olly.owner")
    keys.activate("My actions")
    keys.activate("Record progress")
    keys.type_into("Progress", "Contacts identified for every FAQ")
    keys.choose("Status", "At risk")
    keys.type_into("Revised target date", "Mar 2005")
    keys.type_into("Reason for the revised target date", "Waiting for ICT")
    keys.activate("Save progress update")
    expect(keys.page.get_by_text("Your progress update has been recorded.")).to_be_visible()
    action.refresh_from_db()
    assert (action.status, action.target) == ("at_risk", "Mar 2005")


def test_a_steering_member_opens_a_round_with_the_keyboard_alone(
    keys, people, browser_users, plan, action
):
    people["RF"].email = "rf@example.gov.uk"  # a round asks only whom it can e-mail
    people["RF"].save()
    sign_in(keys, "sam.steering")
    keys.page.goto(keys.page.url.rstrip("/") + f"/plans/{plan.slug}/rounds/")
    keys.activate("Open a new update round")
    keys.type_into("Title", "Keyboard meeting")
    keys.type_into("Meeting date", (timezone.localdate() + timedelta(days=10)).strftime("%d/%m/%Y"))
    keys.type_into(
        "Deadline for updates", (timezone.localdate() + timedelta(days=5)).strftime("%d/%m/%Y")
    )
    keys.activate("Open the round and e-mail owners")
    expect(keys.page.locator("body")).to_contain_text("No response")
    assert UpdateRound.objects.get().title == "Keyboard meeting"


def test_filters_work_with_the_keyboard_alone(keys, browser_users, plan, action):
    sign_in(keys, "vic.viewer")
    keys.page.goto(keys.page.url.rstrip("/") + f"/plans/{plan.slug}/actions/")
    keys.tab_to("Filter and sort actions")
    keys.page.keyboard.press("Enter")  # opens the details element
    keys.tick("Not started")
    keys.activate("Apply filters")
    expect(keys.page.locator("body")).to_contain_text("1 action matches")
    assert "status=not_started" in keys.page.url


def test_a_viewer_moves_around_with_the_keyboard_and_finds_nothing_to_change(
    keys, browser_users, plan, action
):
    sign_in(keys, "vic.viewer")
    keys.activate("Dashboard")
    keys.activate("Browse and filter all actions in this plan")
    keys.activate("Identify key customer contacts")
    expect(keys.page.get_by_role("link", name="Record progress")).to_have_count(0)
    assert Action.objects.get(pk=action.pk).version == 1


def test_a_conflicting_edit_is_refused_and_explained_with_the_keyboard_alone(
    keys, browser_users, action, plan_admin
):
    sign_in(keys, "sam.steering")
    keys.page.goto(keys.page.url.rstrip("/") + f"/actions/{action.pk}/")
    keys.activate("Edit action")
    # Meanwhile the administrator saves a change to the same action.
    action.description = "Administrator's wording"
    action._history_user = plan_admin
    action.save()
    keys.tab_to("Description")
    keys.page.keyboard.press("Control+A")
    keys.page.keyboard.type("Steering member's wording")
    keys.activate("Save action")
    summary = keys.page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Someone else saved this action while you were editing it")
    expect(summary).to_contain_text("Administrator's wording")
    action.refresh_from_db()
    assert action.description == "Administrator's wording"
