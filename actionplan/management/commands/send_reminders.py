"""Remind action owners who still owe an update for an open round (run daily by cron)."""

from __future__ import annotations

import argparse
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateformat import format as date_format

from actionplan.rounds import RemindersSent, next_reminder_day, rounds_send_reminders, site_url


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as YYYY-MM-DD, for example 2011-01-07."
        ) from None


class Command(BaseCommand):
    help = (
        "E-mail a reminder to each person who still owes an update for an open update round. "
        "Reminders go 3 days before the deadline and the day before it; after the deadline, "
        "the day after it and then every other day until the day before the meeting. A person "
        "gets at most one message a day per round (the day the request went out counts), "
        "closed rounds are never reminded, and people without an e-mail address are listed. "
        "Run it once a day; running it again the same day sends nothing new. Links point at "
        "the ACTIONPLAN_SITE_URL setting."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today",
            type=_day,
            help="Act as if today were this day (YYYY-MM-DD), for testing the schedule.",
        )

    def handle(self, *args, **options) -> None:
        now = timezone.localtime()
        if options["today"]:
            now = timezone.make_aware(datetime.combine(options["today"], now.time()))
        results = rounds_send_reminders(base_url=site_url(), now=now)
        if not results:
            self.stdout.write("No update round is open: no reminders to send.")
        failed = [result for result in results if result.failure]
        for result in results:
            if result.failure:
                self.stderr.write(
                    f"{result.update_round} ({result.update_round.plan}): reminders NOT sent: "
                    f"{result.failure}"
                )
            else:
                self.stdout.write(self._summary(result, today=now.date()))
        if failed:
            # A non-zero exit makes cron mail the site's administrators.
            raise CommandError(
                f"Reminders failed for {len(failed)} of {len(results)} open update rounds; "
                "the others were sent. See the messages above and the log."
            )

    def _summary(self, result: RemindersSent, *, today: date) -> str:
        update_round = result.update_round
        heading = f"{update_round} ({update_round.plan}):"
        if not result.reason:
            following = next_reminder_day(update_round, after=today)
            when = f"next on {date_format(following, 'j F Y')}" if following else "none left"
            return f"{heading} not a reminder day ({when})."
        lines = [f"{heading} reminder day ({result.reason})."]
        if not result.reminded and not result.without_email:
            lines.append("  Nobody to remind today: every request is answered or already chased.")
        for person, count in result.reminded.items():
            noun = "action" if count == 1 else "actions"
            lines.append(f"  Reminded {person} <{person.email}> about {count} {noun}.")
        for person in result.without_email:
            lines.append(f"  Not reminded (no e-mail address): {person}.")
        return "\n".join(lines)
