"""Demo data for the CSE self-assessment (fixtures/cse_demo.json), loaded by load_demo.

A plan that is not loaded is skipped; a plan that already has any CSE data (a mapping, an
assessment or evidence) is left alone, so loading again changes nothing. Everything goes
through the services, so the demo carries history like real data.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from actionplan.models import Action, Plan
from actionplan.services import User
from standards.cse.models import Assessment, Criterion, Evidence, SubCriterion, ThemeCriterion
from standards.cse.reference import cse_reference_load
from standards.cse.services import (
    RatingInput,
    cse_action_sub_criteria_set,
    cse_assessment_record,
    cse_evidence_save,
    cse_theme_mapping_save,
)

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "cse_demo.json"
REASON = "Demo data loaded from fixtures/cse_demo.json"

Data = dict[str, Any]


def _action(plan: Plan, ref: Data) -> Action:
    found = Action.objects.filter(
        theme__plan=plan,
        theme__reference=ref["theme"],
        project__reference=ref["project"],
        reference=ref["reference"],
    )
    if len(found) != 1:
        raise ValidationError(f"Demo CSE data: no single action {ref} in {plan.slug}.")
    return found[0]


def _has_cse_data(plan: Plan) -> bool:
    return (
        ThemeCriterion.objects.filter(theme__plan=plan).exists()
        or Assessment.objects.filter(plan=plan).exists()
        or Evidence.objects.filter(plan=plan).exists()
    )


def _load_plan(plan: Plan, row: Data, *, user: User | None) -> None:
    criteria = {c.reference: c for c in Criterion.objects.all()}
    subs = {s.reference: s for s in SubCriterion.objects.all()}
    themes = {t.reference: t for t in plan.themes.all()}
    cse_theme_mapping_save(
        plan=plan,
        mapping={
            themes[ref]: [criteria[c] for c in numbers]
            for ref, numbers in row["theme_criteria"].items()
        },
        user=user,
        reason=REASON,
        note=row.get("mapping_note", ""),
    )
    for link in row.get("action_sub_criteria", []):
        cse_action_sub_criteria_set(
            action=_action(plan, link),
            sub_criteria=[subs[r] for r in link["sub_criteria"]],
            user=user,
            reason=REASON,
        )
    if assessment := row.get("assessment"):
        cse_assessment_record(
            plan=plan,
            assessed_on=date.fromisoformat(assessment["assessed_on"]),
            kind=assessment["kind"],
            assessor=assessment.get("assessor", ""),
            notes=assessment.get("notes", ""),
            ratings={
                subs[ref]: RatingInput(compliance=value, note=note)
                for ref, (value, note) in assessment["ratings"].items()
            },
            user=user,
            reason=REASON,
        )
    for item in row.get("evidence", []):
        cse_evidence_save(
            evidence=Evidence(
                plan=plan,
                title=item["title"],
                text=item["text"],
                url=item.get("url", ""),
                dated=date.fromisoformat(item["dated"]),
                note=item.get("note", ""),
            ),
            sub_criteria=[subs[r] for r in item["sub_criteria"]],
            actions=[_action(plan, ref) for ref in item.get("actions", [])],
            user=user,
            reason=REASON,
        )


@transaction.atomic
def cse_demo_load(*, user: User | None, path: Path = FIXTURE) -> list[str]:
    """Load the CSE demo data into the plans it names; returns the slugs it loaded."""
    cse_reference_load()
    data = json.loads(path.read_text(encoding="utf-8"))
    loaded = []
    for row in data["plans"]:
        plan = Plan.objects.filter(slug=row["slug"]).first()
        if plan is None or _has_cse_data(plan):
            continue
        _load_plan(plan, row, user=user)
        loaded.append(plan.slug)
    return loaded
