"""A line chart of one standard's figures with its target, drawn as server-side SVG.

Geometry only (numbers in, coordinates out); the template places what is computed here, so
the chart renders alike on screen and in print. Each point is labelled with its value and
each period on the axis, and pages pair the chart with a table of the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from actionplan.charts import RAG_COLOURS
from standards.performance import StandardPerformance

WIDTH = 640
LEFT, RIGHT, TOP, BOTTOM = 64, 28, 40, 48
LEGEND_Y = 16  # the target's key sits above the plot, clear of the line
LINE = "#1d70b8"
TARGET = "#0b0c0c"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # the period, under the axis
    value: str
    colour: str
    label_y: float
    title: str
    show_label: bool  # every other period when there are many, always the latest


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    left: int
    right: float
    bottom: float
    points: list[Point]
    ticks: list[Tick]
    target_y: float | None
    target_text: str

    @property
    def tick_x(self) -> int:
        return self.left - 6

    @property
    def legend_line_end(self) -> int:
        return self.left + 32

    @property
    def legend_text_x(self) -> int:
        return self.left + 40

    @property
    def legend_y(self) -> int:
        return LEGEND_Y

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id}-desc"


def _round(number: float) -> float:
    return round(number, 2)


def _range(numbers: list[float], percent: bool) -> tuple[float, float]:
    low, high = min(numbers), max(numbers)
    pad = max((high - low) * 0.25, abs(high) * 0.05, 1.0)
    low, high = low - pad, high + pad
    low = max(low, 0.0)
    if percent:
        high = min(high, 100.0)
    return low, high if high > low else low + 1


def _steps(low: float, high: float) -> list[float]:
    return [low + (high - low) * i / 4 for i in range(5)]


def _tick_text(number: float, percent: bool) -> str:
    # Axis labels stay short: the unit is in the chart's title, the target label and the table.
    text = f"{number:.1f}".removesuffix(".0")
    return f"{text}%" if percent else text


def line_chart(row: StandardPerformance, *, id: str, height: int = 260) -> LineChart | None:
    """The trend of `row` (its last periods), or None when it has no figures."""
    trend = row.trend
    if not trend:
        return None
    # The target line is the one in force for the latest figure (versions can change it).
    standard = trend[-1].value.standard
    numbers = [float(p.value.value) for p in trend]
    target = float(standard.target) if standard.target is not None else None
    low, high = _range(numbers + ([target] if target is not None else []), standard.is_percentage)
    plot_bottom, plot_right = height - BOTTOM, WIDTH - RIGHT

    def y_of(number: float) -> float:
        return _round(plot_bottom - (number - low) / (high - low) * (plot_bottom - TOP))

    step = (plot_right - LEFT) / max(len(trend) - 1, 1)
    points = [
        Point(
            x=_round(LEFT + i * step if len(trend) > 1 else (LEFT + plot_right) / 2),
            y=y_of(number),
            label=p.period.short_label,
            value=standard.format_value(p.value.value),
            colour=RAG_COLOURS.get(p.rag.value, RAG_COLOURS[""]),
            label_y=plot_bottom + 20,
            title=f"{p.period}: {standard.format_value(p.value.value)} ({p.rag.label})",
            show_label=len(trend) <= 7 or (len(trend) - 1 - i) % 2 == 0,
        )
        for i, (p, number) in enumerate(zip(trend, numbers, strict=True))
    ]
    ticks = [Tick(y=y_of(n), text=_tick_text(n, standard.is_percentage)) for n in _steps(low, high)]
    first, last = trend[0].period, trend[-1].period
    target_words = f" against a target of {standard.target_text}" if target is not None else ""
    latest = standard.format_value(trend[-1].value.value)
    return LineChart(
        id=id,
        title=f"{standard.reference} {standard.title}: {first} to {last}",
        desc=(
            f"Line chart of {len(trend)} figures{target_words}. "
            f"Latest, {last}: {latest}. The same figures are in the table that follows."
        ),
        width=WIDTH,
        height=height,
        left=LEFT,
        right=plot_right,
        bottom=plot_bottom,
        points=points,
        ticks=ticks,
        target_y=y_of(target) if target is not None else None,
        target_text=f"Target {standard.target_text}" if target is not None else "",
    )
