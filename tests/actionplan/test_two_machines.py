"""Two application machines behind one load balancer, sharing only PostgreSQL and an
S3-compatible object store.

Real processes throughout: two gunicorn instances with production settings, each on its own
port with its own MEDIA_ROOT, static files and temporary directory; a `db_worker` beside the
first; moto's S3 server on 127.0.0.1 as the shared bucket (django-storages and boto3 talk to
it over HTTP). A person's requests land on either machine, as a load balancer sends them.

PostgreSQL only: the SQLite test database lives in this process's memory.
"""

from __future__ import annotations

import io
import shutil
import uuid

import boto3
import openpyxl
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from actionplan.models import Action, Status
from tests.conftest import make_action
from tests.machines import (
    Browser,
    Machine,
    collect_static,
    hidden_fields,
    local_path,
    machine_environment,
    start_object_store,
    stop,
    wait_until,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two machines need a database both can open: run on PostgreSQL",
)

PASSWORD = "a-production-strength-password"
BUCKET = "actionplan-files"


def _database_url() -> str:
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The shared bucket, served by moto's S3 server process."""
    directory = tmp_path_factory.mktemp("object-store")
    process, endpoint = start_object_store(directory)
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
    settings = {
        "ACTIONPLAN_S3_BUCKET": BUCKET,
        "ACTIONPLAN_S3_ENDPOINT_URL": endpoint,
        "ACTIONPLAN_S3_REGION": "eu-west-2",
        "ACTIONPLAN_S3_ACCESS_KEY_ID": "test-key",
        "ACTIONPLAN_S3_SECRET_ACCESS_KEY": "test-secret",
        "ACTIONPLAN_S3_ADDRESSING_STYLE": "path",
    }
    yield client, settings
    stop(process)


@pytest.fixture(scope="module")
def machines(django_db_setup, store, tmp_path_factory):
    """Machine one (web and worker) and machine two (web), started once for the module."""
    _, store_settings = store
    secret_key = f"two-machines-{uuid.uuid4()}-not-a-real-secret-but-long-enough"
    one, two = (
        Machine(
            name,
            directory,
            machine_environment(
                directory,
                database_url=_database_url(),
                secret_key=secret_key,
                store=store_settings,
            ),
        )
        for name, directory in (
            (name, tmp_path_factory.mktemp(f"machine-{name}")) for name in ("one", "two")
        )
    )
    # Each machine ships the same static files; collect them once and copy.
    collect_static(one.environment)
    shutil.copytree(one.directory / "static", two.directory / "static", dirs_exist_ok=True)
    try:
        one.start_web()
        one.start_worker()
        two.start_web()
        yield one, two
    finally:
        one.stop()
        two.stop()
        # Shown by pytest only when a test failed.
        print(one.logs(), two.logs(), sep="\n")


@pytest.fixture
def member(transactional_db, steering_member):
    """The steering-group member, with a password the production hashers can read."""
    steering_member.password = PBKDF2PasswordHasher().encode(PASSWORD, "two-machine-salt")
    steering_member.save()
    return steering_member


@pytest.fixture
def signed_in(machines, member) -> Browser:
    one, _ = machines
    browser = Browser()
    assert browser.sign_in(one, member.username, PASSWORD).status_code == 302
    return browser


@pytest.fixture
def plan_action(transactional_db, project) -> Action:
    return make_action(project, description="Answer the phone within five rings")


def _bucket_keys(store) -> list[str]:
    client, _ = store
    listing = client.list_objects_v2(Bucket=BUCKET)
    return [item["Key"] for item in listing.get("Contents", [])]


def _files_on_disk(machine: Machine) -> list[str]:
    return [str(path) for path in machine.media_root.rglob("*") if path.is_file()]


