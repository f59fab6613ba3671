"""The plan dashboard: who sees it, the council's sentence, the lists and the query budget."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html

from actionplan.models import PlanStatus, ProgressUpdate, Status, Theme
from actionplan.services import (
    action_record_progress,
    action_revise_target,
    delete_with_history,
    save_with_history,
)
from actionplan.synthetic import build_plan
from tests.conftest import home_council, make_action, make_open_round


def url(plan) -> str:
    return reverse("plan_dashboard", args=[plan.slug])


def adopt(plan):
    plan.status = PlanStatus.ADOPTED
    plan.save()
    return plan


def page(client, user, plan):
    client.force_login(user)
    response = client.get(url(plan))
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


def text(element) -> str:
    return " ".join(element.text_content().split())


def visible_text(element) -> str:
    """The text a sighted reader sees: without the visually hidden parts for screen readers."""
    element = html.fromstring(html.tostring(element))
    for hidden in element.find_class("govuk-visually-hidden"):
        hidden.drop_tree()
    return text(element)


def section(tree, anchor: str) -> str:
    """The text from a section's heading up to the next h2."""
    heading = tree.get_element_by_id(anchor)
    parts = [text(heading)]
    for sibling in heading.itersiblings():
        if sibling.tag == "h2":
            break
        parts.append(text(sibling))
    return " ".join(parts)


def table_rows(tree, table_id: str) -> dict[str, list[str]]:
    """Row header → the row's cells, for a table on the page."""
    rows = tree.get_element_by_id(table_id).xpath(".//tbody/tr")
    return {
        visible_text(row.xpath("./th")[0]): [text(td) for td in row.xpath("./td")] for row in rows
    }


# Who may see it ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, plan):
    adopt(plan)
    response = client.get(url(plan))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_signed_in_user_with_no_role_gets_not_found(client, plan, outsider):
    adopt(plan)
    client.force_login(outsider)
    assert client.get(url(plan)).status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "action_owner", "steering_member", "plan_admin"])
def test_every_role_sees_an_adopted_plans_dashboard(client, plan, persona, request):
    plan.version_label = "V.4"
    plan.adopted_on = date(2010, 9, 1)
    adopt(plan)
    tree = page(client, request.getfixturevalue(persona), plan)
    assert text(tree.xpath("//h1")[0]) == "Customer Service Action Plan V.4"
    assert "Test Council" in text(tree.xpath("//dl")[0])
    assert "1 September 2010" in text(tree.xpath("//dl")[0])


@pytest.mark.parametrize("persona", ["viewer", "action_owner"])
def test_a_draft_plan_is_not_found_for_viewers_and_owners(client, draft_plan, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(draft_plan)).status_code == 404


@pytest.mark.parametrize("persona", ["steering_member", "plan_admin"])
def test_steering_members_see_a_draft_plan(client, draft_plan, persona, request):
    tree = page(client, request.getfixturevalue(persona), draft_plan)
    assert "Draft" in text(tree.xpath("//dl")[0])


def test_an_unknown_plan_is_not_found(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("plan_dashboard", args=["no-such-plan"])).status_code == 404


# What it says -----------------------------------------------------------------------------


@pytest.fixture
def eight_actions(project):
    """3 on track, 2 at risk, 1 completed, 1 suspended, 1 deleted."""
    done = date(2004, 11, 5)
    for status in [Status.ON_TRACK] * 3 + [Status.AT_RISK] * 2:
        make_action(project, status=status, target="Ongoing")
    make_action(project, status=Status.COMPLETED, completed_on=done)
    make_action(project, status=Status.SUSPENDED)
    make_action(project, status=Status.DELETED)
    return project


def test_the_plan_sentence_gives_counts_and_percentages_as_councils_report_them(
    client, plan, steering_member, eight_actions
):
    tree = page(client, steering_member, plan)
    assert text(tree.get_element_by_id("plan-sentence")) == (
        "Of 8 actions, 3 (38%) on track, 2 (25%) at risk, 1 (13%) completed, "
        "1 (13%) suspended or deferred, 1 (13%) deleted as no longer appropriate."
    )
    by_status = table_rows(tree, "table-status")
    assert by_status["On track"] == ["3", "38%"]
    assert by_status["Not started"] == ["0", "0%"]
    assert by_status["All actions"] == ["8", "100%"]


