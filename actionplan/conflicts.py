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
"""

from __future__ import annotations

from collections.abc import Iterable
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

    def __str__(self) -> str:
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


def base_of(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The plain values of `fields` on `obj` (related rows by id)."""
    model = type(obj)
    return {name: _plain(getattr(obj, model._meta.get_field(name).attname)) for name in fields}


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


def find_conflicts(obj: models.Model, base: dict[str, Any]) -> tuple[list[Change], models.Model]:
    """What others changed in the fields of `base` since the form showing it was loaded.

    `obj` holds the user's values (a form's instance after validation). The stored row is
    locked (call this inside the transaction that saves). Fields where others made the same
    change as the user are no conflict. Returns the changes and the stored row.
    """
    model = type(obj)
    names = list(base)
    stored = model._default_manager.select_for_update().get(pk=obj.pk)
    theirs, yours = base_of(stored, names), base_of(obj, names)
    changed = [n for n in names if theirs[n] != base[n] and theirs[n] != yours[n]]
    if not changed:
        return [], stored
    latest = _latest_record(model, obj.pk)
    user = getattr(latest, "history_user", None)
    who = person_name(user) if user is not None else SOMEONE_ELSE
    changes = [
        Change(
            field=name,
            label=str(model._meta.get_field(name).verbose_name),
            was=_display(model, name, base[name]),
            theirs=_display(model, name, theirs[name]),
            yours=_display(model, name, yours[name]),
            changed_by=who,
            changed_at=getattr(latest, "history_date", None),
            mine_changed=yours[name] != base[name],
            stored=getattr(stored, model._meta.get_field(name).attname),
        )
        for name in changed
    ]
    return changes, stored


def _own_changes(obj: models.Model, stored: models.Model, base: dict[str, Any]) -> list[Change]:
    """Fields only the user changed since `base`: they go ahead on the next save."""
    model = type(obj)
    theirs, yours = base_of(stored, base), base_of(obj, base)
    return [
        Change(
            field=name,
            label=str(model._meta.get_field(name).verbose_name),
            was=_display(model, name, base[name]),
            theirs=_display(model, name, theirs[name]),
            yours=_display(model, name, yours[name]),
            changed_by="",
            changed_at=None,
            mine_changed=True,
        )
        for name in base
        if yours[name] != base[name] and theirs[name] == base[name]
    ]


def refuse_conflicts(obj: models.Model, base: dict[str, Any] | None) -> None:
    """Raise EditConflict if others changed what the form showed since `base`; None skips it.

    When it does not raise, `obj` may be saved: a versioned row carries on the stored count.
    """
    if base is None:
        return
    with transaction.atomic():
        changes, stored = find_conflicts(obj, base)
    version = stored.version if isinstance(stored, Versioned) else None
    if changes:
        raise EditConflict(
            changes,
            base=base_of(stored, base),
            version=version,
            own=_own_changes(obj, stored, base),
        )
    if version is not None:
        obj.version = version


def conflict_summary(conflict: EditConflict, *, noun: str) -> str:
    """The sentence that refuses a conflicting save, e.g. noun="theme"."""
    when = ""
    if conflict.changed_at:
        when = " at " + formats.date_format(timezone.localtime(conflict.changed_at), "H:i, j F Y")
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
