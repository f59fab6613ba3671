"""Single sign-on end to end: the real allauth flow against a real OpenID Connect provider
process (oidc-provider-mock), with who may sign in and every refusal."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Invitation, SignInProvider
from actionplan.models import Membership, Owner
from actionplan.organisations import OrganisationRole


@pytest.fixture
def council_sign_in(organisation, oidc_provider) -> SignInProvider:
    return SignInProvider.objects.create(
        organisation=organisation,
        issuer=oidc_provider,
        client_id="actionplan",
        client_secret="a-secret-for-tests",
        allowed_domains="testcouncil.gov.uk",
    )


def provider_user(issuer: str, sub: str, **claims) -> None:
    requests.put(f"{issuer}/users/{sub}", json=claims, timeout=5).raise_for_status()


def start(client, organisation) -> str:
    """Press "Sign in with <council>": the address of the provider's sign-in page."""
    response = client.post(reverse("openid_connect_login", args=[organisation.slug]))
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def sign_in_at_provider(authorize_url: str, sub: str) -> str:
    """The person signs in at their council's provider; it sends them back with a code."""
    response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def come_back(client, callback_url: str, **override):
    url = urlparse(callback_url)
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    return client.get(url.path, {**params, **override})


def sign_in(client, organisation, issuer, sub) -> object:
    return come_back(client, sign_in_at_provider(start(client, organisation), sub))


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def test_the_councils_sign_in_address_offers_its_own_sign_in(client, council_sign_in):
    assert "Sign in with" not in client.get(reverse("login")).content.decode()

    page = client.get(reverse("login") + "?organisation=test-council").content.decode()

    assert "Sign in with Test Council" in page
    assert reverse("openid_connect_login", args=["test-council"]) in page
    assert 'name="password"' in page  # password sign-in stays


def test_an_invited_officer_signs_in_and_is_linked_to_their_owner_record(
    client, organisation, council_sign_in, oidc_provider, people, org_admin, mailoutbox
):
    Invitation.objects.create(
        organisation=organisation,
        email="rf@testcouncil.gov.uk",
        name="Robert Fisher",
        organisation_role=OrganisationRole.ACTION_OWNER,
        owner=people["RF"],
        invited_by=org_admin,
    )
    provider_user(
        oidc_provider,
        "rf-sub",
        email="rf@testcouncil.gov.uk",
        email_verified=True,
        name="Robert Fisher",
    )

    response = sign_in(client, organisation, oidc_provider, "rf-sub")

    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = signed_in_user(client)
    assert user.email == "rf@testcouncil.gov.uk" and not user.has_usable_password()
    assert Owner.objects.get(pk=people["RF"].pk).user == user
    assert Membership.objects.get(user=user).role == OrganisationRole.ACTION_OWNER
    assert Invitation.objects.get().accepted_by == user
    # The next time, the same login is used.
    client.logout()
    sign_in(client, organisation, oidc_provider, "rf-sub")
    assert signed_in_user(client) == user
    assert get_user_model().objects.filter(email="rf@testcouncil.gov.uk").count() == 1


def test_a_member_with_a_login_signs_in_with_their_verified_address(
    client, organisation, council_sign_in, oidc_provider, viewer
):
    viewer.email = "vic@testcouncil.gov.uk"
    viewer.save()
    provider_user(oidc_provider, "vic", email="VIC@testcouncil.gov.uk", email_verified=True)

    sign_in(client, organisation, oidc_provider, "vic")

    assert signed_in_user(client) == viewer


@pytest.mark.parametrize(
    ("claims", "says", "logged"),
    [
        (
            {"email": "vic@testcouncil.gov.uk", "email_verified": False},
            "did not confirm your e-mail address",
            "unverified e-mail",
        ),
        (
            {"email": "vic@elsewhere.example", "email_verified": True},
            "Only addresses at testcouncil.gov.uk",
            "domain not allowed",
        ),
        (
            {"email": "stranger@testcouncil.gov.uk", "email_verified": True},
            "You have not been invited",
            "no invitation or login",
        ),
    ],
)
def test_sign_ins_that_are_not_allowed_are_refused_and_logged(
    client, organisation, council_sign_in, oidc_provider, viewer, caplog, claims, says, logged
):
    viewer.email = claims["email"]
    viewer.save()
    if "stranger" in claims["email"]:
        viewer.email = "vic@testcouncil.gov.uk"
        viewer.save()
    provider_user(oidc_provider, "someone", **claims)
    users_before = get_user_model().objects.count()

    with caplog.at_level(logging.WARNING, logger="actionplan.sign_in"):
        response = sign_in(client, organisation, oidc_provider, "someone")

    assert response.status_code == 403
    assert says in response.content.decode()
    assert signed_in_user(client) is None
    assert get_user_model().objects.count() == users_before
    assert any(logged in record.getMessage() for record in caplog.records)