def test_each_theme_has_its_own_counts_from_the_same_page(client, plan, steering_member, project):
    make_action(project, status=Status.ON_TRACK)
    make_action(project, status=Status.COMPLETED, completed_on=date(2004, 12, 1))
    other = Theme.objects.create(plan=plan, reference="5", title="Face to face", position=5)
    make_action(
        Theme.objects.get(pk=other.pk).projects.create(reference="1", title="Reception"),
        status=Status.AT_RISK,
        rag="red",
    )
    Theme.objects.create(plan=plan, reference="6", title="Nothing yet", position=6)
    tree = page(client, steering_member, plan)
    by_theme = table_rows(tree, "table-status-by-theme")
    # Columns: actions, then the statuses that occur: on track, at risk, completed.
    assert by_theme["4. Telephone Access"] == ["2", "1 (50%)", "0 (0%)", "1 (50%)"]
    assert by_theme["5. Face to face"] == ["1", "0 (0%)", "1 (100%)", "0 (0%)"]
    assert by_theme["6. Nothing yet"] == ["0", "0 (0%)", "0 (0%)", "0 (0%)"]
    assert by_theme["Whole plan"] == ["3", "1 (33%)", "1 (33%)", "1 (33%)"]
    by_rag = table_rows(tree, "table-rag-by-theme")
    # Columns: actions, red, amber, green, not assessed, overdue, awaiting update.
    assert by_rag["5. Face to face"] == ["1", "1 (100%)", "0 (0%)", "0 (0%)", "0 (0%)"] + [
        "1 (100%)",
        "1 (100%)",
    ]


def test_charts_have_a_text_equivalent_and_point_to_their_tables(
    client, plan, steering_member, eight_actions
):
    tree = page(client, steering_member, plan)
    status_chart = tree.xpath("//svg[@aria-labelledby='chart-status-title chart-status-desc']")[0]
    assert status_chart.get("role") == "img"
    assert status_chart.get("aria-describedby") == "table-status-by-theme"
    assert text(status_chart.xpath("./desc")[0]).startswith(
        "Whole plan, 8 actions: 3 on track (38%), 2 at risk (25%), 1 completed (13%)"
    )
    rag_chart = tree.xpath("//svg[@aria-describedby='table-rag']")[0]
    assert text(rag_chart.xpath("./desc")[0]) == "Whole plan, 8 actions: 8 not assessed (100%)."
    assert "The tables below give these figures." in text(tree.xpath("//figure")[0])


def test_an_overdue_action_is_listed_and_a_finished_one_is_not(
    client, plan, steering_member, project
):
    make_action(project, description="Publish the telephone directory", target="Dec 2004")
    make_action(
        project,
        description="Train the switchboard",
        target="Nov 2004",
        status=Status.COMPLETED,
        completed_on=date(2004, 11, 30),
    )
    make_action(project, description="Review the call scripts", target="Ongoing")
    tree = page(client, steering_member, plan)
    overdue = section(tree, "overdue")
    assert "Overdue actions (1)" in overdue
    assert "Publish the telephone directory" in overdue
    assert "Dec 2004 31 December 2004" in overdue  # as written, then its latest day
    assert "Train the switchboard" not in overdue
    assert "Review the call scripts" not in overdue


def test_an_action_due_within_thirty_days_is_listed_as_due_soon(
    client, plan, steering_member, project
):
    soon = timezone.localdate() + timedelta(days=10)
    make_action(project, description="Launch the new number", target=soon.strftime("%d/%m/%Y"))
    make_action(project, description="Much later", target="Dec 2199")
    due = section(tree := page(client, steering_member, plan), "due-soon")
    assert "Launch the new number" in due and "Much later" not in due
    assert "Launch the new number" not in section(tree, "overdue")


def test_a_slipped_target_shows_the_original_beside_the_revised_one(
    client, plan, steering_member, project
):
    action = make_action(project, description="Publish the telephone directory")
    action_revise_target(
        action=action, new_target="Mar 2005", reason="Supplier delay", user=steering_member
    )
    slipped = section(page(client, steering_member, plan), "slipped")
    assert "Publish the telephone directory" in slipped
    assert "Dec 2004 → Mar 2005" in slipped


def test_actions_with_no_recent_update_are_awaiting_one(client, plan, steering_member, project):
    quiet = make_action(project, description="Nobody has reported")
    fresh = make_action(project, description="Reported last week")
    ProgressUpdate.objects.create(
        action=fresh, reported_on=timezone.localdate() - timedelta(days=7), narrative="On it"
    )
    ProgressUpdate.objects.create(action=quiet, reported_on=date(2004, 1, 1), narrative="Old")
    awaiting = section(page(client, steering_member, plan), "awaiting")
    assert "Nobody has reported" in awaiting and "1 January 2004" in awaiting
    assert "Reported last week" not in awaiting


