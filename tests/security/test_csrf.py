"""Every URL that changes something refuses a request without the form's CSRF token.

Each page and each POST-only URL of the access matrix is posted as a plan administrator (who
may do anything) by a client that enforces CSRF checks: without a token the answer is 403 and
not one row changes; with the token from the page's own form the same post goes through.

The world and the personas are built once for the module (`shared_world`, tests/worlds.py);
each test meets them as built.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import UpdateRound
from actionplan.rounds import round_close
from tests.security.fingerprint import changed_models, database_fingerprint
from tests.security.htmlforms import csrf_token, post_forms
from tests.test_access_matrix import PAGES, POSTS

# Pages whose own form changes something; the test below checks this list is complete.
FORM_PAGES = {
    "login",
    "password_change",
    "action_add",
    "action_edit",
    "action_retire",
    "action_move",
    "action_progress",
    "action_delete",
    "milestone_add",
    "milestone_edit",
    "milestone_delete",
    "theme_add",
    "theme_edit",
    "project_add",
    "project_edit",
    "round_open",
    # Standards, consultation and import pages, when those apps' URLs are present.
    "cse_action_criteria",
    "cse_assessment_add",
    "cse_evidence_add",
    "cse_evidence_edit",
    "cse_mapping",
    "exercise_add",
    "exercise_edit",
    "finding_add",
    "finding_edit",
    "meeting_add",
    "public_page_edit",
    "recommendation_add",
    "recommendation_edit",
    "standard_add",
    "standard_edit",
    "standard_revise",
    "performance_enter",
    "performance_upload",
    "plan_import",
    # Setting up: plans, people, logins, single sign-on.
    "plan_add",
    "plan_settings",
    "owner_add",
    "owner_edit",
    "owner_merge",
    "owner_leave",
    "unit_add",
    "unit_edit",
    "organisation_add",
    "invite",
    "login_roles",
    "sign_in_settings",
    "password_reset",
    "openid_connect_login",
} & set(PAGES)


def _url(name: str, world) -> str:
    kind_args = PAGES.get(name) or POSTS[name]
    url = reverse(name, args=world[kind_args[1]])
    return url + (f"?project={world['project'][0]}" if name == "action_add" else "")


@pytest.fixture
def world_without_round(shared_world):
    """The access matrix's world with its update round closed, so a new one can be opened."""
    round_close(update_round=UpdateRound.objects.get(pk=shared_world["round"][0]), user=None)
    return shared_world


@pytest.fixture
def admin_client(shared_world) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(shared_world.login("plan_admin"))
    return client


def test_the_list_of_pages_with_forms_is_complete(admin_client, world_without_round):
    with_forms = set()
    for name in PAGES:
        url = _url(name, world_without_round)
        response = admin_client.get(url)
        html = response.get("Content-Type", "").startswith("text/html")
        if html and post_forms(response.content.decode(), url.split("?")[0]):
            with_forms.add(name)
    assert with_forms == FORM_PAGES


@pytest.mark.parametrize("name", sorted(set(PAGES) | set(POSTS)))
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    admin_client,
    world_without_round,
    name,
):
    url = _url(name, world_without_round)
    data = {}
    if name in FORM_PAGES:
        # What the page's form would send (a real change), less its token.
        data = post_forms(admin_client.get(url).content.decode(), url.split("?")[0])[0].data()
        data.pop("csrfmiddlewaretoken", None)
    before = database_fingerprint()
    response = admin_client.post(url, data)
    assert response.status_code == 403, name
    assert "This form has expired" in response.content.decode()
    assert changed_models(before, database_fingerprint()) == []


@pytest.mark.parametrize("name", sorted(FORM_PAGES))
def test_the_same_form_with_its_token_goes_through(admin_client, world_without_round, name):
    url = _url(name, world_without_round)
    form = post_forms(admin_client.get(url).content.decode(), url.split("?")[0])[0]
    assert form.fields.get("csrfmiddlewaretoken"), f"{name}'s form has no CSRF token"
    response = admin_client.post(url, form.data())
    # The world's identity provider is not running: starting a sign-on says so (502).
    assert response.status_code in ((502,) if name == "openid_connect_login" else (200, 302)), name


@pytest.mark.parametrize("name", sorted(POSTS))
def test_each_post_only_url_accepts_the_token_of_the_site_s_pages(
    admin_client,
    shared_world,
    name,
):
    token = csrf_token(admin_client.get(reverse("home")).content.decode())
    response = admin_client.post(_url(name, shared_world), {"csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302), name


def test_a_token_from_another_session_is_refused(shared_world):
    other = Client(enforce_csrf_checks=True)
    other.force_login(shared_world.login("steering_member"))
    stolen = csrf_token(other.get(reverse("home")).content.decode())
    victim = Client(enforce_csrf_checks=True)
    victim.force_login(shared_world.login("plan_admin"))
    victim.get(reverse("home"))
    before = database_fingerprint()
    response = victim.post(_url("action_no_change", shared_world), {"csrfmiddlewaretoken": stolen})
    assert response.status_code == 403
    assert changed_models(before, database_fingerprint()) == []
