"""Rows read from a spreadsheet → a preview: per row, what an import would create or change.

Nothing is written here. The plan is read in a fixed number of queries whatever its size
(plan_index.py; two more for history per chunk with rows from an older export), then the
file's rows are read again a chunk at a time and compared; the preview keeps only the page of
rows it shows (rows.Keeper), or hands each row to the import as it goes (apply.py).

A row of our own workbook is found by its hidden Action id. If its Version is older than the
action's, the action changed in the application since the export: the row's values are
compared with the action as it was at that version (from history). Fields the file did not
change are left as the application has them; a field both sides changed is a conflict, shown
with who changed what, and the row is not imported (the same rule as the edit form's,
conflicts.py). Rows of other spreadsheets are matched by theme, project and reference (or
description); unmatched rows create actions, themes and projects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from itertools import islice
from typing import Any

from django.utils import timezone

from actionplan.importing import values as cells
from actionplan.importing.columns import split_reference
from actionplan.importing.council_fields import (
    completion_date,
    date_progress,
    read_council_fields,
)
from actionplan.importing.owners import leaver_message, read_owner_labels
from actionplan.importing.plan_index import CHUNK_ROWS, PlanIndex
from actionplan.importing.progress import FirstRows, narrative_key, plan_progress_row
from actionplan.importing.rows import (
    LABELS,
    FieldChange,
    Keeper,
    NewProject,
    NewTheme,
    Outcome,
    Preview,
    RowPlan,
    SheetPreview,
    current_value,
    display,
    same,
)
from actionplan.importing.sheets import _SECTION_RE, Source, SourceRow, SourceSheet
from actionplan.importing.stale import resolve_stale
from actionplan.models import (
    Action,
    Plan,
    Project,
    Status,
    Theme,
)
from actionplan.ownertext import normalise, split_owner_text

_BARE_REFERENCE_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3})*$")
MAX_LENGTHS = {"reference": 20, "target": 200, "owners_as_written": 300}
MISSING_SHOWN = 100  # actions not in the file, listed by name on the preview


def _split_title(text: str) -> tuple[str, str, bool]:
    """ "1. Local Access Points" → ("1", "Local Access Points", False); "4" → ("4", "", False).

    The flag is True for "Criterion 1 – …": a Customer Service Excellence criterion.
    """
    if _BARE_REFERENCE_RE.match(text):
        return text, "", False
    match = _SECTION_RE.match(text)
    if match is None:
        reference, rest = split_reference(text)  # "(1) All employees …" → "1"
        if reference.startswith("(") and reference[1:-1].isdigit() and rest:
            return reference[1:-1], " ".join(rest.split()), False
        return "", text, False
    prefix = (match["prefix"] or "").casefold()
    return match["ref"], " ".join(match["title"].split()), prefix == "criterion"


class _Builder:
    """Turns rows into RowPlans, sharing new themes and projects between rows."""

    def __init__(self, index: PlanIndex, today: date, filename: str = "") -> None:
        self.index = index
        self.today = today
        self.filename = filename
        self.new_themes: dict[str, NewTheme] = {}
        self.new_projects: dict[tuple, NewProject] = {}
        self.seen = FirstRows()  # where an action or reference was met in the file (hashed)
        self.recorded: set[int] = set()  # narrative keys of updates this file will record
        used = {t.reference for t in index.themes}
        self.next_theme_ref = max((int(r) for r in used if r.isdigit()), default=0) + 1

    # Where a row goes -----------------------------------------------------------------------

    def theme_for(self, row: SourceRow) -> Theme | NewTheme | None:
        index, v = self.index, row.values
        if "theme_id" in v:
            return index.theme_by_id.get(v["theme_id"]) if isinstance(v["theme_id"], int) else None
        reference = cells.text(v.get("theme_ref")) or row.section.reference
        title = cells.text(v.get("theme")) or row.section.title
        is_criterion = row.section.is_criterion
        if title and not reference:
            reference, title, is_criterion = _split_title(title)
        if reference:
            found = index.theme_by_ref.get(reference.casefold())
        else:
            found = index.theme_by_title.get(normalise(title)) if title else None
        if found is not None or not (reference or title):
            return found
        dedupe = reference.casefold() or normalise(title)
        if dedupe not in self.new_themes:
            if not reference:
                reference, self.next_theme_ref = str(self.next_theme_ref), self.next_theme_ref + 1
            self.new_themes[dedupe] = NewTheme(
                reference[:20], (title or f"Theme {reference}")[:300], is_criterion
            )
        return self.new_themes[dedupe]

    def project_for(
        self, row: SourceRow, theme: Theme | NewTheme
    ) -> tuple[Project | NewProject | None, str]:
        index, v = self.index, row.values
        if "project_id" in v:
            project = index.project_by_id.get(v["project_id"])
            if project is None or not isinstance(theme, Theme) or project.theme_id != theme.pk:
                return None, "The Project id is not a project of this row's theme."
            return project, ""
        reference, title = cells.text(v.get("project_ref")), cells.text(v.get("project"))
        if title and not reference:
            reference, title, _ = _split_title(title)
        if not (reference or title):
            return None, ""
        if isinstance(theme, Theme):
            found = (
                index.project_by_ref.get((theme.pk, reference.casefold()))
                if reference
                else index.project_by_title.get((theme.pk, normalise(title)))
            )
            if found is not None:
                return found, ""
        dedupe = (id(theme), reference.casefold() or normalise(title))
        if dedupe not in self.new_projects:
            self.new_projects[dedupe] = NewProject(theme, reference[:20], title or reference)
        return self.new_projects[dedupe], ""

    # Values ---------------------------------------------------------------------------------

    def read_fields(self, plan: RowPlan, sheet: SourceSheet, row: SourceRow) -> None:
        v, columns = row.values, sheet.columns
        simple = {"description": "description", "reference": "reference", "target": "target"}
        simple["owners"] = "owners_as_written"
        for column, name in simple.items():
            if column in columns or column in v:  # a reference split off the action text
                plan.fields[name] = cells.text(v.get(column))
        readers = {
            "status": cells.status_of,
            "rag": cells.rag_of,
            "percent_complete": cells.percent_of,
        }
        council = not (sheet.own or sheet.progress)
        for column, reader in readers.items():
            if column not in columns or (council and column in ("status", "rag")):
                continue
            value, error = reader(v.get(column))
            if error and column == "status" and "rag" not in columns:
                value, rag_error = cells.rag_of(v.get(column))  # a RAG colour in "Status"
                column, error = ("rag", "") if not rag_error else (column, error)
            if error:
                plan.fail(error)
            elif value is not None or column != "status":
                plan.fields[column] = value if value is not None or column != "rag" else ""
        if "completed_on" in columns:
            plan.fields["completed_on"], error = cells.date_of(
                v.get("completed_on"), "Completed on"
            )
            if error:
                plan.fail(error)
        if "unit" in columns and v.get("unit") is not None:
            unit = self.index.units.get(normalise(cells.text(v["unit"])))
            if unit is None:
                plan.messages.append(
                    f"Directorate/service “{cells.text(v['unit'])}” is not known: left as it is."
                )
            else:
                plan.fields["unit"] = unit
        plan.progress = cells.text(v.get("progress")).strip()
        plan.progress_on, error = cells.date_of(v.get("update_date"), "Latest update date")
        if error:
            plan.progress_on = None
        if council:
            if "rag" in columns:
                rag, rag_error = cells.rag_of(v.get("rag"))
                plan.fields["rag"] = rag or ""
            read_council_fields(plan, sheet, row, self.filename)
            date_progress(plan, self.today)
        for name, limit in MAX_LENGTHS.items():
            if len(plan.fields.get(name) or "") > limit:
                plan.fail(f"{LABELS[name]} is longer than {limit} characters.")

    def settle_completion(self, plan: RowPlan, current: Action | None) -> None:
        """A completed action needs its date; any other status has none."""
        status = plan.fields.get("status", current.status if current else Status.NOT_STARTED)
        completed_on = plan.fields.get("completed_on", current.completed_on if current else None)
        if (
            plan.fields.get("completed_on") is not None
            and "status" not in plan.fields
            and status != Status.COMPLETED
        ):
            plan.fields["status"] = status = Status.COMPLETED  # a completion date says so
        if status == Status.COMPLETED and completed_on is None:
            plan.fields["completed_on"] = completion_date(plan, self.today)
        elif status != Status.COMPLETED and completed_on is not None:
            if plan.fields.get("completed_on") is not None:
                plan.fail("A completion date needs the status Completed.")
            else:
                plan.fields["completed_on"] = None

    # One row --------------------------------------------------------------------------------

    def plan_row(self, sheet: SourceSheet, row: SourceRow) -> RowPlan:
        v = row.values
        label = cells.text(v.get("full_reference") or v.get("reference"))
        description = cells.text(v.get("description"))
        plan = RowPlan(sheet.name, row.number, label, description, part=row.part)
        if "subheading" in v:
            return self.subheading(plan, row)
        self.read_fields(plan, sheet, row)
        action: Action | None = None
        if "action_id" in v:
            action = self.index.get(v["action_id"]) if isinstance(v["action_id"], int) else None
            if action is None:
                return plan.fail(
                    f"There is no action with id {cells.text(v['action_id'])} in this plan: it "
                    "may have been deleted. Clear the Action id to add it as a new action."
                )
        else:
            theme = self.theme_for(row)
            if theme is None:
                return plan.fail(
                    "The row has no theme: add a Theme column, or a section row such as "
                    "“1. Local Access Points” above it."
                )
            project, error = self.project_for(row, theme)
            if error:
                return plan.fail(error)
            plan.theme, plan.project = theme, project
            action = self.match(plan, sheet)
        if not description and "description" in plan.fields:
            return plan.fail("The Action (description) is empty.")
        if action is None:
            if sheet.own:
                read_owner_labels(self.index, plan, None, sheet, row)
            return self.planned_create(plan)
        return self.planned_change(plan, action, sheet, row)

    def subheading(self, plan: RowPlan, row: SourceRow) -> RowPlan:
        """A sub-heading of a theme: the new theme's description, else only shown."""
        plan.text = plan.subheading = row.values["subheading"]
        theme = self.theme_for(row)
        if isinstance(theme, NewTheme):
            theme.description = "\n".join(filter(None, [theme.description, plan.subheading]))
            plan.messages.append(f"A heading of theme {theme.reference}: kept as its description.")
        else:
            plan.messages.append(
                "A heading row, not an action: not imported (the theme's description in the "
                "plan is left as it is)."
            )
        return plan

    def match(self, plan: RowPlan, sheet: SourceSheet) -> Action | None:
        """An existing action a row without an id is about: same place and reference (or text)."""
        theme, project = plan.theme, plan.project
        if not isinstance(theme, Theme) or isinstance(project, NewProject):
            return None
        place = (theme.pk, project.pk if project else None)
        if plan.fields.get("reference"):
            return self.index.get(self.index.by_ref(place, plan.fields["reference"]))
        return self.index.get(self.index.by_text(place, plan.fields["description"]))

    def once(self, plan: RowPlan, key: tuple, what: str) -> bool:
        # A 64-bit hash of the key: a collision could only refuse a row, and will not happen.
        first = self.seen.get(hash(key))
        if first is not None:
            plan.fail(f"{what} is also on row {first}: only the first is imported.")
            return False
        self.seen.add(hash(key), plan.number)
        return True

    def planned_create(self, plan: RowPlan) -> RowPlan:
        if plan.outcome == Outcome.ERROR:
            return plan
        if not plan.fields.get("description"):
            return plan.fail("The Action (description) is empty.")
        reference = plan.fields.get("reference", "")
        theme, project = plan.theme, plan.project
        place = (
            theme.pk if isinstance(theme, Theme) else id(theme),
            project.pk if isinstance(project, Project) else (id(project) if project else None),
        )
        if reference:
            taken = isinstance(plan.theme, Theme) and not isinstance(plan.project, NewProject)
            existing = taken and self.index.action_by_ref.get(
                (plan.theme.pk, plan.project.pk if plan.project else None, reference.casefold())
            )
            if existing:
                return plan.fail(f"Another action here already has the reference {reference}.")
            if not self.once(plan, (*place, reference.casefold()), f"Reference {reference}"):
                return plan
        self.settle_completion(plan, None)
        plan.outcome = Outcome.CREATE if plan.outcome != Outcome.ERROR else plan.outcome
        for name, value in plan.fields.items():
            if value not in (None, "") and name in LABELS:
                plan.changes.append(
                    FieldChange(LABELS[name], "", cells.shown(display(name, value)))
                )
        if plan.progress:
            plan.changes.append(FieldChange(LABELS["progress"], "", plan.progress))
        plan.changes += dated_changes(plan)
        self.note_owners(plan)
        return plan

    def planned_change(
        self, plan: RowPlan, action: Action, sheet: SourceSheet, row: SourceRow
    ) -> RowPlan:
        version = row.values.get("version")
        plan.action = action
        plan.label = plan.label or action.full_reference
        plan.text = plan.text or action.description
        if not self.once(
            plan, ("action", action.pk), f"Action {action.full_reference or action.pk}"
        ):
            return plan
        if plan.outcome == Outcome.ERROR:
            return plan
        self.settle_completion(plan, action)
        if plan.outcome == Outcome.ERROR:
            return plan
        plan.fields = {
            name: value
            for name, value in plan.fields.items()
            if not same(current_value(action, name), value)
        }
        if plan.progress:
            key = narrative_key(action.pk, plan.progress)
            if key in self.index.narratives or key in self.recorded:
                plan.progress = ""
                plan.notes_on_dates = [n for n in plan.notes_on_dates if "Progress" not in n]
            self.recorded.add(key)
        if sheet.own:
            read_owner_labels(self.index, plan, action, sheet, row)
            if plan.outcome == Outcome.ERROR:
                return plan
        if not plan.fields and not plan.progress and plan.owner_labels is None:
            return plan
        if plan.fields.get("target") == "":
            return plan.fail(
                "The target is empty: a target cannot be removed, only revised (write "
                "“TBC” if it is not known)."
            )
        reference = plan.fields.get("reference")
        if reference:
            place = (action.theme_id, action.project_id, reference.casefold())
            other = self.index.action_by_ref.get(place)
            if other is not None and other != action.pk:
                return plan.fail(f"Another action here already has the reference {reference}.")
            if not self.once(plan, place, f"Reference {reference}"):
                return plan
        plan.outcome = Outcome.CHANGE
        plan.changes = self.field_changes(action, plan)
        if isinstance(version, int) and version != action.version:
            plan.stale_version = version
        self.note_owners(plan)
        return plan

    def field_changes(self, action: Action, plan: RowPlan) -> list[FieldChange]:
        changes = [
            FieldChange(
                LABELS[name],
                cells.shown(display(name, current_value(action, name))),
                cells.shown(display(name, value)),
            )
            for name, value in plan.fields.items()
        ]
        if plan.owner_labels is not None:
            old = self.index.linked_labels(action)
            changes.append(FieldChange(LABELS["owner_labels"], old or "(none)", plan.owner_labels))
        if plan.progress:
            changes.append(FieldChange(LABELS["progress"], "", plan.progress))
        return changes + dated_changes(plan)

    def note_owners(self, plan: RowPlan) -> None:
        """Owners the row names that will not be linked: unknown (listed, created if asked)
        or leavers (never matched nor created again: the row says who has left)."""
        if "owners_as_written" in plan.fields:
            text = plan.fields["owners_as_written"]
        elif plan.owner_labels is not None:
            text = plan.owner_labels
        else:
            return
        plan.unknown_owners = self.index.unknown_owner_tokens(text)
        leavers = [self.index.leaver_of(token) for token in split_owner_text(text)]
        leavers = list(dict.fromkeys(owner for owner in leavers if owner is not None))
        if leavers:
            plan.messages.append(leaver_message(leavers))


