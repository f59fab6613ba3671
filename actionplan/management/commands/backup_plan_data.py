"""Write every record and its history to a JSON file that restore_plan_data reads back."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from actionplan.backup import backup_write


class Command(BaseCommand):
    help = (
        "Back up the plans, people, logins and all change history to a JSON file "
        "(Django's JSON fixture format with natural keys, read back by loaddata). Published "
        "reports' files are in the file storage (MEDIA_ROOT or the bucket): copy them as well "
        "(docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="file to write (.json)")

    def handle(self, *args, output: str, **options) -> None:
        if not output.endswith(".json"):
            raise CommandError(
                "Name the backup file something.json, so that restore_plan_data reads it."
            )
        # One moment throughout, even while people keep working: on PostgreSQL a
        # repeatable-read transaction; SQLite's read transaction is a snapshot already.
        with transaction.atomic(), open(output, "w", encoding="utf-8") as stream:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            count = backup_write(stream)
        self.stdout.write(f"Backed up {count} rows to {output}.")
