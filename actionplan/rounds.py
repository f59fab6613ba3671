"""Update rounds: asking action owners for progress before a steering-group meeting.

Opening a round records who was asked about which action (an UpdateRequest per owner per open
action; a group's members are asked as well as the group) and e-mails each person once. A
response is any progress update on the action created after the round opened (see
querysets.UpdateRequestQuerySet.with_response); it is late when created after the deadline day.

Reminder schedule (`manage.py send_reminders`, run daily by cron):
- before the deadline: 3 days before it, and the day before it;
- after it: the day after, then every other day, up to the day before the meeting;
- only people with an e-mail address and an unanswered request are reminded, at most once a
  day per round (the day the request went out counts), and never for a closed round.

Every write is keyword-only and atomic, and records the acting user and a reason in history.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from actionplan.models import (
    Action,
    ActionOwner,
    GroupMembership,
    Owner,
    OwnerKind,
    Plan,
    PlanStatus,
    ProgressUpdate,
    UpdateRequest,
    UpdateRound,
)
from actionplan.querysets import DUE_SOON_DAYS, is_due_between, is_overdue
from actionplan.services import User, bulk_save_with_history, save_with_history
from actionplan.summary import percentage

logger = logging.getLogger(__name__)

DEFAULT_SITE_URL = "http://127.0.0.1:8000"
REMINDER_DAYS_BEFORE_DEADLINE = (3, 1)
REMINDER_EVERY_DAYS_AFTER_DEADLINE = 2


def site_url() -> str:
    """Where the site is served, for links in e-mails sent outside a request (cron)."""
    return getattr(settings, "ACTIONPLAN_SITE_URL", DEFAULT_SITE_URL)


def _day(day: date) -> str:
    return date_format(day, "j F Y")


def my_actions_link(base_url: str) -> str:
    return base_url.rstrip("/") + reverse("my_actions")


# Reads


def takes_rounds(plan: Plan) -> bool:
    """Only an adopted plan has rounds: owners cannot see a draft, and an archived plan is done."""
    return plan.status == PlanStatus.ADOPTED


@dataclass(frozen=True)
class RoundProgress:
    """How many of the actions a round asked about have an update, and how many came late."""

    asked: int
    answered: int
    late: int = 0

    @property
    def outstanding(self) -> int:
        return self.asked - self.answered

    @property
    def percent(self) -> int:
        return percentage(self.answered, self.asked)

    def __str__(self) -> str:
        if not self.asked:
            return "No actions were asked about in this round"
        noun = "action has" if self.asked == 1 else "actions have"
        text = f"{self.answered} of {self.asked} {noun} an update"
        return f"{text}; {self.late} late" if self.late else text

    @property
    def sentence(self) -> str:
        """The round page's headline: str() and how many are still to come."""
        if self.outstanding:
            return f"{self}; {self.outstanding} still to come."
        return f"{self}."


def round_progress(update_round: UpdateRound) -> RoundProgress:
    """The round's headline counts, in one query."""
    counts = round_actions(update_round).aggregate(
        asked=Count("pk"),
        answered=Count("pk", filter=Q(responded_at__isnull=False)),
        late=Count("pk", filter=Q(responded_at__gte=update_round.deadline_ends_at)),
    )
    return RoundProgress(**counts)


def _response_window(update_round: UpdateRound) -> Q:
    window = Q(created_at__gte=update_round.opened_at)
    if update_round.closed_at:
        window &= Q(created_at__lt=update_round.closed_at)
    return window


def round_actions(update_round: UpdateRound) -> QuerySet[Action]:
    """The actions the round asked about, each with `responded_at` (its first update in the
    round, or null) and `is_late` (that update came after the deadline day)."""
    first = (
        ProgressUpdate.objects.filter(_response_window(update_round), action=OuterRef("pk"))
        .order_by("created_at")
        .values("created_at")[:1]
    )
    asked = UpdateRequest.objects.filter(round=update_round).values("action_id")
    return (
        Action.objects.filter(pk__in=asked)
        .annotate(responded_at=Subquery(first))
        .annotate(
            is_late=Case(
                When(responded_at__gte=update_round.deadline_ends_at, then=True), default=False
            )
        )
    )


