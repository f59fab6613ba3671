"""Slow reports made by the background worker (django-tasks, database backend).

A PDF or workbook of more actions than `ACTIONPLAN_SYNC_REPORT_MAX_ACTIONS` (after the
report's filters), and every publication, is a ReportJob: `report_job_request` stores what was
asked and queues `report_job_run`, which a `manage.py db_worker` process runs. The job keeps
its state, times, the file made (served only through an access-checked view) or the reason it
failed, in words its user can read. Smaller reports are still made while the user waits.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from actionplan import exports, publishing
from actionplan.models import Action, Plan, ReportJob, ReportJobKind, ReportJobState
from actionplan.reporting.build import Report, ReportOptions
from actionplan.reporting.params import report_from_params, report_params_form
from actionplan.reporting.pdf import render_report_pdf
from actionplan.services import delete_with_history, save_with_history

logger = logging.getLogger(__name__)

# Parameters of the request that are not the report's.
NOT_REPORT_PARAMS = {"csrfmiddlewaretoken"}
UNEXPECTED_FAILURE = (
    "Something went wrong on the server while making this report, and it has been logged for "
    "the site's administrators. Ask for the report again; if it fails again, tell them."
)


# Publications go ahead of downloads in the queue (django-tasks runs higher numbers first).
PUBLICATION_PRIORITY = 10
DOWNLOAD_PRIORITY = 0
WAITING = (ReportJobState.QUEUED, ReportJobState.RUNNING)


class ReportRefused(Exception):
    """The job's parameters no longer make a report (say, a theme it names was deleted)."""


class TooManyReportJobs(Exception):
    """The user (or the plan) already has as many reports waiting as the site allows."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def report_size(report: Report, options: ReportOptions) -> int:
    """Roughly how many action rows the PDF or workbook of the report holds."""
    size = sum(1 for _ in report.rows())
    if options.include_full_plan and report.filters_described:
        # The appendix lists the whole plan (as it is now: close enough to decide).
        size += Action.objects.filter(theme__plan_id=report.plan_id).count()
    return size


def made_in_background(report: Report, options: ReportOptions) -> bool:
    """True when the report is too large to make while its user waits."""
    return report_size(report, options) > settings.ACTIONPLAN_SYNC_REPORT_MAX_ACTIONS


def _params_record(params: Mapping) -> dict[str, list[str]]:
    """The report parameters as JSON: each name with its list of values, as a query string."""
    if hasattr(params, "lists"):
        items = params.lists()
    else:
        items = ((n, v if isinstance(v, list | tuple) else [v]) for n, v in params.items())
    return {
        name: [str(value) for value in values]
        for name, values in items
        if name not in NOT_REPORT_PARAMS
    }


@transaction.atomic
def report_job_request(
    *, plan: Plan, kind: str, params: Mapping, user: AbstractBaseUser | None
) -> ReportJob:
    """Store the request and queue it for the worker; nothing is rendered here.

    Raises ValidationError (a dict by parameter) when the parameters do not make a report,
    or make no publication when `kind` is publish; then nothing is stored or queued.
    """
    if kind not in ReportJobKind.values:
        raise ValidationError({"kind": [f"There is no kind of report called {kind!r}."]})
    record = _params_record(params)
    form = report_params_form(
        plan, record, today=timezone.localdate(), publishing=kind == ReportJobKind.PUBLISH
    )
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    now = timezone.now()
    as_at_given = any(value.strip() for value in record.get("as_at", []))
    if not as_at_given:
        # "Now" means when the user asked, not whenever the worker gets to it: a change saved
        # while the job waits must not slip into the report they asked for.
        record["as_at"] = [timezone.localtime(now).isoformat()]
    requested_by = user if getattr(user, "pk", None) else None
    if requested_by is not None:
        twin = _waiting_twin(
            plan=plan, kind=kind, record=record, as_at_given=as_at_given, user=requested_by
        )
        if twin is not None:
            return twin  # the same report is already waiting: never queued twice
        _refuse_too_many(plan=plan, kind=kind, user=requested_by)
    job = ReportJob(
        plan=plan, kind=kind, params=record, requested_by=requested_by, requested_at=now
    )
    save_with_history(job, user=job.requested_by, reason="Report requested")
    priority = PUBLICATION_PRIORITY if kind == ReportJobKind.PUBLISH else DOWNLOAD_PRIORITY
    queued = report_job_run.using(priority=priority).enqueue(job.pk)
    # A backend that runs tasks at once (django-tasks' ImmediateBackend) has changed the row.
    job.refresh_from_db()
    job.task_id = str(queued.id)
    save_with_history(job, user=job.requested_by, reason="Report queued")
    return job


def _asked_for_now(job: ReportJob) -> bool:
    """True when the job's as-at moment is the moment it was asked for (no as-at given)."""
    return job.params.get("as_at") == [timezone.localtime(job.requested_at).isoformat()]


