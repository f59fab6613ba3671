"""The background report task moved from actionplan.report_jobs to actionplan.reporting.jobs.

django-tasks-db keeps each queued task's import path in its rows, and a worker imports the
task from there: the rows are renamed, so reports queued before the move are still made (and
the finished ones still name a task that exists).
"""

from django.db import migrations

OLD = "actionplan.report_jobs.report_job_run"
NEW = "actionplan.reporting.jobs.report_job_run"


def _rename(apps, old: str, new: str) -> None:
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=old).update(task_path=new)


def forwards(apps, schema_editor) -> None:
    _rename(apps, OLD, NEW)


def backwards(apps, schema_editor) -> None:
    _rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0012_owner_active_carried_over"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
