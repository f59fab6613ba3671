"""Logins of an organisation: roles changed within one's own grants, the last administrator
kept, logins deactivated with their history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from actionplan.models import Membership, Organisation, PlanMembership
from actionplan.organisations import OrganisationRole, PlanRole
from tests.conftest import make_user


def test_an_administrator_changes_a_logins_roles_and_history_says_who(
    client, organisation, plan, org_admin, viewer
):
    client.force_login(org_admin)

    response = client.post(
        reverse("login_roles", args=[organisation.slug, viewer.pk]),
        {"organisation_role": OrganisationRole.MEMBER, f"plan_{plan.pk}": PlanRole.STEERING_GROUP},
    )

    assert response.status_code == 302
    assert Membership.objects.get(user=viewer).role == OrganisationRole.MEMBER
    grant = PlanMembership.objects.get(user=viewer)
    assert grant.role == PlanRole.STEERING_GROUP and grant.granted_by == org_admin
    assert grant.history.get().history_user == org_admin
    page = client.get(reverse("login_roles", args=[organisation.slug, viewer.pk])).content.decode()
    assert f"{plan}: granted Steering-group member" in page
    assert "Across the organisation: changed to Member" in page


def test_the_last_administrator_cannot_be_removed(organisation, org_admin):
    with pytest.raises(ValidationError, match="last administrator"):
        services.user_set_roles(
            organisation=organisation,
            member=org_admin,
            organisation_role=OrganisationRole.VIEWER,
            plan_roles={},
            user=org_admin,
        )
    second = make_user("second.admin", OrganisationRole.ORGANISATION_ADMINISTRATOR)
    services.user_deactivate(organisation=organisation, member=second, user=org_admin)
    with pytest.raises(ValidationError, match="last administrator"):
        services.user_set_roles(
            organisation=organisation,
            member=org_admin,
            organisation_role=OrganisationRole.MEMBER,
            plan_roles={},
            user=org_admin,
        )
    assert Membership.objects.get(user=org_admin).role == (
        OrganisationRole.ORGANISATION_ADMINISTRATOR
    )


def test_the_logins_page_refuses_to_remove_the_last_administrator(client, organisation, org_admin):
    client.force_login(org_admin)

    response = client.post(
        reverse("login_roles", args=[organisation.slug, org_admin.pk]),
        {"organisation_role": OrganisationRole.VIEWER},
    )

    assert response.status_code == 200
    assert "last administrator" in response.content.decode()
    assert (
        Membership.objects.get(user=org_admin).role == OrganisationRole.ORGANISATION_ADMINISTRATOR
    )


def test_a_deactivated_login_cannot_sign_in_and_keeps_its_history(
    client, organisation, org_admin, viewer
):
    client.force_login(org_admin)

    client.post(reverse("login_deactivate", args=[organisation.slug, viewer.pk]))

    viewer.refresh_from_db()
    assert not viewer.is_active
    record = viewer.history.first()
    assert record.history_user == org_admin and record.history_change_reason == "Login deactivated"
    client.logout()
    assert not client.login(username="vic.viewer", password="pass-for-tests-only")


def test_a_login_of_another_organisation_is_not_found(client, organisation, org_admin):
    other = Organisation.objects.create(slug="other", name="Other Council")
    stranger = make_user("stranger", OrganisationRole.VIEWER, organisation=other)
    client.force_login(org_admin)

    assert (
        client.get(reverse("login_roles", args=[organisation.slug, stranger.pk])).status_code == 404
    )
    assert client.get(reverse("organisation_admin", args=["other"])).status_code == 404
    client.post(reverse("login_deactivate", args=[organisation.slug, stranger.pk]))
    stranger.refresh_from_db()
    assert stranger.is_active


def test_a_password_reset_is_emailed_through_djangos_own_views(client, viewer, mailoutbox):
    viewer.email = "vic@testcouncil.gov.uk"
    viewer.save()

    response = client.post(reverse("password_reset"), {"email": "vic@testcouncil.gov.uk"})

    assert response.status_code == 302
    assert "/accounts/reset/" in mailoutbox[0].body
    page = client.get(reverse("password_reset")).content.decode()
    assert "govuk-button" in page and "Reset your password" in page


def test_the_logins_page_takes_the_same_queries_for_few_and_many_logins(
    client, organisation, plan, org_admin
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org_admin)
    url = reverse("organisation_admin", args=[organisation.slug])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for i in range(10):
        user = make_user(f"officer{i}", OrganisationRole.MEMBER)
        PlanMembership.objects.create(user=user, plan=plan, role=PlanRole.VIEWER)
    # session, user, grants, organisation, logins, their organisation roles, their plan roles,
    # open invitations, single sign-on
    assert queries() == few == 9


def _selected(page: str, name: str) -> str:
    """The value a select or radio group of the roles page shows as chosen."""
    import re

    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    if select:
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
        return chosen.group(1) if chosen else ""
    radio = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"[^>]*checked', page)
    return radio.group(1) if radio else ""


def test_two_administrators_change_one_logins_roles_and_neither_change_is_lost(
    client, organisation, plan, org_admin, viewer
):
    from tests.formstate import loaded_on_page

    second = make_user("second.admin", OrganisationRole.ORGANISATION_ADMINISTRATOR)
    url = reverse("login_roles", args=[organisation.slug, viewer.pk])
    client.force_login(second)
    stale = loaded_on_page(client.get(url).content.decode())
    client.force_login(org_admin)
    first = client.post(
        url,
        {
            "organisation_role": OrganisationRole.ACTION_OWNER,
            f"plan_{plan.pk}": PlanRole.STEERING_GROUP,
            "loaded": loaded_on_page(client.get(url).content.decode()),
        },
    )
    assert first.status_code == 302

    client.force_login(second)
    refused = client.post(
        url,
        {"organisation_role": OrganisationRole.MEMBER, f"plan_{plan.pk}": "", "loaded": stale},
    )

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "changed these roles while you were editing them" in page
    assert "nothing has been saved" in page
    assert PlanMembership.objects.get(user=viewer).role == PlanRole.STEERING_GROUP
    assert Membership.objects.get(user=viewer).role == OrganisationRole.ACTION_OWNER
    # Only the first administrator changed the plan role: the form now holds theirs; both
    # changed the organisation role: the form keeps this user's choice and names both.
    assert _selected(page, f"plan_{plan.pk}") == PlanRole.STEERING_GROUP
    assert _selected(page, "organisation_role") == OrganisationRole.MEMBER
    assert "changed this to “Action owner (every plan)”" in page
    assert "(it was “Viewer (every plan)”); you chose “Member (roles given per plan)”" in page

    again = client.post(
        url,
        {
            "organisation_role": OrganisationRole.MEMBER,
            f"plan_{plan.pk}": PlanRole.STEERING_GROUP,
            "loaded": loaded_on_page(page),
        },
    )

    assert again.status_code == 302
    assert Membership.objects.get(user=viewer).role == OrganisationRole.MEMBER
    grant = PlanMembership.objects.get(user=viewer)
    assert grant.role == PlanRole.STEERING_GROUP and grant.granted_by == org_admin
    who = [record.history_user for record in Membership.history.filter(user=viewer)]
    assert who[0] == second and org_admin in who


def test_a_roles_form_from_before_any_change_saves_without_a_refusal(
    client, organisation, plan, org_admin, viewer
):
    from tests.formstate import loaded_on_page

    url = reverse("login_roles", args=[organisation.slug, viewer.pk])
    client.force_login(org_admin)
    token = loaded_on_page(client.get(url).content.decode())

    response = client.post(
        url,
        {"organisation_role": OrganisationRole.MEMBER, f"plan_{plan.pk}": "", "loaded": token},
    )

    assert response.status_code == 302
    assert Membership.objects.get(user=viewer).role == OrganisationRole.MEMBER
