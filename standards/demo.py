"""Demo standards and performance figures from fixtures/standards.json (idempotent).

The 2005 versions are the corporate standards of the 2004 strategy (seeds 000 and 001); the
2012 versions are the customer care standards launched on 2 July 2012 (seed 004). The seeds
give no wording of targets and no figures: every target and value is labelled as a demo
figure in its note.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from actionplan.models import Action, Organisation, Owner
from actionplan.services import User, save_with_history
from standards.figures import figure_value
from standards.models import Standard
from standards.periods import parse_period
from standards.services import (
    Figure,
    performance_record,
    standard_link_action,
    standard_revise,
)

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "standards.json"
DEMO_TARGET = "Demo figures: the wording and target are illustrative; the seeds do not give them."

STRATEGY_2004 = "One of the corporate standards the 2004 strategy committed to (Annex 1)."


def _origin(version: dict, launch: dict) -> str:
    return launch["note"] if version["effective_from"] >= launch["launched_on"] else STRATEGY_2004


@transaction.atomic
def standards_load_demo(*, user: User | None, path: Path = FIXTURE) -> int:
    """Load the demo standards and figures unless some standard exists; returns figures saved."""
    data = json.loads(path.read_text(encoding="utf-8"))
    organisation = Organisation.objects.filter(name=data["organisation"]).first()
    if organisation is None or Standard.objects.in_organisation(organisation).exists():
        return 0
    owners = Owner.objects.in_organisation(organisation)
    launch = data["standard_set"]
    reason = f"Demo data loaded from fixtures/{path.name}"
    current: dict[str, Standard] = {}
    for position, row in enumerate(data["standards"]):
        first, *revisions = row["versions"]
        # An owner the organisation does not have is left blank, never borrowed from another.
        owner = owners.filter(name=row.get("owner", "")).first() if row.get("owner") else None
        standard = Standard(
            organisation=organisation,
            reference=row["reference"],
            title=row["title"],
            channel=row["channel"],
            stage=row.get("stage", ""),
            commitment=first.get("commitment", row["commitment"]),
            measure=row["measure"],
            unit=row["unit"],
            better=row["better"],
            frequency=row["frequency"],
            owner=owner,
            target=Decimal(first["target"]),
            amber_tolerance=Decimal(first["amber_tolerance"]),
            effective_from=date.fromisoformat(first["effective_from"]),
            published=row.get("published", True),
            position=position,
            note=f"{DEMO_TARGET} {_origin(first, launch)}",
        )
        save_with_history(standard, user=user, reason=reason)
        for revision in revisions:
            changes = {
                "target": Decimal(revision["target"]),
                "amber_tolerance": Decimal(revision["amber_tolerance"]),
                "note": f"{DEMO_TARGET} {launch['note']}",
            }
            if "commitment" in revision:
                changes["commitment"] = revision["commitment"]
            standard = standard_revise(
                standard=standard,
                changes=changes,
                effective_from=date.fromisoformat(revision["effective_from"]),
                user=user,
                reason=f"{launch['title']} launched {launch['launched_on']}",
            )
        current[standard.reference] = standard
    figures = []
    for row in data["values"]:
        standard = current[row["standard"]]
        numbers = {
            name: Decimal(row[name]) if row.get(name) is not None else None
            for name in ("value", "numerator", "denominator")
        }
        figures.append(
            Figure(
                standard=standard,
                period=parse_period(row["period"], standard.frequency),
                value=figure_value(unit=standard.unit, **numbers),
                numerator=row.get("numerator"),
                denominator=row.get("denominator"),
                note=row["note"],
            )
        )
    saved = performance_record(figures=figures, publish=True, user=user, reason=reason)
    for row in data.get("links", []):
        action = Action.objects.filter(
            theme__plan__organisation=organisation,
            theme__plan__slug=row["plan"],
            description__startswith=row["action_starts"],
        ).first()
        for reference in row["standards"] if action else []:
            standard_link_action(
                standard=current[reference], action=action, note=row["note"], user=user
            )
    return saved.created
