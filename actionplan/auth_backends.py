"""Sign-in throttling for sign-ins that come from the web."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class ThrottledSignInBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins made through a web request.

    The sign-in page always passes its request. A check of a password with no request (a
    management command, `client.login()` in a test) has no address to key a lockout on and
    cannot be reached from outside, so it goes straight to the password check; axes' own
    backend would refuse it with an exception instead.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
