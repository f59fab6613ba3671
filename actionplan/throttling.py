"""Sign-in throttling with a limit per kind of key (django-axes' database handler).

django-axes counts failed sign-ins for each of AXES_LOCKOUT_PARAMETERS, in this order:

1. one username from one address (ACTIONPLAN_LOGIN_FAILURE_LIMIT, default 5): someone
   guessing a colleague's password;
2. one address, whatever the usernames (…_PER_ADDRESS, default 30): password spraying across
   many accounts from one machine, set higher because an office shares one address;
3. one username, whatever the addresses (…_PER_USERNAME, default 15): one account guessed at
   from many machines.

Axes has a single failure limit, so each count is scaled to it: a key is locked when its own
count reaches its own limit. A successful sign-in clears only that username's failures from
that address, so signing in to one's own account cannot wipe a sprayer's count.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def _limits() -> list[int]:
    return [
        settings.AXES_FAILURE_LIMIT,
        settings.ACTIONPLAN_LOGIN_FAILURE_LIMIT_PER_ADDRESS,
        settings.ACTIONPLAN_LOGIN_FAILURE_LIMIT_PER_USERNAME,
    ]


class ThrottlingHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The failures of the key nearest its limit, in units of AXES_FAILURE_LIMIT."""
        pair_limit = settings.AXES_FAILURE_LIMIT
        scaled = []
        attempts_by_key = self.get_user_attempts(request, credentials)
        for attempts, limit in zip(attempts_by_key, _limits(), strict=True):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            scaled.append(failures * pair_limit // max(limit, 1))
        return max(scaled, default=0)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        pair = self.filter_user_attempts(request, credentials)[0]
        count, _ = pair.delete()
        return count
