"""Expensive page fragments, cached under the plan's change stamp (actionplan/stamps.py).

A fragment's key holds the plan's stamp and whatever else changes what it shows (the day, the
query string, the viewer's role): a write moves the stamp, so the next request renders afresh
on every machine, and nothing cached is ever shown stale. A miss costs what the page cost
before. The cache is Django's default one (local memory unless ACTIONPLAN_CACHE says otherwise).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from actionplan import stamps
from actionplan.models import Organisation, Plan

T = TypeVar("T")


def plan_fragment(plan: Plan, name: str, parts: tuple[str, ...], render: Callable[[], T]) -> T:
    """render(), or what it gave before for the same plan stamp and parts.

    Reads the stamp first (one query), before render() reads anything of the plan.
    """
    return _cached(f"{name}:{plan.pk}", stamps.current(plan), parts, render)


def organisation_fragment(
    organisation: Organisation, name: str, parts: tuple[str, ...], render: Callable[[], T]
) -> T:
    """render(), or what it gave before under the same stamps of all the organisation's
    plans and the site's (an organisation-wide page: its public standards)."""
    stamp = stamps.current_for_organisation(organisation.pk)
    return _cached(f"{name}:org{organisation.pk}", stamp, parts, render)


def _cached(name: str, stamp: str | None, parts: tuple[str, ...], render: Callable[[], T]) -> T:
    if stamp is None:
        return render()
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    # The stamp itself may be long (an organisation's is every plan's): hashed with the parts.
    key_hash = hashlib.sha256(f"{stamp}\x1f{digest}".encode()).hexdigest()[:40]
    key = f"fragment:{name}:{key_hash}"
    found = cache.get(key)
    if found is None:
        found = render()
        cache.set(key, found, settings.ACTIONPLAN_FRAGMENT_SECONDS)
    return found
