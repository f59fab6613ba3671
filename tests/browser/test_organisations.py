"""Two councils in real headless Chromium: a chair of one plan who only reads another.

Every page is checked with axe-core. The chair chairs plan X (Test Council) and views plan Y
(Elsewhere Borough Council); the report builder's and plan browser's owner lists offer only
the owners of the plan's own council.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from actionplan.models import Organisation, Owner, Plan, PlanMembership, Project, Theme
from actionplan.organisations import OrganisationRole, PlanRole
from actionplan.services import action_set_owners
from tests.browser.conftest import set_password
from tests.conftest import make_action, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_councils(plan, action, people):
    elsewhere = Organisation.objects.create(slug="elsewhere", name="Elsewhere Borough Council")
    other = Plan.objects.create(
        slug="elsewhere-plan", title="Elsewhere plan", organisation=elsewhere, status="adopted"
    )
    theme = Theme.objects.create(plan=other, reference="1", title="Access", position=1)
    project = Project.objects.create(theme=theme, reference="1", title="Contact centre")
    stranger = Owner.objects.create(
        organisation=elsewhere, name="Morgan Elsewhere", short_name="ME"
    )
    theirs = make_action(project, description="Open the Elsewhere contact centre")
    action_set_owners(action=theirs, owners=[stranger], user=None, reason="test")
    chair = make_user("chris.chair", OrganisationRole.MEMBER)
    PlanMembership.objects.create(user=chair, plan=plan, role=PlanRole.STEERING_GROUP)
    PlanMembership.objects.create(user=chair, plan=other, role=PlanRole.VIEWER)
    set_password(chair)
    return {"x": plan, "y": other, "mine": action, "theirs": theirs}


def test_a_chair_of_one_plan_edits_it_and_only_reads_the_other_councils_plan(visitor, two_councils):
    x, y = two_councils["x"], two_councils["y"]
    visitor.sign_in("chris.chair")
    home = visitor.go("/")
    # Plans are grouped under each council's name.
    expect(home.get_by_role("heading", name="Test Council")).to_be_visible()
    expect(home.get_by_role("heading", name="Elsewhere Borough Council")).to_be_visible()

    page = visitor.go(f"/actions/{two_councils['mine'].pk}/")
    expect(page.get_by_role("link", name="Edit", exact=False).first).to_be_visible()
    page = visitor.go(f"/actions/{two_councils['mine'].pk}/edit/")
    page.get_by_label("Description").fill("Identify key customer contacts, revised by the chair")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("revised by the chair").first).to_be_visible()

    page = visitor.go(f"/actions/{two_councils['theirs'].pk}/")
    expect(page.get_by_text("Open the Elsewhere contact centre").first).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("link", name="Record progress")).to_have_count(0)
    response = page.goto(f"{visitor.base_url}/actions/{two_councils['theirs'].pk}/edit/")
    assert response.status == 403
    assert x.slug != y.slug


def test_owner_lists_offer_only_the_plans_own_council(visitor, two_councils):
    x = two_councils["x"]
    visitor.sign_in("chris.chair")
    for path in (f"/plans/{x.slug}/actions/", f"/plans/{x.slug}/report/"):
        page = visitor.go(path)
        options = page.locator("select[name=owner] option").evaluate_all(
            "options => options.map(o => o.textContent)"
        )
        assert any(o.strip() == "RF" for o in options), (path, options)  # owns an action of X
        assert not any("Morgan Elsewhere" in o for o in options), (path, options)
