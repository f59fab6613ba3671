"""The site under the README's own gunicorn command, with production settings.

Finding 6 of the security test: on the embedded SQLite default, six people saving progress at
once under gunicorn got "database is locked" as a server error. Here six steering-group
members save progress at the same moment through four gunicorn workers against a SQLite
file (and against PostgreSQL when DATABASE_URL names one): every save is kept, none fails.

The database is migrated once for the module; each test gets a fresh copy of it.

Finding 9: gunicorn trusted X-Forwarded-Proto from 127.0.0.1 even when the site's settings say
no proxy sets it. The README's command trusts it only with DJANGO_SECURE_PROXY_SSL_HEADER=1.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from tests.security.htmlforms import csrf_token

BASE_DIR = Path(settings.BASE_DIR)
BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ACTIONPLAN_"))}
WRITERS, EACH = 6, 5
PASSWORD = "gunicorn-test-password"
MIGRATE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
"""
SETUP = f"""
import django
django.setup()
from django.contrib.auth import get_user_model
from actionplan.models import Action, Membership, Organisation, Plan, Project, Theme
council = Organisation.objects.create(slug="test", name="Test Council")
plan = Plan.objects.create(slug="busy", title="Busy plan", organisation=council, status="adopted")
theme = Theme.objects.create(plan=plan, reference="1", title="Access")
project = Project.objects.create(theme=theme, reference="1", title="Phones")
for n in range({WRITERS + 1}):
    Action.objects.create(theme=theme, project=project, reference=f"1({{n}})",
                          description="Answer the phone", target="Dec 2030", position=n)
for n in range({WRITERS}):
    user = get_user_model().objects.create_user(f"writer{{n}}", password="{PASSWORD}")
    Membership.objects.create(user=user, organisation=council, role="steering_group")
print(" ".join(str(pk) for pk in Action.objects.order_by("position").values_list("pk", flat=True)))
from actionplan.importing.storage import stash
print(stash(plan=plan, filename="plan.csv", data=b"Theme,Action\\n1,Imported action\\n",
            uploaded_by="writer0"))
"""
COUNT = """
import django
django.setup()
from actionplan.models import Action, ProgressUpdate
print(ProgressUpdate.objects.count(), ProgressUpdate.history.count(),
      Action.objects.filter(description="Imported action").count())
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def readme_gunicorn_command() -> str:
    """The gunicorn command of the README's production section, as one line."""
    text = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^\.venv/bin/gunicorn .*?(?:\\\n.*?)*$", text, flags=re.MULTILINE)
    assert match, "the README has no gunicorn command"
    return match[0].replace("\\\n", " ")


def _production_env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **BASE_ENV,
        "DJANGO_SECRET_KEY": "gunicorn-test-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "tests.deployment_settings",
        "DATABASE_URL": database_url,
        "ACTIONPLAN_MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONPATH": str(BASE_DIR),
        **extra,
    }


class Server:
    """gunicorn started with the README's command on a free port; stopped by `stop()`."""

    def __init__(self, env: dict[str, str], workers: int = 4) -> None:
        self.port = _free_port()
        # The README's balancer (10.0.0.2) is this test, on 127.0.0.1.
        command = (
            readme_gunicorn_command()
            .replace("0.0.0.0:8000", f"127.0.0.1:{self.port}")
            .replace("10.0.0.2", "127.0.0.1")
        )
        command = command.replace("--workers 3", f"--workers {workers}")
        self.process = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError(self.process.stderr.read().decode()) from None
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    def request(self, method: str, path: str, *, body: str = "", headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        connection.close()
        return response, content

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Browser:
    """Cookies kept by hand: the production cookies are Secure, and this is plain http."""

    def __init__(self, server: Server) -> None:
        self.server, self.cookies = server, {}

    def _headers(self, extra: dict | None = None) -> dict:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie, **(extra or {})}

    def _keep(self, response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";")[0].split("=", 1)
            self.cookies[name] = value

    def get(self, path: str):
        response, content = self.server.request("GET", path, headers=self._headers())
        self._keep(response)
        return response, content

    def post(self, path: str, data: dict):
        headers = self._headers({"Content-Type": "application/x-www-form-urlencoded"})
        response, content = self.server.request("POST", path, body=urlencode(data), headers=headers)
        self._keep(response)
        return response, content

    def sign_in(self, username: str) -> None:
        _, page = self.get("/accounts/login/")
        response, _ = self.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": csrf_token(page), "username": username, "password": PASSWORD},
        )
        assert response.status == 302, f"{username} could not sign in"


