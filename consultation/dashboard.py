"""The consultation panel of the plan dashboard: findings no action answers, report-backs due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from actionplan.models import Plan
from consultation.models import Finding, Recommendation

DUE_WITHIN_DAYS = 60
PANEL_LIMIT = 10


@dataclass(frozen=True)
class ConsultationPanel:
    unanswered: list[Finding]  # findings with no responding action (first PANEL_LIMIT)
    unanswered_total: int
    report_backs: list[Recommendation]  # overdue first, then due within DUE_WITHIN_DAYS
    overdue_total: int
    today: date

    @property
    def more_unanswered(self) -> bool:
        return self.unanswered_total > len(self.unanswered)


def consultation_panel(plan: Plan, today: date) -> ConsultationPanel:
    """Two queries: the findings with no responding action, the report-backs due."""
    unanswered = list(
        Finding.objects.for_plan(plan)
        .without_responding_action()
        .select_related("exercise")
        .order_by("exercise__started_on", "exercise__pk", "position", "pk")
    )
    due = list(
        Recommendation.objects.for_plan(plan)
        .report_back_due_by(today + timedelta(days=DUE_WITHIN_DAYS))
        .select_related("meeting")
        .order_by("report_back_due", "position", "pk")
    )
    return ConsultationPanel(
        unanswered=unanswered[:PANEL_LIMIT],
        unanswered_total=len(unanswered),
        report_backs=due,
        overdue_total=sum(rec.report_back_due < today for rec in due),
        today=today,
    )
