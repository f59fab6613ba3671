"""Changing the plan's shape: reordering, moving, adding, deleting, and edit conflicts."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from actionplan.conflicts import EditConflict, base_of, find_conflicts
from actionplan.models import (
    Action,
    ActionOwner,
    Milestone,
    Plan,
    ProgressUpdate,
    Project,
    TargetRevision,
    Theme,
    ThemeKind,
)
from actionplan.services import action_record_progress, action_revise_target
from actionplan.structure import (
    THEME_FIELDS,
    action_create,
    action_delete,
    action_move,
    action_reorder,
    milestone_create,
    milestone_delete,
    plan_outline,
    project_reorder,
    project_save,
    theme_reorder,
    theme_save,
)
from tests.conftest import home_council, make_action


def _themes(plan: Plan) -> list[str]:
    return list(plan.themes.order_by("position", "id").values_list("reference", flat=True))


def _actions(**where) -> list[str]:
    rows = Action.objects.filter(**where).order_by("position", "id")
    return list(rows.values_list("reference", flat=True))


@pytest.fixture
def themes(plan) -> list[Theme]:
    return [
        Theme.objects.create(plan=plan, reference=ref, title=f"Theme {ref}", position=position)
        for position, ref in enumerate(["1", "2", "3"])
    ]


@pytest.fixture
def other_plan(db) -> Plan:
    return Plan.objects.create(slug="other", title="Another plan", organisation=home_council())


# Reordering ----------------------------------------------------------------------------------


def test_moving_a_theme_up_swaps_it_with_the_one_above_and_says_so(themes, steering_member):
    assert theme_reorder(theme=themes[2], direction="up", user=steering_member)
    assert _themes(themes[0].plan) == ["1", "3", "2"]
    moved, neighbour = themes[2].history.first(), themes[1].history.first()
    assert (moved.history_change_reason, moved.history_user) == ("Moved up", steering_member)
    assert neighbour.history_change_reason == "Moved down"
    assert themes[0].history.count() == 1  # untouched


def test_the_first_theme_cannot_move_up_and_nothing_changes(themes, steering_member):
    assert not theme_reorder(theme=themes[0], direction="up", user=steering_member)
    assert not theme_reorder(theme=themes[2], direction="down", user=steering_member)
    assert _themes(themes[0].plan) == ["1", "2", "3"]
    assert all(theme.history.count() == 1 for theme in themes)


def test_colliding_positions_are_renumbered_before_the_swap(theme, steering_member):
    projects = [Project.objects.create(theme=theme, reference=r, title=r) for r in "abc"]
    assert {p.position for p in projects} == {0}

    assert project_reorder(project=projects[2], direction="up", user=steering_member)

    stored = list(theme.projects.order_by("position", "id").values_list("reference", "position"))
    assert stored == [("a", 0), ("c", 1), ("b", 2)]
    assert projects[2].history.first().history_change_reason == "Moved up"
    assert projects[1].history.first().history_change_reason == "Moved down"


def test_moving_an_action_down_stays_within_its_project(theme, project, steering_member):
    first = make_action(project, reference="1(a)", position=0)
    make_action(project, reference="1(b)", position=1)
    other = Project.objects.create(theme=theme, reference="2", title="Another project")
    make_action(other, reference="2(a)", position=1)

    assert action_reorder(action=first, direction="down", user=steering_member)
    assert not action_reorder(action=first, direction="down", user=steering_member)

    assert _actions(project=project) == ["1(b)", "1(a)"]
    assert _actions(project=other) == ["2(a)"]
    assert first.history.first().history_change_reason == "Moved down"


def test_actions_directly_under_a_theme_reorder_among_themselves(theme, project, steering_member):
    make_action(project, reference="1(a)", position=0)
    loose = [
        Action.objects.create(theme=theme, reference=ref, description=ref, position=position)
        for position, ref in enumerate(["x", "y"])
    ]
    assert action_reorder(action=loose[1], direction="up", user=steering_member)
    assert _actions(theme=theme, project__isnull=True) == ["y", "x"]
    assert _actions(project=project) == ["1(a)"]


# Projects ------------------------------------------------------------------------------------


def test_moving_a_project_to_another_theme_moves_its_actions_with_history(
    plan, theme, project, steering_member
):
    first, second = make_action(project), make_action(project)
    target = Theme.objects.create(plan=plan, reference="5", title="Face to face", position=5)
    Project.objects.create(theme=target, reference="1", title="Already there", position=0)
    project.theme = target
    project.reference = "2"

    project_save(project=project, user=steering_member)

    project.refresh_from_db()
    assert (project.theme, project.position) == (target, 1)
    assert set(Action.objects.filter(theme=target)) == {first, second}
    assert not theme.actions.exists()
    record = first.history.first()
    assert record.history_user == steering_member
    assert record.history_change_reason.startswith("Moved to theme 5 with its project")
    assert project.history.first().history_change_reason == "Moved to theme 5"


def test_a_project_cannot_move_to_a_theme_of_another_plan(project, other_plan, steering_member):
    action = make_action(project)
    foreign = Theme.objects.create(plan=other_plan, reference="1", title="Elsewhere")
    project.theme = foreign
    with pytest.raises(ValidationError) as error:
        project_save(project=project, user=steering_member)
    assert "same plan" in str(error.value)
    action.refresh_from_db()
    assert action.theme != foreign
    assert Project.objects.get(pk=project.pk).theme != foreign


def test_a_new_project_goes_at_the_end_of_its_theme(theme, project, steering_member):
    added = project_save(
        project=Project(theme=theme, reference="2", title="Second"), user=steering_member
    )
    assert added.position == project.position + 1
    assert added.history.first().history_change_reason == "Project added"


# Moving actions ------------------------------------------------------------------------------


def test_moving_an_action_to_another_theme_and_project_puts_it_at_the_end(
    plan, project, steering_member
):
    action = make_action(project, reference="1(a)")
    target_theme = Theme.objects.create(plan=plan, reference="6", title="Web", position=6)
    target = Project.objects.create(theme=target_theme, reference="1", title="Portal")
    Action.objects.create(
        theme=target_theme, project=target, reference="x", description="x", position=4
    )

    moved = action_move(action=action, theme=target_theme, project=target, user=steering_member)

    assert (moved.theme, moved.project, moved.position) == (target_theme, target, 5)
    record = moved.history.first()
    assert record.history_change_reason == "Moved to theme 6, project 1 Portal"
    assert record.history_user == steering_member


def test_moving_an_action_to_the_start_renumbers_the_others(theme, project, steering_member):
    for ref in ["x", "y"]:
        make_action(project, reference=ref, position=0)
    loose = Action.objects.create(theme=theme, reference="z", description="z")

    action_move(action=loose, theme=theme, project=project, at_start=True, user=steering_member)

    rows = project.actions.order_by("position", "id").values_list("reference", "position")
    assert list(rows) == [("z", 0), ("x", 1), ("y", 2)]


def test_moving_an_action_refuses_a_project_outside_the_chosen_theme(
    plan, project, steering_member
):
    action = make_action(project)
    elsewhere = Theme.objects.create(plan=plan, reference="7", title="Elsewhere", position=7)
    with pytest.raises(ValidationError) as error:
        action_move(action=action, theme=elsewhere, project=project, user=steering_member)
    assert error.value.message_dict["project"] == ["Choose a project in theme 7, or no project."]
    assert Action.objects.get(pk=action.pk).theme == project.theme


def test_moving_an_action_refuses_a_theme_of_another_plan(project, other_plan, steering_member):
    action = make_action(project)
    foreign = Theme.objects.create(plan=other_plan, reference="1", title="Elsewhere")
    with pytest.raises(ValidationError) as error:
        action_move(action=action, theme=foreign, user=steering_member)
    assert "its own plan" in error.value.message_dict["theme"][0]
    assert Action.objects.get(pk=action.pk).theme == project.theme


def test_moving_an_action_onto_a_taken_reference_changes_nothing(theme, project, steering_member):
    action = make_action(project, reference="1(a)")
    other = Project.objects.create(theme=theme, reference="2", title="Other")
    make_action(other, reference="1(a)", position=0)
    make_action(other, reference="1(b)", position=0)

    with pytest.raises(ValidationError) as error:
        action_move(action=action, theme=theme, project=other, at_start=True, user=steering_member)

    assert "Another action in this project already has this reference." in error.value.messages
    assert Action.objects.get(pk=action.pk).project == project
    assert set(other.actions.values_list("position", flat=True)) == {0}  # renumbering undone


# Adding actions ------------------------------------------------------------------------------


def test_a_new_action_goes_at_the_end_and_links_the_owners_it_names(
    project, people, steering_member
):
    make_action(project, reference="1(a)", position=3)
    action = Action(
        theme=project.theme,
        project=project,
        reference="1(b)",
        description="Publish the directory",
        owners_as_written="RF / Corporate HR",
        target="Mar 2005",
    )

    unknown = action_create(action=action, user=steering_member)

    assert unknown == ["Corporate HR"]
    assert action.position == 4
    links = ActionOwner.objects.filter(action=action)
    assert [(link.owner, link.is_lead) for link in links] == [(people["RF"], True)]
    assert action.owners_as_written == "RF / Corporate HR"
    record = action.history.first()
    assert (record.history_change_reason, record.history_user) == ("Action added", steering_member)


# Hard delete ---------------------------------------------------------------------------------


def test_deleting_an_action_leaves_a_history_row_for_everything_removed(action, plan_admin):
    action_record_progress(
        action=action, reported_on=date(2004, 11, 1), narrative="Drafted", user=plan_admin
    )
    action_revise_target(action=action, new_target="Mar 2005", reason="ICT", user=plan_admin)
    Milestone.objects.create(action=action, text="Draft the list", target="Jan 2005")
    pk = action.pk

    action_delete(action=action, user=plan_admin, reason="Entered twice by mistake")

    assert not Action.objects.filter(pk=pk).exists()
    for model in (Action, ProgressUpdate, ActionOwner, Milestone, TargetRevision):
        where = {"id": pk} if model is Action else {"action_id": pk}
        deleted = model.history.filter(history_type="-", **where)
        expected = 2 if model is ActionOwner else 1
        assert deleted.count() == expected, model
        assert {(r.history_user, r.history_change_reason) for r in deleted} == {
            (plan_admin, "Action deleted: Entered twice by mistake")
        }
    assert not ProgressUpdate.objects.filter(action_id=pk).exists()


def test_deleting_an_action_needs_a_reason(action, plan_admin):
    with pytest.raises(ValidationError):
        action_delete(action=action, user=plan_admin, reason="  ")
    assert Action.objects.filter(pk=action.pk).exists()


# Milestones ----------------------------------------------------------------------------------


def test_milestones_are_added_in_order_and_deleted_with_history(action, action_owner):
    first = milestone_create(
        milestone=Milestone(action=action, text="Draft", target="Oct 2004"), user=action_owner
    )
    second = milestone_create(
        milestone=Milestone(action=action, text="Consult", target="Nov 2004"), user=action_owner
    )
    assert (first.position, second.position) == (0, 1)
    assert first.history.first().history_change_reason == "Milestone added"

    milestone_delete(milestone=first, user=action_owner)

    record = Milestone.history.filter(history_type="-").get()
    assert (record.text, record.history_user) == ("Draft", action_owner)
    assert record.history_change_reason == "Milestone deleted"


# The structure page's rows -------------------------------------------------------------------


def test_the_outline_lists_themes_projects_and_actions_in_order_with_counts(plan, theme, project):
    later = Project.objects.create(theme=theme, reference="0", title="Shown second", position=9)
    make_action(project, reference="b", position=2)
    make_action(project, reference="a", position=1)
    Action.objects.create(theme=theme, reference="z", description="Loose")
    first = Theme.objects.create(plan=plan, reference="1", title="First", position=0)

    outline = list(plan_outline(plan))

    assert outline == [first, theme]
    assert (outline[0].action_count, outline[1].action_count) == (0, 3)
    assert outline[1].ordered_projects == [project, later]
    assert [a.reference for a in outline[1].ordered_projects[0].ordered_actions] == ["a", "b"]
    assert outline[1].ordered_projects[0].action_count == 2
    assert [a.reference for a in outline[1].loose_actions] == ["z"]


# Edit conflicts ------------------------------------------------------------------------------


def _edited_elsewhere(theme: Theme, user, **changes) -> None:
    """Someone else saves the theme meanwhile."""
    theirs = Theme.objects.get(pk=theme.pk)
    for field, value in changes.items():
        setattr(theirs, field, value)
    theme_save(theme=theirs, user=user)


def test_no_conflict_when_nobody_else_changed_the_row(theme, steering_member):
    base = base_of(theme, THEME_FIELDS)
    theme.title = "Telephone and e-mail"
    assert find_conflicts(theme, base)[0] == []


def test_a_conflict_says_what_the_other_person_changed_against_yours(
    theme, steering_member, plan_admin
):
    base = base_of(theme, ["reference", "title", "kind"])
    _edited_elsewhere(theme, plan_admin, title="Telephone access", kind=ThemeKind.CSE_CRITERION)
    theme.title = "Telephone"  # the user's edit, from the form loaded before

    changes, _ = find_conflicts(theme, base)

    assert [(c.field, c.was, c.theirs, c.yours, c.mine_changed) for c in changes] == [
        ("title", "Telephone Access", "Telephone access", "Telephone", True),
        (
            "kind",
            "Strategy key topic",
            "Customer Service Excellence criterion",
            "Strategy key topic",
            False,
        ),
    ]
    assert changes[0].changed_by == "pat.admin"
    assert str(changes[0]) == (
        "pat.admin changed the title to “Telephone access” (it was “Telephone Access”); "
        "you entered “Telephone”. Choose which to keep."
    )


def test_changes_to_fields_the_form_does_not_edit_are_no_conflict(themes, steering_member):
    loaded = Theme.objects.get(pk=themes[1].pk)
    base = base_of(loaded, ["reference", "title"])
    theme_reorder(theme=themes[1], direction="up", user=steering_member)  # raises its version
    loaded.title = "Renamed"
    assert find_conflicts(loaded, base)[0] == []


def test_the_same_change_made_by_both_is_no_conflict(theme, steering_member, plan_admin):
    base = base_of(theme, THEME_FIELDS)
    _edited_elsewhere(theme, plan_admin, title="Phones")
    theme.title = "Phones"
    assert find_conflicts(theme, base)[0] == []


def test_saving_over_someone_elses_change_is_refused_and_nothing_is_saved(
    theme, steering_member, plan_admin
):
    base = base_of(theme, THEME_FIELDS)
    _edited_elsewhere(theme, plan_admin, description="Their words")
    mine = Theme.objects.get(pk=theme.pk)
    mine.description, mine.title = "My words", "My title"

    with pytest.raises(EditConflict) as conflict:
        theme_save(theme=mine, user=steering_member, base=base)

    assert [c.field for c in conflict.value.changes] == ["description"]
    assert conflict.value.version == Theme.objects.get(pk=theme.pk).version
    assert conflict.value.base["description"] == "Their words"
    stored = Theme.objects.get(pk=theme.pk)
    assert (stored.title, stored.description) == ("Telephone Access", "Their words")
    # Saving again from the state now shown goes ahead.
    theme_save(theme=mine, user=steering_member, base=conflict.value.base)
    assert Theme.objects.get(pk=theme.pk).description == "My words"
