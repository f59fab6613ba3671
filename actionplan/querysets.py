"""Named reads of the plan, so views and reports read like prose."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery

from actionplan.ownertext import normalise, split_owner_text, token_spellings
from actionplan.summary import Count as Count_
from actionplan.summary import PlanSummary

if TYPE_CHECKING:
    from actionplan.models import Owner

FINISHED = ("completed", "suspended", "deleted")


class OwnerQuerySet(models.QuerySet):
    def spelling_index(self) -> dict[str, Owner]:
        """Every known spelling (name, short name, alias) → owner; one query."""
        index: dict[str, Owner] = {}
        for owner in self:
            for spelling in owner.spellings():
                index.setdefault(normalise(spelling), owner)
        return index

    def match_text(self, text: str) -> tuple[list[Owner], list[str]]:
        """Resolve owner text to owners, in the order written, and the tokens not recognised."""
        index = self.spelling_index()
        found: list[Owner] = []
        unknown: list[str] = []
        for token in split_owner_text(text):
            owner = next(
                (index[normalise(s)] for s in token_spellings(token) if normalise(s) in index),
                None,
            )
            if owner is None:
                unknown.append(token)
            elif owner not in found:
                found.append(owner)
        return found, unknown


class ActionQuerySet(models.QuerySet):
    def for_plan(self, plan) -> ActionQuerySet:
        return self.filter(theme__plan=plan)

    def open(self) -> ActionQuerySet:
        return self.exclude(status__in=FINISHED)

    def finished(self) -> ActionQuerySet:
        return self.filter(status__in=FINISHED)

    def overdue(self, today: date) -> ActionQuerySet:
        """Not finished, not ongoing, and today is past the latest day of the target."""
        return self.open().filter(target_latest__lt=today).exclude(target_kind="ongoing")

    def due_between(self, start: date, end: date) -> ActionQuerySet:
        return self.open().filter(target_latest__gte=start, target_latest__lte=end)

    def revised(self) -> ActionQuerySet:
        """Actions whose target has been moved at least once."""
        return self.filter(replan_count__gt=0)

    def unscheduled(self) -> ActionQuerySet:
        return self.open().filter(target_kind="unscheduled")

    def with_latest_update(self) -> ActionQuerySet:
        """Annotate the date and text of each action's latest progress update (two subqueries)."""
        from actionplan.models import ProgressUpdate

        latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by(
            "-reported_on", "-id"
        )
        return self.annotate(
            latest_update_on=Subquery(latest.values("reported_on")[:1]),
            latest_update_text=Subquery(latest.values("narrative")[:1]),
        )

    def awaiting_update(self, *, since: date) -> ActionQuerySet:
        """Open actions with no progress update reported on or after `since`."""
        from actionplan.models import ProgressUpdate

        recent = ProgressUpdate.objects.filter(action=OuterRef("pk"), reported_on__gte=since)
        return self.open().filter(~Exists(recent))

    def awaiting_update_for_days(self, *, today: date, days: int) -> ActionQuerySet:
        return self.awaiting_update(since=today - timedelta(days=days))

    def summary(self, *, today: date, awaiting_since: date) -> PlanSummary:
        """Counts by status, by RAG, and of the derived conditions, in one query."""
        from actionplan.models import ProgressUpdate, Rag, Status

        recent = ProgressUpdate.objects.filter(
            action=OuterRef("pk"), reported_on__gte=awaiting_since
        )
        is_open = ~Q(status__in=FINISHED)
        derived = {
            "revised": ("Revised completion date", Q(replan_count__gt=0) & is_open),
            "overdue": (
                "Overdue",
                is_open & Q(target_latest__lt=today) & ~Q(target_kind="ongoing"),
            ),
            "awaiting_update": ("Awaiting update", is_open & Q(has_recent_update=False)),
            "unscheduled": ("Not yet scheduled", is_open & Q(target_kind="unscheduled")),
        }
        aggregates = {"total": Count("pk")}
        aggregates |= {f"status_{v}": Count("pk", filter=Q(status=v)) for v in Status.values}
        aggregates |= {f"rag_{v or 'none'}": Count("pk", filter=Q(rag=v)) for v in Rag.values}
        aggregates |= {key: Count("pk", filter=cond) for key, (_, cond) in derived.items()}
        row = self.annotate(has_recent_update=Exists(recent)).aggregate(**aggregates)
        total = row["total"]
        return PlanSummary(
            total=total,
            by_status=[Count_(v, label, row[f"status_{v}"], total) for v, label in Status.choices],
            by_rag=[Count_(v, label, row[f"rag_{v or 'none'}"], total) for v, label in Rag.choices],
            derived=[Count_(k, label, row[k], total) for k, (label, _) in derived.items()],
        )

    def owned_by(self, owner: Owner) -> ActionQuerySet:
        """Actions the owner holds directly or through a group they belong to."""
        groups = owner.group_memberships.values("group_id")
        return self.filter(
            Q(action_owners__owner=owner) | Q(action_owners__owner__in=groups)
        ).distinct()
