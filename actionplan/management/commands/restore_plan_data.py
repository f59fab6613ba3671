"""Load a backup_plan_data file into an empty, migrated database, all or nothing."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from actionplan.backup import backup_keys, restore_obstacles


class Command(BaseCommand):
    help = (
        "Restore a file written by backup_plan_data into an empty database "
        "(run `manage.py migrate` on it first). Refuses a database that already holds data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="the JSON file backup_plan_data wrote")

    def handle(self, *args, backup: str, **options) -> None:
        try:
            keys = backup_keys(backup)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"{backup} is not a backup_plan_data file: {error}") from None
        obstacles = restore_obstacles(keys)
        if obstacles:
            listed = ", ".join(sorted(obstacles))
            raise CommandError(
                "This database already holds data, so nothing was restored: " + listed + ". "
                "Restore into a new, empty database after `manage.py migrate`."
            )
        # loaddata saves "raw": history is restored as it was, and no new history is written.
        with transaction.atomic():
            call_command("loaddata", backup, verbosity=0)
        self.stdout.write(f"Restored {backup}.")
