"""A bounded load test: gunicorn with production settings on a throwaway PostgreSQL database.

`make bench-load` (and `make bench`) run `manage.py bench_load`, which uses this module: it
makes a database named actionplan_bench_load_<pid> on the PostgreSQL server of
BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres), loads the demo plans
and a synthetic plan of 5,040 actions, starts gunicorn on a free port of 127.0.0.1, signs in,
and has 20 client threads ask for one page at a time for a few seconds each. Every process
and the database it made are removed at the end, whatever happens. Only 127.0.0.1 is asked.
"""

from __future__ import annotations

import http.client
import math
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

HOST = "127.0.0.1"
LARGE_SLUG = "bench-load-large"
# themes, projects per theme, actions per project, updates per action, owners: 5,040 actions
LARGE_SHAPE = (12, 10, 42, 10, 500)
DEMO_SLUG = "scdc-cse-action-plan-v4"  # the 45-action demo plan
PUBLIC_SLUG = "occ-customer-service-2004"  # its "you said, we did" page is published
# The demo council's administrator (load_demo): sees and may change every plan of the council
# the large plan is built in, as its steering group would.
USERNAME, PASSWORD = "scdc-admin", "demo-scdc-admin-pass"
# Goals from issue #15: requests/s of each page ÷ the bare page's, at 20 clients.
GOALS = {"dashboard": 0.25, "plan browser": 0.25, "action page": 0.4}
P99_GOAL_MS = 1000


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    goal: float | None  # the least share of the bare page's requests/s


@dataclass(frozen=True)
class Result:
    page: Page
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def throwaway_database(server_url: str, name: str) -> Iterator[str]:
    """A new, empty database on the server; dropped at the end. Yields its URL."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], env=env, check=True)


def prepare(env: dict[str, str], log: Callable[[str], None]) -> None:
    """Schema, demo plans and logins, the large synthetic plan, collected static files."""
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo")
    themes, projects, actions, updates, owners = LARGE_SHAPE
    # In the demo plan's council, so the signed-in login sees it.
    build = (
        "from actionplan.models import Plan; from actionplan.synthetic import build_plan; "
        f"build_plan(slug={LARGE_SLUG!r}, themes={themes}, projects_per_theme={projects}, "
        f"actions_per_project={actions}, updates_per_action={updates}, owners={owners}, "
        f"organisation=Plan.objects.get(slug={DEMO_SLUG!r}).organisation)"
    )
    manage(env, "shell", "--no-imports", "-c", build)
    manage(env | {"DJANGO_DEBUG": "0"}, "collectstatic", "--noinput", "-v0")
    log(f"database ready in {time.perf_counter() - started:.0f} s")


def production_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        # Plain HTTP on 127.0.0.1: no redirect to HTTPS (a proxy does TLS in production).
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int) -> Iterator[int]:
    """gunicorn serving the site on a free port of 127.0.0.1; stopped at the end."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "actionplan.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def request(
    port: int, path: str, *, cookies: dict[str, str], method: str = "GET", body: str = ""
) -> tuple[int, bytes, dict[str, str]]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        return response.status, response.read(), _cookies(response)
    finally:
        conn.close()


def sign_in(port: int) -> dict[str, str]:
    """The cookies of a signed-in session (the secure-cookie flag is ignored on 127.0.0.1)."""
    status, page, cookies = request(port, "/accounts/login/", cookies={})
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        raise RuntimeError(f"the sign-in page answered {status}")
    form = {
        "csrfmiddlewaretoken": token.group(1).decode(),
        "username": USERNAME,
        "password": PASSWORD,
    }
    status, _, more = request(
        port, "/accounts/login/", cookies=cookies, method="POST", body=urlencode(form)
    )
    if status != 302 or "sessionid" not in more:
        raise RuntimeError(f"signing in answered {status}")
    return cookies | more


def first_action_id(database_url: str, slug: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT a.id FROM actionplan_action a JOIN actionplan_theme t ON a.theme_id = t.id "
            "JOIN actionplan_plan p ON t.plan_id = p.id WHERE p.slug = %s ORDER BY a.id LIMIT 1",
            [slug],
        ).fetchone()
    return row[0]


def public_path(database_url: str, slug: str) -> str:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT o.slug FROM actionplan_plan p JOIN actionplan_organisation o "
            "ON p.organisation_id = o.id WHERE p.slug = %s",
            [slug],
        ).fetchone()
    return f"/public/{row[0]}/{slug}/you-said-we-did/"


