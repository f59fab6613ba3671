"""Loading a plan transcribed as structured data (fixtures/plan_*.json) into the model.

The format is documented in fixtures/README.md. Everything goes through the services, so the
demo plans carry history like any other plan.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from actionplan import services
from actionplan.models import (
    Action,
    GroupMembership,
    Milestone,
    Organisation,
    Owner,
    OwnerKind,
    Plan,
    ProgressUpdate,
    Project,
    Status,
    Theme,
    Unit,
)
from actionplan.services import User, save_with_history

Data = dict[str, Any]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# What the papers say of the demo councils; committees as their reports name them.
DEMO_ORGANISATIONS = {
    "Oxfordshire County Council": {
        "slug": "oxfordshire",
        "short_name": "OCC",
        "committees": "Executive",
    },
    "South Cambridgeshire District Council": {
        "slug": "south-cambridgeshire",
        "short_name": "SCDC",
        "committees": "Cabinet\nScrutiny and Overview Committee",
    },
}


def organisation_for(name: str, *, user: User | None, reason: str) -> Organisation:
    """The organisation of that name, made (with what the demo knows of it) when new."""
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is None:
        known = DEMO_ORGANISATIONS.get(name, {})
        organisation = Organisation(
            name=name,
            slug=known.get("slug") or slugify(name)[:80],
            short_name=known.get("short_name", ""),
            committees=known.get("committees", ""),
        )
        save_with_history(organisation, user=user, reason=reason)
    return organisation


def _load_units(
    rows: list[Data], organisation: Organisation, *, user: User | None, reason: str
) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for row in rows:
        unit = Unit.objects.in_organisation(organisation).filter(name=row["name"]).first()
        if unit is None:
            unit = Unit(
                organisation=organisation,
                name=row["name"],
                short_name=row.get("short_name", ""),
                kind=row["kind"],
            )
            save_with_history(unit, user=user, reason=reason)
        units[unit.short_name or unit.name] = unit
    return units


def _load_owners(
    rows: list[Data],
    units: dict[str, Unit],
    organisation: Organisation,
    *,
    user: User | None,
    reason: str,
) -> None:
    owners = Owner.objects.in_organisation(organisation)
    for row in rows:
        owner = owners.filter(kind=row["kind"], name=row["name"]).first()
        if owner is None:
            owner = Owner(
                organisation=organisation,
                kind=row["kind"],
                name=row["name"],
                short_name=row.get("short_name", ""),
                aliases=", ".join(row.get("aliases", [])),
                job_title=row.get("job_title", ""),
                unit=units.get(row.get("unit") or ""),
            )
            save_with_history(owner, user=user, reason=reason)
    for row in rows:
        if row["kind"] != OwnerKind.GROUP:
            continue
        group = owners.get(kind=OwnerKind.GROUP, name=row["name"])
        for member in row.get("members", []):
            person, unknown = owners.filter(kind=OwnerKind.PERSON).match_text(member)
            if unknown or len(person) != 1:
                raise ValidationError(f"Group member {member!r} is not a known person.")
            if not GroupMembership.objects.filter(group=group, person=person[0]).exists():
                membership = GroupMembership(group=group, person=person[0])
                save_with_history(membership, user=user, reason=reason)


def _load_action(
    row: Data,
    *,
    theme: Theme,
    project: Project | None,
    position: int,
    units: dict[str, Unit],
    as_at: date,
    user: User | None,
    reason: str,
) -> Action:
    action = Action(
        theme=theme,
        project=project,
        reference=row.get("reference", ""),
        description=row["description"],
        position=position,
        unit=units.get(row.get("unit") or ""),
        target=row.get("target", ""),
        notes=row.get("notes", ""),
    )
    save_with_history(action, user=user, reason=reason)
    unknown = services.action_set_owners_from_text(
        action=action, text=row.get("owners", ""), user=user, reason=reason
    )
    if unknown:
        raise ValidationError(f"Action {action}: owners not known: {', '.join(unknown)}.")
    for revision in row.get("target_revisions", []):
        services.action_revise_target(
            action=action, new_target=revision["text"], reason=revision["reason"], user=user
        )
        action.refresh_from_db()
    for step, milestone in enumerate(row.get("milestones", [])):
        save_with_history(
            Milestone(
                action=action,
                text=milestone["text"],
                target=milestone.get("target", ""),
                done_on=_date(milestone.get("done_on")),
                position=step,
            ),
            user=user,
            reason=reason,
        )
    last_reported = None
    entries = row.get("progress", [])
    for number, entry in enumerate(entries, start=1):
        reported_on = _date(entry.get("date")) or as_at
        save_with_history(
            ProgressUpdate(
                action=action,
                reported_on=reported_on,
                date_as_written=entry.get("date_as_written", ""),
                narrative=entry["text"],
                # The source states one status per action: the position as at its last update.
                status=row["status"] if number == len(entries) else "",
            ),
            user=user,
            reason=reason,
        )
        last_reported = max(last_reported or reported_on, reported_on)
    action.status = row["status"]
    if action.status == Status.COMPLETED:
        # The source gives no completion day: the date completion was reported is the best record.
        action.completed_on = last_reported or as_at
    save_with_history(action, user=user, reason=reason)
    return action


@transaction.atomic
def plan_load_from_data(data: Data, *, user: User | None, reason: str) -> Plan:
    """Create a whole plan, its owners and units from transcribed data; all or nothing."""
    meta = data["plan"]
    organisation = organisation_for(meta["organisation"], user=user, reason=reason)
    plan = Plan(
        slug=meta["slug"],
        title=meta["title"],
        organisation=organisation,
        version_label=meta.get("version_label", ""),
        adopted_on=_date(meta.get("adopted_on")),
        status=meta.get("status", "adopted"),
        description=meta.get("description", ""),
        source=meta.get("source", ""),
    )
    save_with_history(plan, user=user, reason=reason)
    as_at = _date(meta["progress_as_at"])
    units = _load_units(data.get("units", []), organisation, user=user, reason=reason)
    _load_owners(data.get("owners", []), units, organisation, user=user, reason=reason)
    for theme_position, theme_row in enumerate(data["themes"]):
        theme = Theme(
            plan=plan,
            reference=theme_row["reference"],
            title=theme_row["title"],
            kind=theme_row.get("kind", "key_topic"),
            description=theme_row.get("description", ""),
            position=theme_position,
        )
        save_with_history(theme, user=user, reason=reason)
        position = 0
        for project_position, project_row in enumerate(theme_row.get("projects", [])):
            project = Project(
                theme=theme,
                reference=project_row.get("reference", ""),
                title=project_row["title"],
                description=project_row.get("description", ""),
                position=project_position,
            )
            save_with_history(project, user=user, reason=reason)
            for action_row in project_row.get("actions", []):
                _load_action(
                    action_row,
                    theme=theme,
                    project=project,
                    position=position,
                    units=units,
                    as_at=as_at,
                    user=user,
                    reason=reason,
                )
                position += 1
        for action_row in theme_row.get("actions", []):
            _load_action(
                action_row,
                theme=theme,
                project=None,
                position=position,
                units=units,
                as_at=as_at,
                user=user,
                reason=reason,
            )
            position += 1
    return plan
