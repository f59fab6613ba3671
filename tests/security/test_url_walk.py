"""Every URL pattern of the site, walked with edge values: never a server error.

The URLs come from the URLconf itself (the access matrix fills their ids with the rows of its
world, so a new page is walked as soon as it exists). Signed in as a viewer and as a
steering-group member, each URL is asked for plainly, with every query parameter the site
reads set to each edge value at once, with each of its ids beyond 64 bits, and then every
field of every form the walk meets (GET and POST, wherever it posts) is sent each edge value
in turn, the other fields as the page filled them. Edge values: days at the ends of the
calendar (year 1, 9999) with the most extreme UTC offsets, periods 0000-01 and 9999-12, ids
beyond 64 bits, very long text and line breaks where one line is expected.

A failure lists every URL, field and value that gave a 500, with the exception.

The world and the personas are built once for the module (`shared_world`, tests/worlds.py);
each test meets them as built.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse, reverse_lazy

from actionplan.models import UpdateRound
from actionplan.rounds import round_close
from tests.security.htmlforms import Form, _FormParser
from tests.security.reference import reference_data_load
from tests.test_access_matrix import PAGES, POSTS

HUGE_ID = str(2**64)
IDS = [HUGE_ID, str(-(2**63) - 1)]
DAYS = ["0001-01-01", "31/12/9999", "0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"]
PERIODS = ["0000-01", "9999-12"]
TEXTS = ["x" * 5_000, "One line\r\nBcc: someone@example.org"]
EDGE_VALUES = IDS + DAYS + PERIODS + TEXTS
# What each kind of form field is sent: a box people type into may get anything; a list, a
# tick box or a hidden field carries ids; a paragraph of text carries text.
VALUES_BY_KIND = {
    "textarea": TEXTS,
    "select": IDS + TEXTS[:1],
    "checkbox": IDS + TEXTS[:1],
    "radio": IDS + TEXTS[:1],
    "hidden": IDS + DAYS[:1] + TEXTS[:1],
}
# Every name the site's views read from a query string (a page without a form for them
# still reads them from its links: the print page, the downloads, the figures' template).
QUERY_PARAMS = [
    "as_at",
    "since",
    "theme",
    "owner",
    "unit",
    "exceptions",
    "full",
    "committee",
    "meeting_date",
    "title",
    "author",
    "project",
    "page",
    "status",
    "rag",
    "overdue",
    "slipped",
    "awaiting",
    "unscheduled",
    "due_from",
    "due_to",
    "q",
    "sort",
    "period",
    "sub",
    "next",
]
# Pages that read the report builder's parameters one by one (each also walked singly, as
# one parameter in error hides what another would have done).
ONE_BY_ONE = {
    "report_builder": ["as_at", "since", "theme", "owner", "unit", "meeting_date"],
    "report_print": ["as_at", "since", "theme", "owner", "unit"],
    "report_pdf": ["as_at", "since", "theme", "owner", "unit"],
    "report_xlsx": ["as_at", "since", "theme", "owner", "unit"],
    "report_csv": ["as_at", "since", "theme", "owner", "unit"],
    "plan_browse": ["theme", "owner", "unit", "due_from", "due_to", "page"],
    "plan_browse_csv": ["theme", "owner", "unit", "due_from", "due_to"],
    "plan_browse_xlsx": ["theme", "owner", "unit", "due_from", "due_to"],
    "performance_enter": ["period"],
    "performance_template": ["period"],
    "action_add": ["project", "theme"],
    "cse_by_criterion": ["sub"],
    "cse_evidence_list": ["sub"],
}
# Forms whose fields are not walked: signing out (the walk would go on signed out) and in
# (throttling has its own tests).
SKIPPED_ACTIONS = {reverse_lazy("logout"), reverse_lazy("login")}
# Pages whose forms show only once something is asked (the builder's publish and background
# buttons): asked for once more like this.
SEEDS = {"report_builder": {"since": "none"}}


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix, pattern


def _admin_url(prefix: str, pattern: URLPattern) -> str:
    """An administration URL with every path argument filled in (ids beyond 64 bits)."""
    route = prefix + str(pattern.pattern)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "auth" if m[1] == "app_label" else HUGE_ID, route)
    route = re.sub(r"\((?:\?P<\w+>)?[^)]*\)", HUGE_ID, route)
    return "/" + route.replace("^", "").replace("$", "").replace("\\", "")


def site_urls(objects) -> list[tuple[str, str, list[str]]]:
    """(name, url, urls with an id beyond 64 bits) for every URL pattern of the URLconf."""
    found = []
    for prefix, pattern in _patterns(get_resolver()):
        if prefix.startswith("admin"):
            url = _admin_url(prefix, pattern)
            found.append((f"admin:{pattern.name}", url, []))
            continue
        name = pattern.name
        kind, args_key = PAGES.get(name) or POSTS[name]
        args = objects[args_key]
        url = reverse(name, args=args)
        if name == "action_add":
            url += f"?project={objects['project'][0]}"
        huge = [
            reverse(name, args=[HUGE_ID if i == n else a for n, a in enumerate(args)])
            for i, arg in enumerate(args)
            if isinstance(arg, int)
        ]
        found.append((name, url, huge))
    return found


class Walk:
    """Requests as one persona, each in a savepoint, recording every server error."""

    def __init__(self, client: Client, persona: str) -> None:
        self.client, self.persona = client, persona
        self.errors: list[str] = []
        self.forms: dict[tuple[str, str], Form] = {}
        self.requests = 0
        self._exception: BaseException | None = None

    def _caught(self, sender, request=None, **kwargs) -> None:
        import sys

        self._exception = sys.exc_info()[1]

    def ask(self, method: str, url: str, data: dict | None = None, what: str = ""):
        self._exception = None
        self.requests += 1
        got_request_exception.connect(self._caught)
        savepoint = transaction.savepoint()
        try:
            if method == "get":
                response = self.client.get(url, data or {})
            else:
                response = self.client.post(url, data or {})
        finally:
            got_request_exception.disconnect(self._caught)
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
            self.errors.append(
                f"{self.persona} {method.upper()} {url} {what[:120]!r}: "
                f"{response.status_code} {self._exception!r}"[:400]
            )
        else:
            transaction.savepoint_commit(savepoint)
        return response

    def collect_forms(self, url: str, response) -> None:
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        parser = _FormParser()
        parser.feed(response.content.decode())
        path = urlsplit(url).path
        for form in parser.forms:
            action = (
                path if form.action in ("", "#") or form.action.startswith("#") else form.action
            )
            if urlsplit(action).path in {str(u) for u in SKIPPED_ACTIONS} or not form.kinds:
                continue
            self.forms.setdefault((form.method, action), form)


def _filled(form: Form) -> dict[str, list[str]]:
    """What the page would send, with empty free-text fields given a plain answer."""
    data = form.data()
    for name, kind in form.kinds.items():
        if kind == "textarea" and not any(data.get(name, [])):
            data[name] = ["Walked through every page"]
    return data


def _walk(walk: Walk, urls: list[tuple[str, str, list[str]]]) -> None:
    for name, url, huge in urls:
        response = walk.ask("get", url, what="as linked")
        if name.startswith("admin:"):
            # Refused to both personas (superusers only): edge values would meet the refusal.
            walk.ask("post", url, what="as a button")
            continue
        if response.status_code == 200:
            walk.collect_forms(url, response)
        if name in SEEDS:
            walk.collect_forms(url, walk.ask("get", url, SEEDS[name], what="to show its forms"))
        for value in EDGE_VALUES:
            walk.ask("get", url, {p: value for p in QUERY_PARAMS}, what=f"every parameter={value}")
        for param in ONE_BY_ONE.get(name, []):
            for value in EDGE_VALUES:
                walk.ask("get", url.split("?")[0], {param: value}, what=f"{param}={value}")
        for url_with_huge_id in huge:
            walk.ask("get", url_with_huge_id, what="id beyond 64 bits")
            walk.ask("post", url_with_huge_id, what="id beyond 64 bits")
        if name in POSTS and name != "logout":
            walk.ask("post", url, what="as a button")
    for (method, action), form in sorted(walk.forms.items()):
        base = _filled(form)
        for field, kind in form.kinds.items():
            if field == "csrfmiddlewaretoken":
                continue
            for value in VALUES_BY_KIND.get(kind, EDGE_VALUES):
                data = base | {field: [value]}
                if method == "get":
                    data.pop("csrfmiddlewaretoken", None)
                walk.ask(method, action, data, what=f"{field}={value}")


@pytest.fixture
def walked_world(shared_world):
    round_close(update_round=UpdateRound.objects.get(pk=shared_world["round"][0]), user=None)
    reference_data_load()
    return shared_world


@pytest.mark.parametrize("persona", ["viewer", "steering_member"])
def test_no_url_of_the_site_answers_an_edge_value_with_a_server_error(walked_world, persona):
    client = Client(raise_request_exception=False)
    client.force_login(walked_world.login(persona))
    walk = Walk(client, persona)
    urls = site_urls(walked_world)
    assert len(urls) > 100  # the whole URLconf, administration screens included
    _walk(walk, urls)
    assert walk.requests > 1000
    assert walk.errors == [], f"{len(walk.errors)} server errors:\n" + "\n".join(walk.errors)


def test_the_walk_reports_a_server_error(walked_world, settings):
    """The walk's net has no hole: a view that fails is listed with its exception."""
    client = Client(raise_request_exception=False)
    client.force_login(walked_world.login("viewer"))
    walk = Walk(client, "viewer")
    walk.ask("get", reverse("plan_browse", args=walked_world["plan"]), {"page": "1"})
    assert walk.errors == []
    settings.ROOT_URLCONF = "tests.security.failing_urls"
    walk.ask("get", "/fails/", what="a view that raises")
    assert len(walk.errors) == 1 and "ZeroDivisionError" in walk.errors[0]
