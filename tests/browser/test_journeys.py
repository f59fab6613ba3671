"""Whole journeys in real headless Chromium, each page checked with axe-core.

These are the steering group's cycle as people do it: an owner reports progress, the chair
opens an update round and chases, a viewer looks but cannot touch, two people edit at once,
and someone narrows the plan with filters.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actionplan.models import Action, Status
from actionplan.rounds import round_open
from actionplan.services import action_set_owners
from tests.browser.conftest import check_accessibility
from tests.conftest import make_action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(people, action_owner, browser_users, plan, project, action):
    """RF (the action owner login) owns `action`; PW owns a second action."""
    people["RF"].user = action_owner
    people["RF"].email = "rf@council.example"
    people["RF"].save()
    people["PW"].email = "pw@council.example"
    people["PW"].save()
    other = make_action(project, description="Review the BT directory entry", target="2005")
    action_set_owners(action=other, owners=[people["PW"]], user=None, reason="test")
    return {"mine": action, "other": other}


def test_an_owner_records_progress_with_a_revised_target_and_sees_it_everywhere(
    visitor, team, plan, steering_member
):
    mine = team["mine"]
    update_round = round_open(
        plan=plan,
        title="Steering group",
        meeting_date=timezone.localdate() + timedelta(days=14),
        deadline=timezone.localdate() + timedelta(days=7),
        note="",
        user=steering_member,
        base_url=visitor.base_url,
    )
    visitor.sign_in("olly.owner")
    page = visitor.go("/my-actions/")
    expect(page.get_by_text("Identify key customer contacts by reference to FAQs")).to_be_visible()
    page.get_by_role("link", name="Record progress").first.click()
    check_accessibility(page)
    page.get_by_label("Progress", exact=True).fill("FAQs written and sent to ICT")
    page.get_by_label("Status", exact=True).select_option("at_risk")
    page.get_by_label("RAG (optional)", exact=True).select_option("amber")
    page.get_by_label("Revised target date (optional)", exact=True).fill("Mar 2005")
    page.get_by_label("Reason for the revised target date (optional)").fill(
        "ICT resources moved to the web"
    )
    page.get_by_role("button", name="Save progress update").click()
    check_accessibility(page)
    expect(page.get_by_text("Your progress update has been recorded.")).to_be_visible()
    expect(page.get_by_text("Original target: “Dec 2004”, revised 1 time")).to_be_visible()
    history = page.locator("#history + p + table")
    expect(history).to_contain_text("Dec 2004 → Mar 2005")
    expect(history).to_contain_text("ICT resources moved to the web")

    page = visitor.go(f"/plans/{plan.slug}/")
    expect(page.locator("body")).to_contain_text("Dec 2004 → Mar 2005")
    expect(page.locator("body")).to_contain_text("FAQs written and sent to ICT")

    visitor.sign_in("sam.steering")
    page = visitor.go(f"/rounds/{update_round.update_round.pk}/")
    row = page.locator("tr", has_text="Identify key customer contacts")
    expect(row).to_contain_text("Updated")
    other_row = page.locator("tr", has_text="Review the BT directory entry")
    expect(other_row).to_contain_text("No response")
    assert Action.objects.get(pk=mine.pk).target == "Mar 2005"


def test_a_steering_member_opens_a_round_and_sees_who_has_not_responded(
    visitor, team, plan, mailoutbox
):
    visitor.sign_in("sam.steering")
    page = visitor.go(f"/plans/{plan.slug}/rounds/")
    page.get_by_role("link", name="Open a new update round").click()
    check_accessibility(page)
    meeting = timezone.localdate() + timedelta(days=21)
    deadline = timezone.localdate() + timedelta(days=14)
    page.get_by_label("Title").fill("Steering group meeting")
    page.get_by_label("Meeting date").fill(meeting.strftime("%d/%m/%Y"))
    page.get_by_label("Deadline for updates").fill(deadline.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Open the round and e-mail owners").click()
    check_accessibility(page)
    expect(page.locator("h1")).to_contain_text("Steering group meeting")
    owners = page.locator("table", has_text="Owner")
    expect(owners.first).to_contain_text("RF")
    expect(owners.first).to_contain_text("Paul Williams")
    expect(page.locator("body")).to_contain_text("No response")
    assert sorted(m.to[0] for m in mailoutbox) == [
        "Paul Williams <pw@council.example>",
        "RF <rf@council.example>",
    ]


def test_a_viewer_sees_the_plan_but_cannot_change_anything(visitor, team, plan):
    mine = team["mine"]
    visitor.sign_in("vic.viewer")
    page = visitor.go(f"/actions/{mine.pk}/")
    expect(page.locator("h1")).to_contain_text("Identify key customer contacts")
    expect(page.get_by_role("link", name="Record progress")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit action")).to_have_count(0)
    expect(page.get_by_role("button", name="No change since the last update")).to_have_count(0)
    page = visitor.go(f"/actions/{mine.pk}/edit/")
    expect(page.locator("h1")).to_have_text("You cannot do that")
    page = visitor.go(f"/plans/{plan.slug}/structure/")
    expect(page.get_by_role("button", name="Move down")).to_have_count(0)
    mine.refresh_from_db()
    assert mine.version == 1 and not mine.updates.exists()


def test_two_simultaneous_edits_give_a_conflict_message_not_a_lost_update(
    visitor, team, browser, live_server
):
    mine = team["mine"]
    visitor.sign_in("sam.steering")
    mine_page = visitor.go(f"/actions/{mine.pk}/edit/")
    # The administrator opens the same form in another browser and saves first.
    other_context = browser.new_context(viewport={"width": 1280, "height": 900})
    other = other_context.new_page()
    other.goto(live_server.url + "/accounts/login/")
    other.get_by_label("Username").fill("pat.admin")
    other.get_by_label("Password").fill("browser-test-pass")
    other.get_by_role("button", name="Sign in").click()
    other.goto(f"{live_server.url}/actions/{mine.pk}/edit/")
    other.get_by_label("Description").fill("Administrator's wording")
    other.get_by_role("button", name="Save action").click()
    expect(other.get_by_text("The action has been saved.")).to_be_visible()
    other_context.close()

    mine_page.get_by_label("Description").fill("Steering member's wording")
    mine_page.get_by_role("button", name="Save action").click()
    check_accessibility(mine_page)
    expect(mine_page.locator(".govuk-error-summary")).to_contain_text(
        "Someone else saved this action while you were editing it"
    )
    expect(mine_page.locator("body")).to_contain_text("Administrator's wording")
    expect(mine_page.get_by_label("Description")).to_have_value("Steering member's wording")
    mine.refresh_from_db()
    assert mine.description == "Administrator's wording"


def test_the_filters_narrow_the_plan(visitor, team, plan, project):
    make_action(
        project,
        description="Completed survey",
        status=Status.COMPLETED,
        completed_on=timezone.localdate(),
        target="Sept 10",
    )
    visitor.sign_in("vic.viewer")
    page = visitor.go(f"/plans/{plan.slug}/actions/")
    expect(page.locator("body")).to_contain_text("3 actions match")
    page.get_by_text("Filter and sort actions").click()
    page.get_by_label("Completed").check()
    page.get_by_role("button", name="Apply filters").click()
    check_accessibility(page)
    expect(page.locator("body")).to_contain_text("1 action matches")
    expect(page.locator("body")).to_contain_text("Completed survey")
    assert "status=completed" in page.url
    page = visitor.go(f"/plans/{plan.slug}/actions/?q=BT+directory")
    expect(page.locator("body")).to_contain_text("1 action matches")
    expect(page.locator("body")).to_contain_text("Review the BT directory entry")


def test_everything_works_with_javascript_turned_off(browser, live_server, team, plan):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("olly.owner")
    page.get_by_label("Password").fill("browser-test-pass")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/actions/{team['mine'].pk}/progress/")
    page.get_by_label("Progress", exact=True).fill("Recorded without JavaScript")
    page.get_by_role("button", name="Save progress update").click()
    expect(page.get_by_text("Your progress update has been recorded.")).to_be_visible()
    page.goto(f"{live_server.url}/plans/{plan.slug}/actions/")
    page.get_by_text("Filter and sort actions").click()  # a native <details>: no script needed
    page.get_by_label("Overdue").check()
    page.get_by_role("button", name="Apply filters").click()
    assert "overdue=" in page.url
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    context.close()
    assert team["mine"].updates.get().narrative == "Recorded without JavaScript"
