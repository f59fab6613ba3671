"""What the satellite apps add to the core's pages and demo, registered in their AppConfig.

The core (`actionplan`) never imports `standards` or `consultation`. A page of the core names
the places ("slots") where parts may go; each satellite app registers, in its
`AppConfig.ready()`, the parts it fills them with: a template and a function giving that
template's context from what the page has (the plan and today, or the action). The page renders
whatever is registered, in the order the apps are installed. Demo loaders work the same way:
`load_demo` runs every registered loader once the demo plans exist.
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


@dataclass(frozen=True)
class PagePart:
    slot: str
    template: str
    context: Callable[..., dict[str, Any]]


_parts: list[PagePart] = []
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


def register_demo(loader: Callable[..., list[str]]) -> None:
    """Run `loader(user=...)` after the demo plans are loaded; it returns lines to print."""
    if loader not in _demo_loaders:
        _demo_loaders.append(loader)


def demo_loaders() -> Iterator[Callable[..., list[str]]]:
    return iter(list(_demo_loaders))
