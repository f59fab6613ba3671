"""Edit conflicts, three-way: what the form started from, what others saved, what the user typed.

An edit form carries a signed snapshot of the values it showed (`sign_loaded`): the row as the
user started from it. On save, under `select_for_update()`, the stored row is compared with
that snapshot field by field. Fields others changed meanwhile are refused (`EditConflict`),
each with the value as loaded, theirs and the user's; nothing is written. The refused form
then starts again from the stored row: fields only they changed show their value, fields only
the user changed keep the user's, and a field both changed differently needs an explicit
choice (`ask`). A second save therefore writes only what this user changed, against the new
state. One mechanism for every edit form (forms.ConflictCheckedForm), whether or not the model
carries a version number.

A set of linked rows edited with the record (an action's CSE sub-criteria, a theme's criteria)
is one field too (`LinkSet`): compared as a set of ids, shown as the rows linked and what was
added and removed. Where both changed a set, the refused form holds their set with the user's
own additions and removals (rows merge without a choice: two people cannot change one row's
membership in different ways).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db import models, transaction
from django.utils import formats, timezone

from actionplan.models import Versioned
from actionplan.personnames import person_name

SOMEONE_ELSE = "Someone else"
_SALT = "actionplan.conflicts.loaded"


@dataclass(frozen=True)
class Change:
    """A field someone else changed after the form was loaded: as loaded, theirs, and yours."""

    field: str
    label: str
    was: str
    theirs: str
    yours: str
    changed_by: str
    changed_at: datetime | None
    mine_changed: bool = False  # the user changed it too, to something else: they must choose
    stored: Any = None  # their value as a form shows it (a related row's id, a date)
    merged: str = ""  # a set both changed: theirs with the user's additions and removals

    def __str__(self) -> str:
        if self.merged:
            return (
                f"{self.changed_by} changed the {self.label} to “{self.theirs}” (it was "
                f"“{self.was}”); you changed it to “{self.yours}”. The form now holds both "
                f"changes: “{self.merged}”."
            )
        if self.mine_changed:
            return (
                f"{self.changed_by} changed the {self.label} to “{self.theirs}” (it was "
                f"“{self.was}”); you entered “{self.yours}”. Choose which to keep."
            )
        return (
            f"{self.changed_by} changed the {self.label} to “{self.theirs}” (it was "
            f"“{self.was}”). You had not changed it, so the form now shows their value."
        )


class EditConflict(Exception):
    """Raised instead of saving over someone else's change; carries what they changed."""

    def __init__(
        self,
        changes: list[Change],
        *,
        base: dict[str, Any],
        version: int | None,
        own: list[Change] | None = None,
    ) -> None:
        super().__init__("; ".join(str(c) for c in changes))
        self.changes = changes
        self.own = own or []  # what only the user changed: kept, shown beside theirs
        self.base = base  # the stored row's values: the state a second save starts from
        self.version = version

    @property
    def changed_by(self) -> str:
        return self.changes[0].changed_by

    @property
    def changed_at(self) -> datetime | None:
        return self.changes[0].changed_at

    @property
    def to_choose(self) -> list[Change]:
        return [c for c in self.changes if c.mine_changed]


@dataclass(frozen=True)
class LinkSet:
    """The rows linked to the edited record through `model` (those matching `where`), as one field.

    `column` is the link row's column naming the linked row, e.g. "sub_criterion_id".
    """

    label: str
    model: type[models.Model]
    where: dict[str, Any]
    column: str

    def ids(self) -> list[int]:
        """The ids linked now, sorted (read it under the record's lock to compare)."""
        rows = self.model._default_manager.filter(**self.where)
        return sorted(set(rows.values_list(self.column, flat=True)))

    @property
    def target(self) -> type[models.Model]:
        return self.model._meta.get_field(self.column.removesuffix("_id")).related_model

    def names(self, ids: Iterable[int]) -> list[str]:
        found = {obj.pk: str(obj) for obj in self.target._default_manager.filter(pk__in=ids)}
        return [found.get(pk, "(deleted)") for pk in sorted(ids)]

    def describe(self, ids: list[int], *, since: list[int] | None = None) -> str:
        """The rows linked, in words; with `since`, what was added and removed since then."""
        text = "; ".join(self.names(ids)) or "(none)"
        if since is None:
            return text
        added, removed = sorted(set(ids) - set(since)), sorted(set(since) - set(ids))
        parts = [f"added {'; '.join(self.names(added))}"] if added else []
        parts += [f"removed {'; '.join(self.names(removed))}"] if removed else []
        return f"{text} ({', '.join(parts)})" if parts else text

    def last_changed(self) -> models.Model | None:
        """The latest history row of these links (added or removed), with its user."""
        history = getattr(self.model, "history", None)
        if history is None:
            return None
        rows = history.filter(**self.where).select_related("history_user")
        return rows.order_by("-history_date").first()


