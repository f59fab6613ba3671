"""Named reads of the plan, so views and reports read like prose."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import (
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from actionplan.ownertext import normalise, split_owner_text, token_spellings
from actionplan.summary import Count as Tally
from actionplan.summary import PlanSummary

if TYPE_CHECKING:
    from actionplan.models import Owner

FINISHED = ("completed", "suspended", "deleted")
# "Due soon" on the dashboard and the My actions page: the target ends within this many days.
DUE_SOON_DAYS = 30
# The derived conditions a summary counts besides status and RAG, in the order reports list them.
DERIVED_LABELS = {
    "revised": "Revised completion date",
    "overdue": "Overdue",
    "awaiting_update": "Awaiting update",
    "unscheduled": "Not yet scheduled",
}
# The end of an open round's window, for SQL comparisons: no update is ever created this late.
_OPEN_ENDED = datetime(9999, 12, 31, tzinfo=UTC)

# The derived conditions, defined once for filters, summary counts and annotations.
IS_OPEN = ~Q(status__in=FINISHED)
OPEN_STATUSES = ("not_started", "on_track", "at_risk", "off_track")


def is_overdue(today: date) -> Q:
    """Not finished, not ongoing, and today is past the latest day of the target."""
    return IS_OPEN & Q(target_latest__lt=today) & ~Q(target_kind="ongoing")


def is_due_between(start: date, end: date) -> Q:
    """Not finished, and the latest day of the target falls from `start` to `end`."""
    return IS_OPEN & Q(target_latest__gte=start, target_latest__lte=end)


def latest_update_text() -> Subquery:
    """The narrative of an action's latest progress update, as a subquery on its OuterRef("pk")
    (the latest: on its `latest_update_on`, the last written that day)."""
    from actionplan.models import ProgressUpdate

    latest = ProgressUpdate.objects.filter(
        action=OuterRef("pk"), reported_on=OuterRef("latest_update_on")
    ).order_by("-id")
    return Subquery(latest.values("narrative")[:1])


def summary_aggregates(today: date) -> dict[str, Count]:
    """The counts a PlanSummary holds, as aggregates over actions annotated `has_recent_update`.

    One definition of the derived conditions for ActionQuerySet.summary() and summaries_by().
    """
    from actionplan.models import Rag, Status

    derived = {
        "revised": IS_OPEN & Q(replan_count__gt=0),
        "overdue": is_overdue(today),
        "awaiting_update": IS_OPEN & Q(has_recent_update=False),
        "unscheduled": IS_OPEN & Q(target_kind="unscheduled"),
    }
    aggregates = {"total": Count("pk")}
    aggregates |= {f"status_{v}": Count("pk", filter=Q(status=v)) for v in Status.values}
    aggregates |= {f"rag_{v or 'none'}": Count("pk", filter=Q(rag=v)) for v in Rag.values}
    aggregates |= {key: Count("pk", filter=derived[key]) for key in DERIVED_LABELS}
    return aggregates


def summary_from_row(row: dict[str, Any] | None) -> PlanSummary:
    """A PlanSummary from a row of summary_aggregates(); None (no actions) gives zeros."""
    from actionplan.models import Rag, Status

    row = row or {}
    total = row.get("total", 0)
    return PlanSummary(
        total=total,
        by_status=[
            Tally(v, label, row.get(f"status_{v}", 0), total) for v, label in Status.choices
        ],
        by_rag=[
            Tally(v, label, row.get(f"rag_{v or 'none'}", 0), total) for v, label in Rag.choices
        ],
        derived=[Tally(k, label, row.get(k, 0), total) for k, label in DERIVED_LABELS.items()],
    )


class PlanQuerySet(models.QuerySet):
    def with_open_round(self) -> PlanQuerySet:
        """Annotate `open_round_opened_at`: when the plan's open update round opened, or null.

        A subquery in the same query, so awaiting.awaiting_since_by_plan needs no query of its
        own for plans read through it (access.visible_plans reads every plan so).
        """
        from actionplan.models import UpdateRound

        opened = UpdateRound.objects.open().filter(plan=OuterRef("pk")).values("opened_at")[:1]
        return self.annotate(open_round_opened_at=Subquery(opened))

    def in_organisation(self, organisation) -> PlanQuerySet:
        return self.filter(organisation=organisation)


class UnitQuerySet(models.QuerySet):
    def in_organisation(self, organisation) -> UnitQuerySet:
        """The organisation's directorates, services and partners (organisation or its id)."""
        return self.filter(organisation=organisation)


