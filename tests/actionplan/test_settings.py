"""Settings come from the environment, with safe defaults and loud failures."""

import os
import subprocess
import sys
from datetime import date

from django.core.management import call_command
from django.utils import formats

BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_refuses_to_start_with_a_clear_message():
    result = _check({"DJANGO_ALLOWED_HOSTS": "example.gov.uk"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = _check({"DJANGO_SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_a_malformed_boolean_is_named_in_the_error():
    result = _check({"DJANGO_DEBUG": "maybe"})
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_production_settings_start_when_given_what_they_need():
    result = _check({"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "example.gov.uk"})
    assert result.returncode == 0, result.stderr


def test_dates_are_shown_the_british_way(settings):
    assert formats.date_format(date(2026, 11, 23)) == "23 November 2026"
    assert settings.TIME_ZONE == "Europe/London"


def test_no_model_change_lacks_a_migration(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _production_settings(env: dict[str, str], *names: str) -> list[str]:
    """The values of settings under production environment variables, one per line."""
    code = "from django.conf import settings as s; " + "; ".join(f"print({n})" for n in names)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        env={**BASE_ENV, "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "a.gov.uk", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_production_keeps_database_connections_with_health_checks_and_logs_json():
    assert _production_settings(
        {},
        "s.DATABASES['default']['CONN_MAX_AGE']",
        "s.DATABASES['default']['CONN_HEALTH_CHECKS']",
        "s.LOGGING['handlers']['console']['formatter']",
        "s.STORAGES['default']['BACKEND']",
    ) == ["60", "True", "json", "django.core.files.storage.FileSystemStorage"]
    assert _production_settings(
        {"DATABASE_CONN_MAX_AGE": "0"}, "s.DATABASES['default']['CONN_MAX_AGE']"
    ) == ["0"]


def test_a_bucket_in_the_environment_puts_every_file_in_private_object_storage():
    backend, options = _production_settings(
        {
            "ACTIONPLAN_S3_BUCKET": "council-actionplan",
            "ACTIONPLAN_S3_ENDPOINT_URL": "https://objects.example.net",
            "ACTIONPLAN_S3_REGION": "eu-west-2",
        },
        "s.STORAGES['default']['BACKEND']",
        "sorted(s.STORAGES['default']['OPTIONS'].items())",
    )
    assert backend == "storages.backends.s3.S3Storage"
    for expected in (
        "('bucket_name', 'council-actionplan')",
        "('endpoint_url', 'https://objects.example.net')",
        "('region_name', 'eu-west-2')",
        "('default_acl', None)",
        "('file_overwrite', False)",
        "('querystring_auth', True)",
    ):
        assert expected in options


def test_an_unknown_log_format_is_refused_by_name():
    result = _check({"DJANGO_DEBUG": "1", "ACTIONPLAN_LOG_FORMAT": "xml"})
    assert "ACTIONPLAN_LOG_FORMAT must be plain or json" in result.stderr


def test_an_unknown_cache_backend_is_named_in_the_error():
    result = _check({"DJANGO_DEBUG": "1", "ACTIONPLAN_CACHE": "memcache"})
    assert result.returncode != 0
    assert "ACTIONPLAN_CACHE must be one of locmem, redis, database, dummy" in result.stderr


def test_the_database_cache_can_be_chosen_from_the_environment():
    script = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        env={**BASE_ENV, "DJANGO_DEBUG": "1", "ACTIONPLAN_CACHE": "database"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "django.core.cache.backends.db.DatabaseCache", result.stderr
