"""A round's title is the subject of every e-mail it sends: one line, by validation; and one
round that cannot be reminded does not stop the others (finding 5 of the security test)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from actionplan.models import Plan, Project, Theme, UpdateRound
from actionplan.services import action_set_owners
from tests.actionplan.test_rounds import open_round
from tests.conftest import home_council, make_action

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("title", ["Steering group\r\nBcc: all@example.org", "Two\nlines"])
def test_a_title_with_a_line_break_is_a_form_error_and_opens_no_round(
    client, plan, action, steering_member, title
):
    client.force_login(steering_member)
    day = timezone.localdate()
    response = client.post(
        reverse("round_open", args=[plan.slug]),
        {
            "title": title,
            "meeting_date": f"{day:%d/%m/%Y}",
            "deadline": f"{day:%d/%m/%Y}",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "Write this on one line" in response.content.decode()
    assert not UpdateRound.objects.exists()


def test_the_service_refuses_a_title_on_two_lines(plan, action, steering_member):
    with pytest.raises(ValidationError):
        open_round(plan, steering_member, title="Steering group\nnext week")
    assert not UpdateRound.objects.exists()


@pytest.fixture
def two_rounds(plan, action, people, steering_member, mailoutbox):
    """Two plans with a round open each; RF owes an update for both."""
    people["RF"].email = "rf@example.gov.uk"
    people["RF"].save()
    other = Plan.objects.create(
        slug="other", title="Other plan", organisation=home_council(), status="adopted"
    )
    project = Project.objects.create(
        theme=Theme.objects.create(plan=other, reference="1", title="Access"),
        reference="1",
        title="Phones",
    )
    second = make_action(project, description="Answer the phone")
    action_set_owners(action=second, owners=[people["RF"]], user=None, reason="test")
    first_round = open_round(plan, steering_member).update_round
    other_round = open_round(other, steering_member, title="Other plan's round").update_round
    mailoutbox.clear()
    return first_round, other_round


def test_send_reminders_carries_on_past_a_round_that_fails_and_reports_it(two_rounds, mailoutbox):
    bad, good = two_rounds
    # A title stored before validation existed: no e-mail subject can hold it.
    UpdateRound.objects.filter(pk=bad.pk).update(title="Steering group\r\nBcc: all@example.org")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="failed for 1 of 2"):
        call_command("send_reminders", "--today", "2011-01-07", stdout=out, stderr=err)
    assert [message.subject for message in mailoutbox] == [
        "Reminder: update needed by 10 January 2011: Other plan's round"
    ]
    assert "Other plan's round" in out.getvalue()
    assert "reminders NOT sent" in err.getvalue() and "BadHeaderError" in err.getvalue()
    assert not bad.requests.filter(reminder_count__gt=0).exists()
    assert good.requests.filter(reminder_count=1).exists()
