"""Load the demo consultation exercises, findings and scrutiny recommendations (idempotent).

fixtures/consultation.json is transcribed from the seeds; each entry names its plan by slug
and its actions by theme reference and the start of their description. A plan that is not
loaded, or that already has consultation or scrutiny records, is left alone.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from actionplan.models import Action, Plan, Theme
from actionplan.services import User, save_with_history
from consultation import services
from consultation.models import (
    Exercise,
    Finding,
    PublicPage,
    Recommendation,
    ScrutinyMeeting,
)

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "consultation.json"
Data = dict[str, Any]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _action(plan: Plan, ref: Data) -> Action:
    found = list(
        Action.objects.for_plan(plan).filter(
            theme__reference=ref["theme"], description__startswith=ref["starts_with"]
        )
    )
    if len(found) != 1:
        raise ValidationError(
            f"{plan.slug}: {len(found)} actions in theme {ref['theme']} start with "
            f"“{ref['starts_with']}”; the fixture must name exactly one."
        )
    return found[0]


def _load_exercises(plan: Plan, rows: list[Data], *, user: User | None, reason: str) -> None:
    themes = {t.reference: t for t in Theme.objects.filter(plan=plan)}
    for row in rows:
        exercise = Exercise(
            organisation_id=plan.organisation_id,
            plan=plan,
            title=row["title"],
            method=row["method"],
            audience=row.get("audience", ""),
            started_on=_date(row.get("started_on")),
            ended_on=_date(row.get("ended_on")),
            summary=row.get("summary", ""),
            published=row.get("published", False),
        )
        save_with_history(exercise, user=user, reason=reason)
        for position, item in enumerate(row.get("findings", []), start=1):
            finding = Finding(
                exercise=exercise,
                said=item["said"],
                strength_kind=item.get("strength_kind", "words"),
                strength_value=item.get("strength_value"),
                strength_of=item.get("strength_of"),
                strength_as_written=item.get("strength_as_written", ""),
                quotes=item.get("quotes", ""),
                we_did=item.get("we_did", ""),
                published=item.get("published", False),
                position=position,
            )
            services.finding_save(
                finding=finding, themes=[themes[ref] for ref in item.get("themes", [])], user=user
            )
            for ref in item.get("actions", []):
                services.finding_link_action(finding=finding, action=_action(plan, ref), user=user)


def _load_scrutiny(plan: Plan, rows: list[Data], *, user: User | None, reason: str) -> None:
    for row in rows:
        meeting = ScrutinyMeeting(
            plan=plan,
            body=row["body"],
            title=row["title"],
            meeting_date=_date(row.get("meeting_date")),
            minute_reference=row.get("minute_reference", ""),
            note=row.get("note", ""),
        )
        save_with_history(meeting, user=user, reason=reason)
        for position, item in enumerate(row["recommendations"], start=1):
            recommendation = Recommendation(
                meeting=meeting,
                reference=item["reference"],
                theme_heading=item.get("theme_heading") or "",
                text=item["text"],
                response=item.get("response", "awaiting"),
                response_reasons=item.get("response_reasons", ""),
                report_back_as_written=item.get("report_back_as_written", ""),
                report_back_due=_date(item.get("report_back_due")),
                position=position,
            )
            save_with_history(recommendation, user=user, reason=reason)
            for ref in item.get("actions", []):
                services.recommendation_link_action(
                    recommendation=recommendation, action=_action(plan, ref), user=user
                )


@transaction.atomic
def consultation_load_demo(*, user: User | None, path: Path = FIXTURE) -> list[str]:
    """Load the fixture into the plans it names; returns what it did, one line per plan."""
    data = json.loads(path.read_text(encoding="utf-8"))
    reason = f"Demo data loaded from fixtures/{path.name}"
    done = []
    for entry in data["plans"]:
        plan = Plan.objects.filter(slug=entry["plan"]).first()
        if plan is None:
            done.append(f"{path.name}: plan {entry['plan']!r} is not loaded; skipped.")
            continue
        if plan.consultations.exists() or plan.scrutiny_meetings.exists():
            done.append(f"{path.name}: {plan.slug} already has consultation data; left alone.")
            continue
        _load_exercises(plan, entry.get("exercises", []), user=user, reason=reason)
        _load_scrutiny(plan, entry.get("scrutiny", []), user=user, reason=reason)
        if "public_page" in entry:
            page = PublicPage.objects.filter(plan=plan).first() or PublicPage(plan=plan)
            page.you_said_we_did_published = entry["public_page"]["published"]
            page.introduction = entry["public_page"].get("introduction", "")
            save_with_history(page, user=user, reason=reason)
        done.append(f"{path.name}: loaded consultation and scrutiny records into {plan.slug}.")
    return done
