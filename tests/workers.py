"""The real background worker, run once against the test database."""

from __future__ import annotations

import signal

from django.core.management import call_command

_SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]


def run_worker() -> None:
    """`manage.py db_worker --batch`: run every queued task, then return.

    The worker installs its own signal handlers; put the test runner's back afterwards, so
    Ctrl+C still stops the test run.
    """
    saved = {number: signal.getsignal(number) for number in _SIGNALS}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
