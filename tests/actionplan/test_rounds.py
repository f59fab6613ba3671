"""Update rounds: who is asked, what they are sent, what counts as a response, and locking."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from actionplan import rounds
from actionplan.models import (
    GroupMembership,
    PlanStatus,
    ProgressUpdate,
    Status,
    UpdateRequest,
    UpdateRound,
)
from actionplan.rounds import (
    reminder_reason,
    round_actions,
    round_close,
    round_open,
    round_owners,
    round_progress,
    round_send_reminders,
)
from actionplan.services import action_record_progress, action_set_owners
from tests.conftest import make_action

BASE_URL = "http://actionplan.example.gov.uk"


def london(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


OPENED = london(date(2011, 1, 3))


def open_round(plan, user, **fields) -> rounds.RoundOpened:
    """A round opened on 3 January 2011 for a meeting on 14 January, updates due on the 10th."""
    fields = {
        "title": "Steering group 14 January 2011",
        "meeting_date": date(2011, 1, 14),
        "deadline": date(2011, 1, 10),
        "now": OPENED,
        "base_url": BASE_URL,
        **fields,
    }
    return round_open(plan=plan, user=user, **fields)


def set_created_at(update: ProgressUpdate, when: datetime) -> None:
    # Test set-up only: place an update at a chosen moment relative to the round.
    ProgressUpdate.objects.filter(pk=update.pk).update(created_at=when)


def record(action, user=None, **fields) -> ProgressUpdate:
    fields.setdefault("narrative", "Directory drafted")
    return action_record_progress(action=action, reported_on=date(2011, 1, 5), user=user, **fields)


@pytest.fixture
def team(people, action, project, plan):
    """RF (direct owner) and PW (member of PAG) have e-mail addresses; PAG owns `action` too."""
    people["RF"].email = "rf@example.gov.uk"
    people["RF"].save()
    people["PW"].email = "pw@example.gov.uk"
    people["PW"].save()
    GroupMembership.objects.create(group=people["PAG"], person=people["PW"])
    return people


def test_opening_asks_every_owner_of_an_open_action_and_the_members_of_owning_groups(
    team, action, steering_member
):
    opened = open_round(action.plan, steering_member)

    asked = {
        (r.owner.label, r.via_group.label if r.via_group else None)
        for r in UpdateRequest.objects.filter(round=opened.update_round)
    }
    assert asked == {("RF", None), ("PAG", None), ("PW", "PAG")}
    assert opened.actions_asked == 1
    assert opened.update_round.opened_by == steering_member


def test_finished_actions_are_not_asked_about(team, project, steering_member, action):
    done = make_action(
        project, status=Status.COMPLETED, completed_on=date(2010, 12, 1), target="Nov 2010"
    )
    suspended = make_action(project, status=Status.SUSPENDED)
    for finished in (done, suspended):
        action_set_owners(action=finished, owners=[team["PW"]], user=None, reason="test")

    opened = open_round(action.plan, steering_member)

    asked_about = set(opened.update_round.requests.values_list("action", flat=True))
    assert asked_about == {action.pk}


def test_a_person_asked_directly_and_through_a_group_is_asked_once_directly(
    team, action, steering_member
):
    GroupMembership.objects.create(group=team["PAG"], person=team["RF"])

    opened = open_round(action.plan, steering_member)

    rf_requests = opened.update_round.requests.filter(owner=team["RF"])
    assert [r.via_group for r in rf_requests] == [None]


def test_each_person_gets_one_email_listing_their_actions_with_a_link_to_my_actions(
    team, action, project, steering_member, mailoutbox
):
    second = make_action(project, description="Publish the telephone directory on the intranet")
    action_set_owners(action=second, owners=[team["RF"]], user=None, reason="test")

    open_round(action.plan, steering_member, note="Please include figures for December.")

    assert sorted(m.to[0] for m in mailoutbox) == [
        "Paul Williams <pw@example.gov.uk>",
        "RF <rf@example.gov.uk>",
    ]
    to_rf = next(m for m in mailoutbox if "rf@" in m.to[0])
    assert "10 January 2011" in to_rf.subject
    assert action.description in to_rf.body
    assert "Publish the telephone directory on the intranet" in to_rf.body
    assert "Please include figures for December." in to_rf.body
    assert f"{BASE_URL}/my-actions/" in to_rf.body
    to_pw = next(m for m in mailoutbox if "pw@" in m.to[0])
    assert action.description in to_pw.body
    assert "Publish the telephone directory" not in to_pw.body


def test_people_without_an_email_address_are_listed_and_not_counted_as_asked(
    team, action, steering_member, mailoutbox
):
    team["RF"].email = ""
    team["RF"].save()

    opened = open_round(action.plan, steering_member)

    assert [p.label for p in opened.people_without_email] == ["RF"]
    assert [m.to[0] for m in mailoutbox] == ["Paul Williams <pw@example.gov.uk>"]
    assert not opened.update_round.requests.filter(owner=team["RF"]).exists()
    assert opened.update_round.requests.filter(owner=team["PAG"]).exists()


def test_a_group_whose_members_have_no_email_is_not_counted_as_asked(
    team, action, steering_member, mailoutbox
):
    team["PW"].email = ""
    team["PW"].save()

    opened = open_round(action.plan, steering_member)

    assert [p.label for p in opened.people_without_email] == ["PAG"]
    assert [m.to[0] for m in mailoutbox] == ["RF <rf@example.gov.uk>"]
    asked = set(opened.update_round.requests.values_list("owner__short_name", flat=True))
    assert asked == {"RF"}


def test_an_action_whose_owners_cannot_be_emailed_is_not_asked_about(
    people, action, plan, steering_member, mailoutbox
):
    with pytest.raises(ValidationError, match="Nobody can be asked"):
        open_round(plan, steering_member)
    assert not UpdateRound.objects.exists() and mailoutbox == []


def test_a_plan_can_have_only_one_open_round(team, action, steering_member):
    open_round(action.plan, steering_member)

    with pytest.raises(ValidationError, match="already has an open update round"):
        open_round(action.plan, steering_member, title="Another round")
    assert UpdateRound.objects.count() == 1


def test_the_database_itself_refuses_a_second_open_round(plan):
    fields = {"plan": plan, "meeting_date": date(2011, 1, 14), "deadline": date(2011, 1, 10)}
    UpdateRound.objects.create(title="First", **fields)
    with pytest.raises(IntegrityError):
        UpdateRound.objects.create(title="Second", **fields)


def test_a_new_round_may_open_once_the_last_one_is_closed(team, action, steering_member):
    first = open_round(action.plan, steering_member).update_round
    round_close(update_round=first, user=steering_member)

    second = open_round(action.plan, steering_member, title="Steering group 11 February 2011")

    assert second.update_round.is_open


def test_a_deadline_after_the_meeting_is_refused_with_a_message(team, action, steering_member):
    with pytest.raises(ValidationError) as refused:
        open_round(action.plan, steering_member, deadline=date(2011, 1, 15))

    assert refused.value.message_dict["deadline"] == [
        "The deadline for updates must be on or before the meeting date (14 January 2011)."
    ]
    assert not UpdateRound.objects.exists()


def test_a_deadline_in_the_past_is_refused(team, action, steering_member):
    with pytest.raises(ValidationError) as refused:
        open_round(action.plan, steering_member, deadline=date(2011, 1, 2))

    assert refused.value.message_dict["deadline"] == [
        "The deadline for updates cannot be in the past."
    ]
    assert not UpdateRound.objects.exists()


def test_a_round_with_nobody_to_ask_is_refused(plan, project, steering_member):
    make_action(project)  # no owners

    with pytest.raises(ValidationError, match="Nobody can be asked"):
        open_round(plan, steering_member)
    assert not UpdateRound.objects.exists()


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.ARCHIVED])
def test_draft_and_archived_plans_get_no_round(status, team, plan, steering_member, mailoutbox):
    plan.status = status
    plan.save()

    with pytest.raises(ValidationError, match="only for adopted plans"):
        open_round(plan, steering_member)
    assert not UpdateRound.objects.exists() and mailoutbox == []


def test_if_the_emails_cannot_be_sent_there_is_no_round(team, action, steering_member, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(rounds, "send_mass_mail", refuse)

    with pytest.raises(ConnectionRefusedError):
        open_round(action.plan, steering_member)
    assert not UpdateRound.objects.exists()
    assert not UpdateRequest.objects.exists()


def test_opening_records_who_opened_it_and_why_in_history(team, action, steering_member):
    update_round = open_round(action.plan, steering_member).update_round

    record = update_round.history.get()
    assert record.history_user == steering_member
    assert record.history_change_reason == "Update round opened"
    request_record = UpdateRequest.history.first()
    assert request_record.history_change_reason == "Asked for an update when the round opened"


def test_any_update_after_the_round_opened_counts_as_a_response(team, action, steering_member):
    update_round = open_round(action.plan, steering_member).update_round
    assert round_progress(update_round).answered == 0

    record(action, is_no_change=True)

    assert round_progress(update_round).answered == 1
    assert not UpdateRequest.objects.unanswered().exists()


def test_an_update_from_before_the_round_opened_is_not_a_response(team, action, steering_member):
    earlier = record(action)
    set_created_at(earlier, OPENED - timedelta(minutes=1))

    update_round = open_round(action.plan, steering_member).update_round

    assert round_progress(update_round).answered == 0
    assert round_actions(update_round).get().responded_at is None


def test_an_update_after_the_deadline_day_counts_as_late(team, action, project, steering_member):
    second = make_action(project)
    action_set_owners(action=second, owners=[team["RF"]], user=None, reason="test")
    update_round = open_round(action.plan, steering_member).update_round

    set_created_at(record(action), london(date(2011, 1, 10), 23, 59))
    set_created_at(record(second), london(date(2011, 1, 11), 0, 0))

    assert str(round_progress(update_round)) == "2 of 2 actions have an update; 1 late"
    responses = {a.pk: update_round.is_late(a.responded_at) for a in round_actions(update_round)}
    assert responses == {action.pk: False, second.pk: True}


def test_each_owner_is_counted_with_what_they_were_asked_answered_and_late(
    team, action, project, steering_member
):
    second = make_action(project)
    action_set_owners(action=second, owners=[team["RF"]], user=None, reason="test")
    update_round = open_round(action.plan, steering_member).update_round
    set_created_at(record(second), london(date(2011, 1, 12)))

    counts = {
        o.label: (o.asked, o.answered, o.late, o.outstanding) for o in round_owners(update_round)
    }

    assert counts == {"RF": (2, 1, 1, 1), "PW": (1, 0, 0, 1), "PAG": (1, 0, 0, 1)}


def test_closing_a_round_locks_it_and_closing_twice_changes_nothing(
    team, action, steering_member, plan_admin
):
    update_round = open_round(action.plan, steering_member).update_round

    assert round_close(update_round=update_round, user=steering_member) is True
    closed_at = UpdateRound.objects.get().closed_at
    assert round_close(update_round=update_round, user=plan_admin) is False

    stored = UpdateRound.objects.get()
    assert (stored.closed_at, stored.closed_by) == (closed_at, steering_member)
    assert stored.history.count() == 2


def test_updates_after_a_round_closed_do_not_change_its_record(team, action, steering_member):
    update_round = open_round(action.plan, steering_member).update_round
    round_close(update_round=update_round, user=steering_member)

    record(action)

    assert round_progress(update_round).answered == 0


def test_a_closed_round_sends_no_reminders(team, action, steering_member, mailoutbox):
    update_round = open_round(action.plan, steering_member).update_round
    round_close(update_round=update_round, user=steering_member)
    mailoutbox.clear()

    sent = round_send_reminders(
        update_round=update_round, base_url=BASE_URL, now=london(date(2011, 1, 7))
    )

    assert sent.reminded == {} and mailoutbox == []
    assert UpdateRequest.objects.filter(reminder_count__gt=0).count() == 0


def test_reminders_go_three_days_and_one_day_before_the_deadline_then_every_other_day():
    update_round = UpdateRound(
        meeting_date=date(2011, 1, 17), deadline=date(2011, 1, 10), opened_at=OPENED
    )
    reminder_days = {
        day.day: reminder_reason(update_round, day)
        for day in (date(2011, 1, 3) + timedelta(days=n) for n in range(20))
        if reminder_reason(update_round, day)
    }
    assert reminder_days == {
        7: "3 days before the deadline",
        9: "the day before the deadline",
        11: "the deadline has passed",
        13: "the deadline has passed",
        15: "the deadline has passed",
    }


def test_reminders_go_only_to_people_still_owing_an_update(
    team, action, project, steering_member, mailoutbox
):
    second = make_action(project)
    action_set_owners(action=second, owners=[team["RF"]], user=None, reason="test")
    update_round = open_round(action.plan, steering_member).update_round
    record(action)  # answers RF's and PW's request on the first action
    mailoutbox.clear()

    sent = round_send_reminders(
        update_round=update_round, base_url=BASE_URL, now=london(date(2011, 1, 7))
    )

    assert {p.label: n for p, n in sent.reminded.items()} == {"RF": 1}
    assert [m.to[0] for m in mailoutbox] == ["RF <rf@example.gov.uk>"]
    assert second.description in mailoutbox[0].body
    reminded = UpdateRequest.objects.get(owner=team["RF"], action=second)
    assert reminded.reminder_count == 1
    assert reminded.last_reminded_at == london(date(2011, 1, 7))
    assert reminded.history.first().history_change_reason == (
        "Reminder sent (3 days before the deadline)"
    )
