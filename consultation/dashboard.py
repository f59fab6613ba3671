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
    finding_total: int = 0

    @property
    def more_unanswered(self) -> bool:
        return self.unanswered_total > len(self.unanswered)

    @property
    def findings_sentence(self) -> str:
        """Whether every finding is answered, true when there are none, one or many."""
        total, unanswered = self.finding_total, self.unanswered_total
        if not total:
            return "No consultation findings are recorded for this plan yet."
        if unanswered:
            verb = "has" if unanswered == 1 else "have"
            noun = "finding" if total == 1 else "findings"
            return f"{unanswered} of {total} consultation {noun} {verb} no responding action."
        if total == 1:
            return "The one consultation finding has a responding action."
        return f"Each of the {total} consultation findings has at least one responding action."


def consultation_panel(plan: Plan, today: date) -> ConsultationPanel:
    """Three queries: the findings with no responding action, all findings counted, the
    report-backs due."""
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
        finding_total=Finding.objects.for_plan(plan).count(),
    )
