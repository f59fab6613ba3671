"""The plan browser page and its CSV: who may see them, what they list, and their cost."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.urls import reverse

from actionplan.models import GroupMembership, PlanStatus, ProgressUpdate, Project, Rag, Status
from actionplan.services import action_revise_target, action_set_owners
from actionplan.synthetic import build_plan
from tests.conftest import home_council, make_action

ACTION_LINK = re.compile(r'href="/actions/(\d+)/"')


@pytest.fixture
def adopted(plan):
    plan.status = PlanStatus.ADOPTED
    plan.save()
    return plan


def browse_url(plan, query: str = "") -> str:
    return reverse("plan_browse", args=[plan.slug]) + query


def csv_url(plan, query: str = "") -> str:
    return reverse("plan_browse_csv", args=[plan.slug]) + query


def page_ids(response) -> list[int]:
    """The ids of the actions listed on the page, in order."""
    return [int(pk) for pk in ACTION_LINK.findall(response.content.decode())]


def csv_rows(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [browse_url, csv_url])
def test_anonymous_visitors_are_sent_to_sign_in(client, adopted, url):
    response = client.get(url(adopted))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [browse_url, csv_url])
def test_a_user_with_no_role_cannot_find_the_plan(client, adopted, outsider, url):
    client.force_login(outsider)
    assert client.get(url(adopted)).status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "action_owner", "steering_member", "plan_admin"])
def test_everyone_with_a_role_can_browse_an_adopted_plan(client, adopted, action, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(browse_url(adopted))
    assert "Identify key customer contacts by reference to FAQs" in response.content.decode()
    rows = csv_rows(client.get(csv_url(adopted)))
    assert [row["Action"] for row in rows] == [
        "Identify key customer contacts by reference to FAQs"
    ]


@pytest.mark.parametrize("persona", ["viewer", "action_owner"])
def test_viewers_and_owners_cannot_find_a_draft_plan(client, draft_plan, action, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(browse_url(draft_plan)).status_code == 404
    assert client.get(csv_url(draft_plan)).status_code == 404


@pytest.mark.parametrize("persona", ["steering_member", "plan_admin"])
def test_the_steering_group_can_browse_a_draft_plan(client, draft_plan, action, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert page_ids(client.get(browse_url(draft_plan))) == [action.pk]


# What a row shows -----------------------------------------------------------------------


def test_a_row_shows_reference_owners_lead_first_target_status_rag_and_latest_update(
    client, adopted, project, people, viewer, plan_admin
):
    action = make_action(
        project,
        reference="1(a)",
        description="Pilot a local access point in Witney",
        target="Aug 2004",
        status=Status.AT_RISK,
        rag=Rag.AMBER,
    )
    action_set_owners(
        action=action, owners=[people["RF"], people["PW"]], lead=people["PW"], user=None, reason="t"
    )
    action_revise_target(action=action, new_target="Dec 2004", reason="Delay", user=plan_admin)
    ProgressUpdate.objects.create(action=action, reported_on=date(2004, 9, 1), narrative="Old news")
    ProgressUpdate.objects.create(
        action=action, reported_on=date(2004, 10, 4), narrative="Survey consulted with staff"
    )
    client.force_login(viewer)
    html = client.get(browse_url(adopted)).content.decode()
    detail = reverse("action_detail", args=[action.pk])
    assert f'href="{detail}">Pilot a local access point in Witney</a>' in html
    assert ">1(a)</th>" in html
    assert "PW (lead), RF" in html
    assert 'Dec 2004 <span class="govuk-body-s">(originally <del>Aug 2004</del>)</span>' in html
    assert "At risk</strong>" in html and "Amber</strong>" in html
    assert "4 October 2004" in html and "Survey consulted with staff" in html
    assert "Old news" not in html


def test_in_plan_order_actions_sit_under_their_theme_and_project_headings(
    client, adopted, theme, project, viewer
):
    second = Project.objects.create(
        theme=theme, reference="2", title="Review the script", position=2
    )
    make_action(project, reference="1(a)", description="First action")
    make_action(second, reference="2(a)", description="Second action")
    client.force_login(viewer)
    html = client.get(browse_url(adopted)).content.decode()
    assert (
        html.count('<h3 class="govuk-heading-m govuk-!-margin-top-6">4. Telephone Access</h3>') == 1
    )
    first_heading = html.index('<h4 class="govuk-heading-s">1 Develop an electronic directory</h4>')
    second_heading = html.index('<h4 class="govuk-heading-s">2 Review the script</h4>')
    assert first_heading < html.index("First action") < second_heading < html.index("Second action")


def test_sorted_by_another_column_the_actions_form_one_table_with_full_references(
    client, adopted, project, viewer
):
    make_action(project, reference="1(a)", target="Mar 2005")
    make_action(project, reference="1(b)", target="Dec 2004")
    client.force_login(viewer)
    html = client.get(browse_url(adopted, "?sort=target")).content.decode()
    assert "<h4" not in html
    assert html.count("<table") == 1
    assert "Sorted by target date (soonest first)" in html
    assert html.index(">4 / 1 / 1(b)</th>") < html.index(">4 / 1 / 1(a)</th>")


def test_sorting_by_target_lists_undated_actions_last(client, adopted, project, viewer):
    tbc = make_action(project, reference="a", target="TBC")
    later = make_action(project, reference="b", target="Mar 2005")
    sooner = make_action(project, reference="c", target="Dec 2004")
    client.force_login(viewer)
    assert page_ids(client.get(browse_url(adopted, "?sort=target"))) == [
        sooner.pk,
        later.pk,
        tbc.pk,
    ]
    assert page_ids(client.get(browse_url(adopted, "?sort=-target"))) == [
        later.pk,
        sooner.pk,
        tbc.pk,
    ]


# Filters on the page --------------------------------------------------------------------


def test_the_page_says_how_many_match_and_lists_only_those(client, adopted, project, viewer):
    red = make_action(project, rag=Rag.RED)
    make_action(project, rag=Rag.GREEN)
    client.force_login(viewer)
    response = client.get(browse_url(adopted, "?rag=red"))
    html = response.content.decode()
    assert page_ids(response) == [red.pk]
    assert "1 action matches" in html
    assert "Download this action as a spreadsheet (CSV, 1 row)" in html
    assert f'href="{csv_url(adopted)}?rag=red"' in html


def test_the_owner_filter_on_the_page_includes_the_persons_groups(
    client, adopted, project, people, viewer
):
    GroupMembership.objects.create(group=people["PAG"], person=people["RF"])
    own = make_action(project)
    via_group = make_action(project)
    other = make_action(project)
    action_set_owners(action=own, owners=[people["RF"]], user=None, reason="t")
    action_set_owners(action=via_group, owners=[people["PAG"]], user=None, reason="t")
    action_set_owners(action=other, owners=[people["PW"]], user=None, reason="t")
    client.force_login(viewer)
    response = client.get(browse_url(adopted, f"?owner={people['RF'].pk}"))
    assert page_ids(response) == [own.pk, via_group.pk]
    assert "2 actions match" in response.content.decode()


def test_active_filters_are_shown_with_links_that_remove_each_one(client, adopted, project, viewer):
    make_action(project, status=Status.AT_RISK)
    client.force_login(viewer)
    html = client.get(
        browse_url(adopted, "?status=at_risk&status=off_track&overdue=1&sort=rag")
    ).content.decode()
    assert '<strong class="govuk-tag govuk-tag--grey">Status: At risk</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--grey">Status: Off track</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--grey">Overdue</strong>' in html
    # Removing "At risk" keeps the other status, the overdue filter and the sort.
    assert 'href="?status=off_track&amp;overdue=1&amp;sort=rag">Remove' in html
    assert 'href="?status=at_risk&amp;status=off_track&amp;sort=rag">Remove' in html
    assert f'href="{browse_url(adopted)}">Clear filters</a>' in html


def test_the_filter_form_keeps_what_was_chosen(client, adopted, project, viewer):
    client.force_login(viewer)
    html = client.get(
        browse_url(adopted, "?status=on_track&q=kiosk&due_from=01/04/2005")
    ).content.decode()
    assert re.search(r'value="on_track" checked', html)
    assert 'name="q" value="kiosk"' in html
    assert 'name="due_from" value="01/04/2005"' in html


def test_a_bad_due_from_date_shows_an_error_and_no_actions(client, adopted, project, viewer):
    make_action(project)
    client.force_login(viewer)
    response = client.get(browse_url(adopted, "?due_from=31/13/2005&status=on_track"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert (
        '<a href="#id_due_from">Enter the &#x27;due from&#x27; date as day/month/year, '
        "for example 1/4/2012</a>" in html
    )
    assert "<title>Error: Actions" in html
    assert 'value="31/13/2005"' in html
    assert page_ids(response) == []
    assert "No actions shown" in html


def test_a_bad_filter_value_gives_no_csv(client, adopted, project, viewer):
    make_action(project)
    client.force_login(viewer)
    response = client.get(csv_url(adopted, "?due_from=someday"))
    assert response.status_code == 400
    assert "due from" in response.content.decode()


# Pagination -----------------------------------------------------------------------------


def test_pages_hold_50_actions_and_their_links_keep_the_filters(client, adopted, project, viewer):
    for n in range(120):
        make_action(project, reference=f"r{n}", position=n, status=Status.ON_TRACK)
    make_action(project, reference="other", position=200, status=Status.AT_RISK)
    client.force_login(viewer)
    first = client.get(browse_url(adopted, "?status=on_track&sort=reference"))
    html = first.content.decode()
    assert len(page_ids(first)) == 50
    assert "120 actions match" in html
    assert "Showing actions 1 to 50 of 120." in html
    assert 'href="?status=on_track&amp;sort=reference&amp;page=2" rel="next"' in html
    assert 'href="?status=on_track&amp;sort=reference&amp;page=3" aria-label="Page 3"' in html
    last = client.get(browse_url(adopted, "?status=on_track&sort=reference&page=3"))
    assert len(page_ids(last)) == 20
    assert (
        'href="?status=on_track&amp;sort=reference&amp;page=2" rel="prev"' in last.content.decode()
    )
    assert "Download these 120 actions as a spreadsheet (CSV, 120 rows)" in html


# CSV ------------------------------------------------------------------------------------


def test_the_csv_holds_exactly_the_rows_of_every_page_for_the_same_query(
    client, adopted, project, viewer, people
):
    GroupMembership.objects.create(group=people["PAG"], person=people["RF"])
    for n in range(160):
        action = make_action(
            project,
            reference=f"r{n}",
            position=n,
            target=["Dec 2004", "TBC", "Mar 2005", "Ongoing"][n % 4],
            rag=[Rag.RED, Rag.AMBER, Rag.NOT_ASSESSED][n % 3],
        )
        owner = [people["RF"], people["PAG"], people["PW"]][n % 3]
        action_set_owners(action=action, owners=[owner], user=None, reason="t")
    query = f"?owner={people['RF'].pk}&rag=red&rag=none&sort=-target"
    client.force_login(viewer)
    on_screen, page = [], 1
    while True:
        response = client.get(browse_url(adopted, f"{query}&page={page}"))
        on_screen += page_ids(response)
        if 'rel="next"' not in response.content.decode():
            break
        page += 1
    assert page == 2
    response = client.get(csv_url(adopted, query))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="test-plan-actions-' in response["Content-Disposition"]
    in_csv = [int(row["Action id"]) for row in csv_rows(response)]
    assert in_csv == on_screen


def test_the_csv_neutralises_a_formula_in_a_description(client, adopted, project, viewer):
    make_action(project, description='=HYPERLINK("http://evil.example","Click me")')
    client.force_login(viewer)
    rows = csv_rows(client.get(csv_url(adopted)))
    assert rows[0]["Action"] == '\'=HYPERLINK("http://evil.example","Click me")'


# Query counts ---------------------------------------------------------------------------

# Page: session, user, the user's role groups, the plan, the theme and owner and unit choices
# (rendered in the form), the count of matching actions, the page of actions (joined to theme,
# plan, project and unit, with the latest update as subqueries), their owners.
PAGE_QUERIES = 10
# CSV: session, user, role groups, plan, the actions, their owners.
CSV_QUERIES = 6


@pytest.mark.parametrize("actions_per_project", [1, 8])
def test_the_page_costs_the_same_queries_whatever_the_plans_size(
    client, viewer, django_assert_num_queries, actions_per_project
):
    plan = build_plan(
        organisation=home_council(),
        slug=f"size-{actions_per_project}",
        actions_per_project=actions_per_project,
    )
    client.force_login(viewer)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(browse_url(plan, "?status=on_track&status=at_risk&q=Synthetic"))
    assert len(page_ids(response)) > 0


@pytest.mark.parametrize("actions_per_project", [1, 8])
def test_a_plan_sorted_flat_costs_the_same_queries_whatever_its_size(
    client, viewer, django_assert_num_queries, actions_per_project
):
    plan = build_plan(
        organisation=home_council(),
        slug=f"flat-{actions_per_project}",
        actions_per_project=actions_per_project,
    )
    client.force_login(viewer)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(browse_url(plan, "?sort=-latest_update"))
    assert len(page_ids(response)) == 6 * actions_per_project


@pytest.mark.parametrize("actions_per_project", [1, 8])
def test_the_csv_costs_the_same_queries_whatever_the_plans_size(
    client, viewer, django_assert_num_queries, actions_per_project
):
    plan = build_plan(
        organisation=home_council(),
        slug=f"csv-{actions_per_project}",
        actions_per_project=actions_per_project,
    )
    client.force_login(viewer)
    with django_assert_num_queries(CSV_QUERIES):
        response = client.get(csv_url(plan))
    assert len(csv_rows(response)) == 6 * actions_per_project
