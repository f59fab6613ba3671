"""Chart geometry: proportional widths, zeros left out, no division by zero, labels present."""

from dataclasses import dataclass

import pytest
from django.template.loader import render_to_string

from actionplan import charts


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    count: int


STATUSES = [
    Part("not_started", "Not started", 0),
    Part("on_track", "On track", 18),
    Part("completed", "Completed", 4),
    Part("suspended", "Suspended or deferred", 8),
]


def test_segment_widths_are_proportional_to_the_counts_and_fill_the_bar():
    segments = charts.stack_segments(STATUSES, width=600, colours=charts.STATUS_COLOURS)
    assert [(s.key, s.x, s.width) for s in segments] == [
        ("on_track", 0, 360),
        ("completed", 360, 80),
        ("suspended", 440, 160),
    ]
    assert sum(s.width for s in segments) == 600


def test_segments_with_no_actions_are_left_out():
    segments = charts.stack_segments(STATUSES, width=600, colours=charts.STATUS_COLOURS)
    assert "not_started" not in [s.key for s in segments]


def test_a_bar_with_no_actions_has_no_segments_and_does_not_divide_by_zero():
    empty = [Part("on_track", "On track", 0), Part("completed", "Completed", 0)]
    assert charts.stack_segments(empty, width=600, colours={}) == []
    chart = charts.bar_chart(chart_id="c", title="Empty", parts=empty, colours={})
    assert [(bar.width, bar.percent) for bar in chart.bars] == [(0, 0), (0, 0)]


def test_segments_carry_their_label_count_percentage_and_colour():
    on_track = charts.stack_segments(STATUSES, width=600, colours=charts.STATUS_COLOURS)[0]
    assert on_track.title == "On track: 18 (60%)"
    assert on_track.colour == charts.STATUS_COLOURS["on_track"]
    assert on_track.show_count and on_track.text_x == 180


def test_a_count_too_wide_for_its_segment_is_not_drawn_inside_it():
    parts = [Part("on_track", "On track", 999), Part("completed", "Completed", 1)]
    tiny = charts.stack_segments(parts, width=600, colours={})[1]
    assert tiny.width == 0.6 and not tiny.show_count


def test_stacked_chart_has_a_row_per_bar_and_a_legend_of_the_statuses_that_occur():
    chart = charts.stacked_bar_chart(
        chart_id="chart-status",
        title="Actions by status",
        rows=[("Whole plan", STATUSES), ("1. Local Access Points", STATUSES[:2])],
        colours=charts.STATUS_COLOURS,
    )
    assert [row.label for row in chart.rows] == [
        "Whole plan (30 actions)",
        "1. Local Access Points (18 actions)",
    ]
    assert [item.label for item in chart.legend] == [
        "On track",
        "Completed",
        "Suspended or deferred",
    ]
    assert chart.desc.startswith("Whole plan, 30 actions: 18 on track (60%), 4 completed (13%)")
    assert chart.rows[1].bar_y > chart.rows[0].bar_y + chart.bar_height
    assert chart.height > chart.legend[-1].y


def test_bar_chart_keeps_a_labelled_row_for_every_part_and_scales_to_the_largest():
    parts = [Part("red", "Red", 2), Part("amber", "Amber", 0), Part("green", "Green", 8)]
    chart = charts.bar_chart(chart_id="rag", title="RAG", parts=parts, colours=charts.RAG_COLOURS)
    room = chart.width - charts.BAR_LABEL_WIDTH - charts.BAR_VALUE_WIDTH
    assert [(bar.label, bar.width, bar.value) for bar in chart.bars] == [
        ("Red", room / 4, "2 (20%)"),
        ("Amber", 0, "0 (0%)"),
        ("Green", room, "8 (80%)"),
    ]


@pytest.mark.parametrize("colour", [*charts.STATUS_COLOURS.values(), *charts.RAG_COLOURS.values()])
def test_every_chart_colour_stands_out_from_white_for_bars_and_white_labels(colour):
    assert charts.contrast_ratio(colour, "#ffffff") >= 4.5


def test_the_svg_is_an_image_with_title_and_description_and_no_style_or_script():
    chart = charts.stacked_bar_chart(
        chart_id="chart-status",
        title="Actions by status",
        rows=[("Whole plan", STATUSES)],
        colours=charts.STATUS_COLOURS,
    )
    svg = render_to_string(
        "actionplan/charts/_stacked_bars.svg.html", {"chart": chart, "table_id": "t"}
    )
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-status-title chart-status-desc"' in svg
    assert '<title id="chart-status-title">Actions by status</title>' in svg
    assert "18 on track (60%)" in svg
    assert "style" not in svg and "<script" not in svg
    assert svg == render_to_string(
        "actionplan/charts/_stacked_bars.svg.html", {"chart": chart, "table_id": "t"}
    )


def test_the_bar_chart_svg_writes_each_value_beside_its_bar():
    parts = [Part("red", "Red", 2), Part("green", "Green", 8)]
    chart = charts.bar_chart(chart_id="rag", title="RAG", parts=parts, colours=charts.RAG_COLOURS)
    svg = render_to_string("actionplan/charts/_bars.svg.html", {"chart": chart})
    assert ">Red</text>" in svg and ">2 (20%)</text>" in svg and ">8 (80%)</text>" in svg
    assert "style" not in svg and "<script" not in svg