def _waiting_twin(
    *,
    plan: Plan,
    kind: str,
    record: dict[str, list[str]],
    as_at_given: bool,
    user: AbstractBaseUser,
) -> ReportJob | None:
    """The user's job for the same report that has not started yet, if there is one.

    A report "as at now" matches a waiting one asked for "now" a little earlier: it has not
    been made yet, so it will show the plan as the user expects.
    """
    waiting = ReportJob.objects.filter(
        plan=plan, kind=kind, requested_by=user, state=ReportJobState.QUEUED
    ).order_by("-requested_at", "-id")
    for job in waiting:
        wanted, have = dict(record), dict(job.params)
        if not as_at_given and _asked_for_now(job):
            wanted.pop("as_at", None)
            have.pop("as_at", None)
        if wanted == have:
            return job
    return None


def _refuse_too_many(*, plan: Plan, kind: str, user: AbstractBaseUser) -> None:
    """Raise TooManyReportJobs when the user, or the plan's downloads, are at their limit."""
    # One request at a time per user: two pages asking at once cannot both pass the count.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    limit = settings.ACTIONPLAN_REPORT_JOBS_PER_USER
    if ReportJob.objects.filter(requested_by=user, state__in=WAITING).count() >= limit:
        raise TooManyReportJobs(
            f"You already have {limit} reports waiting to be made or being made. When one of "
            "them is ready (see “Your latest background reports” on the report builder), ask "
            "for this one again."
        )
    plan_limit = settings.ACTIONPLAN_REPORT_JOBS_PER_PLAN
    downloads = ReportJob.objects.filter(plan=plan, state__in=WAITING).exclude(
        kind=ReportJobKind.PUBLISH
    )
    if kind != ReportJobKind.PUBLISH and downloads.count() >= plan_limit:
        raise TooManyReportJobs(
            f"{plan_limit} reports of this plan are already waiting to be made. Try again in "
            "a few minutes, or download the CSV, which is made at once."
        )


def _record(job: ReportJob, reason: str, **fields: object) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    with transaction.atomic():
        save_with_history(job, user=job.requested_by, reason=reason, validate=False)


def _made(job: ReportJob) -> dict[str, object]:
    """Make the job's file (or publication); the fields that record it on the job."""
    if job.kind == ReportJobKind.PUBLISH:
        try:
            published = publishing.report_publish(
                plan=job.plan, params=job.params, user=job.requested_by, today=timezone.localdate()
            )
        except ValidationError as refused:
            raise ReportRefused(" ".join(refused.messages)) from refused
        return {"published": published}
    report, options, errors = report_from_params(job.plan, job.params, today=timezone.localdate())
    if errors:
        raise ReportRefused(" ".join(errors))
    if job.kind == ReportJobKind.PDF:
        content = render_report_pdf(report, options)
    else:
        content = exports.report_workbook_bytes(report, options)
    name = f"{report.plan_slug}-report-{timezone.localdate(report.as_at):%Y-%m-%d}.{job.kind}"
    job.file.save(name, ContentFile(content), save=False)
    return {"file_name": name}


