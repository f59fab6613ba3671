"""The report model: the plan as it stood at a moment, its summary, filters and changes."""

from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from actionplan.models import (
    Action,
    ActionOwner,
    GroupMembership,
    Owner,
    Plan,
    ProgressUpdate,
    Project,
    Status,
    TargetRevision,
    Theme,
    Unit,
)
from actionplan.reporting import EXCEPTIONS_DESCRIBED, build_report
from actionplan.services import (
    action_record_progress,
    action_retire,
    action_revise_target,
    action_save,
    action_set_owners,
    save_with_history,
)
from actionplan.synthetic import build_plan
from tests.conftest import home_council, make_action

LONDON = timezone.get_default_timezone()
HISTORY_MODELS = [
    Plan,
    Theme,
    Project,
    Action,
    ActionOwner,
    Owner,
    Unit,
    ProgressUpdate,
    TargetRevision,
    GroupMembership,
]


def _backdate(when: datetime) -> None:
    """Move every history row so far to `when`, as if the plan had been set up then."""
    for model in HISTORY_MODELS:
        model.history.update(history_date=when)


def _only_row(report):
    rows = list(report.rows())
    assert len(rows) == 1
    return rows[0]


def _edit(action: Action, **fields) -> Action:
    action = Action.objects.get(pk=action.pk)
    for name, value in fields.items():
        setattr(action, name, value)
    save_with_history(action, user=None, reason="test edit")
    return action


def test_as_at_a_past_moment_shows_the_values_of_that_moment_not_later_edits(action, people):
    moment = timezone.now()
    edited = Action.objects.get(pk=action.pk)
    edited.status = Status.AT_RISK
    edited.description = "Publish the contact directory"
    edited.target = "Mar 2005"
    action_save(action=edited, user=None, reason="edit", target_reason="Supplier late")
    action_set_owners(action=action, owners=[people["PW"]], user=None, reason="handover")

    then = _only_row(build_report(plan=action.theme.plan, as_at=moment))
    now = _only_row(build_report(plan=action.theme.plan))

    assert (then.status, then.status_label) == ("not_started", "Not started")
    assert then.description == "Identify key customer contacts by reference to FAQs"
    assert (then.target, then.original_target, then.replan_count) == ("Dec 2004", "", 0)
    assert then.owners == ["RF", "PAG"]
    assert then.full_reference == "4 / 1 / 1(a)"
    assert (now.status, now.target, now.original_target) == ("at_risk", "Mar 2005", "Dec 2004")
    assert now.owners == ["PW"]


def test_a_date_means_the_end_of_that_day_in_london(action):
    _backdate(datetime(2024, 7, 10, 9, 0, tzinfo=LONDON))
    late_evening = Action.objects.get(pk=action.pk)
    late_evening.status = Status.ON_TRACK
    late_evening._history_date = datetime(2024, 7, 10, 23, 30, tzinfo=LONDON)
    late_evening.save()
    # 00:30 in London in summer is still 10 July in UTC: it must not count as the 10th.
    after_midnight = Action.objects.get(pk=action.pk)
    after_midnight.status = Status.AT_RISK
    after_midnight._history_date = datetime(2024, 7, 11, 0, 30, tzinfo=LONDON)
    after_midnight.save()

    tenth = build_report(plan=action.theme.plan, as_at=date(2024, 7, 10))
    eleventh = build_report(plan=action.theme.plan, as_at=date(2024, 7, 11))

    assert _only_row(tenth).status == "on_track"
    assert _only_row(eleventh).status == "at_risk"
    assert tenth.as_at == datetime(2024, 7, 10, 23, 59, 59, 999999, tzinfo=LONDON)
    assert tenth.today == date(2024, 7, 10)


def test_an_action_created_after_the_moment_is_absent(action, project):
    moment = timezone.now()
    make_action(project, description="Launch the web chat")

    then = build_report(plan=project.theme.plan, as_at=moment)
    now = build_report(plan=project.theme.plan)

    assert [r.description for r in then.rows()] == [action.description]
    assert [r.description for r in now.rows()] == [action.description, "Launch the web chat"]


