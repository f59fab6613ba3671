"""Every row the product keeps, to show that a refused request changed nothing at all."""

from __future__ import annotations

from django.apps import apps

APPS = {"actionplan", "standards", "consultation", "auth"}


def database_fingerprint() -> dict[str, list[tuple]]:
    """Each model's rows (history included), every column, in primary-key order."""
    found = {}
    for model in apps.get_models():
        if model._meta.app_label in APPS and not model._meta.proxy:
            found[model._meta.label] = list(model._default_manager.order_by("pk").values_list())
    return found


def changed_models(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))
