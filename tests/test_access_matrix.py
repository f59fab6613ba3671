"""Every page × every role: who may read, who may change, and that refusals change nothing.

The list of URLs is checked against the URLconf, so a new page cannot be added without
deciding here who may use it.

The world and the personas are built once for the module (`shared_world`, tests/worlds.py);
each test meets them as built.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Invitation
from actionplan.models import (
    Action,
    Owner,
    Plan,
    Project,
    PublishedReport,
    ReportJob,
    Theme,
    UpdateRound,
)
from consultation.models import (
    FindingAction,
    Recommendation,
    RecommendationAction,
)
from standards.models import Standard, StandardAction

PERSONAS = ["anonymous", "outsider", "viewer", "action_owner", "steering_member", "plan_admin"]
READ, WRITE, OWN, ADMIN = "read", "write", "owner", "admin"
# Organisation administrators only (the plan_admin persona is a site superuser, so holds it);
# site superusers only; a page anyone reaches that refuses what it was given (403).
ORG_ADMIN, SUPERUSER, REFUSED = "org_admin", "superuser", "refused"
# A page that sends anyone with a role on to their own organisation's page.
GOES_ON = "goes_on"

# name → (kind, args from the world). kind: READ = any role reads; WRITE = steering group
# and administrators; OWN = WRITE plus the action's own owners; ADMIN = administrators only;
# "public" = everyone, signed in or not; "self" = any signed-in user (their own account).
PAGES: dict[str, tuple[str, str]] = {
    "accessibility": ("public", ""),
    "login": ("public", ""),
    "home": ("self", ""),
    "my_actions": ("self", ""),
    "password_change": ("self", ""),
    "password_change_done": ("self", ""),
    "plan_dashboard": (READ, "plan"),
    "plan_browse": (READ, "plan"),
    "plan_browse_csv": (READ, "plan"),
    "plan_browse_xlsx": (READ, "plan"),
    "plan_structure": (READ, "plan"),
    "report_print": (READ, "plan"),
    "report_pdf": (READ, "plan"),
    "round_list": (READ, "plan"),
    "round_detail": (READ, "round"),
    "action_detail": (READ, "action"),
    "action_progress": (OWN, "action"),
    "milestone_add": (OWN, "action"),
    "milestone_edit": (OWN, "milestone"),
    "action_edit": (WRITE, "action"),
    "action_retire": (WRITE, "action"),
    "action_move": (WRITE, "action"),
    "action_add": (WRITE, "plan"),
    "theme_add": (WRITE, "plan"),
    "theme_edit": (WRITE, "theme"),
    "project_add": (WRITE, "theme"),
    "project_edit": (WRITE, "project"),
    "round_open": (WRITE, "plan"),
    "milestone_delete": (WRITE, "milestone"),
    "action_delete": (ADMIN, "action"),
    "report_builder": (READ, "plan"),
    "report_xlsx": (READ, "plan"),
    "report_csv": (READ, "plan"),
    "published_list": (READ, "plan"),
    "published_detail": (READ, "published"),
    "published_file": (READ, "published_file"),
    "report_job_detail": (READ, "report_job"),
    "report_job_file": (READ, "report_job"),
    "cse_coverage": (READ, "plan"),
    "cse_by_criterion": (READ, "plan"),
    "cse_evidence_list": (READ, "plan"),
    "cse_evidence_add": (WRITE, "plan"),
    "cse_evidence_edit": (WRITE, "cse_evidence"),
    "cse_assessment_add": (WRITE, "plan"),
    "cse_mapping": (WRITE, "plan"),
    "cse_action_criteria": (WRITE, "action"),
    "consultation_list": (READ, "plan"),
    "exercise_add": (WRITE, "plan"),
    "public_page_edit": (WRITE, "plan"),
    "exercise_detail": (READ, "exercise"),
    "exercise_edit": (WRITE, "exercise"),
    "finding_add": (WRITE, "exercise"),
    "finding_detail": (READ, "finding"),
    "finding_edit": (WRITE, "finding"),
    "you_said_we_did": ("public", "public_plan"),
    "scrutiny_list": (READ, "plan"),
    "meeting_add": (WRITE, "plan"),
    "recommendation_add": (WRITE, "meeting"),
    "recommendation_detail": (READ, "recommendation"),
    "recommendation_edit": (WRITE, "recommendation"),
    "scrutiny_paper": (READ, "meeting"),
    "scrutiny_paper_pdf": (READ, "meeting"),
    "standards_home": (GOES_ON, ""),
    "standard_list": (READ, "org"),
    "standard_detail": (READ, "standard"),
    "standard_add": (WRITE, "org"),
    "standard_edit": (WRITE, "standard"),
    "standard_revise": (WRITE, "standard"),
    "performance_enter": (WRITE, "org"),
    "performance_upload": (WRITE, "org"),
    "performance_template": (WRITE, "org"),
    "standards_public_index": ("public", ""),
    "standards_public": ("public", "org"),
    "plan_import": (WRITE, "plan"),
    "plan_import_preview": (WRITE, "import"),
    "plan_add": (ORG_ADMIN, "org"),
    "plan_settings": (ADMIN, "plan"),
    "people_register": (WRITE, "org"),
    "owner_add": (WRITE, "org"),
    "owner_edit": (WRITE, "owner"),
    "owner_merge": (WRITE, "owner"),
    "owner_leave": (WRITE, "owner"),
    "unit_add": (WRITE, "org"),
    "unit_edit": (WRITE, "unit"),
    "organisation_list": (SUPERUSER, ""),
    "organisation_add": (SUPERUSER, ""),
    "organisation_admin": (ORG_ADMIN, "org"),
    "invite": (ORG_ADMIN, "org"),
    "login_roles": (ORG_ADMIN, "login"),
    "sign_in_settings": (ORG_ADMIN, "org"),
    "invitation_accept": ("public", "invitation"),
    "password_reset": ("public", ""),
    "password_reset_done": ("public", ""),
    "password_reset_confirm": ("public", "reset"),
    "password_reset_complete": ("public", ""),
    "openid_connect_login": ("public", "org"),
    "openid_connect_callback": (REFUSED, "org"),
}
# Changes made by POST only: (kind, args).
POSTS: dict[str, tuple[str, str]] = {
    "logout": ("self", ""),
    "action_no_change": (OWN, "action"),
    "action_move_up": (WRITE, "action"),
    "action_move_down": (WRITE, "action"),
    "theme_move_up": (WRITE, "theme"),
    "theme_move_down": (WRITE, "theme"),
    "project_move_up": (WRITE, "project"),
    "project_move_down": (WRITE, "project"),
    "round_close": (WRITE, "round"),
    "action_revert": (ADMIN, "revert"),
    "report_publish": (WRITE, "plan"),
    "report_job_request": (READ, "report_job_request"),
    "finding_link_action": (WRITE, "finding"),
    "finding_unlink_action": (WRITE, "finding_action"),
    "recommendation_link_action": (WRITE, "recommendation"),
    "recommendation_unlink_action": (WRITE, "recommendation_action"),
    "recommendation_reported_back": (WRITE, "recommendation"),
    "standard_action_add": (WRITE, "standard"),
    "standard_action_remove": (WRITE, "standard_link"),
    "plan_import_confirm": (WRITE, "import"),
    "plan_import_mapping": (WRITE, "import"),
    "login_deactivate": (ORG_ADMIN, "login"),
    "invitation_resend": (ORG_ADMIN, "invitation_pk"),
    "invitation_withdraw": (ORG_ADMIN, "invitation_pk"),
}
ALLOWED = {
    READ: {"viewer", "action_owner", "steering_member", "plan_admin"},
    OWN: {"action_owner", "steering_member", "plan_admin"},
    WRITE: {"steering_member", "plan_admin"},
    ADMIN: {"plan_admin"},
    ORG_ADMIN: {"plan_admin"},
    SUPERUSER: {"plan_admin"},
}


def _names(patterns, found: set[str]) -> set[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if getattr(pattern, "app_name", None) == "admin":
                continue
            _names(pattern.url_patterns, found)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.add(pattern.name)
    return found


def test_every_page_of_the_site_is_in_the_matrix():
    assert _names(get_resolver().url_patterns, set()) == set(PAGES) | set(POSTS)


def _client(client, world, persona):
    if persona != "anonymous":
        client.force_login(world.login(persona))
    return client


def _expected_get(kind: str, persona: str) -> set[int]:
    if kind == "public":
        return {200}
    if kind == REFUSED:
        return {403}
    if persona == "anonymous":
        return {302}
    if kind == "self":
        return {200}
    if kind == SUPERUSER:
        return {200} if persona in ALLOWED[kind] else {403}
    if persona == "outsider":
        return {404}
    if kind == GOES_ON:
        return {302}
    return {200} if persona in ALLOWED[kind] else {403}


def _fingerprint() -> tuple:
    """Everything a refused change must leave as it was."""
    return (
        list(Action.objects.order_by("pk").values_list("pk", "version", "position", "status")),
        list(Theme.objects.order_by("pk").values_list("pk", "version", "position")),
        list(Project.objects.order_by("pk").values_list("pk", "version", "position")),
        list(UpdateRound.objects.values_list("pk", "closed_at")),
        Plan.objects.count(),
        Action.history.count(),
        PublishedReport.objects.count(),
        ReportJob.objects.count(),
        FindingAction.objects.count(),
        RecommendationAction.objects.count(),
        list(Recommendation.objects.values_list("pk", "reported_back_on")),
        StandardAction.history.count(),
        Standard.history.count(),
        list(get_user_model().objects.order_by("pk").values_list("pk", "is_active")),
        list(Owner.objects.order_by("pk").values_list("pk", "is_active")),
        list(Invitation.objects.order_by("pk").values_list("pk", "expires_at", "withdrawn_at")),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_who_may_open_each_page(client, shared_world, persona, name):
    world = shared_world
    kind, args = PAGES[name]
    response = _client(client, world, persona).get(
        reverse(name, args=world[args])
        + ("?project=" + str(world["project"][0]) if name == "action_add" else "")
    )
    assert response.status_code in _expected_get(kind, persona), (name, persona)
    if response.status_code == 302 and kind != GOES_ON:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(POSTS))
def test_refused_changes_change_nothing(client, shared_world, persona, name):
    world = shared_world
    kind, args = POSTS[name]
    client = _client(client, world, persona)
    before = _fingerprint()
    response = client.post(reverse(name, args=world[args]))
    if kind == "self" or (persona in ALLOWED.get(kind, set())):
        assert response.status_code in (200, 302), (name, persona)
        return
    expected = {"anonymous": 302, "outsider": 404}.get(persona, 403)
    assert response.status_code == expected, (name, persona)
    assert _fingerprint() == before, f"{persona} changed something through {name}"


@pytest.mark.parametrize("name", sorted(n for n, (kind, _) in POSTS.items() if kind != "self"))
def test_changes_are_never_made_by_a_get(client, shared_world, name):
    world = shared_world
    _, args = POSTS[name]
    client.force_login(world.login("plan_admin"))
    before = _fingerprint()
    assert client.get(reverse(name, args=world[args])).status_code == 405
    assert _fingerprint() == before
