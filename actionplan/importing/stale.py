"""Rows of our own workbook exported before the action last changed in the application.

The row is compared with the action as it was at the row's Version (from history): fields the
file did not change keep the application's values; fields only the file changed are imported;
a field both changed differently is a conflict, reported with who changed it and when, and the
row is not imported (the edit form's rule, conflicts.py). Two queries, whatever the number of
such rows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils import formats, timezone

from actionplan.importing import values as cells
from actionplan.importing.rows import LABELS, Outcome, RowPlan, current_value, display, same
from actionplan.models import Action
from actionplan.personnames import person_name


def resolve_stale(rows: list[RowPlan]) -> None:
    """Rows exported before the action last changed: merge what only the file changed."""
    stale = [row for row in rows if row.stale_version is not None and row.action is not None]
    if not stale:
        return
    ids = [row.action.pk for row in stale]
    records: dict[tuple[int, int], Model] = {}
    latest: dict[int, Model] = {}
    history = (
        Action.history.filter(id__in=ids)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    for record in history:
        records.setdefault((record.id, record.version), record)
        latest[record.id] = record
    for row in stale:
        exported = records.get((row.action.pk, row.stale_version))
        _settle_stale(row, exported, latest.get(row.action.pk))


def _settle_stale(row: RowPlan, exported: Model | None, latest: Model | None) -> None:
    action = row.action
    if row.stale_version > action.version:
        row.outcome = Outcome.ERROR
        row.messages.append(
            "The row's Version is newer than the action's: is the file from this plan?"
        )
        return
    if exported is None:
        theirs = set(row.fields)
    else:
        # Fields the file changed since the export; the others keep the application's values.
        row.fields = {
            name: value
            for name, value in row.fields.items()
            if not same(_record_value(exported, name), value)
        }
        theirs = {
            name
            for name in row.fields
            if not same(_record_value(exported, name), current_value(action, name))
        }
    if not row.fields and not row.progress:
        row.outcome, row.changes = Outcome.UNCHANGED, []
        return
    clashes = sorted(theirs & set(row.fields))
    if not clashes:
        row.changes = [
            c
            for c in row.changes
            if c.label in {LABELS[n] for n in row.fields} | {LABELS["progress"]}
        ]
        return
    who = "Someone"
    when = ""
    if latest is not None:
        user = latest.history_user
        who = person_name(user, fallback="Someone")
        when = " on " + formats.date_format(timezone.localtime(latest.history_date), "j M Y H:i")
    row.outcome = Outcome.CONFLICT
    for name in clashes:
        was = _record_value(exported, name) if exported is not None else None
        now = cells.shown(display(name, current_value(action, name)))
        row.messages.append(
            f"{who} changed {LABELS[name]} in the plan{when}, after this file was exported"
            + (f" (it was “{cells.shown(display(name, was))}”)" if exported is not None else "")
            + f": it is now “{now}”; the file says "
            f"“{cells.shown(display(name, row.fields[name]))}”."
        )
    row.messages.append("Nothing in this row is imported: check it and export a fresh copy.")


def _record_value(record: Model, name: str) -> Any:
    if name == "unit":
        return record.unit_id
    return getattr(record, name)
