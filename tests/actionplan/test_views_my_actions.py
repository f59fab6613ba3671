"""My actions: an owner's actions, direct and through groups, what is due and what a round needs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplan.models import GroupMembership, Owner, Plan, PlanStatus, Status
from actionplan.rounds import round_open
from actionplan.services import action_set_owners
from actionplan.synthetic import build_plan
from tests.conftest import home_council, make_action

URL = "/my-actions/"


@pytest.fixture
def rf_login(people, action_owner):
    people["RF"].user = action_owner
    people["RF"].save()
    return action_owner


@pytest.fixture
def pw_actions(people, project):
    """PW owns one action directly and, as a member of PAG, the `action` fixture's work too."""
    GroupMembership.objects.create(group=people["PAG"], person=people["PW"])
    direct = make_action(project, description="Publish the telephone directory")
    action_set_owners(action=direct, owners=[people["PW"]], user=None, reason="test")
    group_only = make_action(project, description="Review the assurance checklist")
    action_set_owners(action=group_only, owners=[people["PAG"]], user=None, reason="test")
    return {"direct": direct, "group": group_only}


def open_a_round(plan: Plan, user, deadline: date) -> None:
    """Open a round, every person of the plan's organisation first given an e-mail address
    (a round asks only whom it can e-mail)."""
    people = Owner.objects.filter(organisation_id=plan.organisation_id, kind="person", email="")
    for number, person in enumerate(people):
        person.email = f"person{number}@example.gov.uk"
        person.save()
    round_open(
        plan=plan,
        title="Steering group next week",
        meeting_date=deadline + timedelta(days=4),
        deadline=deadline,
        user=user,
        base_url="http://testserver",
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["outsider", "viewer", "steering_member", "plan_admin"])
def test_a_login_without_an_owner_record_is_told_how_to_get_one(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(URL).content.decode()

    assert "Your login is not linked to an action owner" in page
    assert "Ask your organisation's administrator to link your login to your owner record" in page


def test_an_owner_sees_their_actions_directly_and_through_their_groups(
    client, people, action_owner, pw_actions, action
):
    people["PW"].user = action_owner
    people["PW"].save()
    client.force_login(action_owner)

    response = client.get(URL)

    page = response.content.decode()
    assert "Actions owned by Paul Williams (PW), directly or through Project Assurance" in page
    shown = {a.pk for entry in response.context["plans"] for a in entry.actions}
    assert shown == {action.pk, pw_actions["direct"].pk, pw_actions["group"].pk}
    assert "Your actions in Customer Service Action Plan" in page


def test_someone_elses_actions_are_not_shown(client, rf_login, pw_actions, action):
    client.force_login(rf_login)

    page = client.get(URL).content.decode()

    assert action.description in page  # RF owns it directly
    assert "Publish the telephone directory" not in page
    assert "Review the assurance checklist" not in page


def test_overdue_and_soon_due_actions_are_marked_in_words(client, people, rf_login, project, plan):
    today = timezone.localdate()
    overdue = make_action(project, target="Dec 2004", description="Overdue work")
    soon = make_action(project, target=(today + timedelta(days=5)).strftime("%d/%m/%Y"))
    later = make_action(project, target="Ongoing", description="Ongoing work")
    for action in (overdue, soon, later):
        action_set_owners(action=action, owners=[people["RF"]], user=None, reason="test")
    client.force_login(rf_login)

    response = client.get(URL)

    rows = {a.pk: (a.is_overdue, a.is_due_soon) for a in response.context["plans"][0].actions}
    assert rows == {overdue.pk: (True, False), soon.pk: (False, True), later.pk: (False, False)}
    page = response.content.decode()
    assert "Overdue</strong>" in page and "Due within 30 days</strong>" in page


def test_the_open_round_says_what_it_needs_and_by_when(
    client, people, rf_login, action, steering_member, plan
):
    deadline = timezone.localdate() + timedelta(days=6)
    open_a_round(plan, steering_member, deadline)
    client.force_login(rf_login)

    page = client.get(URL).content.decode()

    needed_by = f"{deadline.day} {deadline:%B %Y}"
    assert f"Update needed by {needed_by} on 1 action, for" in page
    assert f"Update needed by {needed_by}</p>" in page


def test_group_members_see_what_the_round_needs_on_their_groups_actions(
    client, people, action_owner, pw_actions, steering_member, plan
):
    people["PW"].user = action_owner
    people["PW"].save()
    open_a_round(plan, steering_member, timezone.localdate() + timedelta(days=3))
    client.force_login(action_owner)

    response = client.get(URL)

    waiting = [a.pk for a in response.context["plans"][0].actions if a.update_needed_by]
    assert set(waiting) == {pw_actions["direct"].pk, pw_actions["group"].pk}
    assert response.context["plans"][0].waiting == 2


def test_no_change_from_my_actions_answers_the_round_and_comes_back(
    client, rf_login, action, steering_member, plan
):
    open_a_round(plan, steering_member, timezone.localdate() + timedelta(days=3))
    client.force_login(rf_login)

    response = client.post(
        reverse("action_no_change", args=[action.pk]), {"next": URL}, follow=True
    )

    assert response.redirect_chain[-1][0] == URL
    assert action.updates.get().is_no_change
    page = response.content.decode()
    assert "has an update on all your actions" in page
    assert "Update needed by" not in page


def test_each_action_links_to_record_progress_and_offers_no_change(client, rf_login, action, plan):
    client.force_login(rf_login)

    page = client.get(URL).content.decode()

    assert reverse("action_progress", args=[action.pk]) in page
    assert f'action="{reverse("action_no_change", args=[action.pk])}"' in page
    assert "No change since last update" in page


def test_an_owner_with_only_a_viewer_role_is_not_offered_progress_buttons(
    client, people, viewer, action, plan
):
    people["RF"].user = viewer
    people["RF"].save()
    client.force_login(viewer)

    page = client.get(URL).content.decode()

    assert action.description in page
    assert "No change since last update" not in page
    assert "lets you read these actions but not record progress" in page


def test_actions_in_plans_the_user_cannot_see_are_left_out(client, rf_login, action, plan):
    plan.status = PlanStatus.DRAFT  # owners do not see drafts
    plan.save()
    client.force_login(rf_login)

    page = client.get(URL).content.decode()

    assert action.description not in page
    assert "You own no actions in the plans you can see." in page


def test_finished_actions_still_show_without_a_round_request(
    client, people, rf_login, project, steering_member, plan, action
):
    done = make_action(project, status=Status.COMPLETED, completed_on=date(2010, 5, 1))
    action_set_owners(action=done, owners=[people["RF"]], user=None, reason="test")
    open_a_round(plan, steering_member, timezone.localdate() + timedelta(days=3))
    client.force_login(rf_login)

    response = client.get(URL)

    needed = {a.pk: a.update_needed_by is not None for a in response.context["plans"][0].actions}
    assert needed == {action.pk: True, done.pk: False}


# session, user, role, owner record, actions (with due flags and round deadlines), open rounds
# of their plans, the owner's groups.
MY_ACTIONS_QUERIES = 7


def _owner_page_queries(client, user, slug: str, actions_per_project: int) -> tuple[int, int]:
    plan = build_plan(
        organisation=home_council(), slug=slug, actions_per_project=actions_per_project
    )
    officer = Owner.objects.get(name=f"{slug} officer 0")  # also in the plan's group
    officer.user = user
    officer.save()
    open_a_round(plan, None, timezone.localdate() + timedelta(days=3))
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    officer.user = None
    officer.save()
    return len(queries), sum(len(e.actions) for e in response.context["plans"])


def test_my_actions_takes_the_same_number_of_queries_for_a_small_and_a_large_plan(
    client, action_owner
):
    small, small_rows = _owner_page_queries(client, action_owner, "small", 1)
    large, large_rows = _owner_page_queries(client, action_owner, "large", 8)

    assert large_rows > 2 * small_rows > 0
    assert small == large == MY_ACTIONS_QUERIES
