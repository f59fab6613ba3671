"""The Content-Security-Policy holds on every page: nothing the site serves breaks it.

Chromium reports each refused inline script, style or handler both on the console and as a
`securitypolicyviolation` event; either fails the test, naming the page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.browser.conftest import PASSWORD
from tests.test_access_matrix import PAGES, REFUSED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


class CspWatch:
    """Collects every CSP violation a page reports, from the console and from the DOM."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        found = self.console + self.page.evaluate("() => window.__cspViolations || []")
        self.console = []
        return found


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _pages(world) -> list[str]:
    urls = []
    for name, (kind, args) in sorted(PAGES.items()):
        if kind == REFUSED:
            continue  # the single sign-on callback refuses a visit it did not start (403)
        url = reverse(name, args=world[args])
        if name == "action_add":
            url += f"?project={world['project'][0]}"
        urls.append(url)
    return urls + [
        reverse("admin:index"),
        reverse("admin:actionplan_action_changelist"),
        reverse("admin:actionplan_action_change", args=world["action"]),
        reverse("admin:actionplan_action_history", args=world["action"]),
    ]


def test_no_page_of_the_site_breaks_the_content_security_policy(
    page: Page,
    live_server,
    world,
    browser_users,
    plan_admin,
):
    watch = CspWatch(page)
    _sign_in(page, live_server.url, plan_admin.username)
    problems = {}
    for url in _pages(world):
        # Downloads (CSV, workbooks, PDFs) are not pages: fetched with the same sign-in.
        fetched = page.request.get(live_server.url + url)
        assert fetched.status == 200, url
        if not fetched.headers.get("content-type", "").startswith("text/html"):
            continue
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        page.wait_for_load_state("load")
        if found := watch.violations():
            problems[url] = found
    assert not problems, problems


def test_the_policy_really_stops_an_injected_inline_script(page: Page, live_server, db):
    """The check above can fail: an inline script slipped into a page is refused and seen."""
    watch = CspWatch(page)
    page.goto(live_server.url + reverse("accessibility"))
    page.evaluate(
        """() => { const s = document.createElement("script");
        s.textContent = "window.__ran = true"; document.body.append(s);
        const d = document.createElement("div"); d.setAttribute("style", "color: red");
        document.body.append(d); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__ran === true") is False
    found = watch.violations()
    assert any("script-src" in v for v in found), found
    assert any("style-src" in v for v in found), found


def test_the_lockout_page_is_accessible_and_keeps_the_policy(
    page: Page, live_server, settings, viewer
):
    from tests.browser.conftest import check_accessibility

    settings.AXES_FAILURE_LIMIT = 2
    watch = CspWatch(page)
    for _ in range(2):
        page.goto(live_server.url + reverse("login"))
        page.get_by_label("Username").fill(viewer.username)
        page.get_by_label("Password").fill("wrong-password")
        page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Too many attempts to sign in").is_visible()
    check_accessibility(page)
    assert watch.violations() == []
