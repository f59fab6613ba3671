"""The home page: the plans a user can see, each with its sentence and what needs chasing."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html

from actionplan.models import Plan, PlanStatus, ProgressUpdate, Project, Status, Theme
from actionplan.synthetic import build_plan
from tests.conftest import home_council, make_action, make_open_round


def text(element) -> str:
    return " ".join(element.text_content().split())


def make_project(plan: Plan) -> Project:
    theme = Theme.objects.create(plan=plan, reference="1", title="Access")
    return Project.objects.create(theme=theme, reference="1", title="Phones")


def text_of(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return " ".join(
        html.fromstring(response.content.decode()).xpath("//main")[0].text_content().split()
    )


@pytest.fixture
def adopted(plan) -> Plan:
    plan.status = PlanStatus.ADOPTED
    plan.save()
    return plan


@pytest.fixture
def draft(db) -> Plan:
    return Plan.objects.create(
        slug="draft-plan", title="Next year's plan", organisation=home_council()
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_with_no_role_is_told_politely_that_there_are_no_plans(client, outsider, adopted):
    page = text_of(client, outsider)
    assert (
        "You cannot see any plans yet. Ask your organisation's administrator to give you a role."
        in page
    )
    assert adopted.title not in page


@pytest.mark.parametrize("persona", ["viewer", "action_owner"])
def test_viewers_and_owners_see_adopted_plans_but_not_drafts(
    client, adopted, draft, persona, request
):
    page = text_of(client, request.getfixturevalue(persona))
    assert "Customer Service Action Plan" in page
    assert "Next year's plan" not in page


@pytest.mark.parametrize("persona", ["steering_member", "plan_admin"])
def test_steering_members_also_see_draft_plans(client, adopted, draft, persona, request):
    page = text_of(client, request.getfixturevalue(persona))
    assert "Customer Service Action Plan" in page and "Next year's plan" in page


def test_each_plan_shows_its_sentence_and_what_is_overdue_or_awaiting_update(
    client, viewer, adopted, project
):
    make_action(project, target="Dec 2004", status=Status.ON_TRACK)
    make_action(project, target="Ongoing", status=Status.ON_TRACK)
    make_action(project, status=Status.COMPLETED, completed_on=date(2004, 12, 1))
    page = text_of(client, viewer)
    assert "Of 3 actions, 2 (67%) on track, 1 (33%) completed." in page
    assert "1 overdue" in page
    assert "2 awaiting update" in page


def test_with_an_open_round_an_update_before_it_opened_leaves_an_action_awaiting(
    client, viewer, adopted, project
):
    opened_at = timezone.now() - timedelta(days=3)
    opened_on = timezone.localdate(opened_at)
    make_open_round(adopted, opened_at=opened_at)
    before = make_action(project, target="Ongoing")
    ProgressUpdate.objects.create(
        action=before, reported_on=opened_on - timedelta(days=2), narrative="Earlier"
    )
    since = make_action(project, target="Ongoing")
    ProgressUpdate.objects.create(action=since, reported_on=opened_on, narrative="For the round")
    assert "1 awaiting update" in text_of(client, viewer)


def test_each_plan_links_to_its_dashboard_and_plan_browser(client, viewer, adopted):
    client.force_login(viewer)
    tree = html.fromstring(client.get(reverse("home")).content.decode())
    links = [a.get("href") for a in tree.xpath("//main//a")]
    assert reverse("plan_dashboard", args=[adopted.slug]) in links
    browse = reverse("plan_browse", args=[adopted.slug])
    assert browse in links
    assert f"{browse}?overdue=1" in links and f"{browse}?awaiting=1" in links


# 1 session, 2 user, 3 the user's groups (role), 4 the visible plans,
# 5 every plan's counts in one query grouped by plan.
HOME_QUERIES = 5


@pytest.mark.parametrize("plans", [1, 3])
def test_the_home_page_takes_the_same_queries_for_one_plan_or_several(
    client, viewer, django_assert_num_queries, plans
):
    for number in range(plans):
        build_plan(
            organisation=home_council(), slug=f"plan-{number}", actions_per_project=1 + 4 * number
        )
    client.force_login(viewer)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(reverse("home"))
    assert response.content.decode().count("Of 6 actions") == 1


def test_each_plan_uses_its_own_awaiting_update_period_in_the_one_query(client, viewer, project):
    quick = Plan.objects.create(
        slug="quick",
        title="Quick plan",
        organisation=home_council(),
        status="adopted",
        awaiting_update_days=5,
    )
    slow = project.theme.plan
    slow.status = PlanStatus.ADOPTED
    slow.save()
    reported = timezone.localdate() - timedelta(days=7)
    for plan_project in [project, make_project(quick)]:
        action = make_action(plan_project, target="Ongoing")
        ProgressUpdate.objects.create(action=action, reported_on=reported, narrative="Done")
    client.force_login(viewer)
    tree = html.fromstring(client.get(reverse("home")).content.decode())
    counts = {
        text(item.xpath(".//h2")[0]): text(item.xpath(".//ul/li[2]")[0])
        for item in tree.xpath("//main/ul/li")
    }
    assert counts["Quick plan"] == "1 awaiting update in Quick plan"
    assert counts["Customer Service Action Plan"] == (
        "0 awaiting update in Customer Service Action Plan"
    )
