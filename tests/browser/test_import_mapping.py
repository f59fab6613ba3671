"""A Word plan through the column mapping step in real headless Chromium; axe on each page."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from actionplan.models import Action, ImportColumnChoice, TargetRevision
from tests.actionplan.import_files import Bullets, docx
from tests.browser.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ACTIONPLAN_SCREENSHOTS")  # a directory, to look at the pages


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_word_plan_is_imported_after_choosing_its_action_column(
    visitor, browser_users, plan, people, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [
        ["Project", "Time Line", "Revised date", "Update", "Resources"],
        ["1. Local Access Points", None, None, None, None],
        ["Pilot a local access point in Witney", None, None, None, None],
        [
            Bullets("Concentrate on FAQs for E&E", "Negotiate agreement with WODC"),
            "Dec 2004\nJan 2005",
            "\nMar 2005",
            "Nov 2004: FAQs collected\nCompleted 30/11/2004",
            "Existing staff",
        ],
        [Bullets("Identify success criteria"), "Dec 2004", None, "Meeting held", None],
    ]
    path = tmp_path / "annex2.docx"
    path.write_bytes(docx([{"rows": rows, "merges": [((1, 0), (1, 4))]}]))
    visitor.sign_in("sam.steering")
    page = visitor.go(f"/plans/{plan.slug}/import/")
    page.get_by_label("Spreadsheet or Word document").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("No column is read as the actions")).to_be_visible()
    check_accessibility(page)
    _shot(page, "1-preview-needs-action")

    page.get_by_label("What the column “Project” holds").select_option("description")
    page.get_by_role("button", name="Read the file again with these columns").click()
    expect(page.get_by_role("heading", name="Columns of the file")).to_be_visible()
    expect(page.get_by_text("No column is read as the actions")).to_have_count(0)
    expect(page.get_by_label("What the column “Resources” holds")).to_have_value("keep")
    expect(page.get_by_text("Resources: Existing staff").first).to_be_visible()
    expect(page.get_by_text("Import day").first).to_be_visible()  # "Meeting held": no date
    check_accessibility(page)
    _shot(page, "2-preview-mapped")

    page.get_by_role("button", name="Import 3 new and 0 changed actions").click()
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    counts = page.locator("#import-counts")
    expect(counts).to_contain_text("Target dates revised (original kept)1")
    expect(counts).to_contain_text(
        "New progress updates3 (2 dated from the file, 1 dated the import day)"
    )
    check_accessibility(page)
    _shot(page, "3-result")
    assert Action.objects.count() == 3
    assert TargetRevision.objects.get().new_target == "Mar 2005"
    assert ImportColumnChoice.objects.get(heading="project").field == "description"
