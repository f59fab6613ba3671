"""A synthetic plan of any size, for the benchmark and for tests that pin query counts.

Rows are bulk-created with history (django-simple-history's helpers), so history-reading
pages see what they would in real use.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from actionplan import stamps
from actionplan.models import (
    Action,
    ActionOwner,
    GroupMembership,
    Organisation,
    Owner,
    OwnerKind,
    Plan,
    ProgressUpdate,
    Project,
    Rag,
    Status,
    Theme,
    Unit,
)

TARGETS = [
    "Dec 2004",
    "Mid November 2004",
    "Q3 2012/13",
    "2012/13",
    "Autumn 2005",
    "Ongoing",
    "TBC",
    "From Aug 2004",
    "Sept 10",
    "Mar 11",
    "Jan – Apr 2005",
    "31/03/2013",
]
OPEN_STATUSES = [
    Status.NOT_STARTED,
    Status.ON_TRACK,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
]


@transaction.atomic
def build_plan(
    *,
    slug: str,
    themes: int = 3,
    projects_per_theme: int = 2,
    actions_per_project: int = 3,
    updates_per_action: int = 2,
    owners: int = 10,
    seed: int = 1,
    organisation: Organisation | None = None,
) -> Plan:
    """Create a plan with the given shape; deterministic for a given seed."""
    rng = random.Random(seed)
    if organisation is None:
        organisation = Organisation.objects.get_or_create(
            slug="synthetic", defaults={"name": "Synthetic Council"}
        )[0]
    plan = Plan.objects.create(
        slug=slug, title=f"Synthetic plan {slug}", organisation=organisation, status="adopted"
    )
    unit = Unit.objects.get_or_create(
        organisation=organisation, name="Customer Services", defaults={"short_name": "CS"}
    )[0]
    people = bulk_create_with_history(
        [
            Owner(
                organisation=organisation,
                name=f"{slug} officer {i}",
                short_name=f"O{i}",
                unit=unit,
            )
            for i in range(owners)
        ],
        Owner,
    )
    group = Owner.objects.create(
        organisation=organisation,
        kind=OwnerKind.GROUP,
        name=f"{slug} assurance group",
        short_name=f"{slug}-PAG",
    )
    bulk_create_with_history(
        [GroupMembership(group=group, person=p) for p in people[: max(1, owners // 5)]],
        GroupMembership,
    )
    theme_rows = bulk_create_with_history(
        [
            Theme(plan=plan, reference=str(t + 1), title=f"Theme {t + 1}", position=t)
            for t in range(themes)
        ],
        Theme,
    )
    project_rows = bulk_create_with_history(
        [
            Project(
                theme=theme,
                reference=str(p + 1),
                title=f"Outcome {theme.reference}.{p + 1}",
                position=p,
            )
            for theme in theme_rows
            for p in range(projects_per_theme)
        ],
        Project,
    )
    actions = []
    for project in project_rows:
        for a in range(actions_per_project):
            status = rng.choice([*OPEN_STATUSES, Status.COMPLETED])
            action = Action(
                plan=plan,
                theme_id=project.theme_id,
                project=project,
                reference=f"{a + 1}({chr(97 + a % 26)})",
                description=f"Synthetic action {project.title} #{a + 1}",
                position=a,
                target=rng.choice(TARGETS),
                status=status,
                rag=rng.choice([Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_ASSESSED]),
                completed_on=date(2010, 11, 1) if status == Status.COMPLETED else None,
                percent_complete=rng.randint(0, 100),
            )
            parsed = action.target_date  # bulk_create skips save(): parse here
            action.target_kind, action.target_earliest, action.target_latest = (
                parsed.kind.value,
                parsed.earliest,
                parsed.latest,
            )
            actions.append(action)
    actions = bulk_create_with_history(actions, Action, batch_size=500)
    bulk_create_with_history(
        [
            ActionOwner(
                plan_id=action.plan_id,
                action=action,
                owner=rng.choice([*people, group]),
                is_lead=True,
            )
            for action in actions
        ],
        ActionOwner,
        batch_size=1000,
    )
    start = date(2010, 1, 1)
    bulk_create_with_history(
        [
            ProgressUpdate(
                plan=plan,
                action=action,
                reported_on=start + timedelta(days=30 * u + i % 30),
                narrative=f"Update {u + 1} on {action.reference}",
                status=action.status,
                rag=action.rag,
            )
            for i, action in enumerate(actions)
            for u in range(updates_per_action)
        ],
        ProgressUpdate,
        batch_size=2000,
    )
    # Bulk writes skip the helpers: give the plan the stamp any write through them would.
    stamps.bump([f"plan:{plan.pk}"])
    return plan