def test_a_report_the_worker_beside_machine_one_made_downloads_through_machine_two(
    machines, store, signed_in, plan_action
):
    one, two = machines
    slug = plan_action.theme.plan.slug
    asked = signed_in.post(one, f"/plans/{slug}/report/background/xlsx/")
    assert asked.status_code == 302
    job_page = local_path(asked.headers["Location"])
    assert job_page.startswith("/report-jobs/")

    def ready() -> bool:
        page = signed_in.get(two, job_page)
        assert page.status_code == 200
        return f"{job_page}file/" in page.text

    wait_until(ready, timeout=90, what="the report job, seen through machine two")
    download = signed_in.get(two, f"{job_page}file/")
    assert download.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(download.content), read_only=True)
    cells = [c for row in workbook["Plan"].iter_rows(values_only=True) for c in row]
    assert "Answer the phone within five rings" in cells
    assert any(key.startswith("report-jobs/") for key in _bucket_keys(store))
    assert _files_on_disk(one) == [] and _files_on_disk(two) == []


def test_an_import_previewed_on_machine_one_is_confirmed_on_machine_two(
    machines, store, signed_in, plan_action
):
    one, two = machines
    slug = plan_action.theme.plan.slug
    sheet = (
        b"Ref,Action,Target date\n"
        b"4. Telephone Access,,\n"
        b"1(b),Publish the switchboard's opening hours,Mar 2027\n"
    )
    uploaded = signed_in.post(
        one, f"/plans/{slug}/import/", files={"file": ("plan.csv", sheet, "text/csv")}
    )
    assert uploaded.status_code == 302, uploaded.text
    preview_page = local_path(uploaded.headers["Location"])
    assert any(key.startswith("private-imports/") for key in _bucket_keys(store))

    preview = signed_in.get(two, preview_page)
    assert preview.status_code == 200
    assert "Check the import of plan.csv" in preview.text
    assert "Publish the switchboard" in preview.text
    confirmed = signed_in.post(two, f"{preview_page}confirm/")
    assert confirmed.status_code == 200
    assert "Import complete" in confirmed.text
    assert Action.objects.filter(description="Publish the switchboard's opening hours").exists()
    # The upload is gone once applied, from the bucket and from both disks.
    assert not any(key.startswith("private-imports/") for key in _bucket_keys(store))
    assert _files_on_disk(one) == [] and _files_on_disk(two) == []


def test_a_login_locked_out_on_machine_one_stays_locked_on_machine_two(machines, member):
    one, two = machines
    answers = [Browser().sign_in(one, member.username, "wrong").status_code for _ in range(3)]
    assert answers == [200, 200, 429]  # the form again twice, then locked out

    browser = Browser()
    assert browser.sign_in(two, member.username, PASSWORD).status_code == 429
    assert browser.get(two, "/").status_code == 302  # still not signed in


def _record_progress(browser: Browser, machine: Machine, action: Action, status: str) -> None:
    form_page = browser.get(machine, f"/actions/{action.pk}/progress/")
    assert form_page.status_code == 200
    saved = browser.post(
        machine,
        f"/actions/{action.pk}/progress/",
        {
            **hidden_fields(form_page.text),
            "reported_on": "01/12/2026",
            "narrative": "Reported at the steering group",
            "status": status,
        },
    )
    assert saved.status_code == 302, saved.text


def test_progress_recorded_through_one_machine_shows_at_once_on_the_others_dashboard(
    machines, signed_in, plan_action
):
    one, two = machines
    dashboard = f"/plans/{plan_action.theme.plan.slug}/"
    for machine in (one, two):  # both have shown (and may keep) the dashboard
        assert "Of 1 action, 1 (100%) not started." in signed_in.get(machine, dashboard).text

    _record_progress(signed_in, two, plan_action, Status.COMPLETED)
    assert "Of 1 action, 1 (100%) completed." in signed_in.get(one, dashboard).text

    _record_progress(signed_in, one, plan_action, Status.AT_RISK)
    assert "Of 1 action, 1 (100%) at risk." in signed_in.get(two, dashboard).text
    assert "Of 1 action, 1 (100%) at risk." in signed_in.get(one, dashboard).text