def test_an_organisation_may_let_anyone_from_its_domains_join_as_a_viewer(
    client, organisation, council_sign_in, oidc_provider, plan
):
    council_sign_in.anyone_from_domains_joins = True
    council_sign_in.save()
    provider_user(oidc_provider, "new", email="new@testcouncil.gov.uk", email_verified=True)

    sign_in(client, organisation, oidc_provider, "new")

    user = signed_in_user(client)
    assert Membership.objects.get(user=user).role == OrganisationRole.VIEWER
    assert client.get(reverse("plan_dashboard", args=[plan.slug])).status_code == 200
    assert client.get(reverse("plan_structure", args=[plan.slug])).status_code == 200
    assert client.get(reverse("theme_add", args=[plan.slug])).status_code == 403


def test_an_answer_with_another_sign_ins_state_is_refused_and_logged(
    client, organisation, council_sign_in, oidc_provider, viewer, caplog
):
    viewer.email = "vic@testcouncil.gov.uk"
    viewer.save()
    provider_user(oidc_provider, "vic", email="vic@testcouncil.gov.uk", email_verified=True)
    callback = sign_in_at_provider(start(client, organisation), "vic")

    with caplog.at_level(logging.WARNING, logger="actionplan.sign_in"):
        response = come_back(client, callback, state="forged-state")

    assert response.status_code == 403
    assert "could not be completed" in response.content.decode()
    assert signed_in_user(client) is None
    assert any("refused" in r.getMessage() for r in caplog.records)


def test_an_id_token_for_another_nonce_is_refused_and_logged(
    client, organisation, council_sign_in, oidc_provider, viewer, caplog
):
    viewer.email = "vic@testcouncil.gov.uk"
    viewer.save()
    provider_user(oidc_provider, "vic", email="vic@testcouncil.gov.uk", email_verified=True)
    callback = sign_in_at_provider(start(client, organisation), "vic")
    # The stored nonce no longer matches the one the provider put in the id token, as when a
    # token issued for another sign-in is replayed.
    session = client.session
    for entry in session["socialaccount_states"].values():
        entry[0]["nonce"] = "another-sign-in"
    session.save()

    with caplog.at_level(logging.WARNING, logger="actionplan.sign_in"):
        response = come_back(client, callback)

    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert any("nonce mismatch" in r.getMessage() for r in caplog.records)


def test_a_deactivated_login_cannot_sign_in_this_way(
    client, organisation, council_sign_in, oidc_provider, viewer
):
    viewer.email = "vic@testcouncil.gov.uk"
    viewer.is_active = False
    viewer.save()
    provider_user(oidc_provider, "vic", email="vic@testcouncil.gov.uk", email_verified=True)

    response = sign_in(client, organisation, oidc_provider, "vic")

    assert response.status_code == 403 and signed_in_user(client) is None


def test_a_provider_can_be_configured_from_the_environment(client, organisation, settings):
    settings.ACTIONPLAN_OIDC_PROVIDERS = (
        '[{"organisation": "test-council", "issuer": "https://login.example/tenant/v2.0", '
        '"client_id": "abc", "client_secret": "s", "domains": ["testcouncil.gov.uk"]}]'
    )

    page = client.get(reverse("login") + "?organisation=test-council").content.decode()

    assert "Sign in with Test Council" in page


def test_the_sign_in_page_lets_its_form_go_on_to_the_councils_provider(
    client, council_sign_in, oidc_provider
):
    response = client.get(reverse("login") + "?organisation=test-council")

    policy = response["Content-Security-Policy"]
    form_action = next(p for p in policy.split(";") if "form-action" in p)
    assert "'self'" in form_action and oidc_provider in form_action
