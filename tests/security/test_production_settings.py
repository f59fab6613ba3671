"""Production settings (DEBUG off), read in a fresh process as a server would read them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ACTIONPLAN_"))}
PRODUCTION = {
    "DJANGO_SECRET_KEY": "test-only-" + "".join(chr(65 + i % 26) + str(i) for i in range(30)),
    "DJANGO_ALLOWED_HOSTS": "actionplan.example.gov.uk",
}
NAMES = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_AGE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "X_FRAME_OPTIONS",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
]
READ = (
    "import json, os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'actionplan.settings';"
    "django.setup(); from django.conf import settings as s;"
    f"print(json.dumps({{n: getattr(s, n, None) for n in {NAMES!r}}}))"
)


def _settings(**env: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", READ],
        env={**BASE_ENV, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_defaults_are_the_secure_ones():
    s = _settings()
    assert s["DEBUG"] is False
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SECURE_HSTS_SECONDS"] == 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_HSTS_PRELOAD"] is False
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert s["SECURE_REFERRER_POLICY"] == "same-origin"
    assert s["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert 60 * 60 <= s["SESSION_COOKIE_AGE"] <= 24 * 60 * 60


def test_x_forwarded_proto_is_trusted_only_when_the_environment_says_a_proxy_sets_it():
    assert _settings()["SECURE_PROXY_SSL_HEADER"] is None
    trusted = _settings(DJANGO_SECURE_PROXY_SSL_HEADER="1")
    assert trusted["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_proxy_that_redirects_to_https_itself_can_switch_the_redirect_off():
    assert _settings(DJANGO_SECURE_SSL_REDIRECT="0")["SECURE_SSL_REDIRECT"] is False


def test_hsts_is_set_from_the_environment():
    s = _settings(
        DJANGO_SECURE_HSTS_SECONDS="3600",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="no",
        DJANGO_SECURE_HSTS_PRELOAD="yes",
    )
    assert (s["SECURE_HSTS_SECONDS"], s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]) == (3600, False)
    assert s["SECURE_HSTS_PRELOAD"] is True


def test_a_session_length_that_is_not_a_number_is_refused_by_name():
    result = subprocess.run(
        [sys.executable, "-c", READ],
        env={**BASE_ENV, **PRODUCTION, "DJANGO_SESSION_COOKIE_AGE": "a day"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SESSION_COOKIE_AGE must be a whole number" in result.stderr


@pytest.mark.parametrize("extra", [{}, {"DJANGO_SECURE_PROXY_SSL_HEADER": "1"}])
def test_the_deployment_check_finds_nothing_to_warn_about(extra):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**BASE_ENV, **PRODUCTION, **extra},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_production_response_carries_the_security_headers():
    """One request through the real middleware stack, over HTTPS, without DEBUG."""
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'actionplan.settings';"
        "django.setup(); from django.test import Client, override_settings;"
        # No collectstatic here: plain static storage, as the manifest is not built.
        "override_settings(STORAGES={'staticfiles': {'BACKEND':"
        " 'django.contrib.staticfiles.storage.StaticFilesStorage'}}).enable();"
        "r = Client().get('/accessibility/', secure=True, HTTP_HOST='actionplan.example.gov.uk');"
        "print(r.status_code);"
        "[print(h + ': ' + r.headers.get(h, '-')) for h in ("
        "'Strict-Transport-Security', 'Content-Security-Policy', 'X-Frame-Options',"
        "'Referrer-Policy', 'Cross-Origin-Opener-Policy', 'X-Content-Type-Options')];"
        "print('insecure:', Client().get('/accessibility/',"
        " HTTP_HOST='actionplan.example.gov.uk').status_code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**BASE_ENV, **PRODUCTION, "DATABASE_URL": "sqlite:///:memory:"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert out.splitlines()[0] == "200", out + result.stderr
    assert "Strict-Transport-Security: max-age=31536000; includeSubDomains\n" in out
    assert "X-Frame-Options: DENY" in out
    assert "Referrer-Policy: same-origin" in out
    assert "Cross-Origin-Opener-Policy: same-origin" in out
    assert "X-Content-Type-Options: nosniff" in out
    assert "frame-ancestors 'none'" in out
    assert "insecure: 301" in out
