"""A backup restored into a fresh database gives back every record and all its history.

Two throwaway SQLite files and real processes, as an administrator would do it: the demo plans
plus an update round, a revised target and a retirement go into the first; backup_plan_data
writes them out; the second is migrated and restore_plan_data reads them in. Then every row of
every model (Historical* included, many-to-many links too) is compared field by field. Both
files start as copies of one freshly migrated database (migrating is the slow part).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

BASE_ENV = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
BASE_ENV["DJANGO_DEBUG"] = "1"

ACTIVITY = """
from datetime import timedelta
from django.contrib.auth.models import User
from django.utils import timezone
from actionplan.models import Action, Plan
from actionplan.rounds import round_open
from actionplan.services import action_retire, action_revise_target
chair = User.objects.get(username="chair")
# South Cambridgeshire's plan: its owner RF has an address (a round asks only whom it e-mails).
plan = Plan.objects.get(slug="scdc-cse-action-plan-v4")
today = timezone.localdate()
round_open(plan=plan, title="Backup test round", meeting_date=today + timedelta(days=20),
           deadline=today + timedelta(days=10), user=chair, base_url="http://testserver")
first, second = Action.objects.filter(theme__plan=plan).order_by("pk")[:2]
action_revise_target(action=first, new_target="Q4 2027/28", reason="Budget moved", user=chair)
action_retire(action=second, reason="Merged into another action", user=chair)
"""

SNAPSHOT = """
import json
from actionplan.backup import backed_up_models
out = {}
for model in backed_up_models():
    rows = [[str(v) for v in row] for row in model._default_manager.order_by("pk").values_list()]
    links = []
    for m2m in model._meta.many_to_many:
        for obj in model._default_manager.order_by("pk").prefetch_related(m2m.name):
            links.append([obj.pk, sorted(str(r) for r in getattr(obj, m2m.name).all())])
    out[model._meta.label] = {"rows": rows, "links": links}
print(json.dumps(out))
"""


def _manage(database: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**BASE_ENV, "DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _snapshot(database: Path) -> dict:
    return json.loads(_ok(_manage(database, "shell", "-c", SNAPSHOT)).strip().splitlines()[-1])


def _copy(database: Path, to: Path) -> None:
    """A copy of the SQLite file, what its write-ahead log holds included."""
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(to)) as copy:
        source.backup(copy)


@pytest.fixture(scope="module")
def restored(tmp_path_factory) -> tuple[dict, dict, Path, Path]:
    folder = tmp_path_factory.mktemp("backup")
    source, target, dump = folder / "source.sqlite3", folder / "target.sqlite3", folder / "b.json"
    migrated = folder / "migrated.sqlite3"
    _ok(_manage(migrated, "migrate", "--noinput", "-v0"))
    _copy(migrated, source)
    _copy(migrated, target)
    _ok(_manage(source, "load_demo", "-v0"))
    _ok(_manage(source, "shell", "-c", ACTIVITY))
    _ok(_manage(source, "backup_plan_data", "-o", str(dump)))
    _ok(_manage(target, "restore_plan_data", str(dump)))
    return _snapshot(source), _snapshot(target), target, dump


def test_every_record_and_its_history_comes_back_exactly(restored):
    before, after, _, _ = restored
    assert after.keys() == before.keys()
    different = [label for label in before if before[label] != after[label]]
    assert different == []


def test_the_backup_is_not_trivially_empty(restored):
    before, _, _, _ = restored
    counts = {label: len(data["rows"]) for label, data in before.items()}
    for label in [
        "actionplan.Action",
        "actionplan.HistoricalAction",
        "actionplan.ProgressUpdate",
        "actionplan.HistoricalProgressUpdate",
        "actionplan.UpdateRound",
        "actionplan.HistoricalUpdateRequest",
        "actionplan.TargetRevision",
        "auth.User",
        "actionplan.Organisation",
        "actionplan.Membership",
        "actionplan.PlanMembership",
    ]:
        assert counts[label] > 0, label
    assert counts["actionplan.HistoricalAction"] > counts["actionplan.Action"]
    # History keeps who made each change and why.
    historical = before["actionplan.HistoricalAction"]["rows"]
    assert any("Merged into another action" in " ".join(row) for row in historical)


def test_a_restore_into_a_database_that_holds_data_is_refused_and_changes_nothing(restored):
    _, after, target, dump = restored
    result = _manage(target, "restore_plan_data", str(dump))
    assert result.returncode != 0
    assert "already holds data, so nothing was restored" in result.stderr
    assert _snapshot(target) == after