def round_owners(update_round: UpdateRound) -> QuerySet[Owner]:
    """Everyone the round asked, each with how many actions they were asked about, answered
    (`answered`, of which `late`), still `outstanding`, and the reminders they were sent.

    Filtering before annotating makes every count run over this round's requests only.
    """
    updates = ProgressUpdate.objects.filter(
        _response_window(update_round), action=OuterRef("update_requests__action")
    )
    answered = Exists(updates)
    on_time = Exists(updates.filter(created_at__lt=update_round.deadline_ends_at))
    return (
        Owner.objects.filter(update_requests__round=update_round)
        .annotate(
            asked=Count("update_requests"),
            answered=Count("update_requests", filter=answered),
            late=Count("update_requests", filter=answered & ~on_time),
            reminders_sent=Max("update_requests__reminder_count"),
            last_reminded_at=Max("update_requests__last_reminded_at"),
        )
        .annotate(outstanding=F("asked") - F("answered"))
        .order_by("-kind", "name")  # people first, then groups
    )


def next_reminder_day(update_round: UpdateRound, *, after: date) -> date | None:
    """The first reminder day after `after`, or None if no more reminders are due."""
    day = after + timedelta(days=1)
    while day < update_round.meeting_date:
        if reminder_reason(update_round, day):
            return day
        day += timedelta(days=1)
    return None


def reminder_reason(update_round: UpdateRound, day: date) -> str:
    """Why reminders go out on `day` ("3 days before the deadline"), or "" if they do not."""
    if not update_round.is_open or day >= update_round.meeting_date:
        return ""
    days_left = (update_round.deadline - day).days
    if days_left in REMINDER_DAYS_BEFORE_DEADLINE:
        return (
            "the day before the deadline"
            if days_left == 1
            else f"{days_left} days before the deadline"
        )
    if days_left < 0 and (-days_left - 1) % REMINDER_EVERY_DAYS_AFTER_DEADLINE == 0:
        return "the deadline has passed"
    return ""


def actions_for_owner_page(*, owner: Owner, plans: QuerySet[Plan], today: date) -> QuerySet[Action]:
    """An owner's actions (direct and through groups) in `plans`, for the My actions page.

    Each action is annotated with `is_overdue`, `is_due_soon` (within 30 days) and
    `update_needed_by`: the deadline of an open round still waiting for an update on it from
    this owner or one of their groups (null when nothing is waiting). One query.
    """
    mine = Owner.objects.acting_for(owner).values("pk")
    no_response_yet = ~Exists(
        ProgressUpdate.objects.filter(
            action=OuterRef("action"), created_at__gte=OuterRef("round__opened_at")
        )
    )
    waiting = (
        UpdateRequest.objects.filter(
            no_response_yet,
            action=OuterRef("pk"),
            owner__in=mine,
            round__closed_at__isnull=True,
        )
        .order_by("round__deadline")
        .values("round__deadline")[:1]
    )
    due_soon = is_due_between(today, today + timedelta(days=DUE_SOON_DAYS))
    return (
        Action.objects.owned_by(owner)
        .filter(plan__in=plans)
        .select_related("theme__plan", "project")
        .annotate(
            is_overdue=Case(When(is_overdue(today), then=True), default=False),
            is_due_soon=Case(When(due_soon, then=True), default=False),
            update_needed_by=Subquery(waiting),
        )
        .order_by("plan__title", "plan_id", *Action._meta.ordering)
    )


# Writes


@dataclass(frozen=True)
class RoundOpened:
    """What opening a round did, for the page that confirms it."""

    update_round: UpdateRound
    actions_asked: int
    people_emailed: list[Owner] = field(default_factory=list)
    people_without_email: list[Owner] = field(default_factory=list)  # owners not reachable
    actions_not_asked: int = 0  # open actions none of whose owners could be e-mailed


