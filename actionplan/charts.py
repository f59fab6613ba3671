"""Geometry for the small SVG charts of the dashboard and reports (no chart library).

Pure functions: counts in, shapes out (x, width, label, colour), so the SVG templates only
place what is computed here and the same chart renders alike on screen and in WeasyPrint.
Every colour has at least 4.5:1 contrast against white, so white count labels on a bar are
readable and a white gap (the template's stroke) separates adjacent segments at 3:1 or more.
Colour never carries meaning alone: segments carry their counts, a legend names them in
order, and the page pairs each chart with a table of the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from actionplan.summary import percentage

CHART_WIDTH = 640
FONT_SIZE = 14
CHAR_WIDTH = 8  # a generous average advance of Arial at 14px, to decide whether a label fits
GREY = "#505a5f"

STATUS_COLOURS = {
    "not_started": GREY,
    "on_track": "#00703c",
    "at_risk": "#b35900",
    "off_track": "#d4351c",
    "completed": "#1d70b8",
    "suspended": "#4c2c92",
    "deleted": "#0b0c0c",
}
RAG_COLOURS = {"red": "#d4351c", "amber": "#b35900", "green": "#00703c", "": GREY}

# Stacked bars: a row label above each bar.
ROW_LABEL_HEIGHT = 22
STACK_BAR_HEIGHT = 28
ROW_GAP = 14
# Legend under the stacked bars: two columns of swatch + words.
LEGEND_COLUMNS = 2
LEGEND_ROW_HEIGHT = 24
SWATCH = 16
# Simple bars: label on the left, value on the right of the bar.
BAR_LABEL_WIDTH = 130
BAR_VALUE_WIDTH = 90
BAR_HEIGHT = 24
BAR_GAP = 10


class Part(Protocol):
    """What a chart needs of one count; summary.Count fits."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Segment:
    """One coloured piece of a stacked bar."""

    key: str
    label: str
    count: int
    percent: int
    x: float
    width: float
    colour: str
    text_x: float
    show_count: bool  # false when the count would not fit inside the segment

    @property
    def title(self) -> str:
        return f"{self.label}: {self.count} ({self.percent}%)"


@dataclass(frozen=True)
class StackRow:
    """A labelled 100% stacked bar: the plan or one theme."""

    label: str
    total: int
    label_y: float
    bar_y: float
    text_y: float
    segments: list[Segment]


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    x: float
    y: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class StackedBarChart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    bar_height: int
    rows: list[StackRow]
    legend: list[LegendItem]

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id}-desc"


@dataclass(frozen=True)
class Bar:
    """One bar of a simple bar chart, with its label left and its value right."""

    key: str
    label: str
    count: int
    percent: int
    y: float
    text_y: float
    width: float
    colour: str
    value_x: float

    @property
    def value(self) -> str:
        return f"{self.count} ({self.percent}%)"


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    bar_height: int
    bar_x: int
    label_x: int  # labels end here, right-aligned, just left of the bars
    bars: list[Bar]

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id}-desc"


def _round(value: float) -> float:
    # Two decimals keep the SVG short and the output identical from run to run.
    return round(value, 2)


def label_fits(text: str, width: float) -> bool:
    return width >= len(text) * CHAR_WIDTH + 8


