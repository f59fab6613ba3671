"""What a backup holds: every table of the product's data and its history, and nothing else.

Content types and permissions are rebuilt by `migrate` in the target (and referred to by their
natural keys), sessions and login-throttling records are transient, so those are left out.
Everything else is in, including every Historical* table, so a restore keeps the audit trail.
"""

from __future__ import annotations

import datetime
import json
from typing import TextIO

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

LEFT_OUT = {"contenttypes", "sessions", "axes", "auth.permission"}


def backed_up_models() -> list[type[models.Model]]:
    """The models whose rows a backup carries, in the registry's order."""
    return [
        model
        for model in apps.get_models()
        if not model._meta.proxy
        and model._meta.managed
        and model._meta.app_label not in LEFT_OUT
        and model._meta.label_lower not in LEFT_OUT
    ]


def backup_keys(path: str) -> dict[str, set]:
    """The primary keys a backup file holds, by model label ("app.model", lower case)."""
    with open(path, encoding="utf-8") as stream:
        records = json.load(stream)
    keys: dict[str, set] = {}
    for record in records:
        keys.setdefault(record["model"], set()).add(record["pk"])
    return keys


def restore_obstacles(keys: dict[str, set]) -> list[str]:
    """Why this database may not receive the backup with these keys (empty: it may).

    A database is fit when it was only migrated: no logins and no plans, and any other rows
    are reference data a migration loaded (the CSE criteria, say) that the backup holds under
    the same keys and will overwrite with its own values. Anything else would be silently
    overwritten or mixed in, so it is refused.
    """
    obstacles = []
    for model in backed_up_models():
        label = model._meta.label_lower
        manager = model._default_manager
        if label in {"auth.user", "actionplan.plan"} and manager.exists():
            obstacles.append(f"{model._meta.label} ({manager.count()})")
            continue
        present = set(manager.values_list("pk", flat=True))
        extra = present - keys.get(label, set())
        if extra:
            obstacles.append(f"{model._meta.label} ({len(extra)})")
    return obstacles


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (dumpdata cuts them to milliseconds,
    which would reorder history rows saved within the same millisecond)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


def backup_write(stream: TextIO) -> int:
    """Write every backed-up row as Django JSON (natural foreign keys); return the row count."""
    by_app: dict = {}
    for model in backed_up_models():
        by_app.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    ordered = serializers.sort_dependencies(by_app.items(), allow_cycles=True)
    written = 0

    def rows():
        nonlocal written
        for model in ordered:
            for row in model._base_manager.order_by(model._meta.pk.name).iterator():
                written += 1
                yield row

    serializers.serialize(
        "json",
        rows(),
        stream=stream,
        indent=1,
        use_natural_foreign_keys=True,
        cls=ExactJSONEncoder,
    )
    return written
