"""Update-round pages: the list, opening, the round's responses, closing; who may do what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplan.models import GroupMembership, Owner, PlanStatus, UpdateRequest, UpdateRound
from actionplan.rounds import round_close, round_open
from actionplan.services import action_record_progress
from actionplan.synthetic import build_plan
from tests.actionplan.test_rounds import open_round
from tests.conftest import home_council

PERSONAS = ["viewer", "action_owner", "steering_member", "plan_admin"]
MANAGERS = ["steering_member", "plan_admin"]
READ_ONLY = ["viewer", "action_owner"]


@pytest.fixture
def team(people, action, plan):
    people["RF"].email = "rf@example.gov.uk"
    people["RF"].save()
    people["PW"].email = "pw@example.gov.uk"
    people["PW"].save()
    GroupMembership.objects.create(group=people["PAG"], person=people["PW"])
    return people


@pytest.fixture
def update_round(team, action, steering_member) -> UpdateRound:
    return open_round(action.plan, steering_member).update_round


def login(client, request, persona: str):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


def form_data(**fields) -> dict:
    today = timezone.localdate()
    return {
        "title": "Steering group next week",
        "meeting_date": (today + timedelta(days=7)).strftime("%d/%m/%Y"),
        "deadline": (today + timedelta(days=3)).strftime("%d/%m/%Y"),
        "note": "",
        **fields,
    }


# round_list


def test_anonymous_visitors_are_sent_to_sign_in_for_every_round_page(client, update_round):
    for url in [
        reverse("round_list", args=[update_round.plan.slug]),
        reverse("round_open", args=[update_round.plan.slug]),
        reverse("round_detail", args=[update_round.pk]),
        reverse("my_actions"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.post(reverse("round_close", args=[update_round.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert UpdateRound.objects.get().is_open


def test_outsiders_cannot_see_that_rounds_exist(client, outsider, update_round):
    client.force_login(outsider)
    for url in [
        reverse("round_list", args=[update_round.plan.slug]),
        reverse("round_open", args=[update_round.plan.slug]),
        reverse("round_detail", args=[update_round.pk]),
    ]:
        assert client.get(url).status_code == 404
    assert client.post(reverse("round_close", args=[update_round.pk])).status_code == 404
    assert UpdateRound.objects.get().is_open


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_with_a_role_sees_the_rounds_with_their_response_rate(
    client, request, persona, update_round, action
):
    login(client, request, persona)
    action_record_progress(
        action=action, reported_on=date(2011, 1, 5), narrative="Drafted", user=None
    )

    page = client.get(reverse("round_list", args=[update_round.plan.slug])).content.decode()

    assert "Steering group 14 January 2011" in page
    assert "1 of 1 action has an update (100%)" in page
    assert "Open" in page


@pytest.mark.parametrize(
    ("persona", "sees_button"), [(p, False) for p in READ_ONLY] + [(p, True) for p in MANAGERS]
)
def test_only_managers_get_the_button_to_open_a_round(client, request, persona, sees_button, team):
    login(client, request, persona)

    page = client.get(reverse("round_list", args=["test-plan"])).content.decode()

    assert ("Open a new update round" in page) is sees_button
    assert "No update round has been opened for this plan yet." in page


def test_the_open_round_is_listed_first_and_no_new_one_is_offered(
    client, steering_member, update_round, action
):
    round_close(update_round=update_round, user=steering_member)
    newer = round_open(
        plan=action.plan,
        title="Steering group next month",
        meeting_date=timezone.localdate() + timedelta(days=30),
        deadline=timezone.localdate() + timedelta(days=20),
        user=steering_member,
        base_url="http://testserver",
    ).update_round
    # An older closed round must still come after the open one.
    client.force_login(steering_member)

    response = client.get(reverse("round_list", args=["test-plan"]))

    rows = [r for r, _ in response.context["update_rounds"]]
    assert rows == [newer, update_round]
    assert "Open a new update round" not in response.content.decode()


def test_a_draft_plans_rounds_are_hidden_from_viewers(client, viewer, update_round, plan):
    plan.status = PlanStatus.DRAFT
    plan.save()
    client.force_login(viewer)

    assert client.get(reverse("round_list", args=[plan.slug])).status_code == 404
    assert client.get(reverse("round_detail", args=[update_round.pk])).status_code == 404


# round_open


@pytest.mark.parametrize("persona", READ_ONLY)
def test_viewers_and_owners_cannot_open_a_round(client, request, persona, team, mailoutbox):
    login(client, request, persona)
    url = reverse("round_open", args=["test-plan"])

    assert client.get(url).status_code == 403
    assert client.post(url, form_data()).status_code == 403
    assert not UpdateRound.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_open_a_round_and_owners_are_emailed(
    client, request, persona, team, action, mailoutbox
):
    user = login(client, request, persona)

    response = client.post(reverse("round_open", args=["test-plan"]), form_data(), follow=True)

    update_round = UpdateRound.objects.get()
    assert response.redirect_chain[-1][0] == reverse("round_detail", args=[update_round.pk])
    assert update_round.opened_by == user
    page = response.content.decode()
    assert "Update round opened: 1 action asked about, 2 people e-mailed." in page
    assert sorted(m.to[0] for m in mailoutbox) == [
        "Paul Williams <pw@example.gov.uk>",
        "RF <rf@example.gov.uk>",
    ]
    assert "http://testserver/my-actions/" in mailoutbox[0].body
    assert UpdateRequest.objects.filter(round=update_round).count() == 3


def test_the_open_form_shows_errors_and_keeps_what_was_typed(
    client, steering_member, team, mailoutbox
):
    client.force_login(steering_member)
    today = timezone.localdate()
    data = form_data(
        title="Steering group soon",
        meeting_date=(today + timedelta(days=2)).strftime("%d/%m/%Y"),
        deadline=(today + timedelta(days=5)).strftime("%d/%m/%Y"),
    )

    response = client.post(reverse("round_open", args=["test-plan"]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The deadline for updates must be on or before the meeting date" in page
    assert 'value="Steering group soon"' in page
    assert not UpdateRound.objects.exists() and mailoutbox == []


def test_a_deadline_in_the_past_is_refused_on_the_form(client, steering_member, team):
    client.force_login(steering_member)
    yesterday = timezone.localdate() - timedelta(days=1)

    response = client.post(
        reverse("round_open", args=["test-plan"]),
        form_data(deadline=yesterday.strftime("%d/%m/%Y")),
    )

    assert "The deadline for updates cannot be in the past." in response.content.decode()
    assert not UpdateRound.objects.exists()


def test_a_second_round_cannot_be_opened_while_one_is_open(
    client, steering_member, update_round, mailoutbox
):
    client.force_login(steering_member)
    mailoutbox.clear()
    url = reverse("round_open", args=["test-plan"])

    assert (
        "is still open. Close it before opening another round." in client.get(url).content.decode()
    )
    response = client.post(url, form_data())

    assert "already has an open update round" in response.content.decode()
    assert UpdateRound.objects.count() == 1 and mailoutbox == []


# round_detail


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_with_a_role_sees_who_has_responded(
    client, request, persona, update_round, action, project, team
):
    login(client, request, persona)
    action_record_progress(
        action=action, reported_on=date(2011, 1, 5), narrative="Drafted", user=None
    )

    response = client.get(reverse("round_detail", args=[update_round.pk]))

    page = response.content.decode()
    assert "1 of 1 action has an update; 1 late" in page  # the round's deadline was in 2011
    assert "Late</strong> updated" in page
    assert "PW (through PAG)" in page
    owners = {
        o.label: (o.asked, o.answered, o.late, o.outstanding) for o in response.context["owners"]
    }
    assert owners == {"RF": (1, 1, 1, 0), "PW": (1, 1, 1, 0), "PAG": (1, 1, 1, 0)}
    assert reverse("action_detail", args=[action.pk]) in page


def test_an_unanswered_action_shows_no_response(client, viewer, update_round):
    client.force_login(viewer)

    page = client.get(reverse("round_detail", args=[update_round.pk])).content.decode()

    assert "0 of 1 action has an update; 1 still to come." in page
    assert "No response" in page


@pytest.mark.parametrize(
    ("persona", "sees_button"), [(p, False) for p in READ_ONLY] + [(p, True) for p in MANAGERS]
)
def test_only_managers_get_the_button_to_close_a_round(
    client, request, persona, sees_button, update_round
):
    login(client, request, persona)

    page = client.get(reverse("round_detail", args=[update_round.pk])).content.decode()

    assert ("Close this round" in page) is sees_button


# round_close


@pytest.mark.parametrize("persona", READ_ONLY)
def test_viewers_and_owners_cannot_close_a_round(client, request, persona, update_round):
    login(client, request, persona)

    response = client.post(reverse("round_close", args=[update_round.pk]))

    assert response.status_code == 403
    assert UpdateRound.objects.get().is_open


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_close_a_round_and_it_shows_as_closed(client, request, persona, update_round):
    user = login(client, request, persona)

    response = client.post(reverse("round_close", args=[update_round.pk]), follow=True)

    stored = UpdateRound.objects.get()
    assert not stored.is_open and stored.closed_by == user
    page = response.content.decode()
    assert "Update round closed." in page
    assert "Responses are shown as they stood when it closed." in page
    assert "Close this round" not in page


def test_closing_needs_a_post(client, steering_member, update_round):
    client.force_login(steering_member)

    assert client.get(reverse("round_close", args=[update_round.pk])).status_code == 405
    assert UpdateRound.objects.get().is_open


def test_closing_a_closed_round_again_says_so_and_changes_nothing(
    client, steering_member, plan_admin, update_round
):
    round_close(update_round=update_round, user=steering_member)
    client.force_login(plan_admin)

    response = client.post(reverse("round_close", args=[update_round.pk]), follow=True)

    assert "This update round was already closed." in response.content.decode()
    assert UpdateRound.objects.get().closed_by == steering_member


# Query counts


def _synthetic_round(slug: str, actions_per_project: int, user) -> UpdateRound:
    plan = build_plan(
        organisation=home_council(), slug=slug, actions_per_project=actions_per_project
    )
    Owner.objects.filter(name__startswith=slug).update(email=f"{slug}@example.gov.uk")
    today = timezone.localdate()
    update_round = round_open(
        plan=plan,
        title=f"Round for {slug}",
        meeting_date=today + timedelta(days=10),
        deadline=today + timedelta(days=5),
        user=user,
        base_url="http://testserver",
    ).update_round
    for action in update_round.plan.themes.first().actions.all()[:3]:
        action_record_progress(
            action=action, reported_on=today, narrative="", is_no_change=True, user=user
        )
    return update_round


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_round_pages_take_the_same_number_of_queries_for_a_small_and_a_large_plan(
    client, steering_member
):
    small = _synthetic_round("small", 1, steering_member)
    large = _synthetic_round("large", 8, steering_member)
    assert large.requests.count() > 4 * small.requests.count()
    client.force_login(steering_member)

    # round_detail: session, user, grants, the round (with plan, organisation and users, among
    # the plans the user sees), headline counts, owners table, actions table, the actions'
    # requests (prefetch).
    for update_round in (small, large):
        assert _queries(client, reverse("round_detail", args=[update_round.pk])) == 8
    # round_list: session, user, role, the plan, the rounds with their counts.
    for update_round in (small, large):
        assert _queries(client, reverse("round_list", args=[update_round.plan.slug])) == 5


def test_a_draft_plan_offers_no_round_and_explains_why(client, steering_member, plan, action):
    plan.status = PlanStatus.DRAFT
    plan.save()
    client.force_login(steering_member)

    listing = client.get(reverse("round_list", args=[plan.slug])).content.decode()
    form_page = client.get(reverse("round_open", args=[plan.slug])).content.decode()

    assert "Open a new update round" not in listing
    assert "This plan is draft. Update rounds are only for adopted plans." in listing
    assert "Update rounds are only for adopted plans" in form_page
    assert "Open the round and e-mail owners" not in form_page