def dated_changes(plan: RowPlan) -> list[FieldChange]:
    """What the preview adds about a row's dates: the original of a revised target, and the
    words that dated the progress update."""
    changes = []
    if plan.original_target and "target" in plan.fields:
        changes.append(FieldChange("Original target (kept)", "", plan.original_target))
    if plan.target_reason and "target" in plan.fields:
        changes.append(FieldChange("Reason for the revised target", "", plan.target_reason))
    if plan.progress and plan.progress_on is not None:
        written = f" (“{plan.progress_written}” in the text)" if plan.progress_written else ""
        changes.append(FieldChange("Progress dated", "", cells.shown(plan.progress_on) + written))
    return changes


def build_preview(
    *,
    plan: Plan,
    source: Source,
    lock: bool = False,
    today: date | None = None,
    page: int | None = None,
    write: Callable[[RowPlan], None] | None = None,
) -> Preview:
    """What importing `source` into `plan` would do, row by row; writes nothing itself.

    `page`: keep only that page's rows (and the first problems): the preview page's memory
    does not grow with the file. `write`: each row is handed over as soon as it is compared,
    and not kept (apply.py writes it); counts, new themes and projects, unknown owners stay
    whole either way.
    """
    index = PlanIndex(
        plan,
        lock=lock,
        links=any(sheet.own and "owner_labels" in sheet.columns for sheet in source.sheets),
        updates=any(sheet.progress for sheet in source.sheets),
        whole=any(not (sheet.own or sheet.progress) for sheet in source.sheets),
    )
    builder = _Builder(index, today or timezone.localdate(), source.filename)
    keeper = Keeper(page=page, write=write)
    listed: set[Any] = set()  # Action ids our workbook's Plan sheet lists
    sheets: list[SheetPreview] = []
    for sheet in source.sheets:  # Plan sheets first: their Latest update counts first
        if not sheet.progress:
            sheets.append(preview := SheetPreview(sheet.name, keeper))
            for chunk in _chunks(sheet, index):
                if sheet.own:
                    listed.update(row.values.get("action_id") for row in chunk)
                planned = [builder.plan_row(sheet, row) for row in chunk]
                resolve_stale(planned)  # rows of an older export: two queries a chunk
                for row in planned:
                    preview.keep(row)
    for sheet in source.sheets:
        if sheet.progress:
            sheets.append(preview := SheetPreview(sheet.name, keeper))
            for chunk in _chunks(sheet, index):
                for row in chunk:
                    preview.keep(plan_progress_row(index, sheet, row, builder.recorded))
    missing, missing_count = _missing(index, source, listed)
    return Preview(
        filename=source.filename,
        sheets=sheets,
        skipped=source.skipped,
        new_themes=[t for t in builder.new_themes.values() if t.used],
        new_projects=[p for p in builder.new_projects.values() if p.used],
        unknown_owners=list(keeper.unknown_owners),
        missing=missing,
        missing_count=missing_count,
        layouts=[(sheet.name, sheet.layout) for sheet in source.sheets if sheet.layout],
        needing=[(sheet.name, sheet.layout) for sheet in source.sheets if sheet.needs_action],
        problems=keeper.problems,
        page=page,
    )


