"""Owners and units as the import finds and creates them, and our workbook's two owner columns.

Every owner and unit the import looks up or creates goes through the functions here that take
the plan (`import_owners`, `import_units`, `owner_spelling_index`, `owners_create`), so the
organisation they belong to is decided in one place.

Our own workbook's two owner columns: "Owners" (who is linked) and "Owners as written".

The export writes *Owners as written* as the plan's officers wrote it ("RF / PAG") and
*Owners* as the labels of the owners actually linked, lead first ("RF, PAG"). An officer may
edit either (docs/import.md):

- only *Owners as written* changed: the text is saved and the owners it names are linked (as
  the edit form does);
- only *Owners* changed: the owners it names are linked, lead first; the text as written is
  kept (it is the source's wording);
- both changed: fine when they name the same owners; otherwise the row is an error, since the
  import cannot tell which one the officer meant.

A row exported before the action last changed cannot tell an edited *Owners* cell from an
out-of-date one (links are not versioned with the action), so there *Owners* is not imported
and the row says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from actionplan.importing import values as cells
from actionplan.importing.rows import RowPlan
from actionplan.importing.sheets import SourceRow, SourceSheet
from actionplan.models import Action, Owner, OwnerKind, Plan, Unit
from actionplan.ownertext import _WITH_ABBREVIATION, normalise, split_owner_text, token_spellings

if TYPE_CHECKING:
    from actionplan.importing.plan_index import PlanIndex


GROUP_WORDS = ("group", "board", "team", "panel", "forum", "partnership", "committee")


def import_owners(plan: Plan) -> list[Owner]:
    """The owners an import of this plan may name: its organisation's only (one query)."""
    return list(Owner.objects.in_organisation(plan.organisation_id))


def import_units(plan: Plan) -> list[Unit]:
    """The directorates and services an import of this plan may name: its organisation's."""
    return list(Unit.objects.in_organisation(plan.organisation_id))


def owner_spelling_index(plan: Plan) -> dict[str, Owner]:
    """Every spelling of the owners an import of this plan may link → the owner: the plan's
    organisation's owners still with it (another council's owners and leavers are never
    matched, docs/import.md)."""
    return Owner.objects.in_organisation(plan.organisation_id).active().spelling_index()


def leaver_message(leavers: list[Owner]) -> str:
    """What a preview row says when its owner text names people who have left."""
    names = ", ".join(str(owner) for owner in leavers)
    verb = "has" if len(leavers) == 1 else "have"
    return (
        f"{names} {verb} left the organisation (a leaver in the owners register), so "
        "the import does not link them: the name stays in the owners as written. Write who "
        "has taken over in the file, or hand their actions over in the owners register."
    )


def owners_create(
    *, plan: Plan, names: list[str], index: dict[str, Owner], save: Callable[[Owner], None]
) -> list[str]:
    """Create the owners the file names that `index` does not know; `save` keeps each (with
    history); the index learns each one's spellings. Returns the names created."""
    created = []
    for token in names:
        if any(normalise(s) in index for s in token_spellings(token)):
            continue  # an earlier token of the list named the same owner
        match = _WITH_ABBREVIATION.match(token)
        name, short = (match["name"].strip(), match["abbr"].strip()) if match else (token, "")
        group = any(word in name.casefold() for word in GROUP_WORDS)
        owner = Owner(
            organisation_id=plan.organisation_id,
            name=name[:200],
            short_name=short[:50],
            kind=OwnerKind.GROUP if group else OwnerKind.PERSON,
        )
        save(owner)
        for spelling in owner.spellings():
            index.setdefault(normalise(spelling), owner)
        created.append(str(owner))
    return created


def _named(index: PlanIndex, text: str) -> list[tuple]:
    """The owners a text names, in order: known owners by id, unknown names by spelling."""
    named: list[tuple] = []
    for token in split_owner_text(text):
        owner = index.owner_of(token)
        found = ("owner", owner.pk) if owner is not None else ("name", normalise(token))
        if found not in named:
            named.append(found)
    return named


def read_owner_labels(
    index: PlanIndex, plan: RowPlan, action: Action | None, sheet: SourceSheet, row: SourceRow
) -> None:
    """Set plan.owner_labels (or the text, for a new action) from an edited "Owners" cell."""
    if "owner_labels" not in sheet.columns or "owners" not in sheet.columns:
        return
    labels = cells.text(row.values.get("owner_labels")).strip()
    written = plan.fields.get("owners_as_written")
    if action is None:  # a new row: either column names its owners
        if labels and not written:
            plan.fields["owners_as_written"] = labels
        elif labels and set(_named(index, labels)) != set(_named(index, written)):
            plan.fail(_disagree(labels, written))
        return
    if _named(index, labels) == _named(index, index.linked_labels(action)):
        return  # Owners not edited
    version = row.values.get("version")
    if isinstance(version, int) and version != action.version:
        plan.messages.append(
            "Owners (linked) not imported: the action has changed in the plan since this file "
            "was exported, so its Owners column may be out of date. Export a fresh copy to "
            "change who is linked, or edit Owners as written."
        )
        return
    if written is not None:  # both edited
        if set(_named(index, labels)) != set(_named(index, written)):
            plan.fail(_disagree(labels, written))
        return  # they agree: the text is saved and its owners linked
    plan.owner_labels = labels


def _disagree(labels: str, written: str) -> str:
    return (
        f"Owners (“{labels}”) and Owners as written (“{written}”) name different owners. "
        "Change only one of them: Owners as written is the plan's own wording, Owners the "
        "people and groups linked to the action."
    )
