"""Reads that pages share: each a fixed number of queries whatever the amount of data."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Prefetch

from actionplan.models import Action, Plan


def actions_with_latest_progress() -> models.QuerySet[Action]:
    """Actions with their latest progress update's text (their `latest_update_on` its date)."""
    return Action.objects.select_related("theme", "project").with_latest_update()


def _action_links(model: type[models.Model]) -> Prefetch:
    """The links to actions, each action with its latest progress, in plan order."""
    links = model.objects.select_related(None).order_by(
        "action__theme__position", "action__project__position", "action__position", "action__pk"
    )
    links = links.prefetch_related(Prefetch("action", actions_with_latest_progress()))
    return links


class FindingQuerySet(models.QuerySet):
    def for_plan(self, plan: Plan) -> FindingQuerySet:
        return self.filter(exercise__plan=plan)

    def published(self) -> FindingQuerySet:
        """Only what the public may read: a published finding of a published exercise."""
        return self.filter(published=True, exercise__published=True)

    def without_responding_action(self) -> FindingQuerySet:
        return self.filter(finding_actions__isnull=True)

    def with_links(self) -> FindingQuerySet:
        """Exercise, themes and responding actions (with latest progress): three more queries."""
        from consultation.models import FindingAction, FindingTheme

        themes = FindingTheme.objects.select_related("theme").order_by("theme__position")
        return self.select_related("exercise").prefetch_related(
            Prefetch("finding_themes", themes),
            Prefetch("finding_actions", _action_links(FindingAction)),
        )


class RecommendationQuerySet(models.QuerySet):
    def for_plan(self, plan: Plan) -> RecommendationQuerySet:
        return self.filter(meeting__plan=plan)

    def report_back_overdue(self, today: date) -> RecommendationQuerySet:
        return self.filter(report_back_due__lt=today, reported_back_on__isnull=True)

    def report_back_due_by(self, day: date) -> RecommendationQuerySet:
        return self.filter(report_back_due__lte=day, reported_back_on__isnull=True)

    def with_links(self) -> RecommendationQuerySet:
        """Meeting, theme and answering actions (with latest progress): two more queries."""
        from consultation.models import RecommendationAction

        return self.select_related("meeting", "theme").prefetch_related(
            Prefetch("recommendation_actions", _action_links(RecommendationAction))
        )
