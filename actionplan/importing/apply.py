"""Write an import: one transaction, the file read and compared again inside it.

The preview the user confirmed may be minutes old, so the stored file is read again and every
row compared again with the plan under lock; a row that has become a conflict is not written.
Every row saved records the importing user and the reason "Imported from <file>" in history.
Rows with errors or conflicts are left out; anything unexpected rolls the whole import back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

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
    OwnerKind,
    Plan,
    ProgressUpdate,
    Project,
    Status,
    Theme,
    ThemeKind,
)
from actionplan.ownertext import _WITH_ABBREVIATION, normalise, split_owner_text, token_spellings
from actionplan.services import (
    User,
    action_record_progress,
    action_save,
    action_set_owners,
    save_with_history,
)
from actionplan.statusrules import status_change_check

GROUP_WORDS = ("group", "board", "team", "panel", "forum", "partnership", "committee")


@dataclass
class ImportResult:
    preview: Preview
    created: int = 0
    changed: int = 0
    progress_recorded: int = 0
    themes_created: int = 0
    projects_created: int = 0
    owners_created: list[str] = field(default_factory=list)

    @property
    def left_out(self) -> int:
        counts = self.preview.counts
        return counts["conflict"] + counts["error"]


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
    token: str = "",
) -> ImportResult:
    """Import the file into the plan; ImportRefused (nothing written) if it cannot be read.

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
    source = read_upload(filename, data, limits)
    preview = build_preview(plan=plan, source=source, lock=True, today=today)
    writer = _Writer(plan, user, import_reason(filename), today or timezone.localdate())
    result = ImportResult(preview)
    try:
        if create_owners:
            result.owners_created = writer.create_owners(preview.unknown_owners)
        for row in preview.rows():
            if row.outcome == Outcome.CREATE:
                writer.create(row)
                result.created += 1
            elif row.outcome == Outcome.CHANGE:
                writer.change(row)
                result.changed += 1
            elif row.outcome == Outcome.PROGRESS:
                writer.record_progress(row)
                result.progress_recorded += 1
    except (ValidationError, IntegrityError) as error:
        # A row the preview passed but the database refuses: write nothing at all.
        why = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        raise ImportRefused(
            f"Nothing was imported: a row was refused when saving ({why}). Correct the file "
            "and try again."
        ) from error
    result.themes_created = len(writer.themes)
    result.projects_created = len(writer.projects)
    return result


class _Writer:
    def __init__(self, plan: Plan, user: User | None, reason: str, today: date) -> None:
        self.plan, self.user, self.reason, self.today = plan, user, reason, today
        self.themes: dict[int, Theme] = {}  # id(NewTheme) → the theme created for it
        self.projects: dict[int, Project] = {}
        self.positions: dict[tuple, int] = {}
        self.owner_index = Owner.objects.all().spelling_index()

    def create_owners(self, names: list[str]) -> list[str]:
        created = []
        for token in names:
            if any(normalise(s) in self.owner_index for s in token_spellings(token)):
                continue  # an earlier token of the list named the same owner
            match = _WITH_ABBREVIATION.match(token)
            name, short = (match["name"].strip(), match["abbr"].strip()) if match else (token, "")
            group = any(word in name.casefold() for word in GROUP_WORDS)
            owner = Owner(
                name=name[:200],
                short_name=short[:50],
                kind=OwnerKind.GROUP if group else OwnerKind.PERSON,
            )
            save_with_history(owner, user=self.user, reason=self.reason)
            for spelling in owner.spellings():
                self.owner_index.setdefault(normalise(spelling), owner)
            created.append(str(owner))
        return created

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

    def create(self, row: RowPlan) -> None:
        theme = self.theme(row.theme)
        project = self.project(row.project)
        action = Action(theme=theme, project=project, position=self.next_position(theme, project))
        status_change_check(
            user=self.user, current=Status.NOT_STARTED, new=row.fields.get("status") or ""
        )
        for name, value in row.fields.items():
            setattr(action, name, value if value is not None or name != "rag" else "")
        # The preview validated every value; the database's constraints still hold the line.
        save_with_history(action, user=self.user, reason=self.reason, validate=False)
        if action.owners_as_written:
            self.link_owners(action)
        self.progress(action, row)

    def change(self, row: RowPlan) -> None:
        action = row.action  # locked by the preview's read inside this transaction
        if "status" in row.fields:
            status_change_check(user=self.user, current=action.status, new=row.fields["status"])
        for name, value in row.fields.items():
            setattr(action, name, value)
        if "target" in row.fields:  # a re-plan: the services keep the original target
            action_save(
                action=action, user=self.user, reason=self.reason, target_reason=self.reason
            )
        elif row.fields:
            save_with_history(action, user=self.user, reason=self.reason, validate=False)
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

    def link_owners(self, action: Action) -> None:
        action_set_owners(
            action=action,
            owners=self.owners_of(action.owners_as_written),
            user=self.user,
            reason=self.reason,
        )

    def progress(self, action: Action, row: RowPlan) -> None:
        if not row.progress:
            return
        update = ProgressUpdate(
            action=action,
            reported_on=row.progress_on or self.today,
            narrative=row.progress,
            author=self.user if getattr(self.user, "pk", None) else None,
            status=action.status,
            rag=action.rag,
            percent_complete=action.percent_complete,
        )
        save_with_history(update, user=self.user, reason=self.reason)
