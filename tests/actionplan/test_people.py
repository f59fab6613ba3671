"""The owners register: people and groups with the actions they own, merging two owners who
are the same person (everything and its history follows), leavers handing over their actions."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplan.models import (
    ActionOwner,
    GroupMembership,
    Organisation,
    Owner,
    OwnerKind,
    UpdateRequest,
)
from actionplan.people.forms import UnitForm
from actionplan.people.services import owner_leave, owner_merge
from actionplan.rounds import round_open
from actionplan.services import action_set_owners
from tests.conftest import make_action
from tests.formstate import loaded


def test_the_register_lists_people_and_groups_with_the_actions_they_own(
    client, organisation, steering_member, action, people
):
    GroupMembership.objects.create(group=people["PAG"], person=people["PW"])
    client.force_login(steering_member)

    response = client.get(reverse("people_register", args=[organisation.slug]))

    rows = {o.short_name: (o.actions_owned, o.open_actions) for o in response.context["people"]}
    assert rows == {"RF": (1, 1), "PW": (0, 0)}
    group = response.context["groups"][0]
    assert (group.actions_owned, group.members_count) == (1, 1)
    page = response.content.decode()
    assert "No e-mail address" in page and "No member has an e-mail address" in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_register_takes_the_same_number_of_queries_for_few_and_many_owners(
    client, organisation, steering_member, project, people
):
    client.force_login(steering_member)
    url = reverse("people_register", args=[organisation.slug])
    few = _queries(client, url)
    for i in range(20):
        person = Owner.objects.create(organisation=organisation, name=f"Officer {i}")
        GroupMembership.objects.create(group=people["PAG"], person=person)
        action = make_action(project, reference=f"x{i}")
        action_set_owners(action=action, owners=[person], user=None, reason="test")
    # session, user, grants, organisation, owners with counts, group members (prefetch), units
    assert _queries(client, url) == few == 7


def test_adding_a_person_and_a_group_with_members(client, organisation, steering_member, people):
    client.force_login(steering_member)
    url = reverse("owner_add", args=[organisation.slug])

    client.post(url, {"name": "Jo Bloggs", "short_name": "JB", "email": "jo@example.gov.uk"})
    jo = Owner.objects.get(short_name="JB")
    client.post(
        url + "?kind=group", {"name": "Access Group", "short_name": "AG", "members": [jo.pk]}
    )

    group = Owner.objects.get(short_name="AG")
    assert group.kind == OwnerKind.GROUP and group.organisation == organisation
    assert [m.person for m in group.memberships.all()] == [jo]
    assert GroupMembership.history.get().history_user == steering_member


def test_a_duplicate_name_is_a_form_error_not_a_server_error(
    client, organisation, steering_member, people
):
    client.force_login(steering_member)

    response = client.post(reverse("owner_add", args=[organisation.slug]), {"name": "RF"})

    assert response.status_code == 200 and "already exists" in response.content.decode()


def test_merging_two_owners_moves_everything_and_keeps_every_history_record(
    organisation, plan, project, action, people, steering_member
):
    rf, pw, pag = people["RF"], people["PW"], people["PAG"]
    rf.email, pw.email = "rf@example.gov.uk", "pw@example.gov.uk"
    rf.save()
    pw.save()
    GroupMembership.objects.create(group=pag, person=pw)
    second = make_action(project, description="Another")
    action_set_owners(action=second, owners=[pw], user=None, reason="test")
    round_open(
        plan=plan,
        title="Round",
        meeting_date=timezone.localdate() + timedelta(days=9),
        deadline=timezone.localdate() + timedelta(days=5),
        user=None,
        base_url="http://testserver",
    )
    history = {
        model: set(model.history.values_list("history_id", flat=True))
        for model in (ActionOwner, GroupMembership, UpdateRequest, Owner)
    }

    owner_merge(keep=rf, merge=pw, user=steering_member)

    assert not Owner.objects.filter(pk=pw.pk).exists()
    assert set(ActionOwner.objects.filter(owner=rf).values_list("action_id", flat=True)) == {
        action.pk,
        second.pk,
    }
    assert GroupMembership.objects.get(group=pag).person == rf
    assert not UpdateRequest.objects.filter(owner_id=pw.pk).exists()
    rf.refresh_from_db()
    assert "Paul Williams" in rf.aliases and "PW" in rf.aliases
    for model, ids in history.items():
        assert ids <= set(model.history.values_list("history_id", flat=True)), model
    deleted = Owner.history.filter(id=pw.pk, history_type="-").get()
    assert deleted.history_change_reason == "Merged Paul Williams (PW) into RF"
    assert deleted.history_user == steering_member


def test_owners_of_different_organisations_or_kinds_are_not_merged(
    client, organisation, steering_member, people
):
    other = Organisation.objects.create(slug="other", name="Other Council")
    theirs = Owner.objects.create(organisation=other, name="RF elsewhere")
    client.force_login(steering_member)

    for merge in (theirs, people["PAG"]):
        response = client.post(reverse("owner_merge", args=[people["RF"].pk]), {"other": merge.pk})
        assert response.status_code == 200
    assert Owner.objects.filter(pk__in=[theirs.pk, people["PAG"].pk]).count() == 2
    assert client.get(reverse("owner_edit", args=[theirs.pk])).status_code == 404


def test_a_leaver_hands_over_open_actions_in_one_step(
    client, organisation, steering_member, project, action, people
):
    finished = make_action(
        project, description="Finished", status="completed", completed_on=date(2010, 1, 1)
    )
    action_set_owners(action=finished, owners=[people["RF"]], user=None, reason="test")
    GroupMembership.objects.create(group=people["PAG"], person=people["RF"])
    client.force_login(steering_member)

    response = client.post(
        reverse("owner_leave", args=[people["RF"].pk]), {"other": people["PW"].pk}
    )

    assert response.status_code == 302
    rf = Owner.objects.get(pk=people["RF"].pk)
    assert not rf.is_active
    assert (
        ActionOwner.objects.get(action=action, owner__kind=OwnerKind.PERSON).owner == people["PW"]
    )
    assert ActionOwner.objects.get(action=finished).owner == rf  # history of done work stays
    assert not GroupMembership.objects.filter(person=rf).exists()
    assert rf.history.first().history_change_reason.startswith("RF left")


def test_a_leaver_with_open_actions_needs_someone_to_take_them_over(
    steering_member, action, people
):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        owner_leave(owner=people["RF"], replacement=None, user=steering_member)
    assert Owner.objects.get(pk=people["RF"].pk).is_active


def test_units_are_added_and_edited_in_the_register(client, organisation, steering_member):
    client.force_login(steering_member)

    client.post(
        reverse("unit_add", args=[organisation.slug]),
        {"name": "Customer Services", "short_name": "CS", "kind": "service"},
    )

    unit = organisation.units.get()
    edited = {"name": "Customer Access", "kind": "service"}
    started = loaded(unit, UnitForm.Meta.fields)
    client.post(reverse("unit_edit", args=[unit.pk]), edited | {"loaded": started})
    unit.refresh_from_db()
    assert unit.name == "Customer Access" and unit.history.count() == 2