def test_the_plans_own_awaiting_update_period_decides_what_is_awaiting(
    client, plan, steering_member, project
):
    plan.awaiting_update_days = 5
    plan.save()
    action = make_action(project, description="Reported last week")
    ProgressUpdate.objects.create(
        action=action, reported_on=timezone.localdate() - timedelta(days=7), narrative="On it"
    )
    assert "Reported last week" in section(page(client, steering_member, plan), "awaiting")


def test_with_an_open_round_the_dashboard_and_browser_count_updates_since_it_opened(
    client, plan, steering_member, project
):
    opened_at = timezone.now() - timedelta(days=3)
    opened_on = timezone.localdate(opened_at)
    make_open_round(plan, opened_at=opened_at)
    # Reported well within the plan's awaiting period, but before the round opened.
    before = make_action(project, description="Reported before the round")
    ProgressUpdate.objects.create(
        action=before, reported_on=opened_on - timedelta(days=2), narrative="Earlier"
    )
    since = make_action(project, description="Reported in the round")
    ProgressUpdate.objects.create(action=since, reported_on=opened_on, narrative="For the round")
    never = make_action(project, description="Never reported")

    awaiting = section(page(client, steering_member, plan), "awaiting")
    browsed = client.get(reverse("plan_browse", args=[plan.slug]) + "?awaiting=1")
    listed = {int(pk) for pk in re.findall(r'href="/actions/(\d+)/"', browsed.content.decode())}

    assert "Awaiting update (2)" in awaiting
    assert f"no progress update since {opened_on:%-d %B %Y}" in awaiting
    assert "Reported before the round" in awaiting and "Never reported" in awaiting
    assert "Reported in the round" not in awaiting
    assert listed == {before.pk, never.pk}


def test_recent_changes_say_who_changed_what_and_show_progress_updates(
    client, plan, steering_member, project
):
    steering_member.first_name, steering_member.last_name = "Sam", "Steering"
    steering_member.save()
    action = make_action(project, description="Publish the telephone directory")
    action.status = Status.AT_RISK
    save_with_history(action, user=steering_member, reason="Reviewed at the March meeting")
    ProgressUpdate.objects.create(
        action=action, reported_on=date(2005, 3, 1), narrative="Printer booked", author_name="RF"
    )
    recent = section(page(client, steering_member, plan), "recent")
    assert "Sam Steering" in recent
    assert "Changed status (Not started → At risk): Reviewed at the March meeting" in recent
    assert "Progress update of 01/03/2005: Printer booked" in recent
    assert recent.index("Printer booked") < recent.index("Reviewed at the March meeting")


def test_a_deleted_action_stays_in_recent_changes_without_a_link(
    client, plan, steering_member, project
):
    action = make_action(project, description="Set up a kiosk")
    delete_with_history(action, user=steering_member, reason="Duplicate of 1(a)")
    tree = page(client, steering_member, plan)
    assert "Deleted: Duplicate of 1(a)" in section(tree, "recent")
    assert not [a for a in tree.xpath("//main//a") if "Set up a kiosk" in text(a)]


def test_lists_are_capped_and_say_how_many_there_are(client, plan, steering_member, project):
    for _ in range(12):
        make_action(project, target="Dec 2004")
    tree = page(client, steering_member, plan)
    overdue = section(tree, "overdue")
    assert "Overdue actions (12)" in overdue
    assert "Showing the first 10 of 12 overdue actions." in overdue
    table = tree.get_element_by_id("overdue").getnext()
    assert len(table.xpath(".//tbody/tr")) == 10
    # The awaiting list takes its total from the plan's summary rather than counting again.
    awaiting = section(tree, "awaiting")
    assert "Awaiting update (12)" in awaiting
    assert "Showing the first 10 of 12" in awaiting


def test_a_plan_with_no_actions_says_so(client, plan, steering_member):
    tree = page(client, steering_member, plan)
    assert text(tree.get_element_by_id("plan-sentence")) == "There are no actions in this plan."
    assert "No actions are overdue." in section(tree, "overdue")


# Queries ----------------------------------------------------------------------------------

