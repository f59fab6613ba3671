"""What the satellite apps add to the core's pages, reports and demo, registered in their
AppConfig.

The core (`actionplan`) never imports `standards` or `consultation`. A page of the core names
the places ("slots") where parts may go; each satellite app registers, in its
`AppConfig.ready()`, the parts it fills them with: a template and a function giving that
template's context from what the page has (the plan and today, or the action). The page renders
whatever is registered, in the order the apps are installed. The committee report has slots
too, but a report is built once as plain data and rendered later (print page, PDF, a job in the
background): a report section's function runs when the report is built, with what the report
has, and its result is kept in the Report for the template to show. Demo loaders work the same
way: `load_demo` runs every registered loader once the demo plans exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

# Where parts go. The dashboard: after "Actions to watch", and at its end. The action page:
# under "What this action answers".
DASHBOARD_AFTER_WATCH = "dashboard-after-watch"
DASHBOARD_END = "dashboard-end"
ACTION_ANSWERS = "action-answers"
SLOTS = (DASHBOARD_AFTER_WATCH, DASHBOARD_END, ACTION_ANSWERS)
# The committee report: after "Changes since", and after "Progress by theme".
REPORT_BEFORE_THEMES = "report-before-themes"
REPORT_AFTER_THEMES = "report-after-themes"
REPORT_SLOTS = (REPORT_BEFORE_THEMES, REPORT_AFTER_THEMES)


@dataclass(frozen=True)
class PagePart:
    slot: str
    template: str
    context: Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class ReportSectionMaker:
    slot: str
    name: str
    template: str
    build: Callable[..., Any]


@dataclass(frozen=True)
class ReportSection:
    """A satellite app's section of one report: plain data, shown by `template` as `section`."""

    slot: str
    name: str
    template: str
    content: Any


_parts: list[PagePart] = []
_report_sections: list[ReportSectionMaker] = []
_demo_loaders: list[Callable[..., list[str]]] = []


def register_part(slot: str, template: str, context: Callable[..., dict[str, Any]]) -> None:
    """Show `template` in `slot`, with `context(**what the page has)` added to its context."""
    if slot not in SLOTS:
        raise ValueError(f"No page has a slot called {slot!r}; slots are {', '.join(SLOTS)}.")
    part = PagePart(slot, template, context)
    if part not in _parts:
        _parts.append(part)


def render_slot(slot: str, **page: Any) -> SafeString:
    """Every part registered for the slot, rendered with what the page has."""
    html = [
        render_to_string(part.template, {**page, **part.context(**page)})
        for part in _parts
        if part.slot == slot
    ]
    return mark_safe("\n".join(html))  # noqa: S308 - each part is a rendered, escaped template


def register_report_section(slot: str, name: str, template: str, build: Callable[..., Any]) -> None:
    """Add `build(**what the report has)` to every report, shown in `slot` by `template`.

    `build` gets the plan, the report's moment, its today and its action rows by id (after the
    report's filters), and returns the section as plain data, or None to leave it out.
    """
    if slot not in REPORT_SLOTS:
        raise ValueError(
            f"The report has no slot called {slot!r}; slots are {', '.join(REPORT_SLOTS)}."
        )
    maker = ReportSectionMaker(slot, name, template, build)
    for index, known in enumerate(_report_sections):
        if known.name == name:
            _report_sections[index] = maker  # registered again (ready() ran twice): keep its place
            return
    _report_sections.append(maker)


def report_sections(**report: Any) -> list[ReportSection]:
    """Every registered section that has something to show, built from what the report has."""
    built = [(maker, maker.build(**report)) for maker in _report_sections]
    return [
        ReportSection(maker.slot, maker.name, maker.template, content)
        for maker, content in built
        if content is not None
    ]


def register_demo(loader: Callable[..., list[str]]) -> None:
    """Run `loader(user=...)` after the demo plans are loaded; it returns lines to print."""
    if loader not in _demo_loaders:
        _demo_loaders.append(loader)


def demo_loaders() -> Iterator[Callable[..., list[str]]]:
    return iter(list(_demo_loaders))
