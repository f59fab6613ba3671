"""Reads of the links between standards and plan actions, for the action page."""

from __future__ import annotations

from django.db.models import F

from actionplan.models import Action
from standards.models import StandardAction


def standard_links_for(action: Action) -> list[StandardAction]:
    """The standards the action helps to meet, latest version of each (one query)."""
    links = StandardAction.objects.filter(action=action).select_related("standard")
    latest: dict[str, StandardAction] = {}
    versions = F("standard__effective_from").asc(nulls_first=True)
    for link in links.order_by("standard__reference", versions):
        latest[link.standard.reference] = link
    return list(latest.values())