def pages(action_id: int, public: str) -> list[Page]:
    return [
        Page("bare page (accessibility)", "/accessibility/", None),
        Page("dashboard, 45-action demo", f"/plans/{DEMO_SLUG}/", GOALS["dashboard"]),
        Page("dashboard, 5,040 actions", f"/plans/{LARGE_SLUG}/", GOALS["dashboard"]),
        Page("plan browser, demo", f"/plans/{DEMO_SLUG}/actions/", GOALS["plan browser"]),
        Page("plan browser, 5,040", f"/plans/{LARGE_SLUG}/actions/", GOALS["plan browser"]),
        Page("action page", f"/actions/{action_id}/", GOALS["action page"]),
        Page("public page", public, None),
    ]


def hammer(port: int, page: Page, cookies: dict[str, str], *, clients: int, seconds: float):
    """`clients` threads asking for the page one request after another for `seconds`."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                status, _, _ = request(port, page.path, cookies=cookies)
            except (OSError, http.client.HTTPException):  # refused, reset, cut short
                status = 0
            took = time.perf_counter() - started
            with lock:
                times.append(took)
                if status != 200:
                    errors[0] += 1

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    times.sort()
    return Result(
        page=page,
        requests=len(times) - errors[0],  # answered with 200: what requests/s counts
        errors=errors[0],
        seconds=elapsed,
        p50_ms=percentile(times, 50) * 1000,
        p99_ms=percentile(times, 99) * 1000,
    )


def percentile(ordered: list[float], p: float) -> float:
    """The nearest-rank percentile of a sorted list: the least value with p% at or below it.

    Latencies of every request, failed ones included (a refusal is an answer a person waited
    for too)."""
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def run(
    *,
    server_url: str,
    clients: int,
    seconds: float,
    rounds: int,
    workers: int,
    log: Callable[[str], None],
) -> None:
    name = os.environ.get("BENCH_DATABASE_NAME") or f"actionplan_bench_load_{os.getpid()}"
    with throwaway_database(server_url, name) as database_url:
        env = production_env(database_url)
        env["DJANGO_DEBUG"] = "1"  # set-up commands only; the server runs without it
        prepare(env, log)
        env["DJANGO_DEBUG"] = "0"
        action_id = first_action_id(database_url, DEMO_SLUG)
        with gunicorn(env, workers=workers) as port:
            cookies = sign_in(port)
            wanted = pages(action_id, public_path(database_url, PUBLIC_SLUG))
            for page in wanted:  # warm every worker's caches; each page must work
                for _ in range(workers * 2):
                    status, _, _ = request(port, page.path, cookies=cookies)
                    if status != 200:
                        raise RuntimeError(f"{page.path} answered {status}")
            by_page: dict[str, list[Result]] = {page.label: [] for page in wanted}
            for number in range(rounds):
                log(f"round {number + 1} of {rounds}")
                for page in wanted:
                    result = hammer(port, page, cookies, clients=clients, seconds=seconds)
                    by_page[page.label].append(result)
    report(by_page, wanted, clients=clients, workers=workers, log=log)


def report(by_page, wanted: list[Page], *, clients: int, workers: int, log) -> None:
    """Medians over the rounds; each round's ratio is to the bare page of the same round."""
    bare = by_page[wanted[0].label]
    log(
        f"\nload test: {clients} clients, gunicorn with {workers} sync workers, production "
        f"settings, PostgreSQL; medians of {len(bare)} rounds"
    )
    log(
        f"{'page':<28}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'÷ bare':>8}"
        f"  goal (÷ bare; 0 errors; p99 < {P99_GOAL_MS} ms)"
    )
    for page in wanted:
        results = by_page[page.label]
        ratios = [r.per_second / b.per_second for r, b in zip(results, bare, strict=True)]
        ratio = statistics.median(ratios)
        rps = statistics.median(r.per_second for r in results)
        p50 = statistics.median(r.p50_ms for r in results)
        p99 = statistics.median(r.p99_ms for r in results)
        errors = sum(r.errors for r in results)
        met = errors == 0 and p99 < P99_GOAL_MS and (page.goal is None or ratio >= page.goal)
        goal = f">= {page.goal:.2f}" if page.goal is not None else "-"
        log(
            f"{page.label:<28}{rps:>8.1f}{p50:>8.0f}{p99:>8.0f}{errors:>7}{ratio:>8.2f}"
            f"  {goal:<8} {'ok' if met else 'over'}"
        )


def main() -> None:
    """For `python -m actionplan.loadtest` from the project directory."""
    sys.path.insert(0, str(Path.cwd()))
    run(
        server_url=os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        clients=int(os.environ.get("BENCH_CLIENTS", "20")),
        seconds=float(os.environ.get("BENCH_SECONDS", "8")),
        rounds=int(os.environ.get("BENCH_ROUNDS", "2")),
        workers=int(os.environ.get("BENCH_WORKERS", "4")),
        log=print,
    )


if __name__ == "__main__":
    main()
