"""The health check a load balancer polls: GET /health/, no sign-in.

It answers 200 when this machine can serve pages (its database answers; its file storage
writes, reads and deletes a small file) and 503 when it cannot, with a JSON body naming each
part as "ok" or "failing" and the background queue's backlog. It never shows why a part
failed (that goes to the log): host names, keys and tracebacks stay on the server.

It is a middleware placed first, so that it answers before the host-name check and the HTTPS
redirect: load balancers usually probe each machine by its address, over plain HTTP.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actionplan.models import REPORT_JOB_WAIT_LIMIT

logger = logging.getLogger(__name__)

HEALTH_PATH = "/health/"
OK, FAILING = "ok", "failing"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database does not answer")
        return FAILING
    return OK


def storage_status() -> str:
    """Write, read back and delete a small file: what reports and imports need."""
    try:
        name = default_storage.save("health/probe.txt", ContentFile(b"ok"))
        try:
            with default_storage.open(name, "rb") as handle:
                readable = handle.read() == b"ok"
        finally:
            default_storage.delete(name)
    except Exception:
        logger.exception("Health check: the file storage cannot be used")
        return FAILING
    if not readable:
        logger.error("Health check: the file storage gave back something else")
        return FAILING
    return OK


def task_queue_status() -> dict[str, object]:
    """Tasks waiting for a worker, and for how long the oldest has waited.

    "behind" when the oldest has waited longer than a report job may (no worker running, or
    too few): a reason to look at the workers, not to take this web machine out of service.
    """
    try:
        backlog = DBTaskResult.objects.ready().aggregate(
            waiting=Count("id"), oldest=Min("enqueued_at")
        )
    except Exception:
        logger.exception("Health check: the task queue cannot be read")
        return {"status": FAILING}
    waited = timezone.now() - backlog["oldest"] if backlog["oldest"] else None
    behind = waited is not None and waited > REPORT_JOB_WAIT_LIMIT
    return {
        "status": "behind" if behind else OK,
        "waiting": backlog["waiting"],
        "oldest_wait_seconds": int(waited.total_seconds()) if waited else 0,
    }


def health_report() -> tuple[int, dict[str, object]]:
    """The HTTP status and body of the health check."""
    parts = {"database": database_status(), "storage": storage_status()}
    healthy = all(status == OK for status in parts.values())
    body = {
        "status": OK if healthy else FAILING,
        **parts,
        "task_queue": task_queue_status() if parts["database"] == OK else {"status": FAILING},
    }
    return (200 if healthy else 503), body


class HealthCheckMiddleware:
    """Answers GET/HEAD /health/ before anything else runs (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != HEALTH_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        status, body = health_report()
        response = HttpResponse(
            json.dumps(body), status=status, content_type="application/json; charset=utf-8"
        )
        response["Cache-Control"] = "no-store"
        return response
