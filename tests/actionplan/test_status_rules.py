"""Retiring, deferring and reopening an action are steering-group decisions on every path.

Finding 1 of the outside security test: an owner could post progress with "Deleted as no
longer appropriate" (taking an overdue action out of the counts) and reopen an action the
steering group had retired. The rule (actionplan/statusrules.py) is tested through the
progress form, the spreadsheet import and the services themselves.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from actionplan.exports import report_workbook_bytes
from actionplan.models import Action, ProgressUpdate, Status
from actionplan.reporting import ReportOptions, build_report
from actionplan.services import action_record_progress, action_retire
from actionplan.statusrules import may_set_status
from tests.actionplan.import_files import edited
from tests.actionplan.test_import_progress import add_progress_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(action, people, action_owner) -> Action:
    people["RF"].user = action_owner
    people["RF"].save()
    return action


def _progress(client, action, status: str):
    return client.post(
        reverse("action_progress", args=[action.pk]),
        {
            "reported_on": "01/10/2004",
            "narrative": "No longer needed",
            "status": status,
            "rag": "",
            "percent_complete": "",
        },
    )


def _status_options(client, action) -> str:
    return client.get(reverse("action_progress", args=[action.pk])).content.decode()


def test_an_owner_is_not_offered_deleted_or_suspended_on_the_progress_form(
    client, owned, action_owner
):
    client.force_login(action_owner)
    page = _status_options(client, owned)
    assert 'value="on_track"' in page and 'value="completed"' in page
    assert 'value="deleted"' not in page and 'value="suspended"' not in page


@pytest.mark.parametrize("status", [Status.DELETED, Status.SUSPENDED])
def test_an_owner_posting_a_retiring_status_is_refused_and_nothing_changes(
    client, owned, action_owner, status
):
    client.force_login(action_owner)
    response = _progress(client, owned, status)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    owned.refresh_from_db()
    assert owned.status == Status.NOT_STARTED
    assert not ProgressUpdate.objects.filter(action=owned).exists()


def test_an_owner_cannot_reopen_an_action_the_steering_group_retired(
    client, owned, action_owner, steering_member
):
    action_retire(action=owned, reason="Superseded by the new strategy", user=steering_member)
    client.force_login(action_owner)
    assert 'value="on_track"' not in _status_options(client, owned)
    response = _progress(client, owned, Status.ON_TRACK)
    assert response.status_code == 200
    owned.refresh_from_db()
    assert owned.status == Status.DELETED


def test_an_owner_still_reports_delivery_up_to_completed(client, owned, action_owner):
    client.force_login(action_owner)
    response = _progress(client, owned, Status.COMPLETED)
    assert response.status_code == 302
    owned.refresh_from_db()
    assert owned.status == Status.COMPLETED


def test_an_owner_cannot_reopen_a_completed_action_either(client, owned, action_owner):
    client.force_login(action_owner)
    _progress(client, owned, Status.COMPLETED)
    response = _progress(client, owned, Status.ON_TRACK)
    assert response.status_code == 200
    owned.refresh_from_db()
    assert owned.status == Status.COMPLETED


def test_the_steering_group_defers_and_reopens_through_the_same_form(
    client, owned, steering_member
):
    client.force_login(steering_member)
    assert _progress(client, owned, Status.SUSPENDED).status_code == 302
    assert _progress(client, owned, Status.ON_TRACK).status_code == 302
    owned.refresh_from_db()
    assert owned.status == Status.ON_TRACK


def test_the_service_refuses_an_owner_s_retiring_status_whoever_calls_it(owned, action_owner):
    with pytest.raises(ValidationError) as refused:
        action_record_progress(
            action=owned,
            reported_on=date(2004, 10, 1),
            narrative="Retire it",
            user=action_owner,
            status=Status.DELETED,
        )
    assert "Only the steering group" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError):
        action_retire(action=owned, reason="Not wanted", user=action_owner)
    owned.refresh_from_db()
    assert owned.status == Status.NOT_STARTED


def test_an_import_by_an_owner_cannot_retire_an_action(plan, owned, action_owner, tmp_path):
    def edit(ws, col):
        add_progress_row(
            ws,
            col,
            owned,
            **{
                "Reported on": date(2004, 11, 15),
                "Progress": "Not needed any more",
                "Status reported": "Deleted as no longer appropriate",
            },
        )

    workbook = report_workbook_bytes(build_report(plan=plan), ReportOptions())
    path = tmp_path / "progress.xlsx"
    path.write_bytes(edited(workbook, edit, sheet="Progress"))
    with pytest.raises(CommandError, match="Only the steering group"):
        call_command("import_plan", str(path), "--plan", plan.slug, "--user", "olly.owner")
    owned.refresh_from_db()
    assert owned.status == Status.NOT_STARTED
    assert not ProgressUpdate.objects.filter(action=owned).exists()


def test_a_command_run_without_a_user_is_the_site_administrators_decision():
    assert may_set_status(user=None, plan=None, current=Status.DELETED, new=Status.ON_TRACK)
    assert may_set_status(user=None, plan=None, current=Status.ON_TRACK, new=Status.SUSPENDED)