def _requests_for(update_round: UpdateRound, now: datetime) -> list[UpdateRequest]:
    """A request for every owner of every open action who is e-mailed: a person with an
    address; a group with a member who has one (and each such member). Nobody else counts as
    asked. A person asked directly and through a group is asked once, directly."""
    links = (
        ActionOwner.objects.filter(action__in=Action.objects.for_plan(update_round.plan).open())
        .select_related("owner", "action__theme", "action__project")
        .order_by("action__theme__position", "action__project__position", "action__position")
    )
    links = list(links)
    group_ids = {link.owner_id for link in links if link.owner.kind == OwnerKind.GROUP}
    members: dict[int, list[Owner]] = defaultdict(list)
    for membership in (
        GroupMembership.objects.filter(group_id__in=group_ids)
        .exclude(person__email="")
        .select_related("person")
    ):
        members[membership.group_id].append(membership.person)
    requests: dict[tuple[int, int], UpdateRequest] = {}
    for link in links:
        reachable = (
            link.owner.email if link.owner.kind == OwnerKind.PERSON else members[link.owner_id]
        )
        if reachable:
            requests[link.action_id, link.owner_id] = UpdateRequest(
                round=update_round, action=link.action, owner=link.owner, requested_at=now
            )
    for link in links:
        for person in members[link.owner_id]:
            requests.setdefault(
                (link.action_id, person.pk),
                UpdateRequest(
                    round=update_round,
                    action=link.action,
                    owner=person,
                    via_group=link.owner,
                    requested_at=now,
                ),
            )
    return list(requests.values())


def _by_person(requests: Iterable[UpdateRequest]) -> dict[Owner, list[UpdateRequest]]:
    people: dict[Owner, list[UpdateRequest]] = defaultdict(list)
    for request in requests:
        if request.owner.kind == OwnerKind.PERSON:
            people[request.owner].append(request)
    return people


def _message(
    *, template: str, subject: str, person: Owner, requests: list[UpdateRequest], context: dict
) -> tuple[str, str, None, list[str]]:
    body = render_to_string(
        template,
        {"person": person, "actions": [r.action for r in requests], **context},
    )
    return (subject, body, None, [formataddr((person.name, person.email))])


@transaction.atomic
def round_open(
    *,
    plan: Plan,
    title: str,
    meeting_date: date,
    deadline: date,
    note: str = "",
    user: User | None,
    base_url: str,
    now: datetime | None = None,
) -> RoundOpened:
    """Open a round: ask every owner of every open action, and e-mail each person once.

    Refuses a plan that is not adopted, a deadline in the past or after the meeting, a second
    open round for the plan, and a round with nobody to ask. If anything fails (the e-mails
    included) there is no round.
    """
    now = now or timezone.now()
    if not takes_rounds(plan):
        raise ValidationError(
            "Update rounds are only for adopted plans: owners cannot see a draft or archived plan."
        )
    if deadline < timezone.localdate(now):
        raise ValidationError({"deadline": "The deadline for updates cannot be in the past."})
    # Lock the plan so two people opening a round at once cannot both succeed.
    Plan.objects.select_for_update().get(pk=plan.pk)
    current = UpdateRound.objects.open().filter(plan=plan).first()
    if current:
        raise ValidationError(
            f"This plan already has an open update round ({current}). Close it before opening "
            "another."
        )
    update_round = UpdateRound(
        plan=plan,
        title=title.strip(),
        meeting_date=meeting_date,
        deadline=deadline,
        note=note.strip(),
        opened_at=now,
        opened_by=user if getattr(user, "pk", None) else None,
    )
    save_with_history(update_round, user=user, reason="Update round opened")
    requests = _requests_for(update_round, now)
    if not requests:
        raise ValidationError(
            "Nobody can be asked for an update: no open action in this plan has an owner who can "
            "be e-mailed. Add their addresses in the register of people and groups first."
        )
    bulk_save_with_history(
        requests, UpdateRequest, user=user, reason="Asked for an update when the round opened"
    )
    people = _by_person(requests)
    emailed = sorted((p for p in people if p.email), key=lambda p: p.name)
    context = {"update_round": update_round, "plan": plan, "link": my_actions_link(base_url)}
    subject = f"Update needed by {_day(update_round.deadline)}: {update_round}"
    send_mass_mail(
        [
            _message(
                template="emails/round_request.txt",
                subject=subject,
                person=person,
                requests=people[person],
                context=context,
            )
            for person in emailed
        ],
        fail_silently=False,
    )
    asked = {r.action_id for r in requests}
    return RoundOpened(
        update_round=update_round,
        actions_asked=len(asked),
        people_emailed=emailed,
        people_without_email=list(Owner.objects.owning_open_actions_of(plan).unreachable()),
        actions_not_asked=Action.objects.for_plan(plan).open().exclude(pk__in=asked).count(),
    )


