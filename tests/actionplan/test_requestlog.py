"""One log line per request with its method, path, status and duration; JSON in production."""

from __future__ import annotations

import json
import logging

import pytest

from actionplan.requestlog import JsonFormatter

pytestmark = pytest.mark.django_db


def _request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "actionplan.requests"]


def test_each_request_is_logged_once_with_method_path_status_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="actionplan.requests"):
        client.get("/accessibility/?q=someone's+name")
    (record,) = _request_records(caplog)
    assert (record.method, record.path, record.status) == ("GET", "/accessibility/", 200)
    assert record.duration_ms >= 0 and record.user_id is None
    assert record.getMessage().startswith("GET /accessibility/ 200 ")
    assert "someone" not in record.getMessage()  # no query strings in the log


def test_a_signed_in_request_names_the_user_by_id_and_a_refusal_its_status(client, caplog, viewer):
    client.force_login(viewer)
    with caplog.at_level(logging.INFO, logger="actionplan.requests"):
        client.get("/plans/no-such-plan/")
    (record,) = _request_records(caplog)
    assert (record.status, record.user_id) == (404, viewer.pk)


def test_the_json_format_is_one_object_per_line_with_the_request_fields(client, caplog):
    with caplog.at_level(logging.INFO, logger="actionplan.requests"):
        client.get("/accessibility/")
    (record,) = _request_records(caplog)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "INFO" and entry["logger"] == "actionplan.requests"
    assert entry["method"] == "GET" and entry["path"] == "/accessibility/"
    assert entry["status"] == 200 and isinstance(entry["duration_ms"], float)
    assert entry["time"].endswith("+00:00")
