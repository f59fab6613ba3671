"""Single sign-on in real headless Chromium: the sign-in page's button, the council's provider
(a real oidc-provider-mock process), and back signed in; the page's security policy lets the
form go on to the provider."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from accounts.models import SignInProvider
from tests.accounts.conftest import oidc_provider  # noqa: F401 (the provider process)
from tests.browser.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_signs_in_with_their_councils_account(
    page,
    live_server,
    organisation,
    plan,
    viewer,
    oidc_provider,  # noqa: F811
):
    SignInProvider.objects.create(
        organisation=organisation,
        issuer=oidc_provider,
        client_id="actionplan",
        client_secret="a-secret-for-tests",
        allowed_domains="testcouncil.gov.uk",
    )
    viewer.email = "vic@testcouncil.gov.uk"
    viewer.save()
    requests.put(
        f"{oidc_provider}/users/vic",
        json={"email": "vic@testcouncil.gov.uk", "email_verified": True},
        timeout=5,
    ).raise_for_status()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)

    page.goto(live_server.url + "/accounts/login/?organisation=test-council")
    check_accessibility(page)
    page.get_by_role("button", name="Sign in with Test Council").click()
    page.locator("input[name=sub]").fill("vic")
    page.get_by_role("button", name="Authorize").click()

    expect(page.get_by_role("heading", name="Action plans")).to_be_visible()
    check_accessibility(page)
    expect(
        page.locator("#main-content").get_by_role("link", name=str(plan), exact=True)
    ).to_be_visible()
    assert blocked == []
