"""Service standards in real headless Chromium: entering a month, then the RAG and trend.

Every page visited is checked with axe-core: the register, the entry form (with and without
errors), a standard's page and the public page without sign-in.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from standards.models import PerformanceValue
from tests.browser.conftest import check_accessibility
from tests.standards.performance.conftest import add_value, make_standard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(browser_users):
    t1 = make_standard("T1")
    c1 = make_standard(
        "C1",
        title="Complaints: first response",
        channel="complaints",
        commitment="We will respond to complaints within 10 working days.",
        unit="working_days",
        target=10,
        amber_tolerance=2,
        better="lower",
    )
    hidden = make_standard("H9", title="Unpublished standard", published=False)
    for month, phone, days in (
        ("2026-07", "86", "12"),
        ("2026-08", "89", "11"),
        ("2026-09", "92", "13"),
    ):
        add_value(t1, month, phone)
        add_value(c1, month, days)
    add_value(t1, "2025-10", "80")
    return {"T1": t1, "C1": c1, "H9": hidden}


def test_member_enters_a_month_for_all_standards_then_sees_rag_and_trend(visitor, register):
    t1, c1, h9 = register["T1"], register["C1"], register["H9"]
    visitor.sign_in("sam.steering")
    page = visitor.go("/organisations/test-council/standards/")
    page.get_by_role("link", name="Enter a period's figures").click()
    page.get_by_label("Month").select_option("2026-10")
    page.get_by_role("button", name="Show this month").click()
    check_accessibility(page)
    expect(page.get_by_role("heading", name="Enter figures for October 2026")).to_be_visible()

    # A mistake first: nothing is saved, and the error summary links to the row.
    page.locator(f"#id_s{t1.pk}-numerator").fill("915")
    page.locator(f"#id_s{t1.pk}-denominator").fill("1000")
    page.locator(f"#id_s{c1.pk}-value").fill("eight")
    page.locator(f"#id_s{h9.pk}-value").fill("50")
    page.get_by_role("button", name="Save figures for October 2026").click()
    check_accessibility(page)
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_role("link", name="C1: The value is not a number.").click()
    assert (
        PerformanceValue.objects.filter(period_start__year=2026, period_start__month=10).count()
        == 0
    )

    page.locator(f"#id_s{c1.pk}-value").fill("8")
    page.get_by_label("Publish these figures on the public standards page").check()
    page.get_by_role("button", name="Save figures for October 2026").click()
    check_accessibility(page)
    expect(page.get_by_text("Figures for October 2026 saved: 3 added.")).to_be_visible()

    # The register shows the latest figure with its rating in words.
    t1_row = page.get_by_role("row").filter(has_text="T1 Answering the telephone")
    expect(t1_row).to_contain_text("91.5%")
    expect(t1_row).to_contain_text("Met")
    c1_row = page.get_by_role("row").filter(has_text="C1 Complaints: first response")
    expect(c1_row).to_contain_text("8 working days")
    expect(c1_row).to_contain_text("Met")

    # The standard's page: travel, the trend chart and its table.
    page.get_by_role("link", name="T1 Answering the telephone").click()
    check_accessibility(page)
    expect(page.get_by_text("91.5% in October 2026 (915 out of 1000)")).to_be_visible()
    chart = page.get_by_role("img", name="T1 Answering the telephone: October 2025 to October 2026")
    expect(chart).to_be_visible()
    table = page.locator("#trend-table")
    expect(table.get_by_role("row")).to_have_count(6)  # header, Oct 2025, Jul–Oct 2026
    expect(table).to_contain_text("October 2025")
    summary = page.locator("dl").nth(1)
    expect(summary).to_contain_text("Getting worse")  # 92 in September
    expect(summary).to_contain_text("Improving")  # 80 a year before


def test_public_page_without_sign_in(visitor, register):
    add_value(register["T1"], "2026-10", "70", published=False)
    page = visitor.go("/public/test-council/standards/")
    expect(page.get_by_role("heading", name="Our standards and how we did")).to_be_visible()
    expect(page.get_by_text("92% against a target of 90% or more")).to_be_visible()
    expect(page.get_by_text("Unpublished standard")).to_have_count(0)
    expect(page.get_by_text("70%")).to_have_count(0)
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)
    page.get_by_text("The figures in this chart").first.click()
    check_accessibility(page)


def test_register_forms_pass_axe(visitor, register):
    visitor.sign_in("pat.admin")
    page = visitor.go(f"/standards/{register['T1'].pk}/revise/")
    page.get_by_role("button", name="Save the new version").click()
    check_accessibility(page)
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visitor.go("/organisations/test-council/standards/add/")
    visitor.go("/organisations/test-council/standards/upload/")
    page.get_by_role("button", name="Upload and save").click()
    check_accessibility(page)
