"""Real headless Chromium (Debian's package) driven by Playwright against the live server.

Every page a journey visits is checked with axe-core for WCAG 2.2 A/AA violations.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test
# (setting up data) are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_SOURCE = "() => {" + AXE.read_text() + "\n}"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "browser-test-pass"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-GB",
        "timezone_id": "Europe/London",
    }


def check_accessibility(page: Page) -> None:
    """Fail with the list of violations if axe-core finds any WCAG 2.2 A/AA problem."""
    # Evaluated through the DevTools protocol rather than added as a <script>: the site's
    # Content-Security-Policy rightly refuses inline scripts, test tools included.
    # A click on a link returns before the next page has finished loading; axe run on a page
    # whose style sheet and fonts are not yet applied measures unstyled links (target-size
    # then flickers). Wait for what a person would see: the loaded, styled page.
    page.wait_for_load_state("load")
    page.wait_for_function(
        """() => document.readyState === 'complete'
            && [...document.styleSheets].length >= document.querySelectorAll(
                'link[rel="stylesheet"]').length"""
    )
    page.evaluate("async () => { await document.fonts.ready; }")
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in result["violations"]
    ]
    assert not problems, f"axe-core on {page.url}:\n" + "\n".join(problems)


class Visitor:
    """A person using the site: signs in and moves about, checking each page with axe."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def go(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        check_accessibility(self.page)
        return self.page

    def sign_in(self, username: str) -> None:
        self.go("/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        check_accessibility(self.page)


@pytest.fixture
def visitor(page: Page, live_server) -> Visitor:
    return Visitor(page, live_server.url)


def set_password(user) -> None:
    user.set_password(PASSWORD)
    user.save()


@pytest.fixture
def browser_users(plan_admin, steering_member, action_owner, viewer):
    for user in (plan_admin, steering_member, action_owner, viewer):
        set_password(user)
    return get_user_model().objects.all()


FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {name: "", visible: false};
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const name = (label || el.getAttribute("aria-label") || el.innerText || el.value || "").trim();
  const style = getComputedStyle(el);
  const visible = style.outlineStyle !== "none" || style.boxShadow !== "none";
  return {name: name.replace(/\\s+/g, " "), visible: visible};
}"""


class Keyboard:
    """Drives a page with the keyboard alone: Tab to a control by its name, then act on it.

    Each control reached must show a visible focus indicator (outline or box shadow).
    """

    def __init__(self, page: Page) -> None:
        self.page = page

    def tab_to(self, name: str, *, limit: int = 150) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            focused = self.page.evaluate(FOCUSED)
            if focused["name"].startswith(name):
                assert focused["visible"], f"no visible focus on {name!r} at {self.page.url}"
                return
        raise AssertionError(f"could not reach {name!r} with the Tab key on {self.page.url}")

    def activate(self, name: str) -> None:
        """Tab to a link or button and press Enter."""
        self.tab_to(name)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        check_accessibility(self.page)

    def type_into(self, label: str, text: str) -> None:
        self.tab_to(label)
        self.page.keyboard.type(text)

    def choose(self, label: str, option_text: str) -> None:
        """Pick a <select> option by typing its first letters, as keyboard users do."""
        self.tab_to(label)
        self.page.keyboard.type(option_text)

    def tick(self, label: str) -> None:
        self.tab_to(label)
        self.page.keyboard.press("Space")
