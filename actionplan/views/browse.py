"""The plan browser: a plan's actions filtered and sorted from the query string, and its CSV.

The page and the CSV take their rows from the same filterset (actionplan.filters), so the
download holds exactly the actions listed on screen, across all pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from actionplan.access import plan_for_user
from actionplan.exports import WORKBOOK_CONTENT_TYPE, actions_workbook_bytes, write_actions_csv
from actionplan.filters import (
    DEFAULT_SORT,
    NOT_ASSESSED,
    SORT_LABELS,
    ActionFilter,
    browse_filterset,
)
from actionplan.models import Action, Plan, Project, Theme
from actionplan.pagecache import plan_fragment

PAGE_SIZE = 50


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove_query: str


@dataclass(frozen=True)
class SortHeading:
    label: str
    sort: str | None  # the sort value the heading's link asks for; None: not sortable
    aria_sort: str  # "ascending", "descending" or ""


@dataclass
class ProjectGroup:
    project: Project | None
    actions: list[Action] = field(default_factory=list)


@dataclass
class ThemeGroup:
    theme: Theme
    projects: list[ProjectGroup] = field(default_factory=list)


def _without(params: QueryDict, name: str, values: tuple[str, ...] = ()) -> str:
    """The query string without `name` (or only without those of its `values`), on page 1."""
    query = params.copy()
    query.pop("page", None)
    if values:
        query.setlist(name, [v for v in query.getlist(name) if v not in values])
    else:
        query.pop(name, None)
    return "?" + query.urlencode()


def active_filters(filterset: ActionFilter, params: QueryDict) -> list[ActiveFilter]:
    """What the valid filters select, in words, each with a link that removes it."""
    if not filterset.is_valid():
        return []
    data = filterset.form.cleaned_data
    found: list[ActiveFilter] = []
    if data.get("q"):
        found.append(ActiveFilter(f"Containing “{data['q']}”", _without(params, "q")))
    for name, label in (("theme", "Theme"), ("owner", "Owner"), ("unit", "Directorate or service")):
        if data.get(name):
            found.append(ActiveFilter(f"{label}: {data[name]}", _without(params, name)))
    for name, label in (("status", "Status"), ("rag", "RAG")):
        choices = dict(filterset.form.fields[name].choices)
        for value in dict.fromkeys(data.get(name) or []):
            # "Not assessed" may be written rag=none or rag= (the model's own value).
            raw = (value, "") if name == "rag" and value == NOT_ASSESSED else (value,)
            found.append(ActiveFilter(f"{label}: {choices[value]}", _without(params, name, raw)))
    for name, label in (("due_from", "Due from"), ("due_to", "Due by")):
        if data.get(name):
            text = f"{label} {date_format(data[name], 'j F Y')}"
            found.append(ActiveFilter(text, _without(params, name)))
    for name in ("overdue", "slipped", "awaiting", "unscheduled"):
        if data.get(name):
            found.append(ActiveFilter(filterset.form.fields[name].label, _without(params, name)))
    return found


def sort_headings(current: str) -> list[SortHeading]:
    """Column headings; a sortable one links to its sort, reversed if it is the current one."""
    columns = [
        ("Reference", "reference"),
        ("Action", None),
        ("Owners", None),
        ("Target", "target"),
        ("Status", "status"),
        ("RAG", "rag"),
        ("Latest update", "latest_update"),
    ]
    headings = []
    for label, sort in columns:
        aria_sort = ""
        if sort and current.lstrip("-") == sort:
            aria_sort = "descending" if current.startswith("-") else "ascending"
        next_sort = f"-{sort}" if sort and current == sort else sort
        headings.append(SortHeading(label, next_sort, aria_sort))
    return headings


def group_by_theme_and_project(actions: list[Action]) -> list[ThemeGroup]:
    """Consecutive actions under their theme and project, as the plan sets them out."""
    groups = []
    for _, in_theme in groupby(actions, key=lambda a: a.theme_id):
        in_theme = list(in_theme)
        group = ThemeGroup(theme=in_theme[0].theme)
        for _, in_project in groupby(in_theme, key=lambda a: a.project_id):
            in_project = list(in_project)
            group.projects.append(ProjectGroup(in_project[0].project, in_project))
        groups.append(group)
    return groups


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the "…" standing for pages left out
    is_current: bool = False


def pagination_items(page: Page) -> list[PageLink]:
    """Page numbers around the current one, with a gap where pages are left out."""
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [
        PageLink(n, n == page.number) if isinstance(n, int) else PageLink(None) for n in numbers
    ]


@dataclass(frozen=True)
class BrowseContent:
    """The browser's filters and results, rendered, and whether a filter needs correcting."""

    html: str
    has_errors: bool


def _browse_content(request: HttpRequest, plan: Plan) -> BrowseContent:
    filterset = browse_filterset(plan, request.GET, today=timezone.localdate())
    page = Paginator(filterset.results, PAGE_SIZE).get_page(request.GET.get("page"))
    actions = list(page.object_list)
    sort = filterset.chosen_sort
    grouped = sort == DEFAULT_SORT
    context = {
        "plan": plan,
        "form": filterset.form,
        "has_errors": bool(filterset.form.errors),
        "page": page,
        "pagination_items": pagination_items(page),
        "actions": actions,
        "groups": group_by_theme_and_project(actions) if grouped else [],
        "grouped": grouped,
        "match_count": page.paginator.count,
        "active_filters": active_filters(filterset, request.GET),
        "sort_label": SORT_LABELS[sort],
        "headings": sort_headings(sort),
    }
    html = render_to_string("actionplan/browse/_content.html", context, request=request)
    return BrowseContent(html=html, has_errors=context["has_errors"])


@login_required
def plan_browse(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    # What is shown depends only on the plan, the day and the query string.
    parts = (timezone.localdate().isoformat(), request.GET.urlencode())
    content = plan_fragment(plan, "browse", parts, lambda: _browse_content(request, plan))
    context = {
        "plan": plan,
        "has_errors": content.has_errors,
        "content": content.html,
        "nav_section": "plans",
    }
    return render(request, "actionplan/browse/plan_browse.html", context)


@login_required
def plan_browse_csv(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    today = timezone.localdate()
    filterset = browse_filterset(plan, request.GET, today=today)
    if not filterset.is_valid():
        problems = [str(e) for errors in filterset.form.errors.values() for e in errors]
        message = "These filters cannot be used: " + " ".join(problems)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{plan.slug}-actions-{today:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_actions_csv(response, filterset.results)
    return response


@login_required
def plan_browse_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    today = timezone.localdate()
    filterset = browse_filterset(plan, request.GET, today=today)
    if not filterset.is_valid():
        problems = [str(e) for errors in filterset.form.errors.values() for e in errors]
        message = "These filters cannot be used: " + " ".join(problems)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        actions_workbook_bytes(filterset.results), content_type=WORKBOOK_CONTENT_TYPE
    )
    filename = f"{plan.slug}-actions-{today:%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
