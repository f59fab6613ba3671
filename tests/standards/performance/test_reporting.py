"""The committee report's standards section, as the register stood at the report's moment."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from actionplan.reporting import build_report
from standards.rag import RagRating, Travel
from tests.standards.performance.conftest import add_value


def test_report_has_each_standards_latest_figure_and_result(plan, standards):
    add_value(standards["T1"], "2025-10", "80")
    add_value(standards["T1"], "2026-09", "91")
    add_value(standards["T1"], "2026-10", "86")
    report = build_report(plan=plan, today=date(2026, 11, 23))
    lines = {line.reference: line for line in report.section("standards").lines}
    t1 = lines["T1"]
    assert (t1.period, t1.value, t1.rag) == ("October 2026", "86%", RagRating.AMBER)
    assert t1.vs_previous == Travel.WORSE and t1.vs_last_year == Travel.IMPROVING
    assert lines["C1"].rag == RagRating.NO_DATA and lines["C1"].period == ""
    counts = {c.label: c.count for c in report.section("standards").counts}
    assert counts == {"Missed": 0, "Just missed": 1, "Met": 0, "No data": 1}


def test_report_as_at_an_earlier_moment_leaves_out_later_figures(plan, standards):
    add_value(standards["T1"], "2026-09", "91")
    before = timezone.now()
    later = add_value(standards["T1"], "2026-10", "70")
    later.value = 71
    later.save()
    report = build_report(plan=plan, as_at=before, today=date(2026, 11, 23))
    t1 = next(line for line in report.section("standards").lines if line.reference == "T1")
    assert (t1.period, t1.value, t1.rag) == ("September 2026", "91%", RagRating.GREEN)
    now = build_report(plan=plan, as_at=before + timedelta(hours=1), today=date(2026, 11, 23))
    t1 = next(line for line in now.section("standards").lines if line.reference == "T1")
    assert t1.value == "71%"


def test_no_standards_no_section(plan, db):
    assert build_report(plan=plan).section("standards") is None


def test_print_page_shows_the_standards_section(client, viewer, plan, standards):
    add_value(standards["T1"], "2026-10", "95")
    client.force_login(viewer)
    text = client.get(reverse("report_print", args=[plan.slug])).content.decode()
    assert '<h2 id="standards">Service standards</h2>' in text
    assert "Answering the telephone" in text and "95%" in text
    # After the exceptions (and the changes, when there are any), before progress by theme.
    positions = [text.index(f'id="{h}"') for h in ("exceptions", "standards", "progress-by-theme")]
    assert positions == sorted(positions)
