"""An action's full change history, read from django-simple-history in a fixed number of queries.

One query per history table (the action, its owner links, milestones, progress updates and
target revisions), one per kind of related name shown; diffs between consecutive records are
computed in Python, so the page costs the same for an action with 3 changes or 300.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from actionplan.models import (
    Action,
    ActionOwner,
    Milestone,
    Owner,
    ProgressUpdate,
    TargetRevision,
)
from actionplan.personnames import REMOVED, person_name

KIND_WORDS = {"+": "Created", "~": "Changed", "-": "Deleted"}
# Columns that are bookkeeping, not content a reader cares about.
HIDDEN_FIELDS = {"id", "version", "created_at", "updated_at", "position", "action"}
# Related rows' own fields that say which row it is, shown on creation and deletion.
RELATED_LABELS: dict[type[models.Model], str] = {
    ActionOwner: "Owner",
    Milestone: "Milestone",
    ProgressUpdate: "Progress update",
    TargetRevision: "Target revision",
}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: Any
    new: Any


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    kind: str  # Created / Changed / Deleted
    subject: str  # "Action", "Owner: RF", "Progress update of 30 November 2004"
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    history_id: int | None = None  # for the action's own records: what revert points at
    can_revert: bool = False


class _Names:
    """Display names for foreign keys met in history (owners, themes, people…), one query per
    related model. A row is "(removed)" only when it really no longer exists."""

    def __init__(self, loaded: list[tuple[type[models.Model], list[models.Model]]]) -> None:
        ids: dict[type[models.Model], set[int]] = defaultdict(set)
        for model, records in loaded:
            for model_field in model._meta.fields:
                if not isinstance(model_field, models.ForeignKey) or model_field.name == "action":
                    continue
                target = model_field.related_model
                for record in records:
                    value = getattr(record, model_field.attname, None)
                    if value:
                        ids[target].add(value)
        self.names = {
            model: {pk: _name(obj) for pk, obj in model._default_manager.in_bulk(pks).items()}
            for model, pks in ids.items()
        }

    def show(self, model_field: models.Field, value: Any) -> Any:
        choices = dict(model_field.flatchoices) if model_field.choices else {}
        if value in choices:  # a blank choice may have a name ("Not assessed")
            return choices[value]
        if value is None or value == "":
            return "(blank)"
        if isinstance(model_field, models.ForeignKey):
            target = model_field.related_model
            return self.names.get(target, {}).get(value, f"#{value} {REMOVED}")
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, datetime):
            return date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if isinstance(value, date):
            return date_format(value, "DATE_FORMAT")
        return value


def _name(obj: models.Model) -> str:
    return person_name(obj) if isinstance(obj, AbstractBaseUser) else str(obj)


def _subject(model: type[models.Model], record: models.Model, names: _Names) -> str:
    if model is Action:
        return "Action"
    if model is ActionOwner:
        owner = names.names.get(Owner, {}).get(record.owner_id, "an owner")
        return f"Owner: {owner}{' (lead)' if record.is_lead else ''}"
    if model is ProgressUpdate:
        return f"Progress update of {record.reported_on:%-d %B %Y}"
    if model is Milestone:
        return f"Milestone: {record.text[:60]}"
    return f"Target revision: {record.old_target or '(none)'} → {record.new_target}"


def _changes(model: type[models.Model], record, previous, names: _Names) -> list[FieldChange]:
    fields = [f for f in model._meta.fields if f.name not in HIDDEN_FIELDS and f.editable]
    result = []
    for model_field in fields:
        new = getattr(record, model_field.attname)
        old = getattr(previous, model_field.attname) if previous is not None else None
        if previous is not None and old == new:
            continue
        if previous is None and record.history_type == "+" and new in (None, "", False):
            continue
        if record.history_type == "-":
            continue
        result.append(
            FieldChange(
                label=capfirst(str(model_field.verbose_name)),  # "RAG", not "Rag"
                old=names.show(model_field, old) if previous is not None else "",
                new=names.show(model_field, new),
            )
        )
    return result


def action_history(action: Action, *, can_revert: bool = False) -> list[HistoryEntry]:
    """Every change to the action and its rows, newest first."""
    sources: list[tuple[type[models.Model], models.QuerySet]] = [
        (Action, Action.history.filter(id=action.pk)),
        (ActionOwner, ActionOwner.history.filter(action_id=action.pk)),
        (Milestone, Milestone.history.filter(action_id=action.pk)),
        (ProgressUpdate, ProgressUpdate.history.filter(action_id=action.pk)),
        (TargetRevision, TargetRevision.history.filter(action_id=action.pk)),
    ]
    loaded = [
        (model, list(qs.select_related("history_user").order_by("history_date", "history_id")))
        for model, qs in sources
    ]
    names = _Names(loaded)
    entries: list[HistoryEntry] = []
    latest_action_record = loaded[0][1][-1].history_id if loaded[0][1] else None
    for model, records in loaded:
        previous_by_id: dict[int, Any] = {}
        for record in records:
            previous = previous_by_id.get(record.id)
            previous_by_id[record.id] = record
            changes = _changes(model, record, previous, names)
            if record.history_type == "~" and not changes:
                continue
            user = record.history_user
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=person_name(user, fallback="System"),
                    kind=KIND_WORDS[record.history_type],
                    subject=_subject(model, record, names),
                    reason=record.history_change_reason or "",
                    changes=changes,
                    history_id=record.history_id if model is Action else None,
                    can_revert=can_revert
                    and model is Action
                    and record.history_type != "-"
                    and record.history_id != latest_action_record,
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