@dataclass(frozen=True)
class Loaded:
    """What an edit form carries: the row's values it started from, and choices it must ask."""

    pk: int
    base: dict[str, Any]
    ask: dict[str, list[str]] = field(default_factory=dict)  # field → [theirs, yours] shown


def _plain(value: Any) -> Any:
    """A field's value in a form that survives JSON and compares equal when it is equal."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def base_of(
    obj: models.Model, fields: Iterable[str], sets: Mapping[str, LinkSet] | None = None
) -> dict[str, Any]:
    """The plain values of `fields` on `obj` (related rows by id), and the ids of its `sets`."""
    model = type(obj)
    base = {name: _plain(getattr(obj, model._meta.get_field(name).attname)) for name in fields}
    return base | {name: link_set.ids() for name, link_set in (sets or {}).items()}


def sign_loaded(obj: models.Model, base: dict[str, Any], ask: dict | None = None) -> str:
    return signing.dumps({"pk": obj.pk, "base": base, "ask": ask or {}}, salt=_SALT, compress=True)


def read_loaded(token: str, obj: models.Model) -> Loaded | None:
    """The snapshot a form carried for `obj`, or None if it is missing, altered or another row's."""
    try:
        data = signing.loads(token or "", salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("pk") != obj.pk:
        return None
    return Loaded(pk=data["pk"], base=data.get("base") or {}, ask=data.get("ask") or {})


def _display(model: type[models.Model], name: str, value: Any) -> str:
    """A plain value as people read it: choice labels, related rows by name, dates in words."""
    model_field = model._meta.get_field(name)
    choices = dict(model_field.flatchoices) if model_field.choices else {}
    if value in choices:  # a blank choice may have a name ("Not assessed")
        return str(choices[value])
    if value is None or value == "":
        return "(blank)"
    if model_field.is_relation:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else "(deleted)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(model_field, models.DateTimeField):
        return formats.date_format(timezone.localtime(model_field.to_python(value)), "j F Y H:i")
    if isinstance(model_field, models.DateField):
        return formats.date_format(model_field.to_python(value), "j F Y")
    return str(value)


def _latest_record(model: type[models.Model], pk: int) -> models.Model | None:
    history = getattr(model, "history", None)
    if history is None:
        return None
    return history.filter(id=pk).select_related("history_user").order_by("-history_date").first()


def _values(
    obj: models.Model,
    base: dict[str, Any],
    sets: Mapping[str, LinkSet],
    chosen: Mapping[str, Iterable[int]] | None,
) -> dict[str, Any]:
    """The values of `base`'s fields: the row's own, and its sets as stored (`chosen` None)
    or as the user chose them (a set they were not asked about stays as loaded)."""
    values = base_of(obj, [n for n in base if n not in sets])
    for name, link_set in sets.items():
        if name not in base:
            continue
        if chosen is None:
            values[name] = link_set.ids()
        else:
            values[name] = sorted(set(chosen[name])) if name in chosen else base[name]
    return values


def _change(
    model: type[models.Model],
    name: str,
    sets: Mapping[str, LinkSet],
    *,
    was: Any,
    theirs: Any,
    yours: Any,
    **extra: Any,
) -> Change:
    if name in sets:
        link_set = sets[name]
        return Change(
            field=name,
            label=link_set.label,
            was=link_set.describe(was),
            theirs=link_set.describe(theirs, since=was),
            yours=link_set.describe(yours, since=was),
            **extra,
        )
    return Change(
        field=name,
        label=str(model._meta.get_field(name).verbose_name),
        was=_display(model, name, was),
        theirs=_display(model, name, theirs),
        yours=_display(model, name, yours),
        **extra,
    )


def _who_changed(
    obj: models.Model, changed: list[str], sets: Mapping[str, LinkSet]
) -> tuple[str, datetime | None]:
    """Who made the latest of the changes in `changed`, and when."""
    records = [sets[n].last_changed() for n in changed if n in sets]
    if any(n not in sets for n in changed):
        records.append(_latest_record(type(obj), obj.pk))
    records = [r for r in records if r is not None]
    if not records:
        return SOMEONE_ELSE, None
    latest = max(records, key=lambda r: r.history_date)
    user = getattr(latest, "history_user", None)
    return (person_name(user) if user is not None else SOMEONE_ELSE), latest.history_date


def find_conflicts(
    obj: models.Model,
    base: dict[str, Any],
    sets: Mapping[str, LinkSet] | None = None,
    chosen: Mapping[str, Iterable[int]] | None = None,
) -> tuple[list[Change], models.Model]:
    """What others changed in the fields of `base` since the form showing it was loaded.

    `obj` holds the user's values (a form's instance after validation), `chosen` the ids the
    user chose for each of the record's `sets`. The stored row is locked (call this inside the
    transaction that saves; links are compared under the same lock, so every writer of them
    locks the record). Fields where others made the same change as the user are no conflict.
    Returns the changes and the stored row.
    """
    model, sets = type(obj), sets or {}
    # Only the row itself: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    stored = model._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
    theirs = _values(stored, base, sets, None)
    yours = _values(obj, base, sets, chosen or {})
    changed = [n for n in base if theirs.get(n) != base[n] and theirs.get(n) != yours.get(n)]
    if not changed:
        return [], stored
    who, when = _who_changed(obj, changed, sets)
    changes = []
    for name in changed:
        mine_changed = yours[name] != base[name]
        if name in sets:
            # Sets merge row by row: their additions and removals, then the user's.
            value = _merged(base[name], theirs[name], yours[name]) if mine_changed else theirs[name]
            extra = {"stored": value, "merged": sets[name].describe(value) if mine_changed else ""}
            mine_changed = False
        else:
            extra = {"stored": getattr(stored, model._meta.get_field(name).attname)}
        changes.append(
            _change(
                model,
                name,
                sets,
                was=base[name],
                theirs=theirs[name],
                yours=yours[name],
                changed_by=who,
                changed_at=when,
                mine_changed=mine_changed,
                **extra,
            )
        )
    return changes, stored


def _merged(base: list[int], theirs: list[int], yours: list[int]) -> list[int]:
    """Their set with the user's own additions and removals since `base`."""
    added, removed = set(yours) - set(base), set(base) - set(yours)
    return sorted((set(theirs) | added) - removed)


def _own_changes(
    obj: models.Model,
    stored: models.Model,
    base: dict[str, Any],
    sets: Mapping[str, LinkSet],
    chosen: Mapping[str, Iterable[int]] | None,
) -> list[Change]:
    """Fields only the user changed since `base`: they go ahead on the next save."""
    theirs = _values(stored, base, sets, None)
    yours = _values(obj, base, sets, chosen or {})
    return [
        _change(
            type(obj),
            name,
            sets,
            was=base[name],
            theirs=theirs[name],
            yours=yours[name],
            changed_by="",
            changed_at=None,
            mine_changed=True,
        )
        for name in base
        if yours[name] != base[name] and theirs[name] == base[name]
    ]


def refuse_conflicts(
    obj: models.Model,
    base: dict[str, Any] | None,
    *,
    sets: Mapping[str, LinkSet] | None = None,
    chosen: Mapping[str, Iterable[int]] | None = None,
) -> None:
    """Raise EditConflict if others changed what the form showed since `base`; None skips it.

    `sets` are the record's link sets the form edits, `chosen` the ids the user chose for each.
    When it does not raise, `obj` may be saved: a versioned row carries on the stored count.
    """
    if base is None:
        return
    sets = sets or {}
    with transaction.atomic():
        changes, stored = find_conflicts(obj, base, sets, chosen)
    version = stored.version if isinstance(stored, Versioned) else None
    if changes:
        raise EditConflict(
            changes,
            base=_values(stored, base, sets, None),
            version=version,
            own=_own_changes(obj, stored, base, sets, chosen),
        )
    if version is not None:
        obj.version = version


def when_changed(conflict: EditConflict) -> str:
    """ " at 14:05, 3 December 2026" when the other change's time is known, else ""."""
    if not conflict.changed_at:
        return ""
    return " at " + formats.date_format(timezone.localtime(conflict.changed_at), "H:i, j F Y")


def conflict_summary(conflict: EditConflict, *, noun: str) -> str:
    """The sentence that refuses a conflicting save, e.g. noun="theme"."""
    when = when_changed(conflict)
    choose = (
        " Where you both changed the same thing, choose which to keep."
        if conflict.to_choose
        else ""
    )
    return (
        f"Someone else saved this {noun} while you were editing it, so nothing has been saved. "
        f"{conflict.changed_by} changed this {noun}{when}: their changes are shown next to your "
        f"answers below, and the form now holds their changes and yours.{choose} Check it and "
        f"save again."
    )
