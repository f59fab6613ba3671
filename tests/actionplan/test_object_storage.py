"""Every file the product keeps goes to the S3-compatible bucket when one is configured.

The bucket is served by moto's S3 server process on 127.0.0.1; django-storages and boto3 talk
to it over HTTP exactly as they would to a cloud provider. Runs on any database (the
two-machine test in test_two_machines.py does the same across processes on PostgreSQL).
"""

from __future__ import annotations

import io
from datetime import timedelta

import boto3
import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from actionplan.importing import storage
from actionplan.models import ReportJobState
from actionplan.reporting.jobs import report_job_request
from tests.machines import start_object_store, stop

BUCKET = "actionplan-test-files"
OPTIONS = {
    "bucket_name": BUCKET,
    "region_name": "eu-west-2",
    "access_key": "test-key",
    "secret_key": "test-secret",
    "addressing_style": "path",
    "default_acl": None,
    "querystring_auth": True,
    "file_overwrite": False,
}


@pytest.fixture(scope="module")
def object_store(tmp_path_factory):
    process, endpoint = start_object_store(tmp_path_factory.mktemp("object-store"))
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-2",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    yield client, endpoint
    stop(process)


@pytest.fixture
def bucket(object_store, settings, tmp_path):
    """The site configured for the bucket; its local MEDIA_ROOT must stay empty."""
    client, endpoint = object_store
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**OPTIONS, "endpoint_url": endpoint},
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    assert not settings.MEDIA_ROOT.exists()


def _keys(client, prefix: str = "") -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def test_an_upload_awaiting_confirmation_is_kept_in_the_bucket_until_discarded(bucket, plan):
    token = storage.stash(plan=plan, filename="plan.csv", data=b"a,b\n", uploaded_by="")
    assert sorted(_keys(bucket, "private-imports/")) == [
        f"private-imports/{token}.json",
        f"private-imports/{token}.upload",
    ]
    stashed = storage.fetch(plan=plan, token=token)
    assert (stashed.filename, stashed.data) == ("plan.csv", b"a,b\n")
    storage.discard(token)
    assert _keys(bucket) == []
    assert storage.fetch(plan=plan, token=token) is None


def test_an_upload_for_another_plan_or_a_made_up_token_is_not_found(bucket, plan):
    token = storage.stash(plan=plan, filename="plan.csv", data=b"a,b\n", uploaded_by="")
    other = type(plan).objects.create(slug="other", title="Other", organisation=plan.organisation)
    assert storage.fetch(plan=other, token=token) is None
    assert storage.fetch(plan=plan, token="A" * 32) is None


def test_an_expired_upload_in_the_bucket_is_refused_and_removed(bucket, plan, monkeypatch):
    token = storage.stash(plan=plan, filename="plan.csv", data=b"a,b\n", uploaded_by="")
    later = timezone.now() + timedelta(seconds=storage.UPLOAD_LIFETIME + 60)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert storage.fetch(plan=plan, token=token) is None
    assert _keys(bucket) == []


def test_a_background_report_is_kept_in_the_bucket_and_downloaded_through_the_site(
    bucket, worker, client, action, viewer
):
    job = report_job_request(plan=action.theme.plan, kind="xlsx", params={}, user=viewer)
    worker()
    job.refresh_from_db()
    assert job.state == ReportJobState.DONE
    assert _keys(bucket, "report-jobs/") == [job.file.name]
    client.force_login(viewer)
    response = client.get(reverse("report_job_file", args=[job.pk]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "Plan" in workbook.sheetnames


def test_two_reports_of_the_same_name_never_replace_each_other(bucket):
    first = default_storage.save("report-jobs/2026/plan-report.pdf", ContentFile(b"first"))
    second = default_storage.save("report-jobs/2026/plan-report.pdf", ContentFile(b"second"))
    assert first != second
    assert default_storage.open(first).read() == b"first"


def test_a_stored_file_has_no_public_address(bucket):
    name = default_storage.save("report-jobs/2026/private.pdf", ContentFile(b"%PDF"))
    url = default_storage.url(name)
    # Any address the storage gives is signed and short-lived; the object itself is private.
    assert "X-Amz-Signature=" in url or "Signature=" in url
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=name)["Grants"]
    assert not any("AllUsers" in str(grant.get("Grantee")) for grant in grants)


def test_the_health_check_uses_the_bucket_and_fails_without_it(bucket, client, settings):
    assert client.get("/health/").json()["storage"] == "ok"
    assert _keys(bucket, "health/") == []  # its probe is cleaned up
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "bucket_name": "missing"},
        },
    }
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["storage"] == "failing"
    assert "missing" not in response.content.decode()


def test_a_file_kept_on_the_machines_disk_has_no_address_on_the_site(
    client, plan_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    name = default_storage.save("report-jobs/2026/private.pdf", ContentFile(b"%PDF"))
    assert (tmp_path / "media" / name).exists()
    client.force_login(plan_admin)
    assert client.get(default_storage.url(name)).status_code == 404
    assert client.get(f"/media/{name}").status_code == 404
