"""Write a plan's report to a file as PDF, Excel or CSV (for officers and cron)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from actionplan import exports
from actionplan.models import Plan
from actionplan.reporting import Report, ReportOptions
from actionplan.reporting.params import NO_SINCE, report_from_params
from actionplan.reporting.pdf import moment_label, render_report_pdf

FORMATS = ("pdf", "xlsx", "csv")


def _render(fmt: str, report: Report, options: ReportOptions) -> bytes:
    if fmt == "pdf":
        return render_report_pdf(report, options)
    if fmt == "xlsx":
        return exports.report_workbook_bytes(report, options)
    return exports.report_csv_bytes(report)


class Command(BaseCommand):
    help = (
        "Write the committee report of a plan to a file: the same report as the report "
        "builder's PDF, Excel or CSV download. Dates are day/month/year (31/03/2011) or "
        "ISO (2011-03-31, or 2011-03-31T17:00 for an exact moment); a date means the end of "
        "that day for --as-at and the start of it for --since. Without --since the changes "
        "are those since the plan's last published "
        f"report, if any; --since {NO_SINCE} leaves them out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", help="The plan's short name (slug), as in its web address.")
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument(
            "--as-at", default="", help="The moment the report shows (default now)."
        )
        parser.add_argument(
            "--since", default="", help=f"List the changes since this moment, or '{NO_SINCE}'."
        )
        parser.add_argument(
            "--exceptions-only",
            action="store_true",
            help="Only red, amber, slipped, overdue or awaiting-update actions.",
        )
        parser.add_argument("-o", "--output", required=True, help="The file to write.")

    def handle(self, *args, **options) -> None:
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            known = ", ".join(Plan.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"There is no plan called '{options['plan']}'. Plans: {known or 'none yet'}."
            )
        params = {"as_at": options["as_at"], "exceptions": options["exceptions_only"]}
        if options["since"]:
            params["since"] = options["since"]
        report, report_options, errors = report_from_params(
            plan, params, today=timezone.localdate()
        )
        if errors:
            raise CommandError(" ".join(errors))

        content = _render(options["fmt"], report, report_options)
        output = Path(options["output"])
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        rows = sum(1 for _ in report.rows())
        noun = "action" if rows == 1 else "actions"
        self.stdout.write(
            f"Wrote {output} ({options['fmt'].upper()}, {len(content):,} bytes): {plan}, "
            f"as at {moment_label(report.as_at)}, {rows} {noun}"
            + (
                f", changes since {moment_label(report.changes.since, start=True)}"
                if report.changes
                else ""
            )
            + "."
        )
