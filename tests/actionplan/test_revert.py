"""Reverting an action restores its whole state at that moment: fields, owners, milestones."""

from __future__ import annotations

from actionplan.models import Action, ActionOwner, Milestone, Rag
from actionplan.reporting.snapshot import as_of_rows, latest_by_id, take_snapshot
from actionplan.services import (
    action_revert,
    action_save,
    action_set_owners,
    delete_with_history,
    milestone_save,
)

CONTENT = ["reference", "description", "owners_as_written", "target", "status", "rag", "notes"]


def _state(action: Action) -> dict:
    """What a reader sees of the action: its fields, owners (lead first) and milestones."""
    action = Action.objects.get(pk=action.pk)
    links = sorted(action.action_owners.all(), key=lambda link: (not link.is_lead, link.position))
    return {
        "fields": {name: getattr(action, name) for name in CONTENT},
        "owners": [(link.owner_id, link.is_lead) for link in links],
        "milestones": sorted((m.pk, m.text, m.target, m.done_on) for m in action.milestones.all()),
    }


def _rebuilt(action: Action, moment) -> dict:
    """The same, rebuilt from history as at `moment` (reporting.snapshot, as reports do)."""
    snap = take_snapshot(action.theme.plan, moment, [])
    row = snap.actions[action.pk]
    milestones = latest_by_id(as_of_rows(Milestone, moment).filter(action_id=action.pk))
    return {
        "fields": {name: getattr(row, name) for name in CONTENT},
        "owners": [(link.owner_id, link.is_lead) for link in snap.links[action.pk]],
        "milestones": sorted((m.id, m.text, m.target, m.done_on) for m in milestones.values()),
    }


def test_reverting_restores_fields_owners_and_milestones_as_the_rebuild_of_that_moment(
    action, people, steering_member, plan_admin
):
    first = Milestone(action=action, text="Consult staff", target="Nov 2004")
    milestone_save(milestone=first, user=steering_member, reason="Milestone added")
    action.rag = Rag.GREEN
    action_save(action=action, user=steering_member, reason="Edited")
    record = action.history.first()
    before = _state(action)

    # Someone else changes everything afterwards.
    action.refresh_from_db()
    action.rag, action.description = Rag.RED, "Rewritten"
    action_save(action=action, user=plan_admin, reason="Edited")
    action_set_owners(
        action=action, owners=[people["PW"], people["RF"]], user=plan_admin, reason="x"
    )
    first.text = "Consult everyone"
    milestone_save(milestone=first, user=plan_admin, reason="Milestone edited")
    milestone_save(
        milestone=Milestone(action=action, text="Added later", target="Dec 2004"),
        user=plan_admin,
        reason="Milestone added",
    )
    assert _state(action) != before

    action_revert(action=action, history_id=record.history_id, user=plan_admin)

    assert _state(action) == before
    assert _state(action) == _rebuilt(action, record.history_date)
    assert ActionOwner.objects.filter(action=action, owner=people["PW"]).count() == 0


def test_a_revert_is_one_change_with_one_reason_on_every_row_it_touches(
    action, people, steering_member, plan_admin
):
    action_save(action=action, user=steering_member, reason="Edited")
    record = action.history.first()
    action_set_owners(action=action, owners=[people["PW"]], user=plan_admin, reason="Later")
    extra = Milestone(action=action, text="Added later", target="Dec 2004")
    milestone_save(milestone=extra, user=plan_admin, reason="Milestone added")

    action_revert(action=action, history_id=record.history_id, user=plan_admin)

    reason = action.history.first().history_change_reason
    assert reason.startswith("Reverted to ")
    touched = [
        *ActionOwner.history.filter(action_id=action.pk, history_user=plan_admin),
        *Milestone.history.filter(action_id=action.pk, history_user=plan_admin),
    ]
    reverted = [row for row in touched if row.history_change_reason.startswith("Reverted")]
    # RF and PAG linked again, PW unlinked, the later milestone deleted.
    assert len(reverted) == 4
    assert {row.history_change_reason for row in reverted} == {reason}


def test_reverting_brings_back_a_milestone_deleted_since(action, steering_member, plan_admin):
    kept = Milestone(action=action, text="Consult staff", target="Nov 2004")
    milestone_save(milestone=kept, user=steering_member, reason="Milestone added")
    action_save(action=action, user=steering_member, reason="Edited")
    record = action.history.first()
    action_save(action=action, user=plan_admin, reason="Edited again")
    kept_pk = kept.pk
    delete_with_history(kept, user=plan_admin, reason="Not needed")

    action_revert(action=action, history_id=record.history_id, user=plan_admin)

    assert list(action.milestones.values_list("pk", "text")) == [(kept_pk, "Consult staff")]
