"""Real processes for the several-machines test: an S3-compatible server (moto's server mode),
gunicorn instances with production settings, a background worker, and a browser-like client
that reaches them the way a load balancer forwards requests.

Everything listens on 127.0.0.1 on a free port and is stopped by whoever started it.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import requests

BIN = Path(sys.executable).parent
BASE_DIR = Path(__file__).resolve().parent.parent
# The one public name the load balancer serves; every machine is configured for it.
SITE_HOST = "actionplan.test"
CLIENT_ADDRESS = "203.0.113.7"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(ready, *, timeout: float, what: str, process: subprocess.Popen | None = None):
    """Poll `ready()` until it returns something true; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process stopped (exit code {process.returncode})")
        try:
            result = ready()
        except (requests.ConnectionError, OSError):
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise TimeoutError(f"{what}: not ready after {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM (gunicorn and the worker finish what they are doing), then SIGKILL."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _clean_environment() -> dict[str, str]:
    """This machine's environment without settings that would leak into the instances."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "ACTIONPLAN_", "AWS_", "DATABASE_"))
    }


def start_object_store(directory: Path) -> tuple[subprocess.Popen, str]:
    """moto's S3-compatible server on a free port; returns the process and its endpoint URL."""
    port = free_port()
    log = open(directory / "moto.log", "wb")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=_clean_environment(),
    )
    endpoint = f"http://127.0.0.1:{port}"
    wait_until(
        lambda: requests.get(f"{endpoint}/moto-api/", timeout=2).ok,
        timeout=30,
        what="moto_server",
        process=process,
    )
    return process, endpoint


@dataclass
class Machine:
    """One application machine: its own directories, a gunicorn on its own port and,
    if asked, a background worker beside it."""

    name: str
    directory: Path
    environment: dict[str, str]
    port: int = field(default_factory=free_port)
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def media_root(self) -> Path:
        return self.directory / "media"

    def _run(self, *command: str, log: str) -> subprocess.Popen:
        handle = open(self.directory / log, "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=self.environment, stdout=handle, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def start_web(self) -> None:
        process = self._run(
            str(BIN / "gunicorn"),
            "actionplan.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--graceful-timeout",
            "5",
            log="gunicorn.log",
        )
        wait_until(
            lambda: requests.get(f"{self.url}/health/", timeout=5).status_code == 200,
            timeout=60,
            what=f"gunicorn on {self.name}",
            process=process,
        )

    def start_worker(self) -> None:
        self._run(
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--interval",
            "0.2",
            log="worker.log",
        )

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name} of {self.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.directory.glob("*.log"))
        )

    def stop(self) -> None:
        for process in reversed(self.processes):
            stop(process)


def machine_environment(
    directory: Path, *, database_url: str, secret_key: str, store: dict[str, str]
) -> dict[str, str]:
    """Production settings (no DEBUG) for one machine behind a TLS-terminating balancer."""
    for sub in ("media", "static", "tmp"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    return {
        **_clean_environment(),
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": SITE_HOST,
        "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
        "ACTIONPLAN_PROXY_COUNT": "1",
        "DATABASE_URL": database_url,
        "ACTIONPLAN_MEDIA_ROOT": str(directory / "media"),
        "ACTIONPLAN_STATIC_ROOT": str(directory / "static"),
        "TMPDIR": str(directory / "tmp"),
        # Every PDF and workbook is made by the worker; three wrong passwords lock a login.
        "ACTIONPLAN_SYNC_REPORT_MAX_ACTIONS": "0",
        "ACTIONPLAN_LOGIN_FAILURE_LIMIT": "3",
        **store,
    }


def collect_static(environment: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=environment,
        check=True,
        timeout=300,
    )


class Browser:
    """One person's browser behind the load balancer: one set of cookies, whichever machine
    answers. Requests arrive as the balancer forwards them (HTTPS ended at the balancer,
    the site's public host name, the client's address appended to X-Forwarded-For)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def _headers(self) -> dict[str, str]:
        return {
            "Host": SITE_HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": CLIENT_ADDRESS,
            "Referer": f"https://{SITE_HOST}/",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }

    def _keep_cookies(self, response: requests.Response) -> requests.Response:
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, machine: Machine, path: str) -> requests.Response:
        response = requests.get(
            machine.url + path, headers=self._headers(), allow_redirects=False, timeout=60
        )
        return self._keep_cookies(response)

    def post(
        self, machine: Machine, path: str, data: dict | None = None, files: dict | None = None
    ) -> requests.Response:
        form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **(data or {})}
        response = requests.post(
            machine.url + path,
            data=form,
            files=files,
            headers=self._headers(),
            allow_redirects=False,
            timeout=60,
        )
        return self._keep_cookies(response)

    def sign_in(self, machine: Machine, username: str, password: str) -> requests.Response:
        self.get(machine, "/accounts/login/")  # the CSRF cookie
        return self.post(machine, "/accounts/login/", {"username": username, "password": password})


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of a page's forms (version numbers and the like), name → value."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = value.group(1) if value else ""
    return fields


def local_path(location: str) -> str:
    """The path of a redirect's Location, whichever host it names."""
    return re.sub(r"^https?://[^/]+", "", location)
