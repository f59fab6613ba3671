"""The trend chart's geometry: one point per period, the target line, labels that fit."""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string

from standards.charts import line_chart
from standards.performance import StandardPerformance
from standards.services import standard_revise
from tests.standards.performance.conftest import add_value


def test_no_figures_no_chart(standards):
    assert line_chart(StandardPerformance(standards["T1"], []), id="c") is None


def test_points_follow_the_values_and_the_target_line_sits_between(standards):
    t1 = standards["T1"]
    values = [add_value(t1, f"2026-{m:02d}", v) for m, v in ((1, "80"), (2, "95"), (3, "88"))]
    chart = line_chart(StandardPerformance(t1, values), id="c")
    low, high, middle = chart.points
    assert low.y > chart.target_y > high.y  # SVG y grows downwards
    assert low.x < high.x < middle.x
    assert [p.label for p in chart.points] == ["Jan 26", "Feb 26", "Mar 26"]
    assert [p.colour for p in chart.points] == ["#d4351c", "#00703c", "#b35900"]
    assert chart.target_text == "Target 90% or more"
    assert "Latest, March 2026: 88%" in chart.desc


def test_many_periods_label_every_other_one_ending_with_the_latest(standards):
    t1 = standards["T1"]
    values = [add_value(t1, f"2025-{m:02d}", "90") for m in range(1, 13)]
    values.append(add_value(t1, "2026-01", "91"))
    chart = line_chart(StandardPerformance(t1, values), id="c")
    shown = [p.label for p in chart.points if p.show_label]
    assert shown[-1] == "Jan 26" and len(shown) == 7


def test_svg_is_an_image_with_title_and_description(standards):
    t1 = standards["T1"]
    chart = line_chart(StandardPerformance(t1, [add_value(t1, "2026-01", "91")]), id="c")
    svg = render_to_string("standards/_trend.svg.html", {"chart": chart, "table_id": "t"})
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert 'aria-describedby="t"' in svg and "<script" not in svg and "style=" not in svg


def test_the_target_line_is_the_latest_figures_version(standards):
    t1 = standards["T1"]
    old = add_value(t1, "2026-01", "85")
    new = standard_revise(
        standard=t1, changes={"target": 95}, effective_from=date(2026, 2, 1), user=None, reason="x"
    )
    latest = add_value(new, "2026-02", "93")
    chart = line_chart(StandardPerformance(t1, [old, latest]), id="c")
    assert chart.target_text == "Target 95% or more"
    assert [p.colour for p in chart.points] == ["#b35900", "#b35900"]  # each against its own