def test_a_hard_deleted_action_is_present_as_at_before_its_deletion(action):
    plan = action.theme.plan
    moment = timezone.now()
    Action.objects.get(pk=action.pk).delete()

    then = _only_row(build_report(plan=plan, as_at=moment))

    assert then.description == action.description
    assert then.owners == ["RF", "PAG"]
    assert list(build_report(plan=plan).rows()) == []


def test_the_latest_progress_update_is_the_one_reported_by_the_moment(action):
    action_record_progress(
        action=action, reported_on=date(2004, 9, 1), narrative="Contacts listed", user=None
    )
    moment = timezone.now()
    action_record_progress(
        action=action, reported_on=date(2004, 10, 1), narrative="Directory drafted", user=None
    )

    then = _only_row(build_report(plan=action.theme.plan, as_at=moment))
    now = _only_row(build_report(plan=action.theme.plan))

    assert (then.latest_update_on, then.latest_update_text) == (
        date(2004, 9, 1),
        "Contacts listed",
    )
    assert (now.latest_update_on, now.latest_update_text) == (
        date(2004, 10, 1),
        "Directory drafted",
    )


def test_overdue_and_awaiting_update_are_judged_on_the_reports_day(action):
    action_record_progress(
        action=action, reported_on=date(2004, 11, 1), narrative="Under way", user=None
    )
    plan = action.theme.plan

    in_november = _only_row(build_report(plan=plan, today=date(2004, 11, 30)))
    in_march = _only_row(build_report(plan=plan, today=date(2005, 3, 1)))

    assert (in_november.is_overdue, in_november.is_awaiting_update) == (False, False)
    assert (in_march.is_overdue, in_march.is_awaiting_update) == (True, True)


@pytest.fixture
def changed_plan(plan, project, people):
    """Actions set up before `since`, then one change of each kind; returns (plan, since, refs)."""
    moves = make_action(project, reference="a", description="Move status", status="on_track")
    finish = make_action(project, reference="b", description="Finish")
    retire = make_action(project, reference="c", description="Retire")
    slip = make_action(project, reference="d", description="Slip")
    rag = make_action(project, reference="e", description="Change RAG", rag="green")
    handover = make_action(project, reference="f", description="Hand over")
    action_set_owners(action=handover, owners=[people["RF"]], user=None, reason="set up")
    delete = make_action(project, reference="g", description="Delete outright")
    quiet = make_action(project, reference="h", description="Nothing happens")
    since = timezone.now()

    _edit(moves, status=Status.AT_RISK)
    action_record_progress(
        action=finish,
        reported_on=date(2004, 12, 1),
        narrative="Done and dusted",
        status=Status.COMPLETED,
        user=None,
    )
    action_retire(action=retire, reason="Superseded", user=None)
    action_revise_target(action=slip, new_target="Mar 2005", reason="Supplier late", user=None)
    _edit(rag, rag="red")
    action_set_owners(
        action=handover, owners=[people["PW"], people["PAG"]], user=None, reason="handover"
    )
    Action.objects.get(pk=delete.pk).delete()
    make_action(project, reference="i", description="Brand new")
    return plan, since, quiet


def _described(changes) -> list[tuple[str, str]]:
    return [(c.full_reference, c.description) for c in changes]


def test_since_lists_each_kind_of_change_made_in_between(changed_plan):
    plan, since, _ = changed_plan

    changes = build_report(plan=plan, since=since).changes

    assert _described(changes.new_actions) == [("4 / 1 / i", "Brand new")]
    assert _described(changes.completed) == [("4 / 1 / b", "Finish")]
    assert [(c.full_reference, c.old_label, c.new_label) for c in changes.status_changes] == [
        ("4 / 1 / a", "On track", "At risk")
    ]
    assert [(c.full_reference, c.old, c.new) for c in changes.rag_changes] == [
        ("4 / 1 / e", "green", "red")
    ]
    assert [(c.full_reference, c.old, c.new, c.reasons) for c in changes.slipped] == [
        ("4 / 1 / d", "Dec 2004", "Mar 2005", ["Supplier late"])
    ]
    assert [(c.full_reference, c.reported_on, c.text) for c in changes.progress_updates] == [
        ("4 / 1 / b", date(2004, 12, 1), "Done and dusted")
    ]
    assert _described(changes.retired) == [("4 / 1 / c", "Retire")]
    assert _described(changes.removed) == [("4 / 1 / g", "Delete outright")]
    assert [(c.full_reference, c.added, c.removed) for c in changes.owner_changes] == [
        ("4 / 1 / f", ["PW", "PAG"], ["RF"])
    ]
    assert changes.since == since


