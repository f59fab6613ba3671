"""Re-run or fail background reports whose worker died (run every few minutes by cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from actionplan.models import REPORT_JOB_RUN_LIMIT, REPORT_JOB_WAIT_LIMIT
from actionplan.reporting.jobs import report_jobs_recover


def _minutes(limit) -> int:
    return int(limit.total_seconds() // 60)


class Command(BaseCommand):
    help = (
        "Find background reports that seem stuck: in the making for more than "
        f"{_minutes(REPORT_JOB_RUN_LIMIT)} minutes (the worker making it died), or queued for "
        f"more than {_minutes(REPORT_JOB_WAIT_LIMIT)} minutes with their task lost. Each is "
        "queued again once; the second time it fails, with a message its user sees. Jobs still "
        "waiting in the queue are left for a worker (start one). Safe to run on several "
        "machines at once."
    )

    def handle(self, *args, **options) -> None:
        recovery = report_jobs_recover(now=timezone.now())
        self.stdout.write(
            f"Queued again: {len(recovery.requeued)}. Failed: {len(recovery.failed)}. "
            f"Still waiting for a worker: {len(recovery.waiting)}."
        )
