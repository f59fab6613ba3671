"""What a backup holds: every table of the product's data and its history, and nothing else.

Content types and permissions are rebuilt by `migrate` in the target (and referred to by their
natural keys), sessions and login-throttling records are transient, so those are left out.
Everything else is in, including every Historical* table, so a restore keeps the audit trail.
"""

from __future__ import annotations

import datetime
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


def rows_present() -> dict[str, int]:
    """The models that already hold rows (a restore needs an empty database)."""
    counts = {model._meta.label: model._default_manager.count() for model in backed_up_models()}
    return {label: count for label, count in counts.items() if count}


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
