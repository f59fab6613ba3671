"""Each action's `latest_update_on`: the day of its latest progress update, kept by the database.

Triggers on the progress-update table (migration 0017) keep it, whichever path writes the
update; these tests take the paths people use and check the column against the updates.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from actionplan.dashboard import build_dashboard
from actionplan.models import Action, ProgressUpdate
from actionplan.services import (
    action_record_progress,
    action_revert,
    action_save,
    delete_with_history,
    save_with_history,
)
from tests.conftest import make_action

TODAY = date(2005, 3, 1)


def _stored(action: Action) -> date | None:
    return Action.objects.values_list("latest_update_on", flat=True).get(pk=action.pk)


def _computed(action: Action) -> date | None:
    return ProgressUpdate.objects.filter(action=action).aggregate(day=Max("reported_on"))["day"]


def _record(action: Action, day: date, text: str = "Progress") -> ProgressUpdate:
    return action_record_progress(action=action, reported_on=day, narrative=text, user=None)


def test_recording_progress_sets_the_day_and_an_older_update_does_not_move_it_back(action):
    assert _stored(action) is None
    _record(action, date(2005, 1, 10))
    assert _stored(action) == date(2005, 1, 10)
    _record(action, date(2004, 12, 1), "Late note about December")
    assert _stored(action) == date(2005, 1, 10) == _computed(action)


def test_deleting_or_redating_an_update_recomputes_the_day(action):
    older = _record(action, date(2004, 11, 1))
    newer = _record(action, date(2005, 1, 10))
    newer.reported_on = date(2004, 10, 1)
    save_with_history(newer, user=None, reason="Wrong date")
    assert _stored(action) == date(2004, 11, 1) == _computed(action)
    delete_with_history(older, user=None, reason="Entered twice")
    assert _stored(action) == date(2004, 10, 1)
    delete_with_history(newer, user=None, reason="Entered twice")
    assert _stored(action) is None


def test_bulk_inserts_as_imports_write_them_set_the_day(project):
    first, second = make_action(project), make_action(project)
    rows = [
        ProgressUpdate(plan_id=first.plan_id, action=first, reported_on=day, narrative="x")
        for day in (date(2004, 9, 1), date(2005, 2, 1), date(2004, 10, 1))
    ] + [
        ProgressUpdate(
            plan_id=second.plan_id, action=second, reported_on=date(2004, 8, 1), narrative="y"
        )
    ]
    bulk_create_with_history(rows, ProgressUpdate, batch_size=2)
    assert (_stored(first), _stored(second)) == (date(2005, 2, 1), date(2004, 8, 1))


def test_saving_an_action_read_before_an_update_keeps_the_update_day(action):
    stale = Action.objects.get(pk=action.pk)  # an edit form opened before the update
    _record(action, date(2005, 1, 10))
    stale.notes = "Edited after the update was recorded"
    action_save(action=stale, user=None, reason="Notes")
    assert _stored(action) == date(2005, 1, 10)
    assert Action.objects.get(pk=action.pk).notes == "Edited after the update was recorded"


def test_reverting_an_action_keeps_the_update_day_and_history_does_not_hold_it(action):
    first_record = action.history.earliest("history_date")
    _record(action, date(2005, 1, 10))
    action_revert(action=action, history_id=first_record.history_id, user=None)
    assert _stored(action) == date(2005, 1, 10)
    # Derived, not a change anyone made: no column in the action's history.
    history_fields = {f.name for f in Action.history.model._meta.get_fields()}
    assert "latest_update_on" not in history_fields


def test_deleting_an_action_with_updates_deletes_them_without_error(project):
    doomed = make_action(project)
    _record(doomed, date(2005, 1, 10))
    doomed.delete()  # the updates go first (cascade); their trigger finds the action still there
    assert not ProgressUpdate.objects.filter(action_id=doomed.pk).exists()


def test_the_migration_fills_the_day_from_the_updates(action, project):
    import importlib

    migration = importlib.import_module("actionplan.migrations.0017_action_latest_update_on")
    other = make_action(project)
    _record(action, date(2005, 1, 10))
    _record(action, date(2004, 12, 1))
    Action.objects.update(latest_update_on=date(1999, 1, 1))  # as before the column existed
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    assert (_stored(action), _stored(other)) == (date(2005, 1, 10), None)


def test_the_dashboard_lists_never_updated_first_then_the_longest_without_one(plan, project):
    fresh, stale, never, staler = (make_action(project) for _ in range(4))
    _record(fresh, date(2005, 2, 20))
    _record(stale, date(2004, 10, 1))
    _record(staler, date(2004, 6, 1))
    plan.awaiting_update_days = 30
    awaiting = build_dashboard(plan, today=TODAY).awaiting
    assert [row.pk for row in awaiting.rows] == [never.pk, staler.pk, stale.pk]
    assert [row.latest_update_on for row in awaiting.rows] == [
        None,
        date(2004, 6, 1),
        date(2004, 10, 1),
    ]


def test_the_plan_browser_sorts_and_shows_the_latest_update(plan, project, steering_member):
    late, early = (
        make_action(project, description="Late one"),
        make_action(project, description="Early one"),
    )
    _record(late, date(2005, 2, 1), "Went live")
    _record(early, date(2004, 9, 1), "Scoped")
    _record(early, date(2004, 9, 1), "Scoped again, same day")
    client = Client()
    client.force_login(steering_member)
    page = client.get(reverse("plan_browse", args=[plan.slug]) + "?sort=latest_update")
    text = page.content.decode()
    assert text.index("Early one") < text.index("Late one")
    # The text shown is that of the last update written on the latest day.
    assert "Scoped again, same day" in text
    assert "Went live" in text


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_a_delete_beside_a_concurrent_newer_update_ends_with_the_newer_day(project):
    """A delete's recompute waits for the writer holding the action and then sees its update:
    recomputing from a snapshot taken before that writer committed would lose its day."""
    target = make_action(project)
    old = _record(target, date(2004, 9, 1))
    _record(target, date(2004, 8, 1))
    inserted, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def add_newer() -> None:
        try:
            with transaction.atomic():
                ProgressUpdate.objects.create(
                    action=target, reported_on=date(2005, 2, 1), narrative="New"
                )
                inserted.set()
                release.wait(timeout=30)
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            connection.close()

    writer = threading.Thread(target=add_newer)
    writer.start()
    assert inserted.wait(timeout=30)

    def delete_old() -> None:
        try:
            ProgressUpdate.objects.filter(pk=old.pk).delete()
        except BaseException as error:  # noqa: BLE001
            failures.append(error)
        finally:
            connection.close()

    deleter = threading.Thread(target=delete_old)
    deleter.start()
    deleter.join(timeout=1)  # it waits for the writer's lock on the action
    release.set()
    writer.join(timeout=30)
    deleter.join(timeout=30)
    assert not failures
    assert _stored(target) == date(2005, 2, 1) == _computed(target)