@transaction.atomic
def round_close(*, update_round: UpdateRound, user: User | None) -> bool:
    """Close the round: no more reminders, and its responses are frozen as a record.

    Returns False, changing nothing, if it was already closed.
    """
    locked = UpdateRound.objects.select_for_update().get(pk=update_round.pk)
    if not locked.is_open:
        return False
    locked.closed_at = timezone.now()
    locked.closed_by = user if getattr(user, "pk", None) else None
    save_with_history(locked, user=user, reason="Update round closed")
    update_round.closed_at, update_round.closed_by = locked.closed_at, locked.closed_by
    return True


@dataclass(frozen=True)
class RemindersSent:
    """What one round's reminders did on one day, for the command's summary."""

    update_round: UpdateRound
    reason: str
    reminded: dict[Owner, int] = field(default_factory=dict)  # person → actions outstanding
    without_email: list[Owner] = field(default_factory=list)
    failure: str = ""  # why nothing was sent for this round today (the error is logged)


@transaction.atomic
def round_send_reminders(
    *,
    update_round: UpdateRound,
    base_url: str,
    now: datetime | None = None,
    user: User | None = None,
) -> RemindersSent:
    """Remind each person who still owes an update, if today is a reminder day for the round.

    Safe to run more than once a day: a person already written to today is skipped.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    update_round = (
        UpdateRound.objects.select_for_update(of=("self",))
        .select_related("plan")
        .get(pk=update_round.pk)
    )
    reason = reminder_reason(update_round, today)
    if not reason:
        return RemindersSent(update_round=update_round, reason="")
    pending = (
        update_round.requests.unanswered()
        .filter(owner__kind=OwnerKind.PERSON)
        .select_related("owner", "action__theme", "action__project")
        .order_by(
            "owner__name",
            "action__theme__position",
            "action__project__position",
            "action__position",
        )
    )
    people = _by_person(pending)
    due = {
        person: requests
        for person, requests in people.items()
        if not any(_written_to_on(request, today) for request in requests)
    }
    to_remind = sorted((p for p in due if p.email), key=lambda p: p.name)
    context = {
        "update_round": update_round,
        "plan": update_round.plan,
        "link": my_actions_link(base_url),
        "deadline_passed": today > update_round.deadline,
    }
    subject = f"Reminder: update needed by {_day(update_round.deadline)}: {update_round}"
    messages = []
    reminded_requests = []
    for person in to_remind:
        messages.append(
            _message(
                template="emails/round_reminder.txt",
                subject=subject,
                person=person,
                requests=due[person],
                context=context,
            )
        )
        for request in due[person]:
            request.last_reminded_at = now
            request.reminder_count += 1
            reminded_requests.append(request)
    bulk_save_with_history(
        reminded_requests,
        UpdateRequest,
        update_fields=["last_reminded_at", "reminder_count"],
        user=user,
        reason=f"Reminder sent ({reason})",
    )
    send_mass_mail(messages, fail_silently=False)
    return RemindersSent(
        update_round=update_round,
        reason=reason,
        reminded={person: len(due[person]) for person in to_remind},
        without_email=sorted((p for p in due if not p.email), key=lambda p: p.name),
    )


def _written_to_on(request: UpdateRequest, day: date) -> bool:
    """True if the person was asked or reminded about this request on `day`."""
    sent = [request.requested_at, request.last_reminded_at]
    return any(when and timezone.localdate(when) == day for when in sent)


def rounds_send_reminders(
    *, base_url: str, now: datetime | None = None, user: User | None = None
) -> list[RemindersSent]:
    """Send today's reminders for every open round; each round commits on its own.

    A round that fails (a mail server refusing its messages, a title no e-mail subject can
    hold) is logged and reported in its result; the rounds after it are still reminded.
    """
    results = []
    for update_round in (
        UpdateRound.objects.open().select_related("plan").order_by("deadline", "pk")
    ):
        try:
            sent = round_send_reminders(
                update_round=update_round, base_url=base_url, now=now, user=user
            )
        except Exception as error:  # one round's failure must not silence the others
            logger.exception("Reminders for update round %s failed", update_round.pk)
            sent = RemindersSent(
                update_round=update_round,
                reason="",
                failure=f"{type(error).__name__}: {error}"[:300],
            )
        results.append(sent)
    return results
