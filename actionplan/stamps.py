"""Change stamps: what a plan's cached fragments are keyed by, moved by every write.

The `*_with_history` helpers in actionplan/services.py, which every write goes through, call
`bump_for(obj)` in the same transaction as the write: one mechanism, not a list of signals.
Which plan a row belongs to is registered per model (`register`); the core registers its own
models here, standards and consultation theirs in their AppConfig.ready(). A model nobody
registered moves every plan's stamp, so forgetting costs a cache miss, never a stale page.

A reader takes the stamp (`current`) before it reads anything else: data read after it is at
least as new as the stamp, so a fragment cached under a stamp is never older than the stamp.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable

from django.db import models

from actionplan.models import (
    Action,
    ActionOwner,
    ChangeStamp,
    GroupMembership,
    ImportColumnChoice,
    Membership,
    Milestone,
    Organisation,
    Owner,
    Plan,
    PlanMembership,
    ProgressUpdate,
    Project,
    PublishedReport,
    ReportJob,
    TargetRevision,
    Theme,
    Unit,
    UpdateRequest,
    UpdateRound,
)

SITE = "site"


class _Everywhere:
    """What every plan's pages show: a change moves the site stamp."""


EVERY_PLAN = _Everywhere()
# Rows no cached page shows (the report jobs a user asked for): their writes move nothing.
NO_PLAN = ()

PlanOf = Callable[[models.Model], "int | None | Iterable[int] | _Everywhere"]
_plan_of: dict[type[models.Model], PlanOf] = {}


def register(model: type[models.Model], plan_of: PlanOf) -> None:
    """How to find the plan a row of `model` belongs to: a plan id, ids, NO_PLAN or EVERY_PLAN.

    None (e.g. a standard of no plan) counts as EVERY_PLAN.
    """
    _plan_of[model] = plan_of


def registered() -> dict[type[models.Model], PlanOf]:
    return dict(_plan_of)


def scopes_for(obj: models.Model) -> list[str]:
    found = _plan_of.get(type(obj), lambda _: EVERY_PLAN)(obj)
    if found is None or found is EVERY_PLAN:
        return [SITE]
    ids = [found] if isinstance(found, int) else list(found)
    return [f"plan:{pk}" for pk in sorted(set(ids))]


def bump(scopes: Iterable[str]) -> None:
    """Give each scope a new token (one upsert); call inside the writing transaction."""
    rows = [ChangeStamp(scope=scope, token=secrets.randbits(62)) for scope in scopes]
    if rows:
        ChangeStamp.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["scope"], update_fields=["token"]
        )


def bump_for(obj: models.Model) -> None:
    bump(scopes_for(obj))


def current(plan: Plan) -> str | None:
    """The plan's stamp (one query), or None when no write has given it one yet: then pages
    must not be cached, since nothing would move a stamp that was never set."""
    tokens = dict(
        ChangeStamp.objects.filter(scope__in=[f"plan:{plan.pk}", SITE]).values_list(
            "scope", "token"
        )
    )
    if f"plan:{plan.pk}" not in tokens:
        return None
    return f"{tokens[f'plan:{plan.pk}']}-{tokens.get(SITE, 0)}"


def current_for_organisation(organisation_id: int) -> str | None:
    """The stamps of all the organisation's plans and the site's, as one (two queries): what
    an organisation-wide page (its public standards) is keyed by. None, as for a plan, while
    any of its plans, or the organisation itself when it has none, has no stamp yet."""
    scopes = [
        f"plan:{pk}"
        for pk in Plan.objects.filter(organisation_id=organisation_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    tokens = dict(
        ChangeStamp.objects.filter(scope__in=[*scopes, SITE]).values_list("scope", "token")
    )
    if not scopes or any(scope not in tokens for scope in scopes):
        return None
    return "-".join(str(tokens.get(scope, 0)) for scope in [*scopes, SITE])


register(Plan, lambda plan: plan.pk)
register(Theme, lambda theme: theme.plan_id)
register(Project, lambda project: project.theme.plan_id)
register(Action, lambda action: action.plan_id or action.theme.plan_id)
register(ProgressUpdate, lambda update: update.plan_id or update.action.plan_id)
for _model in (ActionOwner, Milestone, TargetRevision):
    register(_model, lambda row: row.action.plan_id)
register(UpdateRound, lambda update_round: update_round.plan_id)
register(UpdateRequest, lambda request: request.round.plan_id)
register(PublishedReport, lambda report: report.plan_id)
register(ReportJob, lambda job: NO_PLAN)
for _model in (Owner, Unit, GroupMembership, Organisation):
    register(_model, lambda row: EVERY_PLAN)
# Who may see a plan is decided per request (access.py), never cached; a remembered import
# column choice shows on no cached page.
for _model in (Membership, PlanMembership, ImportColumnChoice):
    register(_model, lambda row: NO_PLAN)
