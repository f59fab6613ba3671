"""`manage.py send_reminders`: the right people, on the right days, once a day, with a summary."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from actionplan.models import GroupMembership, UpdateRequest
from actionplan.rounds import round_close
from actionplan.services import action_record_progress, action_set_owners
from tests.actionplan.test_rounds import open_round
from tests.conftest import make_action


def send_reminders(day: str) -> str:
    out = StringIO()
    call_command("send_reminders", "--today", day, stdout=out)
    return out.getvalue()


@pytest.fixture
def update_round(people, action, project, steering_member, mailoutbox):
    """Opened 3 January 2011, updates due 10 January, meeting 14 January.

    RF owns `action` and `second`; PW is asked about `action` through PAG; no update yet.
    """
    for initials in ("RF", "PW"):
        people[initials].email = f"{initials.lower()}@example.gov.uk"
        people[initials].save()
    GroupMembership.objects.create(group=people["PAG"], person=people["PW"])
    second = make_action(project, description="Publish the telephone directory")
    action_set_owners(action=second, owners=[people["RF"]], user=None, reason="test")
    opened = open_round(action.plan, steering_member).update_round
    mailoutbox.clear()
    return opened


def recipients(mailoutbox) -> list[str]:
    return sorted(message.to[0].split("<")[1].rstrip(">") for message in mailoutbox)


def test_three_days_before_the_deadline_everyone_who_owes_an_update_is_reminded(
    update_round, mailoutbox
):
    output = send_reminders("2011-01-07")

    assert recipients(mailoutbox) == ["pw@example.gov.uk", "rf@example.gov.uk"]
    assert "Steering group 14 January 2011" in output
    assert "reminder day (3 days before the deadline)" in output
    assert "Reminded RF <rf@example.gov.uk> about 2 actions." in output
    assert "Reminded Paul Williams (PW) <pw@example.gov.uk> about 1 action." in output


def test_people_who_have_updated_are_not_reminded(update_round, action, mailoutbox):
    action_record_progress(
        action=action, reported_on=date(2011, 1, 5), narrative="", is_no_change=True, user=None
    )

    output = send_reminders("2011-01-09")

    assert recipients(mailoutbox) == ["rf@example.gov.uk"]
    assert "Identify key customer contacts" not in mailoutbox[0].body
    assert "Publish the telephone directory" in mailoutbox[0].body
    assert "Reminded RF <rf@example.gov.uk> about 1 action." in output


def test_on_other_days_nothing_is_sent_and_the_next_reminder_day_is_named(update_round, mailoutbox):
    output = send_reminders("2011-01-08")

    assert mailoutbox == []
    assert "not a reminder day (next on 9 January 2011)" in output


def test_running_twice_on_the_same_day_sends_nothing_more(update_round, mailoutbox):
    send_reminders("2011-01-07")
    mailoutbox.clear()

    output = send_reminders("2011-01-07")

    assert mailoutbox == []
    assert "Nobody to remind today" in output
    assert set(UpdateRequest.objects.values_list("reminder_count", flat=True)) == {0, 1}


def test_each_reminder_is_recorded_on_the_request(update_round, people):
    send_reminders("2011-01-07")
    send_reminders("2011-01-09")

    rf_requests = UpdateRequest.objects.filter(owner=people["RF"])
    assert [r.reminder_count for r in rf_requests] == [2, 2]
    assert {r.last_reminded_at.date() for r in rf_requests} == {date(2011, 1, 9)}


def test_after_the_deadline_reminders_go_every_other_day_until_the_meeting(
    update_round, mailoutbox
):
    sent_on = []
    for day in range(10, 16):
        mailoutbox.clear()
        send_reminders(f"2011-01-{day:02d}")
        if mailoutbox:
            sent_on.append(day)
            assert "were due by 10 January 2011" in mailoutbox[0].body

    assert sent_on == [11, 13]


def test_a_closed_round_is_never_reminded(update_round, steering_member, mailoutbox):
    round_close(update_round=update_round, user=steering_member)

    output = send_reminders("2011-01-07")

    assert mailoutbox == []
    assert "No update round is open" in output


def test_people_without_an_email_address_are_listed_not_reminded(update_round, people, mailoutbox):
    people["RF"].email = ""
    people["RF"].save()

    output = send_reminders("2011-01-07")

    assert recipients(mailoutbox) == ["pw@example.gov.uk"]
    assert "Not reminded (no e-mail address): RF." in output
    assert not UpdateRequest.objects.filter(owner=people["RF"], reminder_count__gt=0).exists()


def test_a_badly_written_date_is_refused_with_an_example():
    with pytest.raises(CommandError, match="write it as YYYY-MM-DD"):
        call_command("send_reminders", "--today", "7/1/2011")