def shorten(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def stack_segments(
    parts: Sequence[Part], *, width: float, colours: Mapping[str, str], x: float = 0
) -> list[Segment]:
    """Split `width` between the non-zero parts in proportion to their counts.

    Edges come from running totals, so the segments meet exactly and fill the whole width.
    """
    total = sum(part.count for part in parts)
    if total == 0:
        return []
    segments = []
    running = 0
    for part in parts:
        if not part.count:
            continue
        start = _round(x + width * running / total)
        running += part.count
        end = _round(x + width * running / total)
        segments.append(
            Segment(
                key=part.key,
                label=part.label,
                count=part.count,
                percent=percentage(part.count, total),
                x=start,
                width=_round(end - start),
                colour=colours.get(part.key, GREY),
                text_x=_round((start + end) / 2),
                show_count=label_fits(str(part.count), end - start),
            )
        )
    return segments


def describe_parts(label: str, parts: Sequence[Part]) -> str:
    """'Whole plan, 30 actions: 4 completed (13%), 18 on track (60%).' for a chart's desc."""
    total = sum(part.count for part in parts)
    noun = "action" if total == 1 else "actions"
    present = [
        f"{part.count} {part.label.lower()} ({percentage(part.count, total)}%)"
        for part in parts
        if part.count
    ]
    return f"{label}, {total} {noun}: " + (", ".join(present) if present else "none") + "."


def stacked_bar_chart(
    *,
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[Part]]],
    colours: Mapping[str, str],
    width: int = CHART_WIDTH,
) -> StackedBarChart:
    """One 100% stacked bar per row, each under its label, with a legend below."""
    stack_rows = []
    y = 0
    for label, parts in rows:
        total = sum(part.count for part in parts)
        noun = "action" if total == 1 else "actions"
        bar_y = y + ROW_LABEL_HEIGHT
        stack_rows.append(
            StackRow(
                label=f"{shorten(label)} ({total} {noun})",
                total=total,
                label_y=y + FONT_SIZE + 2,
                bar_y=bar_y,
                text_y=bar_y + STACK_BAR_HEIGHT / 2 + FONT_SIZE / 2 - 2,
                segments=stack_segments(parts, width=width, colours=colours),
            )
        )
        y = bar_y + STACK_BAR_HEIGHT + ROW_GAP
    legend = _legend(rows, colours=colours, top=y, width=width)
    legend_lines = -(-len(legend) // LEGEND_COLUMNS)
    return StackedBarChart(
        id=chart_id,
        title=title,
        desc=" ".join(describe_parts(label, parts) for label, parts in rows),
        width=width,
        height=y + legend_lines * LEGEND_ROW_HEIGHT,
        bar_height=STACK_BAR_HEIGHT,
        rows=stack_rows,
        legend=legend,
    )


def _legend(
    rows: Sequence[tuple[str, Sequence[Part]]],
    *,
    colours: Mapping[str, str],
    top: float,
    width: int,
) -> list[LegendItem]:
    """The parts that occur in any row, in stacking order, in columns."""
    seen: dict[str, str] = {}
    for _, parts in rows:
        for part in parts:
            if part.count:
                seen.setdefault(part.key, part.label)
    order = [part.key for part in rows[0][1]] if rows else []
    keys = [key for key in order if key in seen] + [key for key in seen if key not in order]
    column_width = width / LEGEND_COLUMNS
    items = []
    for index, key in enumerate(keys):
        line, column = divmod(index, LEGEND_COLUMNS)
        x = _round(column * column_width)
        y = top + line * LEGEND_ROW_HEIGHT
        items.append(
            LegendItem(
                label=seen[key],
                colour=colours.get(key, GREY),
                x=x,
                y=y,
                text_x=_round(x + SWATCH + 6),
                text_y=y + SWATCH - 3,
            )
        )
    return items


def bar_chart(
    *,
    chart_id: str,
    title: str,
    parts: Sequence[Part],
    colours: Mapping[str, str],
    width: int = CHART_WIDTH,
) -> BarChart:
    """Horizontal bars, one per part (zeros keep their row and label), the longest full width."""
    total = sum(part.count for part in parts)
    largest = max((part.count for part in parts), default=0)
    room = width - BAR_LABEL_WIDTH - BAR_VALUE_WIDTH
    bars = []
    for index, part in enumerate(parts):
        y = index * (BAR_HEIGHT + BAR_GAP)
        bar_width = _round(room * part.count / largest) if largest else 0
        bars.append(
            Bar(
                key=part.key,
                label=part.label,
                count=part.count,
                percent=percentage(part.count, total),
                y=y,
                text_y=y + BAR_HEIGHT / 2 + FONT_SIZE / 2 - 2,
                width=bar_width,
                colour=colours.get(part.key, GREY),
                value_x=_round(BAR_LABEL_WIDTH + bar_width + 6),
            )
        )
    height = len(parts) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP if parts else 0
    return BarChart(
        id=chart_id,
        title=title,
        desc=describe_parts("Whole plan", parts),
        width=width,
        height=max(height, 0),
        bar_height=BAR_HEIGHT,
        bar_x=BAR_LABEL_WIDTH,
        label_x=BAR_LABEL_WIDTH - 8,
        bars=bars,
    )


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))

        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
