"""Every row the product keeps, to show that a refused request changed nothing at all."""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.db import connection

APPS = {"actionplan", "standards", "consultation", "auth"}


@cache
def _queries(vendor: str) -> tuple[tuple[str, str, tuple], ...]:
    """(model label, SQL, parameters): each model's rows (history included), every column, in
    primary-key order. Compiled once: building the SQL costs more than running it, and the
    fingerprint is taken twice per request in the fuzzing tests."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label in APPS and not model._meta.proxy:
            query = model._default_manager.order_by("pk").values_list().query
            sql, params = query.get_compiler(connection=connection).as_sql()
            found.append((model._meta.label, sql, tuple(params)))
    return tuple(found)


def database_fingerprint() -> dict[str, list[tuple]]:
    """Each model's rows (history included), every column as stored, in primary-key order."""
    found = {}
    with connection.cursor() as cursor:
        for label, sql, params in _queries(connection.vendor):
            cursor.execute(sql, params)
            found[label] = [tuple(row) for row in cursor.fetchall()]
    return found


def changed_models(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))
