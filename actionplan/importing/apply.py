"""Write an import: one transaction, the file read and compared again inside it.

The preview the user confirmed may be minutes old, so the stored file is read again and every
row compared again with the plan under lock; a row that has become a conflict is not written.
Every row saved records the importing user and the reason "Imported from <file>" in history.
Rows with errors or conflicts are left out; anything unexpected rolls the whole import back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from actionplan.importing.create import CREATE_CHUNK, actions_create
from actionplan.importing.mappings import mapping_remember, remembered_mapping
from actionplan.importing.owners import owner_spelling_index, owners_create
from actionplan.importing.plan_diff import (
    NewProject,
    NewTheme,
    Outcome,
    Preview,
    RowPlan,
    build_preview,
)
from actionplan.importing.reader import read_upload
from actionplan.importing.safety import ImportRefused, Limits
from actionplan.models import (
    Action,
    AppliedImport,
    Owner,
    Plan,
    ProgressUpdate,
    Project,
    Theme,
    ThemeKind,
)
from actionplan.ownertext import normalise, split_owner_text, token_spellings
from actionplan.services import (
    User,
    action_record_progress,
    action_save,
    action_set_owners,
    save_with_history,
)
from actionplan.statusrules import status_change_check


@dataclass
class ImportResult:
    """What an import wrote, counted as it was written (tests compare with the database)."""

    preview: Preview = None  # type: ignore[assignment]  # set by import_apply once read
    created: int = 0
    changed: int = 0
    progress_recorded: int = 0  # every progress update recorded, from either sheet
    progress_dated: int = 0  # of them, dated by the file (a date column or the text)
    targets_revised: int = 0  # target revisions recorded, the original target kept
    completions_dated: int = 0  # completion dates set from the file
    completions_import_day: int = 0  # completion dates set to the import day (none written)
    themes_created: int = 0
    projects_created: int = 0
    owners_created: list[str] = field(default_factory=list)

    def headline(self) -> str:
        """What the import wrote, in words that hold at zero, one and many."""
        parts = [
            _counted(self.created, "new action"),
            _counted(self.changed, "changed action"),
            _counted(self.progress_recorded, "new progress update"),
        ]
        said = [part for part in parts if part]
        if not said:
            return "Nothing was new or changed"
        return ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1]

    @property
    def progress_import_day(self) -> int:
        return self.progress_recorded - self.progress_dated

    @property
    def completions_set(self) -> int:
        return self.completions_dated + self.completions_import_day

    @property
    def left_out_listed(self) -> int:
        """Rows not imported kept for the result page (the first rows.MAX_LEFT_OUT)."""
        return sum(len(sheet.rows) for sheet in self.preview.sheets)

    @property
    def left_out(self) -> int:
        counts = self.preview.counts
        return counts["conflict"] + counts["error"]


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}" if count else ""


class ImportAlreadyApplied(Exception):
    """The same upload was confirmed before (two people, two tabs): it is applied once."""

    def __init__(self, applied: AppliedImport) -> None:
        by = applied.applied_by
        who = (by.get_full_name() or by.get_username()) if by is not None else "someone"
        when = timezone.localtime(applied.applied_at)
        self.filename = applied.filename
        self.message = (
            f"{applied.filename} was already imported by {who} at {when:%H:%M} on "
            f"{when:%d/%m/%Y}: its changes are in the plan once, and nothing was imported a "
            "second time."
        )
        super().__init__(self.message)


def import_reason(filename: str) -> str:
    return f"Imported from {filename}"[:100]


@transaction.atomic
def import_apply(
    *,
    plan: Plan,
    filename: str,
    data: bytes,
    user: User | None,
    create_owners: bool = False,
    limits: Limits | None = None,
    today: date | None = None,
    mapping: Mapping[str, str] | None = None,
    token: str = "",
) -> ImportResult:
    """Import the file into the plan; ImportRefused (nothing written) if it cannot be read.

    `mapping`: the columns as the user mapped them (columns.py); the organisation's
    remembered choices when None. The mapping used is remembered for the organisation.
    `token` names the browser's upload: a second confirmation of it, even one made at the
    same moment (it waits for the plan's lock), raises ImportAlreadyApplied and writes nothing.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if token:
        applied = AppliedImport.objects.select_related("applied_by").filter(token=token).first()
        if applied is not None:
            raise ImportAlreadyApplied(applied)
        AppliedImport.objects.create(
            token=token,
            plan=plan,
            filename=filename[:200],
            applied_by=user if getattr(user, "pk", None) else None,
        )
    if mapping is None:
        mapping = remembered_mapping(plan)
    source = read_upload(filename, data, limits, mapping=mapping)
    result = ImportResult()  # its preview is set once the whole file is read
    writer = _Writer(plan, user, import_reason(filename), today or timezone.localdate(), result)
    stream = _Stream(writer, create_owners=create_owners)
    try:
        # Each row is written as soon as it is compared (new actions CREATE_CHUNK at a time),
        # so neither the rows nor the new objects are held for the whole file.
        result.preview = build_preview(
            plan=plan, source=source, lock=True, today=today, write=stream
        )
        stream.flush()
    except (ValidationError, IntegrityError) as error:
        # A row the preview passed but the database refuses: write nothing at all.
        why = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        raise ImportRefused(
            f"Nothing was imported: a row was refused when saving ({why}). Correct the file "
            "and try again."
        ) from error
    result.themes_created = len(writer.themes)
    result.projects_created = len(writer.projects)
    for _, layout in result.preview.layouts:
        mapping_remember(plan=plan, layout=layout, mapping=_used(layout), user=user)
    return result


class _Stream:
    """The rows of the import as they are compared: each written, new actions in chunks."""

    def __init__(self, writer: _Writer, *, create_owners: bool) -> None:
        self.writer, self.create_owners = writer, create_owners
        self.creates: list[RowPlan] = []

    def __call__(self, row: RowPlan) -> None:
        writer, result = self.writer, self.writer.result
        writes = row.outcome in (Outcome.CREATE, Outcome.CHANGE)
        if self.create_owners and row.unknown_owners and writes:  # before the row links them
            result.owners_created += writer.create_owners(row.unknown_owners)
        if row.outcome == Outcome.CREATE:
            self.creates.append(row)
            if len(self.creates) >= CREATE_CHUNK:
                self.flush()
        elif row.outcome == Outcome.CHANGE:
            writer.change(row)
            result.changed += 1
        elif row.outcome == Outcome.PROGRESS:
            writer.record_progress(row)

    def flush(self) -> None:
        self.writer.result.created += len(actions_create(writer=self.writer, rows=self.creates))
        self.creates = []


def _used(layout: list) -> dict[str, str]:
    """The mapping a sheet was read with: every headed column's field."""
    return {column.key: column.field for column in layout if column.key}


class _Writer:
    def __init__(
        self, plan: Plan, user: User | None, reason: str, today: date, result: ImportResult
    ) -> None:
        self.plan, self.user, self.reason, self.today = plan, user, reason, today
        self.result = result
        self.themes: dict[int, Theme] = {}  # id(NewTheme) → the theme created for it
        self.projects: dict[int, Project] = {}
        self.positions: dict[tuple, int] = {}
        self.owner_index = owner_spelling_index(plan)

    def create_owners(self, names: list[str]) -> list[str]:
        return owners_create(
            plan=self.plan,
            names=names,
            index=self.owner_index,
            save=lambda owner: save_with_history(owner, user=self.user, reason=self.reason),
        )

    def owners_of(self, text: str) -> list[Owner]:
        found: list[Owner] = []
        for token in split_owner_text(text):
            owner = next(
                (
                    self.owner_index[normalise(s)]
                    for s in token_spellings(token)
                    if normalise(s) in self.owner_index
                ),
                None,
            )
            if owner is not None and owner not in found:
                found.append(owner)
        return found

    def theme(self, theme: Theme | NewTheme) -> Theme:
        if isinstance(theme, Theme):
            return theme
        if id(theme) not in self.themes:
            position = (
                Theme.objects.filter(plan=self.plan).aggregate(p=Max("position"))["p"] or 0
            ) + 1
            created = Theme(
                plan=self.plan,
                reference=theme.reference,
                title=theme.title,
                description=theme.description,
                kind=ThemeKind.CSE_CRITERION if theme.is_criterion else ThemeKind.KEY_TOPIC,
                position=position,
            )
            save_with_history(created, user=self.user, reason=self.reason)
            self.themes[id(theme)] = created
        return self.themes[id(theme)]

    def project(self, project: Project | NewProject | None) -> Project | None:
        if project is None or isinstance(project, Project):
            return project
        if id(project) not in self.projects:
            theme = self.theme(project.theme)
            position = (
                Project.objects.filter(theme=theme).aggregate(p=Max("position"))["p"] or 0
            ) + 1
            created = Project(
                theme=theme, reference=project.reference, title=project.title, position=position
            )
            save_with_history(created, user=self.user, reason=self.reason)
            self.projects[id(project)] = created
        return self.projects[id(project)]

    def next_position(self, theme: Theme, project: Project | None) -> int:
        place = (theme.pk, project.pk if project else None)
        if place not in self.positions:
            siblings = Action.objects.filter(theme=theme, project=project)
            self.positions[place] = siblings.aggregate(p=Max("position"))["p"] or 0
        self.positions[place] += 1
        return self.positions[place]

    def change(self, row: RowPlan) -> None:
        action = row.action  # locked by the preview's read inside this transaction
        if "status" in row.fields:
            status_change_check(
                user=self.user,
                plan=self.plan,
                current=action.status,
                new=row.fields["status"],
            )
        for name, value in row.fields.items():
            setattr(action, name, value)
        if "target" in row.fields:  # a re-plan: the services keep the original target
            action_save(
                action=action,
                user=self.user,
                reason=self.reason,
                target_reason=row.target_reason or self.reason,
            )
            self.result.targets_revised += 1
        elif row.fields:
            save_with_history(action, user=self.user, reason=self.reason, validate=False)
        self.count_completion(row)
        if "owners_as_written" in row.fields:
            self.link_owners(action)
        elif row.owner_labels is not None:
            action_set_owners(
                action=action,
                owners=self.owners_of(row.owner_labels),
                user=self.user,
                reason=self.reason,
            )
        self.progress(action, row)

    def record_progress(self, row: RowPlan) -> None:
        """A new row of the Progress sheet, recorded as the progress form records one."""
        report = row.report
        action_record_progress(
            action=row.action,
            reported_on=row.progress_on or self.today,
            narrative=row.progress,
            user=self.user,
            status=report["status"],
            rag=report["rag"] or None,
            percent_complete=report["percent_complete"],
            is_no_change=report["is_no_change"],
            author_name=report["author_name"],
            date_as_written=report["date_as_written"],
            reason=self.reason,
        )
        self.result.progress_recorded += 1
        self.result.progress_dated += row.progress_on is not None

    def link_owners(self, action: Action) -> None:
        action_set_owners(
            action=action,
            owners=self.owners_of(action.owners_as_written),
            user=self.user,
            reason=self.reason,
        )

    def update_of(self, action: Action, row: RowPlan) -> ProgressUpdate:
        """The progress update a row's progress text becomes."""
        return ProgressUpdate(
            action=action,
            plan_id=self.plan.pk,  # set here too: bulk writes do not call save()
            reported_on=row.progress_on or self.today,
            date_as_written=row.progress_written[:100],
            narrative=row.progress,
            author=self.user if getattr(self.user, "pk", None) else None,
            status=action.status,
            rag=action.rag,
            percent_complete=action.percent_complete,
        )

    def progress(self, action: Action, row: RowPlan) -> None:
        if not row.progress:
            return
        # The preview read every value; the database's constraints still hold the line.
        update = self.update_of(action, row)
        save_with_history(update, user=self.user, reason=self.reason, validate=False)
        self.result.progress_recorded += 1
        self.result.progress_dated += row.progress_on is not None

    def count_completion(self, row: RowPlan) -> None:
        if row.fields.get("completed_on") is None:
            return
        if row.completion_import_day:
            self.result.completions_import_day += 1
        else:
            self.result.completions_dated += 1
