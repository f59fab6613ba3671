"""The plan's writes: target revisions, progress, owners, retiring; each leaves history."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from actionplan.models import Action, ActionOwner, ProgressUpdate, Rag, Status, TargetRevision
from actionplan.services import (
    action_record_progress,
    action_retire,
    action_revise_target,
    action_save,
    action_set_owners,
    action_set_owners_from_text,
)


def test_revising_a_target_keeps_the_original_and_counts_replans(action, steering_member):
    action_revise_target(
        action=action, new_target="Mar 2005", reason="ICT delay", user=steering_member
    )
    action_revise_target(action=action, new_target="Jun 2005", reason="Again", user=steering_member)
    action.refresh_from_db()
    assert action.target == "Jun 2005"
    assert action.original_target == "Dec 2004"
    assert action.replan_count == 2
    assert action.target_latest == date(2005, 6, 30)
    revisions = list(action.target_revisions.values_list("old_target", "new_target", "reason"))
    assert revisions == [("Dec 2004", "Mar 2005", "ICT delay"), ("Mar 2005", "Jun 2005", "Again")]


def test_revising_a_target_without_a_reason_changes_nothing(action, steering_member):
    with pytest.raises(ValidationError) as error:
        action_revise_target(
            action=action, new_target="Mar 2005", reason="  ", user=steering_member
        )
    assert "Give the reason the target date changed" in error.value.messages[0]
    action.refresh_from_db()
    assert (action.target, action.replan_count) == ("Dec 2004", 0)
    assert not TargetRevision.objects.exists()


def test_editing_an_action_with_a_new_target_records_a_revision(action, steering_member):
    action.target = "Q1 2005/06"
    action.description = "Identify key contacts"
    action_save(action=action, user=steering_member, reason="Edited", target_reason="Late start")
    action.refresh_from_db()
    assert (action.original_target, action.replan_count) == ("Dec 2004", 1)
    latest = action.history.first()
    assert latest.history_user == steering_member
    assert latest.history_change_reason == "Edited; target revised: Late start"


def test_editing_an_action_with_a_new_target_but_no_reason_saves_nothing(action, steering_member):
    action.target = "Q1 2005/06"
    action.description = "Changed too"
    with pytest.raises(ValidationError):
        action_save(action=action, user=steering_member, reason="Edited")
    stored = Action.objects.get(pk=action.pk)
    assert (stored.target, stored.description) == ("Dec 2004", action.history.last().description)


def test_recording_progress_updates_the_action_and_is_attributed(action, action_owner):
    update = action_record_progress(
        action=action,
        reported_on=date(2004, 11, 30),
        narrative="FAQs completed",
        status=Status.ON_TRACK,
        rag=Rag.GREEN,
        percent_complete=60,
        user=action_owner,
    )
    action.refresh_from_db()
    assert (action.status, action.rag, action.percent_complete) == ("on_track", "green", 60)
    assert update.author == action_owner
    assert action.history.first().history_user == action_owner
    assert update.history.first().history_user == action_owner


def test_reporting_completion_sets_the_completion_date(action, action_owner):
    action_record_progress(
        action=action,
        reported_on=date(2004, 12, 3),
        narrative="Done",
        status=Status.COMPLETED,
        user=action_owner,
    )
    action.refresh_from_db()
    assert action.completed_on == date(2004, 12, 3)


def test_no_change_is_recorded_as_an_update_with_the_current_position(action, action_owner):
    action.status, action.rag, action.percent_complete = Status.AT_RISK, Rag.AMBER, 40
    action.save()
    update = action_record_progress(
        action=action,
        reported_on=date(2004, 12, 3),
        narrative="",
        is_no_change=True,
        user=action_owner,
    )
    assert update.is_no_change
    assert (update.status, update.rag, update.percent_complete) == ("at_risk", "amber", 40)
    assert update.narrative == "No change since the last update."


def test_progress_with_a_revised_target_needs_its_reason_and_is_all_or_nothing(
    action, action_owner
):
    with pytest.raises(ValidationError):
        action_record_progress(
            action=action,
            reported_on=date(2004, 12, 3),
            narrative="Slipping",
            status=Status.AT_RISK,
            new_target="Mar 2005",
            user=action_owner,
        )
    assert not ProgressUpdate.objects.exists()
    action.refresh_from_db()
    assert (action.status, action.target) == ("not_started", "Dec 2004")


def test_setting_owners_from_text_keeps_the_text_and_links_owners(action, people, plan_admin):
    unknown = action_set_owners_from_text(
        action=action, text="PW/CSE PAG/ICT", user=plan_admin, reason="Owners changed"
    )
    assert unknown == ["ICT"]
    action.refresh_from_db()
    assert action.owners_as_written == "PW/CSE PAG/ICT"
    links = list(action.action_owners.values_list("owner__short_name", "is_lead"))
    assert links == [("PW", True), ("PAG", False)]


def test_owner_changes_are_in_history_with_who_and_why(action, people, plan_admin):
    action_set_owners(action=action, owners=[people["PW"]], user=plan_admin, reason="Handover")
    history = ActionOwner.history.filter(action_id=action.pk).order_by("history_date", "history_id")
    removed = [(h.owner.short_name, h.history_type) for h in history if h.history_type == "-"]
    added = history.filter(history_type="+", owner_id=people["PW"].pk).get()
    assert sorted(removed) == [("PAG", "-"), ("RF", "-")]
    assert added.history_user == plan_admin and added.history_change_reason == "Handover"
    assert added.is_lead


def test_lead_must_be_one_of_the_owners(action, people):
    with pytest.raises(ValidationError):
        action_set_owners(
            action=action, owners=[people["RF"]], lead=people["PW"], user=None, reason="x"
        )


def test_retiring_keeps_the_action_with_its_reason(action, plan_admin):
    action_retire(action=action, reason="Superseded by the web programme", user=plan_admin)
    action.refresh_from_db()
    assert action.status == Status.DELETED
    assert "Superseded by the web programme" in action.notes
    assert action.history.first().history_change_reason.startswith("Deleted as no longer")


def test_retiring_without_a_reason_is_refused(action, plan_admin):
    with pytest.raises(ValidationError):
        action_retire(action=action, reason="", user=plan_admin)
    action.refresh_from_db()
    assert action.status == Status.NOT_STARTED