class OwnerQuerySet(models.QuerySet):
    def in_organisation(self, organisation) -> OwnerQuerySet:
        """The organisation's people and groups (organisation or its id): never another's."""
        return self.filter(organisation=organisation)

    def active(self) -> OwnerQuerySet:
        """Those still with the organisation: leavers are not offered for new work."""
        return self.filter(is_active=True)

    def for_register(self) -> OwnerQuerySet:
        """The register's rows: each owner with how many actions and open actions it owns and,
        for a group, how many members (with an e-mail address). Members come prefetched."""
        from actionplan.models import GroupMembership

        open_links = Q(owned_actions__action__status__in=OPEN_STATUSES)
        with_email = GroupMembership.objects.filter(group=OuterRef("pk")).exclude(person__email="")
        return (
            self.select_related("unit", "user")
            .annotate(
                actions_owned=Count("owned_actions", distinct=True),
                open_actions=Count("owned_actions", filter=open_links, distinct=True),
                members_count=Count("memberships", distinct=True),
                members_reachable=Exists(with_email),
            )
            .prefetch_related(
                models.Prefetch(
                    "memberships",
                    queryset=GroupMembership.objects.select_related("person").order_by(
                        "person__name"
                    ),
                )
            )
            .order_by("-is_active", "-kind", "name")
        )

    def owning_open_actions_of(self, plan) -> OwnerQuerySet:
        """Owners of the plan's open actions, each with `members_count`."""
        from actionplan.models import ActionOwner

        owning = ActionOwner.objects.filter(action__theme__plan=plan).filter(
            ~Q(action__status__in=FINISHED)
        )
        return (
            self.filter(pk__in=owning.values("owner_id"))
            .annotate(members_count=Count("memberships"))
            .order_by("-kind", "name")  # people first, then groups
        )

    def unreachable(self) -> OwnerQuerySet:
        """People with no e-mail address, and groups none of whose members has one: an update
        round cannot ask them."""
        from actionplan.models import GroupMembership, OwnerKind

        reachable_member = GroupMembership.objects.filter(group=OuterRef("pk")).exclude(
            person__email=""
        )
        return self.filter(
            (Q(kind=OwnerKind.PERSON) & Q(email=""))
            | (Q(kind=OwnerKind.GROUP) & ~Exists(reachable_member))
        )

    def acting_for(self, owner: Owner) -> OwnerQuerySet:
        """The owner and the groups they belong to: whose actions are theirs to update."""
        return self.filter(Q(pk=owner.pk) | Q(memberships__person=owner))

    def choosable_for(self, plan) -> OwnerQuerySet:
        """Whom the plan's actions can be filtered by: the owners of its actions, and the
        members of the groups among them (a person's actions include their groups').

        Read from the plan's own links through the index on (plan, owner), so the list grows
        with this plan only and no action is read.
        """
        from actionplan.models import ActionOwner, GroupMembership

        owning = ActionOwner.objects.filter(plan=plan).values("owner_id")
        members = GroupMembership.objects.filter(group_id__in=owning).values("person_id")
        return self.filter(Q(pk__in=owning) | Q(pk__in=members)).order_by("kind", "name")

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
        """The plan's actions, read through an index on the plan (no join to its themes)."""
        return self.filter(plan=plan)

    def open(self) -> ActionQuerySet:
        return self.filter(IS_OPEN)

    def finished(self) -> ActionQuerySet:
        return self.filter(status__in=FINISHED)

    def overdue(self, today: date) -> ActionQuerySet:
        """Not finished, not ongoing, and today is past the latest day of the target."""
        return self.filter(is_overdue(today))

    def due_between(self, start: date, end: date) -> ActionQuerySet:
        return self.filter(is_due_between(start, end))

    def revised(self) -> ActionQuerySet:
        """Actions whose target has been moved at least once."""
        return self.filter(replan_count__gt=0)

    def unscheduled(self) -> ActionQuerySet:
        return self.open().filter(target_kind="unscheduled")

    def with_latest_update(self) -> ActionQuerySet:
        """Annotate the text of each action's latest progress update (one subquery); its day is
        the action's own `latest_update_on`, kept by the database."""
        return self.annotate(latest_update_text=latest_update_text())

    def with_recent_update(self, since: date | Expression) -> ActionQuerySet:
        """Annotate `has_recent_update`: a progress update reported on or after `since`.

        `since` may be an expression, such as OuterRef("awaiting_since") to a per-row day. It
        reads the action's `latest_update_on` (the latest update is on or after `since` exactly
        when some update is), never NULL: an action with no update has no recent one.
        """
        has_recent = ExpressionWrapper(
            Q(latest_update_on__isnull=False, latest_update_on__gte=since),
            output_field=models.BooleanField(),
        )
        return self.annotate(has_recent_update=has_recent)

    def awaiting_update(self, *, since: date) -> ActionQuerySet:
        """Open actions with no progress update reported on or after `since`.

        awaiting.awaiting_since gives a plan's day: when its open round opened, or else back
        its awaiting-update period.
        """
        return self.filter(IS_OPEN).filter(
            Q(latest_update_on__isnull=True) | Q(latest_update_on__lt=since)
        )

    def summary(self, *, today: date, awaiting_since: date) -> PlanSummary:
        """Counts by status, by RAG, and of the derived conditions, in one query."""
        row = self.with_recent_update(awaiting_since).aggregate(**summary_aggregates(today))
        return summary_from_row(row)

    def summaries_by(
        self, field: str, *, today: date, awaiting_since: date | Expression
    ) -> dict[Any, PlanSummary]:
        """The same counts as summary() for each value of `field`, in one grouped query."""
        rows = (
            self.with_recent_update(awaiting_since)
            .values(field)
            .annotate(**summary_aggregates(today))
            .order_by()
        )
        return {row[field]: summary_from_row(row) for row in rows}

    def summary_and_by(
        self, field: str, *, today: date, awaiting_since: date
    ) -> tuple[PlanSummary, dict[Any, PlanSummary]]:
        """summary() and summaries_by(field) from one grouped query.

        Every count is of actions, and each action falls in exactly one group (None included),
        so the whole's counts are the groups' added up: one pass over the actions, not two.
        """
        aggregates = summary_aggregates(today)
        rows = list(
            self.with_recent_update(awaiting_since).values(field).annotate(**aggregates).order_by()
        )
        whole = {key: sum(row[key] for row in rows) for key in aggregates}
        return summary_from_row(whole), {row[field]: summary_from_row(row) for row in rows}

    def owned_by(self, owner: Owner) -> ActionQuerySet:
        """Actions the owner holds directly or through a group they belong to.

        An uncorrelated subquery rather than a join, so no DISTINCT and it combines with any
        other filter; it starts from the owners' links (the index on the owner), so it costs
        what the owner holds, not what the plans around them hold.
        """
        from actionplan.models import ActionOwner, Owner

        links = ActionOwner.objects.filter(owner__in=Owner.objects.acting_for(owner).values("pk"))
        return self.filter(pk__in=links.values("action_id"))


