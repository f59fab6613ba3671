"""Import a plan from a spreadsheet: prints the preview, writes only without --dry-run.

python manage.py import_plan FILE [--plan SLUG] [--dry-run] [--user USERNAME]
    [--create-owners] [--column "HEADING=FIELD" ...]
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from actionplan.importing.apply import import_apply
from actionplan.importing.columns import CHOICE_LABELS, CHOICES, key
from actionplan.importing.mappings import remembered_mapping
from actionplan.importing.plan_diff import Preview, build_preview
from actionplan.importing.reader import read_upload
from actionplan.importing.safety import ImportRefused, Limits
from actionplan.models import Plan


def _columns(pairs: list[str]) -> dict[str, str]:
    """--column "Time Line=target" → {"timeline": "target"}."""
    mapping = {}
    for pair in pairs:
        heading, _, field = pair.rpartition("=")
        if not heading or field not in CHOICE_LABELS:
            raise CommandError(f"--column {pair!r}: give HEADING=FIELD with a known field.")
        mapping[key(heading)] = field
    return mapping


class Command(BaseCommand):
    help = "Preview, then import, an .xlsx, .csv or .docx plan into a plan of the site."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The .xlsx, .csv or .docx file.")
        parser.add_argument("--plan", help="The plan's slug (needed when there are several).")
        parser.add_argument("--dry-run", action="store_true", help="Show the preview only.")
        parser.add_argument("--user", help="The username history records for the changes.")
        parser.add_argument(
            "--create-owners", action="store_true", help="Create owners the file names."
        )
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="HEADING=FIELD",
            help="Read the column with this heading as FIELD (one of: "
            + ", ".join(value for value, _ in CHOICES)
            + "); may be repeated. Remembered for the plan's organisation once imported.",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        limits = Limits.from_settings()
        try:
            if path.stat().st_size > limits.max_bytes:
                raise ImportRefused(f"{path.name} is larger than the import limit.")
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        plan = self._plan(options["plan"])
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
        try:
            mapping = {**remembered_mapping(plan), **_columns(options["column"])}
            source = read_upload(path.name, data, limits, mapping=mapping)
            preview = build_preview(plan=plan, source=source)
            self._print(preview)
            if options["dry_run"]:
                self.stdout.write("Dry run: nothing written.")
                return
            result = import_apply(
                plan=plan,
                filename=path.name,
                data=data,
                user=user,
                create_owners=options["create_owners"],
                limits=limits,
                mapping=mapping,
            )
        except ImportRefused as refusal:
            raise CommandError(f"Not imported: {refusal.message}") from refusal
        self.stdout.write(
            f"Imported into {plan.slug}: {result.created} created, {result.changed} changed, "
            f"{result.progress_recorded} progress updates recorded "
            f"({result.progress_dated} dated from the file), "
            f"{result.targets_revised} targets revised, "
            f"{result.left_out} rows left out; owners created: "
            f"{', '.join(result.owners_created) or 'none'}."
        )

    def _plan(self, slug: str | None) -> Plan:
        if slug:
            plan = Plan.objects.filter(slug=slug).first()
            if plan is None:
                raise CommandError(f"No plan with the slug {slug!r}.")
            return plan
        plans = list(Plan.objects.all()[:2])
        if len(plans) != 1:
            raise CommandError("Name the plan with --plan SLUG.")
        return plans[0]

    def _print(self, preview: Preview) -> None:
        counts = preview.counts
        self.stdout.write(
            f"{preview.filename}: {counts['create']} to create, {counts['change']} to change, "
            f"{counts['progress']} progress updates to record, "
            f"{counts['unchanged']} unchanged, {counts['conflict']} conflicts, "
            f"{counts['error']} errors."
        )
        if preview.missing_count:
            self.stdout.write(
                f"  {preview.missing_count} actions in the plan but not in the file: left alone"
            )
        for sheet_name, layout in preview.layouts:
            read_as = ", ".join(f"{c.heading} → {c.label}" for c in layout if c.key)
            self.stdout.write(f"  columns of {sheet_name}: {read_as}")
        for sheet_name, _ in preview.needing:
            self.stdout.write(
                f"  no column of {sheet_name} is read as the actions: name it with "
                '--column "HEADING=description" (nothing of that sheet is imported until then)'
            )
        for why in preview.skipped:
            self.stdout.write(f"  not read: {why}")
        for theme in preview.new_themes:
            self.stdout.write(f"  new theme {theme.reference}. {theme.title}")
        for project in preview.new_projects:
            self.stdout.write(f"  new project {project.reference} {project.title}".rstrip())
        if preview.unknown_owners:
            self.stdout.write("  owners not known: " + ", ".join(preview.unknown_owners))
        for sheet in preview.sheets:
            for row in sheet.rows:  # rows that match the plan are only counted
                line = f"{row.label} {row.text[:60]}".strip()
                self.stdout.write(f"  {sheet.name} row {row.number} {row.outcome}: {line}")
                for change in row.changes:
                    old = f"{change.old} → " if change.old else ""
                    self.stdout.write(f"      {change.label}: {old}{change.new}")
                for message in row.messages:
                    self.stdout.write(f"      {message}")