def _chunks(sheet: SourceSheet, index: PlanIndex) -> Iterator[list[SourceRow]]:
    """The sheet's rows, read from the file again CHUNK_ROWS at a time, the index loading each
    chunk's actions first; each chunk is let go once compared (the preview keeps only what it
    shows)."""
    rows = sheet.iter_rows()
    while chunk := list(islice(rows, CHUNK_ROWS)):
        index.load_for(chunk)
        yield chunk


def _missing(
    index: PlanIndex, source: Source, listed: set[Any]
) -> tuple[list[tuple[str, str]], int]:
    """The plan's actions our workbook's Plan sheet does not list (left alone, but shown): the
    first MISSING_SHOWN as (full reference, description), and how many."""
    if not any(sheet.own for sheet in source.sheets):
        return [], 0
    ids = [pk for pk in index.all_ids if pk not in listed]
    if index.whole:
        actions = [index.actions[pk] for pk in ids]
        actions.sort(key=lambda a: (a.theme.position, a.project.position if a.project else -1))
    else:  # only the ids are at hand: read the first few (one query)
        first = sorted(ids)[:MISSING_SHOWN]
        actions = (
            list(
                Action.objects.filter(pk__in=first)
                .select_related("theme", "project")
                .order_by("theme__position", "project__position", "position", "pk")
            )
            if first
            else []
        )
    return [(a.full_reference, a.description) for a in actions[:MISSING_SHOWN]], len(ids)
