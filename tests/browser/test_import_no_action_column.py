"""A sheet without an action column, in real headless Chromium: the error summary at the top
links to the question, the user picks the column, and the plan is imported; axe on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from actionplan.models import Action
from tests.actionplan.import_files import xlsx
from tests.browser.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_error_summary_leads_to_the_question_and_the_chosen_column_is_imported(
    visitor, browser_users, plan, people, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [
        ["Item", "Lead officer", "Deadline"],
        ["1. Access"],
        ["Survey visitors", "RF", "Dec 2012"],
        ["Train staff", "PW", "Mar 2013"],
    ]
    path = tmp_path / "items.xlsx"
    path.write_bytes(xlsx({"Items": rows}))
    visitor.sign_in("sam.steering")
    page = visitor.go(f"/plans/{plan.slug}/import/")
    page.get_by_label("Spreadsheet or Word document").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("No column is read as the actions")
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    check_accessibility(page)
    summary.get_by_role("link", name="Choose the column of “Items” that holds the actions").click()
    question = page.get_by_label("Which column of “Items” holds the actions?")
    expect(question).to_be_focused()

    question.select_option(label="Item")
    page.get_by_role("button", name="Read the file again with these columns").click()
    expect(page.get_by_text("No column is read as the actions")).to_have_count(0)
    expect(page.get_by_label("What the column “Item” holds")).to_have_value("description")
    check_accessibility(page)

    page.get_by_role("button", name="Import 2 new and 0 changed actions").click()
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    check_accessibility(page)
    assert sorted(Action.objects.values_list("description", flat=True)) == [
        "Survey visitors",
        "Train staff",
    ]