# 1 session, 2 user, 3 the user's grants, 4 the plan, 5 the plan's change stamp;
# 6 counts grouped by theme, added up for the whole plan (ActionQuerySet.summary_and_by: one
# pass over the actions, where the plan's summary used to take a second), 7 the themes;
# 8 overdue, 9 due soon, 10 slipped, 11 awaiting update (each: its first rows; due soon also
# counts all its rows in a window, the others take their totals from the summary);
# 12 latest action history rows, 13 their previous versions, 14 latest progress updates;
# 15 the latest CSE assessment with its rating counts; consultation panel: 16 findings with
# no responding action, 17 all findings counted (so "each finding is answered" is never said
# of none), 18 scrutiny report-backs due; standards panel: 19 the standards, 20 their figures.
DASHBOARD_QUERIES = 20
# From the cache: 1 session, 2 user, 3 the user's grants, 4 the plan, 5 its change stamp.
CACHED_DASHBOARD_QUERIES = 5


@pytest.mark.parametrize("actions_per_project", [1, 8])
def test_the_dashboard_takes_the_same_queries_for_a_small_and_a_large_plan(
    client, steering_member, django_assert_num_queries, actions_per_project
):
    plan = build_plan(
        organisation=home_council(),
        slug=f"plan-{actions_per_project}",
        actions_per_project=actions_per_project,
    )
    client.force_login(steering_member)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url(plan))
    assert f"Of {6 * actions_per_project} actions" in response.content.decode()


def test_a_second_look_at_the_dashboard_comes_from_the_cache_in_five_queries(
    client, plan, steering_member, project, django_assert_num_queries
):
    action = make_action(project, target="Dec 2004")
    action_revise_target(action=action, new_target="Mar 2005", reason="Delay", user=None)
    client.force_login(steering_member)
    first = client.get(url(plan)).content.decode()
    with django_assert_num_queries(CACHED_DASHBOARD_QUERIES):
        second = client.get(url(plan)).content.decode()
    main = re.compile(r"<main.*</main>", re.S)
    assert main.search(second).group() == main.search(first).group()
    assert "Of 1 action" in second


def test_a_progress_update_shows_on_a_cached_dashboard_at_once(
    client, plan, steering_member, project
):
    action = make_action(project, target="Dec 2004")
    action_revise_target(action=action, new_target="Mar 2005", reason="Delay", user=None)
    before = page(client, steering_member, plan)
    assert "Telephone lines recabled" not in section(before, "recent")
    action_record_progress(
        action=action,
        reported_on=timezone.localdate(),
        narrative="Telephone lines recabled",
        status=Status.COMPLETED,
        user=steering_member,
    )
    after = page(client, steering_member, plan)
    assert "Telephone lines recabled" in section(after, "recent")
    assert table_rows(after, "table-status")["Completed"][0] == "1"


# Links ------------------------------------------------------------------------------------


def test_each_list_links_to_the_plan_browser_filtered_the_same_way(
    client, plan, steering_member, project
):
    action = make_action(project, target="Dec 2004")
    action_revise_target(action=action, new_target="Mar 2005", reason="Delay", user=None)
    tree = page(client, steering_member, plan)
    browse = reverse("plan_browse", args=[plan.slug])
    open_statuses = "status=not_started&status=on_track&status=at_risk&status=off_track"
    links = {visible_text(a): a.get("href") for a in tree.xpath("//main//a")}
    assert links["See all 1 overdue actions in the plan browser"] == f"{browse}?overdue=1"
    assert links["See all 1 slipped actions in the plan browser"] == (
        f"{browse}?slipped=1&{open_statuses}"
    )
    assert links["See all 1 actions awaiting update in the plan browser"] == (
        f"{browse}?awaiting=1"
    )
    assert links["Not started"] == f"{browse}?status=not_started"
    assert links["Not assessed"] == f"{browse}?rag=none"
    assert links["4. Telephone Access"] == f"{browse}?theme={project.theme_id}"
    assert links[action.description] == reverse("action_detail", args=[action.pk])


def test_steering_members_get_links_to_the_structure_and_update_rounds(
    client, plan, steering_member
):
    links = [a.get("href") for a in page(client, steering_member, plan).xpath("//main//a")]
    assert reverse("plan_structure", args=[plan.slug]) in links
    assert reverse("round_list", args=[plan.slug]) in links


def test_viewers_get_no_links_to_pages_for_changing_the_plan(client, plan, viewer):
    adopt(plan)
    links = [a.get("href") for a in page(client, viewer, plan).xpath("//main//a")]
    assert reverse("plan_structure", args=[plan.slug]) not in links
    assert reverse("round_list", args=[plan.slug]) not in links