@task()
def report_job_run(job_id: int) -> str:
    """Make the job's report. Failures are recorded on the job, then raised for the worker's log."""
    job = ReportJob.objects.select_related("plan", "requested_by").filter(pk=job_id).first()
    if job is None:
        return "gone"  # its plan was deleted, and the job with it
    if job.state != ReportJobState.QUEUED:
        return job.state  # already run: never make a report twice
    _record(job, "Report started", state=ReportJobState.RUNNING, started_at=timezone.now())
    # No transaction around the rendering: on SQLite a transaction held for minutes would
    # keep every other writer waiting. Publishing and each record are atomic on their own.
    try:
        made = _made(job)
        _record(job, "Report made", state=ReportJobState.DONE, finished_at=timezone.now(), **made)
    except Exception as error:
        if job.file:
            job.file.delete(save=False)
        refused = isinstance(error, ReportRefused)
        if not refused:
            logger.exception("Report job %s failed", job.pk)
        job.refresh_from_db()
        message = f"This report cannot be made: {error}" if refused else UNEXPECTED_FAILURE
        _record(
            job,
            "Report failed",
            state=ReportJobState.FAILED,
            error=message,
            finished_at=timezone.now(),
        )
        if refused:
            return job.state
        raise
    return job.state


# Housekeeping (`manage.py recover_report_jobs`, run from cron): jobs whose worker died.
REQUEUED = "Report queued again: the worker making it stopped"
WORKER_STOPPED = (
    "The background worker stopped while making this report, twice. Ask for the report "
    "again; if it fails again, tell the site's administrators."
)


@dataclass(frozen=True)
class Recovery:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)


def _task_waiting(job: ReportJob) -> bool:
    """True while the job's task is still in the queue for a worker to take."""
    return DBTaskResult.objects.filter(
        id=job.task_id or None, status=TaskResultStatus.READY
    ).exists()


def _recover(job: ReportJob, now: datetime) -> str:
    """Queue again, once, a job whose worker stopped; fail it the second time."""
    if job.state == ReportJobState.QUEUED and _task_waiting(job):
        return "waiting"  # no worker is running: nothing to re-run, the health check says so
    if job.history.filter(history_change_reason=REQUEUED).exists():
        _record(
            job, "Report failed", state=ReportJobState.FAILED, error=WORKER_STOPPED, finished_at=now
        )
        return "failed"
    _record(job, REQUEUED, state=ReportJobState.QUEUED, started_at=None)
    job.task_id = str(report_job_run.enqueue(job.pk).id)
    _record(job, "Report queued")
    return "requeued"


def report_jobs_recover(*, now: datetime) -> Recovery:
    """Act on every job that seems stuck (ReportJob.seems_stuck): one left "Being made" by a
    worker that died is made again once, then failed with a message its user can read; a
    job still waiting in the queue is left for a worker. Safe to run on several machines at
    once: each job is locked, and skipped if another run holds it."""
    recovery = Recovery()
    for pk in ReportJob.objects.seemingly_stuck(now).values_list("pk", flat=True):
        with transaction.atomic():
            job = ReportJob.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if job is None or not job.seems_stuck(now):
                continue
            outcome = _recover(job, now)
        getattr(recovery, outcome).append(pk)
        if outcome != "waiting":
            logger.warning("Report job %s seemed stuck: %s", pk, outcome)
    return recovery


@dataclass(frozen=True)
class Pruned:
    jobs: int  # finished jobs deleted, with their files
    stray_files: int  # files no job points at any more


@transaction.atomic
def report_jobs_prune(*, before: datetime, user: AbstractBaseUser | None = None) -> Pruned:
    """Delete the jobs finished before `before` and their files, and stray files as old.

    Waiting and running jobs are never touched; published reports keep their own files (this
    touches only the files of ad-hoc downloads). Each deleted job leaves a history row.
    """
    finished = ReportJob.objects.filter(
        state__in=(ReportJobState.DONE, ReportJobState.FAILED), finished_at__lt=before
    )
    jobs = 0
    for job in finished.select_for_update():
        if job.file:
            job.file.delete(save=False)
        delete_with_history(job, user=user, reason="Old report file deleted")
        jobs += 1
    return Pruned(jobs=jobs, stray_files=_stray_files_delete(before=before))


def _stray_files_delete(*, before: datetime) -> int:
    """Files under report-jobs/ that no job names (a plan deleted with its jobs, say)."""
    storage = ReportJob._meta.get_field("file").storage
    named = set(ReportJob.objects.exclude(file="").values_list("file", flat=True))
    deleted = 0
    root = "report-jobs"
    if not storage.exists(root):
        return 0
    for folder in storage.listdir(root)[0]:
        for name in storage.listdir(f"{root}/{folder}")[1]:
            path = f"{root}/{folder}/{name}"
            if path not in named and storage.get_modified_time(path) < before:
                storage.delete(path)
                deleted += 1
    return deleted
