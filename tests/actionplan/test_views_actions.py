"""The action page, recording progress, no change, editing with conflicts, retiring, reverting."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from actionplan.models import ACTION_CONTENT_FIELDS, Action, ProgressUpdate, Status
from actionplan.services import action_record_progress, action_revise_target
from actionplan.synthetic import build_plan
from tests.conftest import home_council
from tests.formstate import loaded, loaded_on_page


@pytest.fixture
def rf_login(action_owner, people):
    """The action owner persona is the officer RF, who owns `action` directly."""
    people["RF"].user = action_owner
    people["RF"].save()
    return action_owner


def _page(client, user, url):
    client.force_login(user)
    return client.get(url)


# Access matrix -----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, action):
    response = client.get(reverse("action_detail", args=[action.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_login_without_a_role_cannot_see_the_action(client, action, outsider):
    assert _page(client, outsider, reverse("action_detail", args=[action.pk])).status_code == 404


def test_an_unknown_action_is_not_found(client, viewer, db):
    assert _page(client, viewer, reverse("action_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "progress", "edit"),
    [
        ("viewer", False, False),
        ("action_owner", False, False),  # not linked to an owner of this action
        ("steering_member", True, True),
        ("plan_admin", True, True),
    ],
)
def test_who_may_record_progress_and_edit(client, action, request, persona, progress, edit):
    user = request.getfixturevalue(persona)
    page = _page(client, user, reverse("action_detail", args=[action.pk])).content.decode()
    assert ("Record progress" in page) == progress
    assert ("Edit action" in page) == edit
    for name, allowed in [
        ("action_progress", progress),
        ("action_edit", edit),
        ("action_retire", edit),
    ]:
        status = client.get(reverse(name, args=[action.pk])).status_code
        assert status == (200 if allowed else 403), name


def test_a_viewer_changes_nothing_by_posting(client, action, viewer):
    client.force_login(viewer)
    for name, data in [
        ("action_progress", {"reported_on": "01/12/2004", "narrative": "x", "status": "on_track"}),
        ("action_no_change", {}),
        ("action_edit", {"description": "Hacked", "theme": action.theme_id, "status": "on_track"}),
        ("action_retire", {"reason": "No"}),
    ]:
        assert client.post(reverse(name, args=[action.pk]), data).status_code == 403
    action.refresh_from_db()
    assert (action.description, action.status, action.updates.count()) == (
        "Identify key customer contacts by reference to FAQs",
        "not_started",
        0,
    )


def test_an_owner_records_progress_on_their_own_action(client, action, rf_login):
    page = _page(client, rf_login, reverse("action_detail", args=[action.pk])).content.decode()
    assert "Record progress" in page and "Edit action" not in page
    response = client.post(
        reverse("action_progress", args=[action.pk]),
        {
            "reported_on": "30/11/2004",
            "narrative": "FAQs completed",
            "status": "on_track",
            "rag": "green",
            "percent_complete": "60",
            "new_target": "Mar 2005",
            "target_reason": "Waiting for web re-development",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.rag, action.percent_complete) == ("on_track", "green", 60)
    assert (action.target, action.original_target, action.replan_count) == (
        "Mar 2005",
        "Dec 2004",
        1,
    )
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "FAQs completed" in page
    assert "Original target: “Dec 2004”, revised 1 time" in page
    assert "Waiting for web re-development" in page


def test_an_owner_through_a_group_may_record_progress(client, project, people, action_owner):
    people["PW"].user = action_owner
    people["PW"].save()
    people["PAG"].memberships.create(person=people["PW"])
    from actionplan.services import action_set_owners
    from tests.conftest import make_action

    group_action = make_action(project)
    action_set_owners(action=group_action, owners=[people["PAG"]], user=None, reason="t")
    client.force_login(action_owner)
    assert client.get(reverse("action_progress", args=[group_action.pk])).status_code == 200


def test_an_owner_cannot_record_progress_on_someone_elses_action(client, project, rf_login):
    from tests.conftest import make_action

    other = make_action(project)
    client.force_login(rf_login)
    response = client.post(
        reverse("action_progress", args=[other.pk]),
        {"reported_on": "30/11/2004", "narrative": "x", "status": "on_track"},
    )
    assert response.status_code == 403
    assert not other.updates.exists()


# Bad input ---------------------------------------------------------------------------------


def test_bad_progress_shows_the_error_summary_and_keeps_what_was_typed(client, action, rf_login):
    client.force_login(rf_login)
    response = client.post(
        reverse("action_progress", args=[action.pk]),
        {
            "reported_on": "30/11/2004",
            "narrative": "Typed text kept",
            "status": "on_track",
            "percent_complete": "150",
            "new_target": "Mar 2005",
            "target_reason": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Percentage complete must be between 0 and 100." in page
    assert "Give the reason for the revised target date." in page
    assert "Typed text kept" in page and 'value="Mar 2005"' in page
    assert not ProgressUpdate.objects.exists()


def test_unreadable_target_text_is_accepted_and_shown_as_unscheduled(
    client, action, steering_member
):
    client.force_login(steering_member)
    response = client.post(
        reverse("action_progress", args=[action.pk]),
        {
            "reported_on": "30/11/2004",
            "narrative": "Depends on the pilot",
            "status": "on_track",
            "new_target": "When the pilot ends",
            "target_reason": "Pilot not started",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "“When the pilot ends”" in page and "Read as: not yet scheduled" in page


# No change ---------------------------------------------------------------------------------


def test_no_change_is_recorded_as_an_update_distinct_from_silence(client, action, rf_login):
    client.force_login(rf_login)
    response = client.post(reverse("action_no_change", args=[action.pk]))
    assert response.status_code == 302
    update = action.updates.get()
    assert update.is_no_change and update.reported_on == timezone.localdate()
    assert update.author == rf_login
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "No change since the last update." in page


def test_no_change_refuses_a_get(client, action, rf_login):
    client.force_login(rf_login)
    assert client.get(reverse("action_no_change", args=[action.pk])).status_code == 405


# Editing and conflicts ---------------------------------------------------------------------


def _edit_data(action: Action, **changes) -> dict:
    data = {
        "theme": action.theme_id,
        "project": action.project_id or "",
        "reference": action.reference,
        "description": action.description,
        "owners_as_written": action.owners_as_written,
        "unit": "",
        "target": action.target,
        "status": action.status,
        "rag": action.rag,
        "percent_complete": "",
        "completed_on": "",
        "notes": action.notes,
        "target_change_reason": "",
        "loaded": loaded(action, ACTION_CONTENT_FIELDS),
    }
    return data | changes


def test_editing_an_action_saves_and_resolves_owner_text(client, action, steering_member, people):
    client.force_login(steering_member)
    response = client.post(
        reverse("action_edit", args=[action.pk]),
        _edit_data(action, owners_as_written="PW / CSE PAG / ICT"),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert [link.owner.short_name for link in action.action_owners.all()] == ["PW", "PAG"]
    follow = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "These owners are not known" in follow and "ICT" in follow


def test_changing_the_target_in_an_edit_needs_a_reason(client, action, steering_member):
    client.force_login(steering_member)
    response = client.post(
        reverse("action_edit", args=[action.pk]), _edit_data(action, target="Mar 2005")
    )
    assert response.status_code == 200
    assert "Give the reason the target date changed" in response.content.decode()
    action.refresh_from_db()
    assert action.target == "Dec 2004"


def test_the_second_of_two_simultaneous_edits_is_refused_showing_the_first(
    client, action, steering_member, plan_admin
):
    loaded = _edit_data(action)  # both people open the form at version 1
    client.force_login(plan_admin)
    first = client.post(
        reverse("action_edit", args=[action.pk]),
        loaded | {"description": "Their wording", "status": "at_risk"},
    )
    assert first.status_code == 302
    client.force_login(steering_member)
    second = client.post(
        reverse("action_edit", args=[action.pk]), loaded | {"description": "My wording"}
    )
    page = second.content.decode()
    assert second.status_code == 200
    assert "Someone else saved this action while you were editing it" in page
    assert "Their wording" in page and "My wording" in page and "At risk" in page
    action.refresh_from_db()
    assert action.description == "Their wording"
    # Saving again, choosing mine for the description both changed, keeps their status.
    third = client.post(
        reverse("action_edit", args=[action.pk]),
        loaded
        | {
            "description": "My wording",
            "status": "at_risk",
            "keep_description": "mine",
            "loaded": loaded_on_page(page),
        },
    )
    assert third.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.status) == ("My wording", "at_risk")


# Retire and revert -------------------------------------------------------------------------


def test_retiring_needs_a_reason_and_keeps_the_action(client, action, steering_member):
    client.force_login(steering_member)
    refused = client.post(reverse("action_retire", args=[action.pk]), {"reason": ""})
    assert "There is a problem" in refused.content.decode()
    client.post(reverse("action_retire", args=[action.pk]), {"reason": "Superseded"})
    action.refresh_from_db()
    assert action.status == Status.DELETED
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "Deleted as no longer appropriate: Superseded" in page


def test_only_administrators_see_and_use_revert(client, action, steering_member, plan_admin):
    action_record_progress(
        action=action,
        reported_on=date(2004, 11, 30),
        narrative="Started",
        status=Status.ON_TRACK,
        user=steering_member,
    )
    first = action.history.earliest()
    client.force_login(steering_member)
    assert (
        "Revert to this"
        not in client.get(reverse("action_detail", args=[action.pk])).content.decode()
    )
    url = reverse("action_revert", args=[action.pk, first.history_id])
    assert client.post(url).status_code == 403
    client.force_login(plan_admin)
    assert (
        "Revert to this" in client.get(reverse("action_detail", args=[action.pk])).content.decode()
    )
    assert client.post(url).status_code == 302
    action.refresh_from_db()
    assert action.status == Status.NOT_STARTED
    latest = action.history.first()
    assert latest.history_user == plan_admin and latest.history_change_reason.startswith("Reverted")


def test_revert_buttons_carry_each_visitors_own_form_token_from_the_cached_history(
    action, steering_member, plan_admin, org_admin
):
    """The history with its revert forms is cached once for everyone who may revert; each
    page puts in its own visitor's form token, and a revert posted with it is accepted."""
    import re

    from django.test import Client

    from actionplan.views.actions import CSRF_SLOT

    action_record_progress(
        action=action,
        reported_on=date(2004, 11, 30),
        narrative="Started",
        status=Status.ON_TRACK,
        user=steering_member,
    )
    url = reverse("action_detail", args=[action.pk])
    revert_form = re.compile(
        r'<form method="post" action="(/actions/\d+/revert/\d+/)">'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">'
    )
    visits = []
    for user in (plan_admin, org_admin):  # the second is served from the cache
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        page = client.get(url).content.decode()
        assert CSRF_SLOT not in page
        revert, token = revert_form.search(page).groups()
        visits.append((client, revert, token))
    assert visits[0][2] != visits[1][2]
    assert visits[1][0].post(visits[1][1]).status_code == 403  # no token: refused
    for client, revert, token in visits:
        assert client.post(revert, {"csrfmiddlewaretoken": token}).status_code == 302


