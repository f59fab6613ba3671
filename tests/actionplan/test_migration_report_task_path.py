"""A report queued before the report code moved into actionplan/reporting/ is still made.

django-tasks-db keeps the import path of each queued task; migration 0013 renames the old one.
"""

import importlib

from django.apps import apps
from django_tasks_db.models import DBTaskResult

from actionplan.models import ReportJobState
from actionplan.reporting.jobs import report_job_request, report_job_run

migration = importlib.import_module("actionplan.migrations.0013_report_job_task_path")


def test_the_migration_names_the_task_where_it_now_lives():
    assert report_job_run.module_path == migration.NEW


def test_a_report_queued_under_the_old_path_is_made_after_the_migration(worker, action, viewer):
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)
    DBTaskResult.objects.filter(id=job.task_id).update(task_path=migration.OLD)

    migration.forwards(apps, None)
    worker()

    job.refresh_from_db()
    assert job.state == ReportJobState.DONE
    assert DBTaskResult.objects.get(id=job.task_id).task_path == migration.NEW


def test_undoing_the_migration_gives_the_old_path_back(db, action, viewer):
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)

    migration.backwards(apps, None)

    assert DBTaskResult.objects.get(id=job.task_id).task_path == migration.OLD
