"""The plan as the import compares a file with it, read in a fixed number of queries.

Themes, projects, actions (sharing the theme, project and unit objects), the keys of the
progress texts already recorded (and, for our workbook's Progress sheet, each update's reported
values), owners by every spelling, units, and (for our workbook's Owners column) who each
action is linked to.
"""

from __future__ import annotations

from actionplan.importing.progress import KeySet, ReportedUpdate, narrative_key
from actionplan.models import (
    Action,
    ActionOwner,
    Owner,
    Plan,
    ProgressUpdate,
    Project,
    Theme,
    Unit,
)
from actionplan.ownertext import normalise, split_owner_text, token_spellings


class PlanIndex:
    """The plan as the import compares with it, read in a fixed number of queries."""

    def __init__(
        self, plan: Plan, *, lock: bool = False, links: bool = False, updates: bool = False
    ) -> None:
        """`links`: also read who each action is linked to (one query; our workbook's Owners
        column); `updates`: keep each progress update's reported values, for our workbook's
        Progress sheet (the same query as the progress texts, more columns)."""
        self.plan = plan
        # Which texts each action's updates already say, as 64-bit keys in a sorted array.
        progress = ProgressUpdate.objects.filter(action__theme__plan=plan)
        self.updates: dict[int, ReportedUpdate] = {}
        if updates:
            for values in progress.values_list(*ReportedUpdate.COLUMNS).iterator(chunk_size=2000):
                self.updates[values[0]] = ReportedUpdate.of(values)
            self.narratives = KeySet(update.narrative for update in self.updates.values())
        else:
            texts = progress.values_list("action_id", "narrative").iterator(chunk_size=2000)
            self.narratives = KeySet(narrative_key(pk, text) for pk, text in texts)
        self.themes = list(Theme.objects.filter(plan=plan))
        self.projects = list(Project.objects.filter(theme__plan=plan))
        units = list(Unit.objects.all())
        # Each action gets the theme, project and unit objects read above, rather than a copy
        # of each joined per action: a large plan's index is mostly its actions.
        theme_by_id = {t.pk: t for t in self.themes}
        project_by_id = {p.pk: p for p in self.projects}
        unit_by_id = {u.pk: u for u in units}
        actions = Action.objects.filter(theme__plan=plan)
        if lock:
            actions = actions.select_for_update(of=("self",))
        self.actions: dict[int, Action] = {}
        for action in actions.iterator(chunk_size=1000):
            action.theme = theme_by_id[action.theme_id]
            if action.project_id is not None:
                action.project = project_by_id[action.project_id]
            if action.unit_id is not None:
                action.unit = unit_by_id[action.unit_id]
            self.actions[action.pk] = action
        # Which texts each action's updates already say, kept as hashes: a plan has many.
        owners = list(Owner.objects.all())
        self.owners = {}
        for owner in owners:
            for spelling in owner.spellings():
                self.owners.setdefault(normalise(spelling), owner)
        self.links: dict[int, list[int]] = {}  # action id → owner ids, lead first
        if links:
            self.owner_by_id = {owner.pk: owner for owner in owners}
            ordered = ActionOwner.objects.filter(action__theme__plan=plan).order_by(
                "action_id", "-is_lead", "position", "id"
            )
            for action_id, owner_id in ordered.values_list("action_id", "owner_id"):
                self.links.setdefault(action_id, []).append(owner_id)
        self.units: dict[str, Unit] = {}
        for unit in units:
            for name in (unit.name, unit.short_name):
                if name:
                    self.units.setdefault(normalise(name), unit)
        self.theme_by_ref = {t.reference.casefold(): t for t in self.themes}
        self.theme_by_title = {normalise(t.title): t for t in self.themes}
        self.theme_by_id = {t.pk: t for t in self.themes}
        self.project_by_id = {p.pk: p for p in self.projects}
        self.project_by_ref = {(p.theme_id, p.reference.casefold()): p for p in self.projects}
        self.project_by_title = {(p.theme_id, normalise(p.title)): p for p in self.projects}
        self.action_by_ref: dict[tuple, Action] = {}
        self.action_by_text: dict[tuple, Action] = {}
        for action in self.actions.values():
            place = (action.theme_id, action.project_id)
            if action.reference:
                self.action_by_ref[(*place, action.reference.casefold())] = action
            self.action_by_text.setdefault((*place, normalise(action.description)), action)

    def owner_of(self, token: str) -> Owner | None:
        return next(
            (
                self.owners[normalise(s)]
                for s in token_spellings(token)
                if normalise(s) in self.owners
            ),
            None,
        )

    def linked_labels(self, action: Action) -> str:
        """The "Owners" cell our export writes for the action: linked owners' labels."""
        return ", ".join(self.owner_by_id[i].label for i in self.links.get(action.pk, []))

    def full_reference_index(self) -> dict[str, Action]:
        if not hasattr(self, "_by_full_reference"):
            self._by_full_reference = {
                a.full_reference.casefold(): a for a in self.actions.values() if a.full_reference
            }
        return self._by_full_reference

    def unknown_owner_tokens(self, text: str) -> list[str]:
        return [
            token
            for token in split_owner_text(text)
            if not any(normalise(s) in self.owners for s in token_spellings(token))
        ]