def test_since_the_moment_itself_lists_no_changes(changed_plan):
    plan, since, _ = changed_plan

    report = build_report(plan=plan, as_at=since, since=since)

    assert report.changes.is_empty
    assert build_report(plan=plan).changes is None


def test_since_after_the_moment_is_refused(plan):
    with pytest.raises(ValueError, match="before"):
        build_report(plan=plan, as_at=date(2024, 1, 1), since=date(2024, 2, 1))


@pytest.fixture
def two_themes(plan, project, people):
    """Theme 4 with an action of RF's and one of PAG's; theme 3 with an action of PW's."""
    unit = Unit.objects.create(
        organisation=home_council(), name="Customer Services", short_name="CS"
    )
    rf = make_action(project, reference="a", description="RF's own", unit=unit, rag="red")
    pag = make_action(project, reference="b", description="PAG's", rag="green")
    other = Theme.objects.create(plan=plan, reference="3", title="Information and Access")
    other_project = Project.objects.create(theme=other, reference="2", title="Leaflets")
    pw = make_action(other_project, reference="a", description="PW's", rag="amber")
    for action, owner in ((rf, "RF"), (pag, "PAG"), (pw, "PW")):
        action_set_owners(action=action, owners=[people[owner]], user=None, reason="set up")
    GroupMembership.objects.create(group=people["PAG"], person=people["PW"])
    return plan, unit, other


def test_a_theme_filter_keeps_that_themes_actions_and_says_so(two_themes):
    plan, _, other = two_themes

    report = build_report(plan=plan, themes=[other.pk])

    assert [r.description for r in report.rows()] == ["PW's"]
    assert [t.title for t in report.themes] == ["Information and Access"]
    assert report.filters_described == ["Theme: 3. Information and Access"]
    assert report.summary.total == 1


def test_an_owner_filter_keeps_actions_held_directly_or_through_a_group(two_themes, people):
    plan, _, _ = two_themes

    report = build_report(plan=plan, owners=[people["PW"].pk])

    assert [r.description for r in report.rows()] == ["PW's", "PAG's"]
    assert report.filters_described[0].startswith("Owner: PW (directly or through a group")


def test_an_owner_filter_uses_group_memberships_as_at_the_moment(two_themes, people):
    plan, _, _ = two_themes
    moment = timezone.now()
    GroupMembership.objects.get(person=people["PW"]).delete()

    then = build_report(plan=plan, as_at=moment, owners=[people["PW"].pk])
    now = build_report(plan=plan, owners=[people["PW"].pk])

    assert [r.description for r in then.rows()] == ["PW's", "PAG's"]
    assert [r.description for r in now.rows()] == ["PW's"]


def test_a_unit_filter_keeps_that_units_actions(two_themes):
    plan, unit, _ = two_themes

    report = build_report(plan=plan, unit=unit.pk)

    assert [r.description for r in report.rows()] == ["RF's own"]
    assert report.filters_described == ["Directorate or service: Customer Services"]


def test_exceptions_only_keeps_red_amber_slipped_overdue_and_awaiting_actions(plan, project):
    today = date(2004, 11, 1)
    make_action(project, description="Red", rag="red", target="Ongoing")
    make_action(project, description="Amber", rag="amber", target="Ongoing")
    make_action(project, description="Overdue", rag="green", target="Oct 2004")
    slipped = make_action(project, description="Slipped", rag="green", target="Ongoing")
    action_revise_target(action=slipped, new_target="Ongoing from 2005", reason="Later", user=None)
    make_action(project, description="Fine", rag="green", target="Ongoing")
    # RAG is read as stored: a finished action still rated red is shown to the committee.
    finished = make_action(project, description="Finished red", rag="green", target="Ongoing")
    _edit(finished, status=Status.COMPLETED, completed_on=date(2004, 10, 1), rag="red")
    silent = make_action(project, description="Silent", rag="green", target="Ongoing")
    for action in Action.objects.exclude(pk=silent.pk):
        action_record_progress(
            action=action, reported_on=date(2004, 10, 20), narrative="Still going", user=None
        )

    report = build_report(plan=plan, exceptions_only=True, today=today)

    assert sorted(r.description for r in report.rows()) == [
        "Amber",
        "Finished red",
        "Overdue",
        "Red",
        "Silent",
        "Slipped",
    ]
    assert report.filters_described == [EXCEPTIONS_DESCRIBED]
    assert report.summary.total == 6
    assert "Fine" in [r.description for r in build_report(plan=plan, today=today).rows()]