def _run(script: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=BASE_DIR, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _copy_sqlite(database: Path, to: Path) -> None:
    """A copy of the SQLite file, what its write-ahead log holds included."""
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(to)) as copy:
        source.backup(copy)


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Iterator[Callable[[Path], tuple[str, Callable]]]:
    """Migrates one database for the module (the slow part) under production settings; gives
    each test a function making a fresh copy of it (a SQLite file, or on PostgreSQL a
    throwaway database made from it as a template) and dropping that copy afterwards."""
    folder = tmp_path_factory.mktemp("gunicorn")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        migrated = folder / "migrated.sqlite3"
        _run(MIGRATE, _production_env(f"sqlite:///{migrated}", folder))

        def sqlite_copy(tmp_path: Path) -> tuple[str, Callable]:
            _copy_sqlite(migrated, tmp_path / "site.sqlite3")
            return f"sqlite:///{tmp_path / 'site.sqlite3'}", lambda: None

        yield sqlite_copy
        return
    import psycopg

    prefix = f"{urlsplit(url).path.lstrip('/')}_gunicorn_{uuid.uuid4().hex[:8]}"
    admin = urlsplit(url)._replace(path="/postgres").geturl()

    def sql(statement: str) -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(statement)

    template = f"{prefix}_migrated"
    sql(f'CREATE DATABASE "{template}"')
    try:
        _run(MIGRATE, _production_env(urlsplit(url)._replace(path=f"/{template}").geturl(), folder))
        copies = iter(range(1, 1000))

        def postgres_copy(tmp_path: Path) -> tuple[str, Callable]:
            name = f"{prefix}_{next(copies)}"
            sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return (
                urlsplit(url)._replace(path=f"/{name}").geturl(),
                lambda: sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'),
            )

        yield postgres_copy
    finally:
        sql(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')


@pytest.fixture
def busy_site(migrated_database, tmp_path):
    """A migrated database with a plan of 7 actions and 6 steering-group members, served by
    gunicorn under production settings (no HTTPS redirect: the test speaks plain http)."""
    url, drop = migrated_database(tmp_path)
    env = _production_env(url, tmp_path, DJANGO_SECURE_SSL_REDIRECT="0")
    try:
        ids, token = _run(SETUP, env).splitlines()[-2:]
        server = Server(env)
        try:
            yield server, [int(pk) for pk in ids.split()], token, env
        finally:
            server.stop()
    finally:
        drop()


def test_six_people_saving_progress_at_once_under_gunicorn_all_succeed(busy_site):
    server, actions, _, env = busy_site
    shared = actions[-1]
    browsers = [Browser(server) for _ in range(WRITERS)]
    for n, browser in enumerate(browsers):
        browser.sign_in(f"writer{n}")
    statuses: Counter[int] = Counter()
    barrier = threading.Barrier(WRITERS)
    day = f"{timezone.localdate():%d/%m/%Y}"

    def write(n: int, browser: Browser) -> None:
        pages = [
            (f"/actions/{pk}/progress/", browser.get(f"/actions/{pk}/progress/")[1])
            for pk in (actions[n], shared)
        ]
        barrier.wait(timeout=60)
        for i in range(EACH):
            path, page = pages[i % 2]
            response, _ = browser.post(
                path,
                {
                    "csrfmiddlewaretoken": csrf_token(page),
                    "reported_on": day,
                    "narrative": f"Update {i} from writer {n}",
                    "status": "on_track",
                    "rag": "green",
                    "percent_complete": str(10 * i),
                },
            )
            statuses[response.status] += 1

    threads = [threading.Thread(target=write, args=(n, b)) for n, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert statuses == {302: WRITERS * EACH}, statuses
    counted = subprocess.run(
        [sys.executable, "-c", COUNT], env=env, cwd=BASE_DIR, capture_output=True, text=True
    )
    updates, history, _ = counted.stdout.split()
    assert int(updates) == WRITERS * EACH and int(history) == WRITERS * EACH


def test_four_people_confirming_the_same_import_at_once_apply_it_once(busy_site):
    server, _, token, env = busy_site
    browsers = [Browser(server) for _ in range(4)]
    for n, browser in enumerate(browsers):
        browser.sign_in(f"writer{n}")
    preview = f"/plans/busy/import/{token}/"
    pages = [browser.get(preview)[1] for browser in browsers]
    barrier = threading.Barrier(len(browsers))
    answers: list[tuple[int, str]] = []

    def confirm(browser: Browser, page: str) -> None:
        barrier.wait(timeout=60)
        response, content = browser.post(
            preview + "confirm/", {"csrfmiddlewaretoken": csrf_token(page)}
        )
        answers.append((response.status, content))

    threads = [
        threading.Thread(target=confirm, args=pair) for pair in zip(browsers, pages, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert sorted(status for status, _ in answers) == [200] * 4, answers
    done = [content for _, content in answers if "Import complete" in content]
    told = [content for _, content in answers if "plan.csv has already been imported" in content]
    assert len(done) == 1 and len(told) == 3
    assert all("was already imported by writer" in content for content in told)
    counted = subprocess.run(
        [sys.executable, "-c", COUNT], env=env, cwd=BASE_DIR, capture_output=True, text=True
    )
    assert counted.stdout.split()[2] == "1"


@pytest.mark.parametrize(("proxy_header", "expected"), [("", 301), ("1", 200)])
def test_the_readme_s_gunicorn_trusts_x_forwarded_proto_only_with_the_setting(
    tmp_path, proxy_header, expected
):
    env = _production_env(
        "sqlite:///:memory:", tmp_path, DJANGO_SECURE_PROXY_SSL_HEADER=proxy_header
    )
    server = Server(env, workers=1)
    try:
        response, _ = server.request(
            "GET", "/accessibility/", headers={"X-Forwarded-Proto": "https"}
        )
    finally:
        server.stop()
    # Without the setting, the request is plain http whatever the header claims: redirected
    # to https. With it, the proxy's word is taken and the page (one that needs no database
    # here) is served.
    assert response.status == expected
    if expected == 301:
        assert response.headers["Location"].startswith("https://")
