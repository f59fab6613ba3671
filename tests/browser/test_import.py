"""Importing a spreadsheet in real headless Chromium: upload, preview, confirm; axe on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from actionplan.models import Action, Owner
from tests.actionplan.import_files import xlsx
from tests.browser.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_steering_member_imports_a_council_sheet_creating_its_owners(
    visitor, browser_users, plan, people, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "annex2.xlsx"
    path.write_bytes(
        xlsx(
            {
                "Action plan": [
                    ["Ref", "Action", "Responsible officer(s) / group", "Target date"],
                    ["1. Local Access Points"],
                    ["1(a)", "Open a customer service centre", "RF / Jo Bloggs", "Dec 2004"],
                    ["1(b)", "Extend opening hours", "PW", "Mid November 2004"],
                    ["1(b)", "A repeated reference", "PW", "2005"],
                ]
            }
        )
    )
    visitor.sign_in("sam.steering")
    page = visitor.go(f"/plans/{plan.slug}/structure/")
    page.get_by_role("link", name="Import from a spreadsheet").click()
    check_accessibility(page)

    page.get_by_role("button", name="Check the file").click()  # nothing chosen
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check the import of annex2.xlsx")).to_be_visible()
    check_accessibility(page)
    expect(page.get_by_text("Some rows will not be imported")).to_be_visible()
    expect(page.get_by_role("cell", name="1(a) Open a customer service centre")).to_be_visible()
    assert not Action.objects.exists()

    page.get_by_label("Create these owners").check()
    page.get_by_role("button", name="Import 2 new and 0 changed actions").click()
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    check_accessibility(page)
    assert Action.objects.count() == 2
    assert Owner.objects.filter(name="Jo Bloggs").exists()


def test_a_report_workbook_with_a_new_progress_row_and_a_deleted_row(
    visitor, browser_users, plan, project, action, people, tmp_path, settings
):
    from actionplan.exports import report_workbook_bytes
    from actionplan.reporting import ReportOptions, build_report
    from tests.actionplan.import_files import edited, row_of
    from tests.conftest import make_action

    settings.MEDIA_ROOT = tmp_path / "media"
    second = make_action(project, description="Review the BT directory entry")

    def add_update(ws, col):
        new = [None] * len(col)
        new[col["Action id"] - 1], new[col["Progress"] - 1] = action.pk, "Directory went live"
        ws.append(new)

    def delete_row(ws, col):
        ws.delete_rows(row_of(ws, col, second.pk))

    data = report_workbook_bytes(build_report(plan=plan), ReportOptions())
    path = tmp_path / "report.xlsx"
    path.write_bytes(edited(edited(data, add_update, sheet="Progress"), delete_row))
    visitor.sign_in("sam.steering")
    page = visitor.go(f"/plans/{plan.slug}/import/")
    page.get_by_label("Spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("New progress update", exact=True)).to_be_visible()
    expect(
        page.get_by_role("heading", name="In the plan but not in the file — left alone")
    ).to_be_visible()
    expect(page.get_by_text("Review the BT directory entry")).to_be_visible()
    check_accessibility(page)
    button = "Import 0 new and 0 changed actions and 1 progress update"
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    check_accessibility(page)
    assert action.updates.filter(narrative="Directory went live").count() == 1
    assert Action.objects.filter(pk=second.pk).exists()