def test_the_council_sentence_counts_a_known_mix(plan, project):
    for n in range(30):
        status = "completed" if n < 4 else "on_track" if n < 22 else "not_started"
        make_action(
            project,
            reference=str(n),
            status=status,
            completed_on=date(2004, 10, 1) if status == "completed" else None,
            target="Dec 2004" if n < 25 else "TBC",
            rag="red" if n == 29 else "green",
        )

    report = build_report(plan=plan, today=date(2005, 1, 10))

    assert report.summary.sentence() == (
        "Of 30 actions, 8 (27%) not started, 18 (60%) on track, 4 (13%) completed."
    )
    assert report.summary.count("red") == 1
    assert report.summary.count("overdue") == 21
    assert report.summary.count("unscheduled") == 5
    assert report.summary.count("awaiting_update") == 26
    assert report.summary.count("revised") == 0


def test_the_summary_agrees_with_the_database_summary(db):
    synthetic = build_plan(organisation=home_council(), slug="agree", actions_per_project=4)
    today = date(2010, 6, 1)

    report = build_report(plan=synthetic, today=today)
    stored = Action.objects.for_plan(synthetic).summary(
        today=today, awaiting_since=report.awaiting_since
    )

    assert report.summary == stored


def test_the_report_is_plain_frozen_data(action):
    report = build_report(plan=action.theme.plan)

    with pytest.raises(FrozenInstanceError):
        report.plan_title = "Changed"
    row = _only_row(report)
    assert not any(hasattr(value, "_meta") for value in vars(row).values())
    assert (report.plan_title, report.organisation) == (
        "Customer Service Action Plan",
        "Test Council",
    )


def test_reprinting_as_at_a_past_moment_gives_an_equal_report_after_more_edits(
    changed_plan, people
):
    plan, since, quiet = changed_plan
    moment = timezone.now()
    first = build_report(plan=plan, as_at=moment, since=since)

    _edit(quiet, status=Status.OFF_TRACK, description="Edited later")
    action_set_owners(action=quiet, owners=[people["RF"]], user=None, reason="later")
    plan.title = "Renamed plan"
    save_with_history(plan, user=None, reason="rename")

    again = build_report(plan=plan, as_at=moment, since=since)
    assert again == first
    assert again.plan_title == "Customer Service Action Plan"
    assert build_report(plan=plan, since=since) != first


# Plan, themes, projects, actions, owner links, owners, units, progress updates, revisions.
QUERIES_PER_MOMENT = 9
# The consultation section: the plan's exercises as at the moment (none here, so no findings).
CONSULTATION_QUERIES = 1
# The standards section: the register and its figures as at the report's moment.
STANDARDS_QUERIES = 2
# When the plan was first recorded: a report as at a moment before it says so.
FIRST_RECORDED_QUERIES = 1
SECTION_QUERIES = CONSULTATION_QUERIES + STANDARDS_QUERIES + FIRST_RECORDED_QUERIES


@pytest.mark.parametrize("actions_per_project", [1, 8])
def test_building_a_report_costs_the_same_queries_for_a_small_and_a_large_plan(
    db, django_assert_num_queries, actions_per_project
):
    synthetic = build_plan(
        organisation=home_council(), slug="size", actions_per_project=actions_per_project
    )
    since = timezone.now() - timedelta(days=1)
    person = Owner.objects.filter(name__startswith="size officer").first()

    with django_assert_num_queries(QUERIES_PER_MOMENT + SECTION_QUERIES):
        report = build_report(plan=synthetic)
    # Changes build the plan at both moments; an owner filter adds one query for memberships.
    with django_assert_num_queries(2 * QUERIES_PER_MOMENT + 2 + SECTION_QUERIES):
        build_report(plan=synthetic, since=since, owners=[person.pk], exceptions_only=True)

    assert report.summary.total == 3 * 2 * actions_per_project
