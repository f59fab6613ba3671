"""The load balancer's health check: /health/, no sign-in, nothing sensitive in the answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actionplan.reporting.jobs import report_job_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_health_check_answers_anyone_with_each_part_ok(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "task_queue": {"status": "ok", "waiting": 0, "oldest_wait_seconds": 0},
    }
    assert "sessionid" not in response.cookies


def test_a_load_balancer_probing_by_address_over_http_gets_an_answer(client, settings):
    settings.ALLOWED_HOSTS = ["actionplan.example.gov.uk"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/health/", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    # Everything else still refuses that host name.
    assert client.get("/accessibility/", HTTP_HOST="10.0.0.5:8000").status_code == 400


def test_storage_that_cannot_be_written_answers_503_without_saying_why(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = blocker
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing" and body["storage"] == "failing"
    assert body["database"] == "ok"
    assert str(tmp_path) not in response.content.decode()


def test_the_task_queue_backlog_is_counted_and_said_to_be_behind_when_old(client, action, viewer):
    report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)
    assert client.get("/health/").json()["task_queue"]["waiting"] == 1

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=45))
    response = client.get("/health/")
    # No worker is this web machine's fault: it stays in service, the backlog is reported.
    assert response.status_code == 200
    queue = response.json()["task_queue"]
    assert queue["status"] == "behind" and queue["oldest_wait_seconds"] >= 45 * 60
