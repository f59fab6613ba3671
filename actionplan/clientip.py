"""The address a request came from, as login throttling keys it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind ACTIONPLAN_PROXY_COUNT proxies the address the outermost added.

    Each proxy appends the address it was connected from to X-Forwarded-For, so with N trusted
    proxies the client is the N-th entry from the right; anything left of it was written by
    the client and is not trusted. Too few entries means a request that bypassed the proxies:
    then the socket's address is used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.ACTIONPLAN_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
