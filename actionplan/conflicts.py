"""Optimistic locking for edit forms: refuse a save based on a stale version, and say why.

A form carries the `version` the user loaded. On save, under `select_for_update()`, the row's
current version is compared with it; if someone else saved in between, the changes they made
since that version are read from history and shown, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Change:
    """One field someone else changed since the user loaded the form."""

    field: str
    label: str
    theirs: Any
    yours: Any
    who: str
    when: Any


def _display(instance: models.Model, field: models.Field, value: Any) -> Any:
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return "" if value is None else value


def changes_since(
    obj: models.Model, *, submitted_version: int, yours: dict[str, Any] | None = None
) -> list[Change]:
    """Fields changed by others since `submitted_version`, by diffing history; [] if none."""
    current = obj.__class__.objects.get(pk=obj.pk)
    if current.version == submitted_version:
        return []
    records = obj.history.filter(version__in=[submitted_version, current.version]).order_by(
        "history_date", "history_id"
    )
    seen = next((r for r in records if r.version == submitted_version), None)
    latest = next((r for r in reversed(records) if r.version == current.version), None)
    if seen is None or latest is None:
        return [Change("", "the whole record", "", "", "someone", None)]
    who = str(latest.history_user or "someone")
    changes = []
    for change in latest.diff_against(seen).changes:
        field = obj._meta.get_field(change.field)
        if not field.editable or change.field == "version":
            continue
        mine = (yours or {}).get(change.field, getattr(obj, change.field, None))
        changes.append(
            Change(
                field=change.field,
                label=str(field.verbose_name).capitalize(),
                theirs=_display(obj, field, change.new),
                yours=_display(obj, field, mine),
                who=who,
                when=latest.history_date,
            )
        )
    return changes or [Change("", "the record", "", "", who, latest.history_date)]
