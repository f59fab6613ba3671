"""The plan as the import compares a file with it, read in a fixed number of queries.

Themes, projects, actions (sharing the theme, project and unit objects), the keys of the
progress texts already recorded (and, for our workbook's Progress sheet, each update's reported
values), owners by every spelling, units, and (for our workbook's Owners column) who each
action is linked to.
"""

from __future__ import annotations

from array import array
from typing import Any

from django.db.models import QuerySet

from actionplan.importing.owners import import_owners, import_units
from actionplan.importing.progress import KeySet, ReportedUpdate, narrative_key
from actionplan.importing.sheets import SourceRow
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

CHUNK_ROWS = 250  # rows compared at a time (they, their plans and new objects in memory)


class PlanIndex:
    """The plan as the import compares with it, read in a fixed number of queries.

    `whole`: every action is read at once (council spreadsheets, matched by reference or text
    anywhere in the plan). Otherwise (our own workbook, whose rows name their actions by id)
    only a slim index of every action (id, place, reference, a hash of the text) is kept, and
    `load_for(rows)` reads the actions (and owner links) of each CHUNK_ROWS rows in turn, so
    memory does not grow with the plan: one or two queries per CHUNK_ROWS rows of the file.
    """

    def __init__(
        self,
        plan: Plan,
        *,
        lock: bool = False,
        links: bool = False,
        updates: bool = False,
        whole: bool = True,
    ) -> None:
        """`links`: also read who each action is linked to (our workbook's Owners column);
        `updates`: keep each progress update's reported values, for our workbook's Progress
        sheet (the same query as the progress texts, more columns)."""
        self.plan, self.lock, self.with_links, self.whole = plan, lock, links, whole
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
        units = import_units(plan)
        self.theme_by_id = {t.pk: t for t in self.themes}
        self.project_by_id = {p.pk: p for p in self.projects}
        self.unit_by_id = {u.pk: u for u in units}
        owners = import_owners(plan)
        self.owner_by_id = {owner.pk: owner for owner in owners}
        # Leavers are never matched (a leaver is offered no more work); their spellings are
        # kept apart only to say so on the row. A spelling an active owner also has is theirs.
        self.owners: dict[str, Owner] = {}
        self.leavers: dict[str, Owner] = {}
        for owner in sorted(owners, key=lambda o: not o.is_active):
            for spelling in owner.spellings():
                if normalise(spelling) not in self.owners:
                    (self.owners if owner.is_active else self.leavers)[normalise(spelling)] = owner
        self.actions: dict[int, Action] = {}  # loaded: all, or the current chunk's
        self.links: dict[int, list[int]] = {}  # action id → owner ids, lead first
        self.all_ids = array("q")
        self.action_by_ref: dict[tuple, int] = {}  # (theme, project, reference) → action id
        self.action_by_text: dict[tuple, int] = {}  # (theme, project, hash of text) → id
        everything = Action.objects.filter(theme__plan=plan)
        if whole:
            self._load(everything, ActionOwner.objects.filter(action__theme__plan=plan))
            for a in self.actions.values():
                self._place(a.pk, a.theme_id, a.project_id, a.reference, a.description)
        else:
            slim = everything.values_list(
                "pk", "theme_id", "project_id", "reference", "description"
            )
            for values in slim.iterator(chunk_size=2000):
                self._place(*values)
        self.units: dict[str, Unit] = {}
        for unit in units:
            for name in (unit.name, unit.short_name):
                if name:
                    self.units.setdefault(normalise(name), unit)
        self.theme_by_ref = {t.reference.casefold(): t for t in self.themes}
        self.theme_by_title = {normalise(t.title): t for t in self.themes}
        self.project_by_ref = {(p.theme_id, p.reference.casefold()): p for p in self.projects}
        self.project_by_title = {(p.theme_id, normalise(p.title)): p for p in self.projects}

    def _place(
        self, pk: int, theme_id: int, project_id: int | None, reference: str, description: str
    ) -> None:
        self.all_ids.append(pk)
        if reference:
            self.action_by_ref[(theme_id, project_id, reference.casefold())] = pk
        self.action_by_text.setdefault((theme_id, project_id, text_key(description)), pk)

    def _load(self, actions: QuerySet, links: QuerySet, *, add: bool = False) -> None:
        """Read these actions (locked when writing), sharing theme, project and unit objects."""
        if self.lock:
            actions = actions.select_for_update(of=("self",))
        if not add:
            self.actions, self.links = {}, {}
        for action in actions.iterator(chunk_size=1000):
            action.theme = self.theme_by_id[action.theme_id]
            if action.project_id is not None:
                action.project = self.project_by_id[action.project_id]
            if action.unit_id is not None:
                action.unit = self.unit_by_id[action.unit_id]
            self.actions[action.pk] = action
        if self.with_links:
            ordered = links.order_by("action_id", "-is_lead", "position", "id")
            for action_id, owner_id in ordered.values_list("action_id", "owner_id"):
                self.links.setdefault(action_id, []).append(owner_id)

    def load_for(self, rows: list[SourceRow]) -> None:
        """Chunk mode: read the actions these rows name (by id, place and reference or text,
        or full reference), in place of the previous chunk's."""
        if self.whole:
            return
        ids: set[int] = set()
        for row in rows:
            v = row.values
            if isinstance(v.get("action_id"), int):
                ids.add(v["action_id"])
            elif "full_reference" in v and "update_id" not in v and "version" not in v:
                found = self.full_reference_index().get(str(v["full_reference"]).casefold())
                ids.update([found] if found else [])
            elif isinstance(v.get("theme_id"), int):
                place = (v["theme_id"], v.get("project_id"))
                found = self.by_ref(place, v.get("reference")) or self.by_text(
                    place, v.get("description")
                )
                ids.update([found] if found else [])
        self._load(
            Action.objects.filter(theme__plan=self.plan, pk__in=sorted(ids)),
            ActionOwner.objects.filter(action_id__in=sorted(ids)),
        )

    def get(self, pk: int | None) -> Action | None:
        """A loaded action; in chunk mode one its chunk did not foresee is read now."""
        if pk is None or pk in self.actions or self.whole:
            return self.actions.get(pk) if pk is not None else None
        self._load(
            Action.objects.filter(theme__plan=self.plan, pk=pk),
            ActionOwner.objects.filter(action_id=pk),
            add=True,
        )
        return self.actions.get(pk)

    def by_ref(self, place: tuple, reference: Any) -> int | None:
        if not isinstance(reference, str | int) or reference == "":
            return None
        return self.action_by_ref.get((*place, str(reference).casefold()))

    def by_text(self, place: tuple, description: Any) -> int | None:
        if not isinstance(description, str):
            return None
        return self.action_by_text.get((*place, text_key(description)))

    def owner_of(self, token: str) -> Owner | None:
        keys = (normalise(spelling) for spelling in token_spellings(token))
        return next((self.owners[k] for k in keys if k in self.owners), None)

    def linked_labels(self, action: Action) -> str:
        """The "Owners" cell our export writes for the action: linked owners' labels."""
        return ", ".join(self.owner_by_id[i].label for i in self.links.get(action.pk, []))

    def full_reference_index(self) -> dict[str, int]:
        """Full reference ("4 / 1 / 1(a)") → action id, for actions with a reference."""
        if not hasattr(self, "_by_full_reference"):
            self._by_full_reference = {}
            for (theme_id, project_id, reference), pk in self.action_by_ref.items():
                parts = [self.theme_by_id[theme_id].reference]
                project = self.project_by_id.get(project_id)
                if project is not None and project.reference:
                    parts.append(project.reference)
                parts.append(reference)
                self._by_full_reference[" / ".join(parts).casefold()] = pk
        return self._by_full_reference

    def leaver_of(self, token: str) -> Owner | None:
        """The leaver a token names when no owner still with the organisation has that name."""
        if self.owner_of(token) is not None:
            return None
        keys = (normalise(spelling) for spelling in token_spellings(token))
        return next((self.leavers[k] for k in keys if k in self.leavers), None)

    def unknown_owner_tokens(self, text: str) -> list[str]:
        """Tokens naming no owner: neither one still with the organisation nor a leaver."""
        return [
            token
            for token in split_owner_text(text)
            if self.owner_of(token) is None and self.leaver_of(token) is None
        ]


def text_key(description: str) -> int:
    """An action's text as matched (case and spacing ignored), hashed to save memory."""
    return hash(normalise(description))
