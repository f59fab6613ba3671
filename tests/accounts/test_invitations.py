"""Invitations: e-mailed, accepted once within 7 days by setting a password, linking the login
to its owner record; refused plainly when reused, expired or opened by someone signed in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation
from actionplan.models import Membership, Owner, PlanMembership
from actionplan.organisations import OrganisationRole, PlanRole
from tests.conftest import make_user

PASSWORD = "a-long-enough-passphrase-42"


def invite(user, organisation, **fields):
    fields.setdefault("email", "Officer@TestCouncil.gov.uk")
    fields.setdefault("name", "Olive Officer")
    fields.setdefault("organisation_role", OrganisationRole.MEMBER)
    fields.setdefault("plan_roles", {})
    fields.setdefault("owner", None)
    return services.invitation_create(
        organisation=organisation, user=user, base_url="http://testserver/", **fields
    )


def link_in(mail) -> str:
    return re.search(r"http://testserver(/invitations/\S+/)", mail.body).group(1)


def accept(client, path, password=PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


def test_an_invited_officer_sets_a_password_and_is_linked_to_their_owner_record(
    client, organisation, plan, org_admin, people, mailoutbox
):
    invite(org_admin, organisation, plan_roles={plan: PlanRole.ACTION_OWNER}, owner=people["RF"])
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [
        "Olive Officer <officer@testcouncil.gov.uk>"
    ]
    path = link_in(mailoutbox[0])
    page = client.get(path).content.decode()
    assert "Set your password" in page and "officer@testcouncil.gov.uk" in page

    response = accept(client, path)

    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = get_user_model().objects.get(email="officer@testcouncil.gov.uk")
    assert user.check_password(PASSWORD) and user.first_name == "Olive"
    assert Owner.objects.get(pk=people["RF"].pk).user == user
    assert PlanMembership.objects.get(user=user).role == PlanRole.ACTION_OWNER
    assert Membership.objects.get(user=user).granted_by == org_admin
    assert client.get(reverse("plan_dashboard", args=[plan.slug])).status_code == 200
    assert (
        Invitation.objects.get()
        .history.first()
        .history_change_reason.startswith("Invitation accepted")
    )


def test_an_invitation_link_works_only_once(client, organisation, org_admin, mailoutbox):
    invite(org_admin, organisation)
    path = link_in(mailoutbox[0])
    accept(client, path)
    client.logout()

    response = client.get(path)

    assert "already been used" in response.content.decode()
    assert accept(client, path).status_code == 200
    assert get_user_model().objects.filter(email="officer@testcouncil.gov.uk").count() == 1


def test_an_invitation_link_expires_after_seven_days(client, organisation, org_admin, mailoutbox):
    invitation = invite(org_admin, organisation)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    response = accept(client, link_in(mailoutbox[0]))

    assert "has expired" in response.content.decode()
    assert not get_user_model().objects.filter(email="officer@testcouncil.gov.uk").exists()


def test_a_signed_in_other_user_cannot_use_someone_elses_invitation(
    client, organisation, org_admin, viewer, mailoutbox
):
    invite(org_admin, organisation)
    client.force_login(viewer)

    response = accept(client, link_in(mailoutbox[0]))

    assert "You are signed in as vic.viewer" in response.content.decode()
    assert Invitation.objects.get().accepted_at is None


def test_a_tampered_link_is_refused_plainly(client, organisation, org_admin, mailoutbox):
    invite(org_admin, organisation)

    response = client.get(link_in(mailoutbox[0]).replace("/invitations/", "/invitations/x"))

    assert response.status_code == 200 and "not valid" in response.content.decode()


def test_nobody_grants_a_role_above_their_own(organisation, plan, steering_member, mailoutbox):
    with pytest.raises(ValidationError):
        invite(steering_member, organisation, plan_roles={plan: PlanRole.VIEWER})
    plan_admin_of_one = make_user("pa.one", None)
    PlanMembership.objects.create(
        user=plan_admin_of_one, plan=plan, role=PlanRole.PLAN_ADMINISTRATOR
    )
    with pytest.raises(ValidationError, match="higher than your own"):
        invite(
            plan_admin_of_one,
            organisation,
            organisation_role=OrganisationRole.ORGANISATION_ADMINISTRATOR,
        )
    invite(plan_admin_of_one, organisation, plan_roles={plan: PlanRole.STEERING_GROUP})
    assert len(mailoutbox) == 1


def test_nobody_grants_roles_in_another_organisation(organisation, org_admin, mailoutbox):
    from actionplan.models import Organisation, Plan

    other = Organisation.objects.create(slug="other", name="Other Council")
    other_plan = Plan.objects.create(slug="other-plan", title="Other", organisation=other)

    with pytest.raises(ValidationError):
        invite(org_admin, organisation, plan_roles={other_plan: PlanRole.VIEWER})
    with pytest.raises(ValidationError):
        invite(org_admin, other)
    assert mailoutbox == [] and not Invitation.objects.exists()


def test_the_invite_page_sends_the_email(client, organisation, plan, org_admin, mailoutbox):
    client.force_login(org_admin)
    response = client.post(
        reverse("invite", args=[organisation.slug]),
        {
            "name": "Olive Officer",
            "email": "olive@testcouncil.gov.uk",
            "organisation_role": OrganisationRole.MEMBER,
            f"plan_{plan.pk}": PlanRole.ACTION_OWNER,
        },
    )
    assert response.status_code == 302
    assert "/invitations/" in mailoutbox[0].body
    assert Invitation.objects.get().plan_roles.get().role == PlanRole.ACTION_OWNER


def test_a_superuser_adds_an_organisation_and_invites_its_administrator(
    client, plan_admin, mailoutbox
):
    client.force_login(plan_admin)
    response = client.post(
        reverse("organisation_add"),
        {
            "name": "Anytown District Council",
            "slug": "",
            "short_name": "ADC",
            "committees": "Cabinet",
            "administrator_name": "Ada Admin",
            "administrator_email": "ada@anytown.gov.uk",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.organisation.slug == "anytown-district-council"
    assert invitation.organisation_role == OrganisationRole.ORGANISATION_ADMINISTRATOR
    assert mailoutbox[0].to == ["Ada Admin <ada@anytown.gov.uk>"]


def test_an_expired_invitation_is_sent_again_with_a_link_that_works(
    client, organisation, plan, org_admin, mailoutbox
):
    invitation = invite(org_admin, organisation, plan_roles={plan: PlanRole.VIEWER})
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(org_admin)
    page = client.get(reverse("organisation_admin", args=[organisation.slug])).content.decode()
    assert "Expired" in page and "Send again" in page

    response = client.post(
        reverse("invitation_resend", args=[organisation.slug, invitation.pk]), follow=True
    )

    assert "e-mailed again to officer@testcouncil.gov.uk" in response.content.decode()
    assert len(mailoutbox) == 2 and "Customer Service Action Plan (Viewer)" in mailoutbox[1].body
    assert Invitation.objects.get().expires_at > timezone.now() + timedelta(days=6)
    assert Invitation.objects.get().history.first().history_change_reason == (
        "Invitation sent again"
    )
    client.logout()
    accept(client, link_in(mailoutbox[1]))
    user = get_user_model().objects.get(email="officer@testcouncil.gov.uk")
    assert PlanMembership.objects.get(user=user).role == PlanRole.VIEWER


def test_a_withdrawn_invitation_no_longer_works_and_its_record_stays(
    client, organisation, org_admin, mailoutbox
):
    invitation = invite(org_admin, organisation)
    client.force_login(org_admin)

    response = client.post(
        reverse("invitation_withdraw", args=[organisation.slug, invitation.pk]), follow=True
    )

    assert "withdrawn: its links no longer work" in response.content.decode()
    assert (
        "officer@testcouncil.gov.uk"
        not in response.content.decode().split("Invitations not yet accepted")[1]
    )
    client.logout()
    assert "has been withdrawn" in client.get(link_in(mailoutbox[0])).content.decode()
    assert "has been withdrawn" in accept(client, link_in(mailoutbox[0])).content.decode()
    assert not get_user_model().objects.filter(email="officer@testcouncil.gov.uk").exists()
    record = Invitation.objects.get()
    assert record.withdrawn_by == org_admin
    assert record.history.first().history_change_reason == "Invitation withdrawn"


def test_a_withdrawn_invitation_cannot_be_sent_again_or_used_through_single_sign_on(
    organisation, org_admin, mailoutbox
):
    invitation = invite(org_admin, organisation)
    services.invitation_withdraw(invitation=invitation, user=org_admin)

    with pytest.raises(ValidationError, match="was withdrawn"):
        services.invitation_resend(
            invitation=invitation, user=org_admin, base_url="http://testserver/"
        )
    signed_in = services.user_for_sign_in(
        organisation_id=organisation.pk,
        email="officer@testcouncil.gov.uk",
        name="Olive Officer",
        join_as_viewer=False,
    )
    assert signed_in is None and len(mailoutbox) == 1


def test_the_same_person_is_not_invited_twice_while_an_invitation_waits(
    client, organisation, org_admin, mailoutbox
):
    invite(org_admin, organisation)
    client.force_login(org_admin)

    response = client.post(
        reverse("invite", args=[organisation.slug]),
        {
            "name": "Olive Officer",
            "email": "officer@testcouncil.gov.uk",
            "organisation_role": OrganisationRole.MEMBER,
        },
    )

    assert response.status_code == 200
    assert "was already invited on" in response.content.decode()
    assert Invitation.objects.count() == 1 and len(mailoutbox) == 1


def test_only_someone_who_could_send_an_invitation_resends_or_withdraws_it(
    client, organisation, plan, org_admin, mailoutbox
):
    invitation = invite(
        org_admin, organisation, organisation_role=OrganisationRole.ORGANISATION_ADMINISTRATOR
    )
    plan_admin_of_one = make_user("pa.one", None)
    PlanMembership.objects.create(
        user=plan_admin_of_one, plan=plan, role=PlanRole.PLAN_ADMINISTRATOR
    )

    with pytest.raises(ValidationError):
        services.invitation_withdraw(invitation=invitation, user=plan_admin_of_one)
    with pytest.raises(ValidationError):
        services.invitation_resend(
            invitation=invitation, user=plan_admin_of_one, base_url="http://testserver/"
        )
    assert Invitation.objects.get().withdrawn_at is None and len(mailoutbox) == 1
