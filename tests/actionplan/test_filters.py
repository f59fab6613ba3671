"""The browser's filters and sorts: which actions each query string selects, and in what order."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from actionplan.filters import browse_filterset, browse_queryset
from actionplan.models import (
    GroupMembership,
    Plan,
    ProgressUpdate,
    Project,
    Rag,
    Status,
    Theme,
    Unit,
)
from actionplan.services import action_revise_target, action_set_owners
from tests.conftest import home_council, make_action

TODAY = date(2005, 1, 15)


def query(**params) -> QueryDict:
    return QueryDict(urlencode(params, doseq=True))


def refs(plan: Plan, *, today: date = TODAY, **params) -> list[str]:
    """The references the query string selects, in the order it sorts them."""
    return [a.reference for a in browse_queryset(plan, query(**params), today=today)]


def errors(plan: Plan, **params) -> dict[str, list[str]]:
    filterset = browse_filterset(plan, query(**params), today=TODAY)
    return {name: list(errs) for name, errs in filterset.form.errors.items()}


def test_no_filters_lists_every_action_of_the_plan_in_plan_order(plan, theme, project):
    later_theme = Theme.objects.create(plan=plan, reference="5", title="Web", position=5)
    later_project = Project.objects.create(theme=later_theme, reference="1", title="Site")
    make_action(later_project, reference="5a")
    make_action(project, reference="b", position=2)
    make_action(project, reference="a", position=1)
    other = Plan.objects.create(slug="other", title="Other", organisation=home_council())
    other_theme = Theme.objects.create(plan=other, reference="1", title="Elsewhere")
    make_action(Project.objects.create(theme=other_theme, title="P"), reference="not-mine")
    assert refs(plan) == ["a", "b", "5a"]


def test_theme_filter_keeps_only_that_themes_actions(plan, theme, project):
    web = Theme.objects.create(plan=plan, reference="5", title="Web", position=5)
    make_action(Project.objects.create(theme=web, title="Site"), reference="web")
    make_action(project, reference="phone")
    assert refs(plan, theme=web.pk) == ["web"]


def test_theme_of_another_plan_is_an_error_not_an_empty_list(plan, project):
    make_action(project, reference="mine")
    other = Plan.objects.create(slug="other", title="Other", organisation=home_council())
    foreign = Theme.objects.create(plan=other, reference="1", title="Elsewhere")
    assert errors(plan, theme=foreign.pk) == {
        "theme": ["Choose a theme of this plan from the list."]
    }
    assert refs(plan, theme=foreign.pk) == []


def test_owner_filter_keeps_a_persons_own_actions(project, people):
    mine = make_action(project, reference="mine")
    theirs = make_action(project, reference="theirs")
    action_set_owners(action=mine, owners=[people["RF"]], user=None, reason="test")
    action_set_owners(action=theirs, owners=[people["PW"]], user=None, reason="test")
    assert refs(project.theme.plan, owner=people["RF"].pk) == ["mine"]


def test_owner_filter_includes_the_actions_of_groups_the_person_belongs_to(project, people):
    GroupMembership.objects.create(group=people["PAG"], person=people["RF"])
    own = make_action(project, reference="own")
    group = make_action(project, reference="group")
    both = make_action(project, reference="both")
    other = make_action(project, reference="other")
    action_set_owners(action=own, owners=[people["RF"]], user=None, reason="test")
    action_set_owners(action=group, owners=[people["PAG"]], user=None, reason="test")
    action_set_owners(action=both, owners=[people["RF"], people["PAG"]], user=None, reason="t")
    action_set_owners(action=other, owners=[people["PW"]], user=None, reason="test")
    plan = project.theme.plan
    assert refs(plan, owner=people["RF"].pk) == ["own", "group", "both"]  # "both" listed once
    assert refs(plan, owner=people["PAG"].pk) == ["group", "both"]  # a group: its own only
    assert refs(plan, owner=people["PW"].pk) == ["other"]


def test_unit_choices_are_the_units_this_plans_actions_name_and_no_others(project):
    """Not another council's units, nor this council's units that only another plan uses."""
    from actionplan.models import Action, Organisation
    from actionplan.synthetic import build_plan

    tiny = {"themes": 1, "projects_per_theme": 1, "updates_per_action": 0, "owners": 1}
    council = home_council()
    used = Unit.objects.create(organisation=council, name="Environment and Economy")
    Unit.objects.create(organisation=council, name="Unused here")
    elsewhere = build_plan(slug="second-plan", organisation=council, **tiny)
    other_plans = Unit.objects.create(organisation=council, name="Used by the second plan")
    Action.objects.filter(plan=elsewhere).update(unit=other_plans)
    stranger = Organisation.objects.create(name="Another District Council", slug="another")
    theirs = Unit.objects.create(organisation=stranger, name="Environment and Economy")
    stranger_plan = build_plan(
        slug="their-plan", themes=1, projects_per_theme=1, organisation=stranger
    )
    Action.objects.filter(plan=stranger_plan).update(unit=theirs)
    make_action(project, reference="ee", unit=used)
    form = browse_filterset(project.theme.plan, QueryDict(), today=date(2005, 3, 1)).form
    assert [label for value, label in form.fields["unit"].choices if value] == [
        "Environment and Economy"
    ]
    assert [value for value, _ in form.fields["unit"].choices if value] == [used.pk]


def test_unit_filter_keeps_the_actions_of_that_directorate_or_service(project):
    ee = Unit.objects.create(
        organisation=home_council(), name="Environment and Economy", short_name="E&E"
    )
    lc = Unit.objects.create(
        organisation=home_council(), name="Leisure and Communities", short_name="L&C"
    )
    make_action(project, reference="ee", unit=ee)
    make_action(project, reference="lc", unit=lc)
    make_action(project, reference="none")
    assert refs(project.theme.plan, unit=ee.pk) == ["ee"]


def test_status_filter_takes_several_statuses(project):
    make_action(project, reference="risk", status=Status.AT_RISK)
    make_action(project, reference="off", status=Status.OFF_TRACK)
    make_action(project, reference="on", status=Status.ON_TRACK)
    plan = project.theme.plan
    assert refs(plan, status=["at_risk", "off_track"]) == ["risk", "off"]
    assert refs(plan, status="on_track") == ["on"]


def test_rag_filter_takes_several_ratings_including_not_assessed(project):
    make_action(project, reference="red", rag=Rag.RED)
    make_action(project, reference="amber", rag=Rag.AMBER)
    make_action(project, reference="green", rag=Rag.GREEN)
    make_action(project, reference="unrated")
    plan = project.theme.plan
    assert refs(plan, rag=["red", "amber"]) == ["red", "amber"]
    assert refs(plan, rag="none") == ["unrated"]
    assert refs(plan, rag="") == ["unrated"]  # the model's own value for "not assessed"
    assert refs(plan, rag=["green", "none"]) == ["green", "unrated"]


def test_overdue_keeps_open_actions_whose_target_has_passed(project):
    make_action(project, reference="late", target="Dec 2004")
    make_action(project, reference="due", target="Jan 2005")
    make_action(project, reference="ongoing", target="Ongoing")
    make_action(
        project,
        reference="done",
        target="Nov 2004",
        status=Status.COMPLETED,
        completed_on=date(2004, 11, 30),
    )
    plan = project.theme.plan
    assert refs(plan, overdue="1") == ["late"]
    assert refs(plan, overdue="on") == ["late"]  # what a ticked checkbox sends
    assert refs(plan, overdue="0") == ["late", "due", "ongoing", "done"]


@pytest.mark.parametrize(
    ("due_from", "due_to"),
    [("01/01/2005", "31/03/2005"), ("2005-01-01", "2005-03-31"), ("1/1/05", "31 March 2005")],
)
def test_due_dates_select_targets_whose_latest_day_is_in_the_range(project, due_from, due_to):
    make_action(project, reference="dec", target="Dec 2004")
    make_action(project, reference="jan", target="Jan 2005")
    make_action(project, reference="q1", target="Jan – Mar 2005")
    make_action(project, reference="apr", target="Apr 2005")
    make_action(project, reference="tbc", target="TBC")
    plan = project.theme.plan
    assert refs(plan, due_from=due_from, due_to=due_to) == ["jan", "q1"]
    assert refs(plan, due_from=due_from) == ["jan", "q1", "apr"]
    assert refs(plan, due_to=due_to) == ["dec", "jan", "q1"]


def test_a_date_that_cannot_be_read_is_an_error_and_selects_nothing(project):
    make_action(project, reference="a")
    plan = project.theme.plan
    assert errors(plan, due_from="31/02/2005") == {
        "due_from": ["Enter the 'due from' date as day/month/year, for example 1/4/2012"]
    }
    assert refs(plan, due_from="31/02/2005") == []


def test_due_by_before_due_from_is_an_error(project):
    make_action(project, reference="a")
    assert errors(project.theme.plan, due_from="01/04/2005", due_to="01/03/2005") == {
        "due_to": ["The 'due by' date must be the same as or after 'due from'."]
    }


def test_slipped_keeps_actions_whose_target_was_revised(project, plan_admin):
    moved = make_action(project, reference="moved", target="Aug 2004")
    make_action(project, reference="steady")
    action_revise_target(action=moved, new_target="Dec 2004", reason="Delay", user=plan_admin)
    assert refs(project.theme.plan, slipped="1") == ["moved"]


def test_awaiting_keeps_open_actions_without_an_update_for_the_plans_period(project):
    plan = project.theme.plan
    plan.awaiting_update_days = 30
    plan.save()
    quiet = make_action(project, reference="quiet")
    recent = make_action(project, reference="recent")
    make_action(project, reference="never")
    make_action(project, reference="done", status=Status.COMPLETED, completed_on=date(2004, 12, 1))
    ProgressUpdate.objects.create(action=quiet, reported_on=date(2004, 12, 1), narrative="Old")
    ProgressUpdate.objects.create(action=recent, reported_on=date(2005, 1, 2), narrative="New")
    assert refs(plan, awaiting="1") == ["quiet", "never"]


def test_awaiting_uses_the_site_default_when_the_plan_sets_no_period(project, settings):
    settings.ACTIONPLAN_AWAITING_UPDATE_DAYS = 10
    action = make_action(project, reference="a")
    ProgressUpdate.objects.create(
        action=action, reported_on=TODAY - timedelta(days=11), narrative="x"
    )
    assert refs(project.theme.plan, awaiting="1") == ["a"]
    settings.ACTIONPLAN_AWAITING_UPDATE_DAYS = 12
    assert refs(project.theme.plan, awaiting="1") == []


def test_awaiting_can_count_from_a_given_day_such_as_a_rounds_start(project):
    action = make_action(project, reference="a")
    ProgressUpdate.objects.create(action=action, reported_on=date(2005, 1, 5), narrative="x")
    plan = project.theme.plan
    since_round = browse_queryset(
        plan, query(awaiting="1"), today=TODAY, awaiting_since=date(2005, 1, 10)
    )
    assert [a.reference for a in since_round] == ["a"]
    before_round = browse_queryset(
        plan, query(awaiting="1"), today=TODAY, awaiting_since=date(2005, 1, 1)
    )
    assert list(before_round) == []


def test_unscheduled_keeps_open_actions_with_no_date(project):
    make_action(project, reference="tbc", target="TBC")
    make_action(project, reference="dated")
    assert refs(project.theme.plan, unscheduled="1") == ["tbc"]


def test_search_looks_in_reference_description_owners_notes_and_latest_update(project):
    make_action(project, reference="KIOSK-1", description="Something")
    make_action(project, reference="b", description="Install a Kiosk in Witney")
    make_action(project, reference="c", owners_as_written="RF / Kiosk team")
    make_action(project, reference="d", notes="Kiosk supplier chosen")
    updated = make_action(project, reference="e")
    ProgressUpdate.objects.create(
        action=updated, reported_on=date(2004, 12, 1), narrative="Kiosk installed"
    )
    make_action(project, reference="f", description="Telephone script")
    assert refs(project.theme.plan, q="kiosk") == ["KIOSK-1", "b", "c", "d", "e"]


def test_search_reads_only_the_latest_update_and_needs_every_word(project):
    action = make_action(project, reference="a", description="Witney pilot")
    ProgressUpdate.objects.create(action=action, reported_on=date(2004, 9, 1), narrative="Survey")
    ProgressUpdate.objects.create(action=action, reported_on=date(2004, 10, 1), narrative="Done")
    plan = project.theme.plan
    assert refs(plan, q="survey") == []
    assert refs(plan, q="WITNEY done") == ["a"]
    assert refs(plan, q="witney survey") == []


def test_filters_combine(project, people):
    hit = make_action(project, reference="hit", status=Status.AT_RISK, rag=Rag.RED)
    wrong_owner = make_action(project, reference="wrong owner", status=Status.AT_RISK, rag=Rag.RED)
    wrong_rag = make_action(project, reference="wrong rag", status=Status.AT_RISK, rag=Rag.GREEN)
    for action, owner in ((hit, "RF"), (wrong_owner, "PW"), (wrong_rag, "RF")):
        action_set_owners(action=action, owners=[people[owner]], user=None, reason="test")
    plan = project.theme.plan
    assert refs(plan, owner=people["RF"].pk, status="at_risk", rag="red", overdue="1") == ["hit"]


def test_sorting_by_target_puts_undated_actions_last_either_way(project):
    for ref, target in (
        ("tbc", "TBC"),
        ("mar", "Mar 2005"),
        ("ongoing", "Ongoing"),
        ("dec", "Dec 2004"),
        ("from", "From Aug 2004"),
    ):
        make_action(project, reference=ref, target=target)
    plan = project.theme.plan
    # With no deadline: a start date first, then the rest in plan order.
    assert refs(plan, sort="target") == ["dec", "mar", "from", "tbc", "ongoing"]
    assert refs(plan, sort="-target") == ["mar", "dec", "from", "tbc", "ongoing"]


def test_sorting_by_reference_puts_2_before_10(plan, theme):
    for reference in ("10", "2", "1"):
        project = Project.objects.create(theme=theme, reference=reference, title=reference)
        make_action(project, reference="a")
    assert [
        a.project.reference for a in browse_queryset(plan, query(sort="reference"), today=TODAY)
    ] == ["1", "2", "10"]
    assert [
        a.project.reference for a in browse_queryset(plan, query(sort="-reference"), today=TODAY)
    ] == ["10", "2", "1"]


def test_sorting_by_status_follows_the_order_of_the_statuses(project):
    make_action(project, reference="off", status=Status.OFF_TRACK)
    make_action(project, reference="new")
    make_action(project, reference="on", status=Status.ON_TRACK)
    assert refs(project.theme.plan, sort="status") == ["new", "on", "off"]
    assert refs(project.theme.plan, sort="-status") == ["off", "on", "new"]


def test_sorting_by_rag_puts_red_first_and_not_assessed_last(project):
    make_action(project, reference="unrated")
    make_action(project, reference="green", rag=Rag.GREEN)
    make_action(project, reference="red", rag=Rag.RED)
    make_action(project, reference="amber", rag=Rag.AMBER)
    assert refs(project.theme.plan, sort="rag") == ["red", "amber", "green", "unrated"]
    assert refs(project.theme.plan, sort="-rag") == ["green", "amber", "red", "unrated"]


def test_sorting_by_latest_update_counts_never_updated_as_oldest(project):
    never = make_action(project, reference="never")
    old = make_action(project, reference="old")
    new = make_action(project, reference="new")
    ProgressUpdate.objects.create(action=old, reported_on=date(2004, 9, 1), narrative="x")
    ProgressUpdate.objects.create(action=new, reported_on=date(2004, 12, 1), narrative="x")
    assert never.pk
    assert refs(project.theme.plan, sort="latest_update") == ["never", "old", "new"]
    assert refs(project.theme.plan, sort="-latest_update") == ["new", "old", "never"]


def test_sorting_by_last_changed_uses_the_time_of_the_last_edit(project):
    first = make_action(project, reference="first")
    make_action(project, reference="second")
    first.notes = "Edited later"
    first.save()
    assert refs(project.theme.plan, sort="-last_changed") == ["first", "second"]
    assert refs(project.theme.plan, sort="last_changed") == ["second", "first"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "finished-ish"}, "status"),
        ({"rag": "purple"}, "rag"),
        ({"owner": "999999"}, "owner"),
        ({"owner": "RF"}, "owner"),
        ({"unit": "x"}, "unit"),
        ({"sort": "colour"}, "sort"),
        ({"due_to": "next week"}, "due_to"),
    ],
)
def test_a_value_that_is_not_allowed_is_an_error_and_selects_nothing(project, params, field):
    make_action(project, reference="a")
    assert list(errors(project.theme.plan, **params)) == [field]
    assert refs(project.theme.plan, **params) == []
