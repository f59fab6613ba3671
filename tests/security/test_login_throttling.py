"""Guessing passwords: after the failure limit, signing in is refused with HTTP 429."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

PASSWORD = "pass-for-tests-only"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def _sign_in(client: Client, username: str, password: str, ip: str = "192.0.2.10"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _lock_out(client: Client, username: str, ip: str = "192.0.2.10"):
    responses = [_sign_in(client, username, "wrong-password", ip) for _ in range(3)]
    return responses


def test_wrong_passwords_below_the_limit_just_show_the_form_again(client, viewer):
    response = _sign_in(client, viewer.username, "wrong-password")
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode().lower()


def test_the_failure_limit_answers_429_with_a_page_saying_what_happened(client, viewer):
    responses = _lock_out(client, viewer.username)
    assert [r.status_code for r in responses] == [200, 200, 429]
    page = responses[-1].content.decode()
    assert "Too many attempts to sign in" in page
    assert "paused for 15 minutes" in page
    assert responses[-1]["Retry-After"] == "900"
    assert 'class="govuk-heading-l"' in page
    assert "Traceback" not in page


def test_the_right_password_during_a_lockout_is_still_refused(client, viewer):
    _lock_out(client, viewer.username)
    response = _sign_in(client, viewer.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_for_that_username_from_that_address_only(client, viewer, action_owner):
    _lock_out(client, viewer.username)
    assert _sign_in(Client(), viewer.username, PASSWORD, ip="198.51.100.7").status_code == 302
    assert _sign_in(Client(), action_owner.username, PASSWORD).status_code == 302


def test_signing_in_works_again_after_the_cool_off(client, viewer):
    _lock_out(client, viewer.username)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _sign_in(client, viewer.username, PASSWORD).status_code == 302


def test_an_administrator_can_lift_a_lockout_with_a_command(client, viewer):
    _lock_out(client, viewer.username)
    call_command("axes_reset_username", viewer.username, verbosity=0)
    assert _sign_in(client, viewer.username, PASSWORD).status_code == 302


def test_the_failure_limit_and_cool_off_come_from_the_environment():
    import os
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='actionplan.settings';"
        "django.setup(); from django.conf import settings as s;"
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()))"
    )
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "ACTIONPLAN_LOGIN_FAILURE_LIMIT": "7",
        "ACTIONPLAN_LOGIN_COOLOFF_MINUTES": "30",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["7", "1800"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "192.0.2.10"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "192.0.2.10"),
    ],
)
def test_behind_a_proxy_the_client_is_the_address_the_proxy_saw(
    rf, settings, proxies, forwarded, expected
):
    from actionplan.clientip import client_ip

    settings.ACTIONPLAN_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_a_forged_forwarded_for_does_not_escape_the_lockout(
    client, settings, viewer
):
    settings.ACTIONPLAN_PROXY_COUNT = 1
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        client.post(
            reverse("login"),
            {"username": viewer.username, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.5",
        )
    response = client.post(
        reverse("login"),
        {"username": viewer.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="4.4.4.4, 203.0.113.5",
    )
    assert response.status_code == 429


def test_a_password_check_outside_a_web_request_still_works(viewer):
    from django.contrib.auth import authenticate

    assert authenticate(username=viewer.username, password=PASSWORD) == viewer
    assert authenticate(username=viewer.username, password="wrong") is None


def test_client_login_in_tests_still_works(client, viewer):
    assert client.login(username=viewer.username, password=PASSWORD)
    assert client.get(reverse("home")).status_code == 200


# Finding 10 of the security test: spraying across usernames, or one account from many places.


def test_spraying_passwords_across_usernames_from_one_address_is_stopped(client, settings, viewer):
    settings.ACTIONPLAN_LOGIN_FAILURE_LIMIT_PER_ADDRESS = 6
    guesses = [_sign_in(Client(), f"someone{n}", "Winter2026!") for n in range(6)]
    # One guess per username, never the pair's limit: the address's sixth failure locks it.
    assert [r.status_code for r in guesses] == [200] * 5 + [429]
    assert _sign_in(client, viewer.username, PASSWORD).status_code == 429
    assert _sign_in(Client(), viewer.username, PASSWORD, ip="198.51.100.7").status_code == 302


def test_one_account_guessed_at_from_many_addresses_is_stopped(settings, viewer, action_owner):
    settings.ACTIONPLAN_LOGIN_FAILURE_LIMIT_PER_USERNAME = 4
    guesses = [
        _sign_in(Client(), viewer.username, "wrong-password", ip=f"203.0.113.{n}") for n in range(4)
    ]
    assert [r.status_code for r in guesses] == [200, 200, 200, 429]
    assert _sign_in(Client(), viewer.username, PASSWORD, ip="198.51.100.7").status_code == 429
    assert _sign_in(Client(), action_owner.username, PASSWORD, ip="203.0.113.0").status_code == 302


def test_signing_in_to_one_s_own_account_does_not_clear_a_sprayer_s_count(
    settings, viewer, action_owner
):
    settings.ACTIONPLAN_LOGIN_FAILURE_LIMIT_PER_ADDRESS = 4
    for n in range(3):
        _sign_in(Client(), f"someone{n}", "Winter2026!")
    assert _sign_in(Client(), action_owner.username, PASSWORD).status_code == 302
    assert _sign_in(Client(), "someone9", "Winter2026!").status_code == 429
    assert _sign_in(Client(), viewer.username, PASSWORD).status_code == 429


def test_the_limits_per_address_and_per_username_are_settings():
    import os
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='actionplan.settings';"
        "django.setup(); from django.conf import settings as s;"
        "print(s.ACTIONPLAN_LOGIN_FAILURE_LIMIT_PER_ADDRESS,"
        " s.ACTIONPLAN_LOGIN_FAILURE_LIMIT_PER_USERNAME)"
    )
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "ACTIONPLAN_LOGIN_FAILURE_LIMIT_PER_ADDRESS": "50",
        "ACTIONPLAN_LOGIN_FAILURE_LIMIT_PER_USERNAME": "12",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["50", "12"]
