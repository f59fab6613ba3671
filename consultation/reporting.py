"""The committee report's consultation section, as it stood at the report's moment.

Like actionplan.reporting, it reads history with one query per model (the latest historical
row of each object at the moment, deletions left out) and joins by id in Python, so a report
printed again later shows the findings and links as they were.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models

from consultation.models import Exercise, Finding, FindingAction, Method, Strength


@dataclass(frozen=True)
class ReportedAction:
    full_reference: str
    description: str
    status_label: str
    latest_update_on: date | None


@dataclass(frozen=True)
class ReportedFinding:
    said: str
    strength: str
    we_did: str
    published: bool
    actions: list[ReportedAction]


@dataclass(frozen=True)
class ReportedExercise:
    title: str
    method_label: str
    started_on: date | None
    ended_on: date | None
    respondents: int | None
    published: bool
    findings: list[ReportedFinding]


@dataclass(frozen=True)
class ConsultationSection:
    exercises: list[ReportedExercise]

    @property
    def unanswered(self) -> int:
        return sum(not f.actions for e in self.exercises for f in e.findings)


def _as_of(model: type[models.Model], moment: datetime) -> models.QuerySet:
    rows = model.history.filter(history_date__lte=moment).latest_of_each()
    return rows.exclude(history_type="-").order_by()


def _strength(row) -> str:
    """A historical finding's strength, worded as Finding.strength words it."""
    finding = Finding(
        strength_kind=row.strength_kind or Strength.WORDS,
        strength_value=row.strength_value,
        strength_of=row.strength_of,
        strength_as_written=row.strength_as_written,
    )
    return finding.strength


def consultation_section(
    *, plan_id: int, moment: datetime, actions: Mapping[int, object]
) -> ConsultationSection | None:
    """Exercises of the plan and their findings with responding actions, as at `moment`.

    `actions` maps action id → the report's ActionRow (its status as at the moment); links to
    actions outside the report are left out. None when the plan had no exercise then.
    """
    exercises = sorted(
        _as_of(Exercise, moment).filter(plan_id=plan_id),
        key=lambda e: (e.started_on or date.max, e.title, e.id),
    )
    if not exercises:
        return None
    ids = [e.id for e in exercises]
    findings = sorted(
        _as_of(Finding, moment).filter(exercise_id__in=ids), key=lambda f: (f.position, f.id)
    )
    links: dict[int, list[int]] = defaultdict(list)
    finding_ids = [f.id for f in findings]
    for link in _as_of(FindingAction, moment).filter(finding_id__in=finding_ids):
        links[link.finding_id].append(link.action_id)
    by_exercise: dict[int, list[ReportedFinding]] = defaultdict(list)
    for f in findings:
        rows = [actions[pk] for pk in sorted(links[f.id]) if pk in actions]
        by_exercise[f.exercise_id].append(
            ReportedFinding(
                said=f.said,
                strength=_strength(f),
                we_did=f.we_did,
                published=f.published,
                actions=[
                    ReportedAction(
                        row.full_reference, row.description, row.status_label, row.latest_update_on
                    )
                    for row in rows
                ],
            )
        )
    methods = dict(Method.choices)
    return ConsultationSection(
        exercises=[
            ReportedExercise(
                title=e.title,
                method_label=methods.get(e.method, e.method),
                started_on=e.started_on,
                ended_on=e.ended_on,
                respondents=e.respondents,
                published=e.published,
                findings=by_exercise[e.id],
            )
            for e in exercises
        ]
    )
