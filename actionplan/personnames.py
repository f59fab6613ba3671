"""How a person (a user account) is named on every page, paper and history line."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

REMOVED = "(removed)"


def person_name(user: AbstractBaseUser | None, *, fallback: str = "") -> str:
    """ "Full Name (username)", or the username alone when no name is held.

    `None` (no user recorded, or one who no longer exists) gives `fallback`.
    """
    if user is None:
        return fallback
    username = user.get_username()
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    if full and full != username:
        return f"{full} ({username})"
    return username
