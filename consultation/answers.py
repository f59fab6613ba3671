"""What an action answers, from this app: the findings and recommendations it is linked to."""

from __future__ import annotations

from dataclasses import dataclass

from actionplan.models import Action
from consultation.models import FindingAction, RecommendationAction


@dataclass(frozen=True)
class ConsultationAnswers:
    findings: list[FindingAction]
    recommendations: list[RecommendationAction]

    def __bool__(self) -> bool:
        return bool(self.findings or self.recommendations)


def consultation_answers(action: Action) -> ConsultationAnswers:
    """Two queries: the findings the action responds to, the recommendations it answers."""
    findings = FindingAction.objects.filter(action=action).select_related("finding__exercise")
    recommendations = RecommendationAction.objects.filter(action=action).select_related(
        "recommendation__meeting"
    )
    return ConsultationAnswers(
        findings=list(findings.order_by("finding__exercise__started_on", "finding__pk")),
        recommendations=list(recommendations.order_by("recommendation__position", "pk")),
    )
