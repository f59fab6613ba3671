"""Delete the files of background reports finished long ago (run daily by cron).

python manage.py prune_report_jobs [--days N]
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from actionplan.reporting.jobs import report_jobs_prune


class Command(BaseCommand):
    help = (
        "Delete background report jobs (PDFs and workbooks made for a download) that finished "
        "more than N days ago, with their files, and any stray file as old under "
        "MEDIA_ROOT/report-jobs/. Waiting or running jobs and published reports are kept. "
        "N defaults to ACTIONPLAN_REPORT_JOB_KEEP_DAYS (7)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.ACTIONPLAN_REPORT_JOB_KEEP_DAYS,
            help="Keep jobs that finished fewer than this many days ago.",
        )

    def handle(self, *args, **options) -> None:
        if options["days"] < 0:
            raise CommandError("--days must be 0 or more.")
        before = timezone.now() - timedelta(days=options["days"])
        pruned = report_jobs_prune(before=before)
        self.stdout.write(
            f"Deleted {pruned.jobs} finished report jobs with their files and "
            f"{pruned.stray_files} stray files, all older than {options['days']} days."
        )
