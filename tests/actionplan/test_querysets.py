"""Overdue, due soon, slipped and awaiting update, as the database judges them."""

from datetime import date

from actionplan.models import Action, Owner, OwnerKind, ProgressUpdate, Project, Status, Theme
from actionplan.services import action_revise_target, action_set_owners
from tests.conftest import home_council, make_action

TODAY = date(2005, 1, 15)


def test_overdue_means_open_and_past_the_latest_day(project):
    late = make_action(project, target="Dec 2004")
    make_action(project, target="Jan 2005")  # due this month: not yet overdue
    make_action(project, target="Ongoing")  # never overdue
    make_action(project, target="From Aug 2004")  # no deadline
    make_action(project, target="TBC")  # unscheduled: chased, not overdue
    make_action(project, target="Nov 2004", status=Status.COMPLETED, completed_on=date(2004, 11, 5))
    make_action(project, target="Nov 2004", status=Status.SUSPENDED)
    assert list(Action.objects.overdue(TODAY)) == [late]


def test_overdue_starts_the_day_after_the_latest_day(project):
    action = make_action(project, target="End Dec 2004")
    assert not Action.objects.overdue(date(2004, 12, 31)).exists()
    assert list(Action.objects.overdue(date(2005, 1, 1))) == [action]
    assert action.is_overdue(date(2005, 1, 1)) and not action.is_overdue(date(2004, 12, 31))


def test_due_between_finds_targets_ending_in_the_window(project):
    soon = make_action(project, target="Feb 2005")
    make_action(project, target="Jun 2005")
    assert list(Action.objects.due_between(TODAY, date(2005, 2, 28))) == [soon]


def test_revised_lists_actions_whose_target_moved(project, plan_admin):
    moved = make_action(project, target="Dec 2004")
    make_action(project, target="Dec 2004")
    action_revise_target(
        action=moved, new_target="Mar 2005", reason="Supplier delay", user=plan_admin
    )
    assert list(Action.objects.revised()) == [moved]


def test_awaiting_update_lists_open_actions_with_no_recent_update(project):
    quiet = make_action(project)
    reported = make_action(project)
    make_action(project, status=Status.COMPLETED, completed_on=date(2004, 12, 1))
    ProgressUpdate.objects.create(
        action=reported, reported_on=date(2005, 1, 10), narrative="Done x"
    )
    ProgressUpdate.objects.create(action=quiet, reported_on=date(2004, 9, 1), narrative="Old news")
    assert list(Action.objects.awaiting_update(since=date(2005, 1, 1))) == [quiet]


def test_latest_update_is_annotated_with_its_date_and_text(project):
    action = make_action(project)
    ProgressUpdate.objects.create(action=action, reported_on=date(2004, 9, 1), narrative="Drafted")
    ProgressUpdate.objects.create(
        action=action, reported_on=date(2004, 10, 1), narrative="Consulted"
    )
    row = Action.objects.with_latest_update().get(pk=action.pk)
    assert (row.latest_update_on, row.latest_update_text) == (date(2004, 10, 1), "Consulted")


def test_owned_by_includes_actions_of_the_owners_groups(project, people):
    mine = make_action(project)
    via_group = make_action(project)
    make_action(project)
    action_set_owners(action=mine, owners=[people["RF"]], user=None, reason="t")
    action_set_owners(action=via_group, owners=[people["PAG"]], user=None, reason="t")
    people["PAG"].memberships.create(person=people["RF"])
    assert set(Action.objects.owned_by(people["RF"])) == {mine, via_group}
    assert list(Action.objects.owned_by(people["PW"])) == []


def test_owner_text_resolves_names_initials_abbreviations_and_aliases(people):
    pig = Owner.objects.create(
        organisation=home_council(),
        kind=OwnerKind.GROUP,
        name="Performance Improvement Group",
        short_name="PIG",
    )
    knight = Owner.objects.create(organisation=home_council(), name="Paul Knight")
    assert Owner.objects.match_text("RF / PAG") == ([people["RF"], people["PAG"]], [])
    assert Owner.objects.match_text("rf/ICT/CSE PAG") == ([people["RF"], people["PAG"]], ["ICT"])
    assert Owner.objects.match_text("Paul Knight / Performance Improvement Group (PIG)") == (
        [knight, pig],
        [],
    )
    assert Owner.objects.match_text("Paul Williams, RF") == ([people["PW"], people["RF"]], [])


def test_summary_counts_statuses_rag_and_derived_conditions_as_councils_report(project):
    for _ in range(4):
        make_action(project, status=Status.COMPLETED, completed_on=date(2004, 12, 1))
    for _ in range(18):
        make_action(project, status=Status.ON_TRACK, rag="green", target="Mar 2005")
    late = [
        make_action(project, status=Status.AT_RISK, rag="amber", target="Oct 2004")
        for _ in range(4)
    ]
    make_action(project, status=Status.SUSPENDED)
    for _ in range(3):
        make_action(project, status=Status.DELETED)
    for action in late:
        action_revise_target(action=action, new_target="Dec 2004", reason="Slipped", user=None)
    summary = Action.objects.summary(today=TODAY, awaiting_since=date(2005, 1, 1))
    assert summary.total == 30
    assert summary.sentence() == (
        "Of 30 actions, 18 (60%) on track, 4 (13%) at risk, 4 (13%) completed, "
        "1 (3%) suspended or deferred, 3 (10%) deleted as no longer appropriate."
    )
    assert (summary.count("green"), summary.count("amber"), summary.count("")) == (18, 4, 8)
    assert summary.count("revised") == 4
    assert summary.count("overdue") == 4
    assert summary.count("awaiting_update") == 22  # open actions, none with an update this year
    assert summary.count("unscheduled") == 0


def test_the_whole_plans_summary_is_its_themes_added_up_from_one_query(
    project, django_assert_num_queries
):
    other = Project.objects.create(
        theme=Theme.objects.create(plan=project.theme.plan, reference="5", title="Web"),
        reference="1",
        title="Publish the directory",
    )
    make_action(project, status=Status.ON_TRACK, rag="green", target="Mar 2005")
    make_action(project, status=Status.AT_RISK, rag="amber", target="Oct 2004")
    make_action(other, status=Status.COMPLETED, completed_on=date(2004, 12, 1))
    actions = Action.objects.all()
    with django_assert_num_queries(1):
        whole, by_theme = actions.summary_and_by(
            "theme_id", today=TODAY, awaiting_since=date(2005, 1, 1)
        )
    assert whole == actions.summary(today=TODAY, awaiting_since=date(2005, 1, 1))
    assert whole.total == 3
    assert (whole.count("overdue"), whole.count("awaiting_update")) == (1, 2)
    assert by_theme[project.theme_id].total == 2
    assert by_theme[other.theme_id].count("completed") == 1


def test_summary_of_an_empty_plan_says_so(db):
    summary = Action.objects.none().summary(today=TODAY, awaiting_since=TODAY)
    assert summary.total == 0
    assert summary.sentence() == "There are no actions in this plan."
