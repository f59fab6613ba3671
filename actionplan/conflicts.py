"""Edit conflicts on versioned rows (themes, projects, actions): refuse a stale save, say why.

An edit form carries the `version` the row had when the user loaded it. On save, under
`select_for_update()`, the stored version is compared with it; if someone else saved in
between, what they changed in the form's fields is read from history and shown field by field,
beside what the user entered, and nothing is written. Saving again carries the stored version,
so it goes ahead knowingly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import formats, timezone

from actionplan.models import Versioned

SOMEONE_ELSE = "Someone else"


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

    def __str__(self) -> str:
        return (
            f"{self.changed_by} changed the {self.label} to “{self.theirs}” (it was "
            f"“{self.was}”); you entered “{self.yours}”."
        )


class EditConflict(Exception):
    """Raised instead of saving over someone else's change; carries what they changed."""

    def __init__(self, changes: list[Change], *, version: int) -> None:
        super().__init__("; ".join(str(c) for c in changes))
        self.changes = changes
        self.version = version  # the stored version: a form carrying it may save over theirs

    @property
    def changed_by(self) -> str:
        return self.changes[0].changed_by

    @property
    def changed_at(self) -> datetime | None:
        return self.changes[0].changed_at


def _display(model: type[models.Model], name: str, value: object) -> str:
    """A stored value as people read it: choice labels and related rows by name."""
    if value is None or value == "":
        return "(blank)"
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else "(deleted)"
    return str(value)


def _who(record: models.Model | None) -> str:
    user = getattr(record, "history_user", None)
    if user is None:
        return SOMEONE_ELSE
    return user.get_full_name() or user.get_username()


def check_version(
    obj: Versioned, submitted_version: int, *, fields: Iterable[str] | None = None
) -> list[Change]:
    """What others changed in `fields` since the form showing `obj` at `submitted_version` loaded.

    `obj` holds the user's values (a form's instance after validation); `fields` defaults to
    every editable field. The stored row is locked (call this inside the transaction that
    saves). An empty list means saving is safe: nobody else changed the row, or they changed
    only fields this form does not edit (moving a theme up also raises its version), or they
    made the same change; obj.version is then brought up to the stored one so save() carries on
    the count. The "was" and "who" come from history: the record at the submitted version
    diffed against the latest one.
    """
    model = type(obj)
    names = list(fields or [f.name for f in model._meta.concrete_fields if f.editable])
    with transaction.atomic():
        stored = model._default_manager.select_for_update().get(pk=obj.pk)
    if stored.version == submitted_version:
        obj.version = stored.version
        return []
    history = model.history.filter(id=obj.pk).order_by("-history_date", "-history_id")
    latest = history.first()
    loaded = history.filter(version=submitted_version).first()
    theirs = model_to_dict(stored, fields=names)
    yours = model_to_dict(obj, fields=names)
    if loaded is not None and latest is not None:
        was = model_to_dict(loaded, fields=names)
        changed = [c.field for c in latest.diff_against(loaded, included_fields=names).changes]
    else:
        was = {name: None for name in names}
        changed = names
    changes = [
        Change(
            field=name,
            label=str(model._meta.get_field(name).verbose_name),
            was=_display(model, name, was[name]),
            theirs=_display(model, name, theirs[name]),
            yours=_display(model, name, yours[name]),
            changed_by=_who(latest),
            changed_at=getattr(latest, "history_date", None),
        )
        for name in names
        if name in changed and theirs[name] != yours[name]
    ]
    if not changes:
        obj.version = stored.version
    return changes


def refuse_conflicts(
    obj: Versioned, version: int | None, *, fields: Iterable[str] | None = None
) -> None:
    """Raise EditConflict if others changed `fields` since `version`; None skips the check."""
    if version is None:
        return
    changes = check_version(obj, version, fields=fields)
    if changes:
        raise EditConflict(changes, version=type(obj)._default_manager.get(pk=obj.pk).version)


def conflict_summary(conflict: EditConflict, *, noun: str) -> str:
    """The sentence that refuses a conflicting save, e.g. noun="theme"."""
    when = ""
    if conflict.changed_at:
        when = " at " + formats.date_format(timezone.localtime(conflict.changed_at), "H:i, j F Y")
    return (
        f"Someone else saved this {noun} while you were editing it, so nothing has been saved. "
        f"{conflict.changed_by} changed this {noun}{when}: their changes are shown next to your "
        f"answers below. Check them: to keep your answers instead, save again."
    )
