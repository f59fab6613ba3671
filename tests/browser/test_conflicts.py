"""Two people edit the same action at once, in two real browsers: nobody's change is lost.

The second save is refused and shows both people's values; saving again writes only what the
second person changed, so both changes end up in the database and in the history.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from actionplan.models import Action, Rag
from standards.cse.models import ActionSubCriterion, SubCriterion
from standards.cse.reference import cse_reference_load
from tests.browser.conftest import PASSWORD, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(browser: Browser, base_url: str, username: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_two_people_change_rag_and_target_at_once_and_both_changes_are_kept(
    browser, live_server, browser_users, action
):
    url = f"{live_server.url}/actions/{action.pk}/edit/"
    admin = _signed_in(browser, live_server.url, "pat.admin")
    member = _signed_in(browser, live_server.url, "sam.steering")
    admin.goto(url)
    member.goto(url)  # both started from the same action

    admin.get_by_label("RAG (optional)").select_option(Rag.AMBER)
    admin.get_by_role("button", name="Save action").click()
    expect(admin.get_by_text("The action has been saved.")).to_be_visible()

    member.locator("#id_target").fill("Mar 2005")
    member.get_by_label("Reason for changing the target date").fill("Waiting for ICT")
    member.get_by_role("button", name="Save action").click()
    check_accessibility(member)
    expect(member.locator(".govuk-error-summary")).to_contain_text(
        "Someone else saved this action while you were editing it"
    )
    changed = member.get_by_role("table", name="What pat.admin changed, and your answers")
    expect(changed).to_contain_text("Amber")
    expect(changed).to_contain_text("Not assessed")
    expect(changed).to_contain_text("Mar 2005: kept when you save again")
    # The form now holds their RAG and the member's own target.
    expect(member.get_by_label("RAG (optional)")).to_have_value(Rag.AMBER)
    expect(member.locator("#id_target")).to_have_value("Mar 2005")
    stored = Action.objects.get(pk=action.pk)
    assert (stored.rag, stored.target) == (Rag.AMBER, "Dec 2004")

    member.get_by_role("button", name="Save action").click()
    check_accessibility(member)
    expect(member.get_by_text("The action has been saved.")).to_be_visible()

    stored = Action.objects.get(pk=action.pk)
    assert (stored.rag, stored.target) == (Rag.AMBER, "Mar 2005")
    edits = [
        (h.history_user.username, h.rag, h.target)
        for h in stored.history.filter(history_user__isnull=False).order_by("history_date")
    ]
    assert ("pat.admin", Rag.AMBER, "Dec 2004") in edits
    assert edits[-1] == ("sam.steering", Rag.AMBER, "Mar 2005")
    member.goto(f"{live_server.url}/actions/{action.pk}/")
    history = member.get_by_role("table", name="Change history of this action")
    expect(history).to_contain_text("RAG: Not assessed → Amber")
    expect(history).to_contain_text("Target: Dec 2004 → Mar 2005")
    expect(history).to_contain_text("pat.admin")
    expect(history).to_contain_text("sam.steering")


def test_when_both_change_the_same_field_the_second_must_choose(
    browser, live_server, browser_users, action
):
    url = f"{live_server.url}/actions/{action.pk}/edit/"
    admin = _signed_in(browser, live_server.url, "pat.admin")
    member = _signed_in(browser, live_server.url, "sam.steering")
    admin.goto(url)
    member.goto(url)
    admin.get_by_label("RAG (optional)").select_option(Rag.AMBER)
    admin.get_by_role("button", name="Save action").click()
    expect(admin.get_by_text("The action has been saved.")).to_be_visible()

    member.get_by_label("RAG (optional)").select_option(Rag.RED)
    member.get_by_role("button", name="Save action").click()
    expect(member.locator(".govuk-error-summary")).to_contain_text("choose which to keep")
    member.get_by_role("button", name="Save action").click()
    check_accessibility(member)
    expect(member.locator(".govuk-error-summary")).to_contain_text(
        "Choose whether to keep their RAG or use yours"
    )
    assert Action.objects.get(pk=action.pk).rag == Rag.AMBER
    member.get_by_label("Use mine: “Red”").check()
    member.get_by_role("button", name="Save action").click()
    expect(member.get_by_text("The action has been saved.")).to_be_visible()
    assert Action.objects.get(pk=action.pk).rag == Rag.RED


CRITERIA_SAVED = "The CSE sub-criteria this action addresses are saved."


def test_two_people_tick_an_actions_cse_sub_criteria_at_once_and_both_are_kept(
    browser, live_server, browser_users, action
):
    cse_reference_load()  # a transactional test empties the data migration's rows afterwards
    first = SubCriterion.objects.get(reference="1.1")
    second = SubCriterion.objects.get(reference="5.1")
    url = f"{live_server.url}/actions/{action.pk}/cse/"
    admin = _signed_in(browser, live_server.url, "pat.admin")
    member = _signed_in(browser, live_server.url, "sam.steering")
    admin.goto(url)
    member.goto(url)  # both started from no sub-criteria

    admin.get_by_label(str(first)).check()
    admin.get_by_role("button", name="Save sub-criteria").click()
    expect(admin.get_by_text(CRITERIA_SAVED)).to_be_visible()

    member.get_by_label(str(second)).check()
    member.get_by_role("button", name="Save sub-criteria").click()
    check_accessibility(member)
    expect(member.locator(".govuk-error-summary")).to_contain_text(
        "Someone else saved this action's CSE sub-criteria while you were editing it"
    )
    changed = member.get_by_role("table", name="What pat.admin changed, and your answers")
    expect(changed).to_contain_text(f"added {first}")  # theirs
    expect(changed).to_contain_text(f"added {second}")  # mine
    expect(changed).to_contain_text("the form now holds both changes")
    # The form now holds their sub-criterion and the member's own.
    expect(member.get_by_label(str(first))).to_be_checked()
    expect(member.get_by_label(str(second))).to_be_checked()
    linked = ActionSubCriterion.objects.filter(action=action)
    assert set(linked.values_list("sub_criterion_id", flat=True)) == {first.pk}

    member.get_by_role("button", name="Save sub-criteria").click()
    check_accessibility(member)
    expect(member.get_by_text(CRITERIA_SAVED)).to_be_visible()

    assert set(linked.values_list("sub_criterion_id", flat=True)) == {first.pk, second.pk}
    added = ActionSubCriterion.history.filter(action_id=action.pk, history_type="+")
    assert {(h.history_user.username, h.sub_criterion_id) for h in added} == {
        ("pat.admin", first.pk),
        ("sam.steering", second.pk),
    }
    expect(member.locator("main")).to_contain_text(f"Sub-criterion {first}")
    expect(member.locator("main")).to_contain_text(f"Sub-criterion {second}")
