"""A council sets itself up in the product, in real headless Chromium, axe on every page and no
administration screen visited: organisation, administrator, people, a plan from a spreadsheet,
an invited officer, an update round, progress recorded and seen."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from actionplan.models import Action, Owner, UpdateRequest
from tests.actionplan.import_files import xlsx
from tests.browser.conftest import PASSWORD, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ADMIN_PASSWORD = "anytown-admin-passphrase-7"
OFFICER_PASSWORD = "olive-officer-passphrase-9"
CHAIR_PASSWORD = "cathy-chair-passphrase-3"
SHOTS = Path(os.environ.get("ACTIONPLAN_SCREENSHOTS", "/tmp"))


def last_link(path_start: str, to: str = "") -> str:
    """The link in the latest e-mail (to `to`, if given), as the person would click it."""
    message = [m for m in mail.outbox if to in m.to[0]][-1]
    match = re.search(r"https?://[^/\s]+(" + path_start + r"\S+)", message.body)
    return match.group(1)


def test_a_council_goes_from_nothing_to_its_first_update_round_without_the_admin_screens(
    page, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    base = live_server.url

    def go(path: str):
        page.goto(base + path)
        check_accessibility(page)

    def click(role: str, name: str):
        page.get_by_role(role, name=name, exact=True).click()
        check_accessibility(page)

    def sign_in(username: str, password: str):
        go("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password", exact=True).fill(password)
        click("button", "Sign in")

    def sign_out():
        click("button", "Sign out")

    root = get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)
    assert root

    # A site superuser adds the organisation, and its administrator is e-mailed an invitation.
    sign_in("root", PASSWORD)
    click("link", "Organisations")
    click("link", "Add an organisation")
    page.get_by_label("Name", exact=True).fill("Anytown District Council")
    page.get_by_label("Short name").fill("ADC")
    page.get_by_label("Committees").fill("Cabinet")
    page.get_by_label("Administrator's name").fill("Ada Admin")
    page.get_by_label("Administrator's e-mail address").fill("ada@anytown.gov.uk")
    click("button", "Add organisation and invite its administrator")
    expect(page.get_by_text("Anytown District Council added")).to_be_visible()
    sign_out()

    # The administrator accepts the e-mailed link and sets a password.
    go(last_link("/invitations/"))
    page.get_by_label("New password", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_label("New password confirmation").fill(ADMIN_PASSWORD)
    click("button", "Set password and sign in")
    expect(page.get_by_text("Your username is ada")).to_be_visible()

    # Two people and a group (the group has no members yet).
    click("link", "People and groups of Anytown District Council")
    for name, initials, email in [
        ("Olive Officer", "OO", "olive@anytown.gov.uk"),
        ("Pat Person", "PP", "pat@anytown.gov.uk"),
    ]:
        click("link", "Add a person")
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Initials").fill(initials)
        page.get_by_label("E-mail address").fill(email)
        click("button", "Add person")
    click("link", "Add a group")
    page.get_by_label("Name", exact=True).fill("Access Group")
    page.get_by_label("Abbreviation").fill("AG")
    click("button", "Add group")
    expect(page.get_by_role("cell", name="No members")).to_be_visible()
    page.screenshot(path=str(SHOTS / "register.png"), full_page=True)

    # A plan from the council's spreadsheet, through the import preview.
    go("/")
    click("link", "Add a plan of Anytown District Council")
    page.get_by_label("A spreadsheet: import the plan as the council keeps it").check()
    page.get_by_label("Title").fill("Customer Access Plan")
    page.get_by_label("Status").select_option("adopted")
    click("button", "Add plan")
    sheet = tmp_path / "plan.xlsx"
    sheet.write_bytes(
        xlsx(
            {
                "Plan": [
                    ["Ref", "Action", "Responsible officer(s) / group", "Target date"],
                    ["1. Telephone access"],
                    ["1(a)", "Answer calls within 20 seconds", "OO", "Dec 2026"],
                    ["1(b)", "Publish the telephone standards", "AG", "Mar 2027"],
                ]
            }
        )
    )
    page.get_by_label("Spreadsheet").set_input_files(str(sheet))
    click("button", "Check the file")
    click("button", "Import 2 new and 0 changed actions")
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    assert Action.objects.count() == 2

    # The officer is invited with a role on the plan, linked to her owner record; the chair of
    # the plan's steering group is invited too.
    go("/")
    click("link", "Logins and roles of Anytown District Council")
    click("link", "Invite someone")
    page.get_by_label("Name", exact=True).fill("Olive Officer")
    page.get_by_label("E-mail address").fill("olive@anytown.gov.uk")
    page.get_by_label("Their owner record").select_option(label="Olive Officer (OO)")
    page.get_by_label("Role in Customer Access Plan").select_option("action_owner")
    click("button", "Send invitation")
    click("link", "Invite someone")
    page.get_by_label("Name", exact=True).fill("Cathy Chair")
    page.get_by_label("E-mail address").fill("cathy@anytown.gov.uk")
    page.get_by_label("Role in Customer Access Plan").select_option("steering_group")
    click("button", "Send invitation")
    invitations = page.get_by_role("table", name="Invitations not yet accepted")
    expect(invitations.get_by_role("row", name="Cathy Chair")).to_contain_text(
        "cathy@anytown.gov.uk"
    )
    # An invitation sent to a mistyped address is withdrawn; its link stops working.
    click("link", "Invite someone")
    page.get_by_label("Name", exact=True).fill("Cathy Chair")
    page.get_by_label("E-mail address").fill("cathy@anytwon.gov.uk")
    click("button", "Send invitation")
    mistyped = last_link("/invitations/", to="cathy@anytwon.gov.uk")
    click("button", "Withdraw the invitation to cathy@anytwon.gov.uk")
    expect(page.get_by_text("Invitation to cathy@anytwon.gov.uk withdrawn")).to_be_visible()
    expect(invitations.get_by_role("row", name="Cathy Chair")).to_have_count(1)
    sign_out()
    for email, password in [
        ("olive@anytown.gov.uk", OFFICER_PASSWORD),
        ("cathy@anytown.gov.uk", CHAIR_PASSWORD),
    ]:
        go(last_link("/invitations/", to=email))
        page.get_by_label("New password", exact=True).fill(password)
        page.get_by_label("New password confirmation").fill(password)
        click("button", "Set password and sign in")
        sign_out()
    go(mistyped)
    expect(page.get_by_text("This invitation has been withdrawn")).to_be_visible()
    assert Owner.objects.get(short_name="OO").user.email == "olive@anytown.gov.uk"

    # The chair opens a round: it warns about the group with no members before sending.
    sign_in("cathy", CHAIR_PASSWORD)
    click("link", "Customer Access Plan")
    click("link", "Update rounds for this plan")
    click("link", "Open a new update round")
    warning = page.locator("#unreachable")
    expect(warning).to_contain_text("Access Group (AG): a group with no members")
    expect(warning.get_by_role("link", name="fix AG")).to_be_visible()
    page.screenshot(path=str(SHOTS / "round-open.png"), full_page=True)
    today = timezone.localdate()
    page.get_by_label("Title").fill("Cabinet next month")
    page.get_by_label("Meeting date").fill((today + timedelta(days=30)).strftime("%d/%m/%Y"))
    page.get_by_label("Deadline for updates").fill(
        (today + timedelta(days=14)).strftime("%d/%m/%Y")
    )
    mail.outbox.clear()
    click("button", "Open the round and e-mail owners")
    expect(page.get_by_text("1 person e-mailed")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["Olive Officer <olive@anytown.gov.uk>"]]
    assert set(UpdateRequest.objects.values_list("owner__short_name", flat=True)) == {"OO"}
    round_url = page.url
    sign_out()

    # The officer records progress from My actions.
    sign_in("olive", OFFICER_PASSWORD)
    click("link", "My actions")
    expect(page.get_by_text("Answer calls within 20 seconds")).to_be_visible()
    click("link", "Record progress on action 1 / 1(a)")
    page.get_by_label("Progress", exact=True).fill("New call routing live; 85% within 20s.")
    page.get_by_label("Status").select_option("on_track")
    click("button", "Save progress update")
    sign_out()

    # The chair sees the response.
    sign_in("cathy", CHAIR_PASSWORD)
    page.goto(round_url)
    check_accessibility(page)
    expect(page.locator("p.govuk-body-l")).to_contain_text("1 of 1 action has an update")
    expect(page.get_by_role("cell", name="OO", exact=True)).to_be_visible()

    assert not [url for url in visited if "/admin/" in url]