# History shown on the page -----------------------------------------------------------------


def test_history_shows_who_when_field_old_new_and_reason(client, action, steering_member, people):
    action_revise_target(
        action=action, new_target="Mar 2005", reason="ICT delay", user=steering_member
    )
    page = _page(client, steering_member, reverse("action_detail", args=[action.pk]))
    text = page.content.decode()
    assert "Target</strong>: Dec 2004 → Mar 2005" in text
    assert "Target revised: ICT delay" in text
    assert "Owner: RF (lead)" in text and "Owner: Project Assurance Group (PAG)" in text
    entries = page.context["history"]
    assert entries[0].who == steering_member.username


def test_the_action_page_costs_the_same_queries_for_a_busy_action(
    client, steering_member, django_assert_num_queries
):
    quiet = Action.objects.for_plan(
        build_plan(organisation=home_council(), slug="q", updates_per_action=1)
    ).first()
    busy = Action.objects.for_plan(
        build_plan(organisation=home_council(), slug="b", updates_per_action=12)
    ).first()
    action_record_progress(
        action=quiet, reported_on=date(2010, 12, 1), narrative="One", user=steering_member
    )
    for _ in range(5):
        action_record_progress(
            action=busy, reported_on=date(2010, 12, 1), narrative="More", user=steering_member
        )
    client.force_login(steering_member)
    client.get(reverse("action_detail", args=[quiet.pk]))  # warm the session
    cache.clear()
    # session, user, access (action among the plans the user sees, grants), the plan's change
    # stamp, the page's action, then its owners, milestones, revisions, updates, update
    # authors; five history tables; names met in history (owners, themes, projects, and the
    # people who reported or revised, so none shows as removed); what it answers of the CSE
    # standard (one query); the findings and recommendations it answers (two); the standards
    # it helps to meet (one).
    with django_assert_num_queries(25) as quiet_queries:
        client.get(reverse("action_detail", args=[quiet.pk]))
    with django_assert_num_queries(len(quiet_queries)):
        client.get(reverse("action_detail", args=[busy.pk]))
    # Again: the sections come from the cache (session, user, grants, the action among the
    # plans the user sees, the change stamp).
    with django_assert_num_queries(5):
        page = client.get(reverse("action_detail", args=[busy.pk])).content.decode()
    assert page.count('class="app-timeline__item"') == 12 + 5


def test_progress_recorded_shows_on_the_cached_action_page_at_once(client, action, steering_member):
    client.force_login(steering_member)
    url = reverse("action_detail", args=[action.pk])
    assert "Survey drafted" not in client.get(url).content.decode()
    action_record_progress(
        action=action, reported_on=date(2010, 12, 1), narrative="Survey drafted", user=None
    )
    assert "Survey drafted" in client.get(url).content.decode()