class UpdateRoundQuerySet(models.QuerySet):
    def open(self) -> UpdateRoundQuerySet:
        return self.filter(closed_at__isnull=True)

    def for_list_page(self) -> UpdateRoundQuerySet:
        """Open rounds first, newest meeting first, with how many actions were asked and answered.

        Two correlated subqueries on the rounds' requests; the page is one query.
        """
        from actionplan.models import UpdateRequest

        requests = UpdateRequest.objects.filter(round=OuterRef("pk")).with_response().order_by()
        asked = requests.values("round").annotate(n=Count("action", distinct=True)).values("n")
        answered = (
            requests.filter(responded_at__isnull=False)
            .values("round")
            .annotate(n=Count("action", distinct=True))
            .values("n")
        )
        return (
            self.select_related("opened_by", "closed_by")
            .annotate(
                actions_asked=Coalesce(Subquery(asked), 0),
                actions_answered=Coalesce(Subquery(answered), 0),
            )
            .order_by(F("closed_at").desc(nulls_first=True), "-meeting_date", "-id")
        )


class UpdateRequestQuerySet(models.QuerySet):
    def with_response(self) -> UpdateRequestQuerySet:
        """Annotate `responded_at`: when the action was first updated within the round's window.

        A response is any progress update on the action (including "no change") created after
        the round opened and, once the round is closed, before it closed. Null: no response.
        """
        from actionplan.models import ProgressUpdate

        window_end = Coalesce(OuterRef("round__closed_at"), Value(_OPEN_ENDED))
        first = (
            ProgressUpdate.objects.filter(
                action=OuterRef("action"),
                created_at__gte=OuterRef("round__opened_at"),
                created_at__lt=window_end,
            )
            .order_by("created_at")
            .values("created_at")[:1]
        )
        return self.annotate(responded_at=Subquery(first, output_field=models.DateTimeField()))

    def unanswered(self) -> UpdateRequestQuerySet:
        return self.with_response().filter(responded_at__isnull=True)
