"""Nothing of another organisation is reached through the set-up pages: every address naming
another organisation's plan, owner, unit or login answers 404 and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actionplan.models import Organisation, Owner, Plan, Unit
from actionplan.organisations import OrganisationRole
from tests.conftest import make_user


@pytest.fixture
def elsewhere(db):
    other = Organisation.objects.create(slug="elsewhere", name="Elsewhere Borough Council")
    return {
        "org": [other.slug],
        "plan": [Plan.objects.create(slug="their-plan", title="Theirs", organisation=other).slug],
        "owner": [Owner.objects.create(organisation=other, name="Their Officer").pk],
        "unit": [Unit.objects.create(organisation=other, name="Their Unit").pk],
        "login": [
            other.slug,
            make_user("their.viewer", OrganisationRole.VIEWER, organisation=other).pk,
        ],
    }


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("plan_add", "org"),
        ("plan_settings", "plan"),
        ("people_register", "org"),
        ("owner_add", "org"),
        ("owner_edit", "owner"),
        ("owner_merge", "owner"),
        ("owner_leave", "owner"),
        ("unit_add", "org"),
        ("unit_edit", "unit"),
        ("organisation_admin", "org"),
        ("invite", "org"),
        ("login_roles", "login"),
        ("sign_in_settings", "org"),
    ],
)
def test_an_organisation_administrator_cannot_reach_another_organisations_set_up(
    client, org_admin, elsewhere, name, args
):
    client.force_login(org_admin)
    url = reverse(name, args=elsewhere[args])
    owners_before = list(Owner.objects.values_list("pk", "name", "is_active"))

    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Changed", "title": "Changed"}).status_code == 404
    assert list(Owner.objects.values_list("pk", "name", "is_active")) == owners_before
    assert Plan.objects.get(slug="their-plan").title == "Theirs"


def test_deactivating_another_organisations_login_is_not_found(client, org_admin, elsewhere):
    client.force_login(org_admin)
    slug, pk = elsewhere["login"]

    assert client.post(reverse("login_deactivate", args=[slug, pk])).status_code == 404
    own = reverse("login_deactivate", args=["test-council", pk])
    client.post(own)
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(pk=pk).is_active
