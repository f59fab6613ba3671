"""Re-read every stored target date with the current parser (after the parser learns a form)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from actionplan.services import actions_reparse_targets


class Command(BaseCommand):
    help = "Re-read all actions' target dates; changes are recorded in history as --user."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="Username recorded as making the change.")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"There is no user called {options['user']!r}.")
        changed = actions_reparse_targets(
            user=user, reason="Target dates re-read by the current date parser"
        )
        self.stdout.write(f"{changed} action(s) had their target dates re-read.")
