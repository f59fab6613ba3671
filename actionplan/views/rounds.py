"""Update rounds before steering-group meetings, and each owner's My actions page."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from actionplan import rounds
from actionplan.access import (
    Role,
    can_manage_plans,
    owner_records_of,
    plan_for_user,
    require,
    role_in_plan,
    round_for_user,
    visible_plans,
)
from actionplan.forms import add_model_errors
from actionplan.models import (
    Action,
    GroupMembership,
    Owner,
    Plan,
    UpdateRequest,
    UpdateRound,
)
from actionplan.rounds import RoundProgress

DATE_HELP = "For example 14/01/2011."


class RoundForm(forms.ModelForm):
    """Open an update round. The deadline is on or before the meeting, and not in the past."""

    class Meta:
        model = UpdateRound
        fields = ["title", "meeting_date", "deadline", "note"]
        labels = {"deadline": "Deadline for updates"}
        help_texts = {
            "title": 'For example "Steering group 14 January 2011".',
            "meeting_date": DATE_HELP,
            "deadline": f"The last day owners have to send their update. {DATE_HELP}",
            "note": "Included in the e-mail asking owners for their updates.",
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise ValidationError("The deadline for updates cannot be in the past.")
        return deadline


@login_required
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    update_rounds = [
        (r, RoundProgress(asked=r.actions_asked, answered=r.actions_answered))
        for r in plan.update_rounds.for_list_page()
    ]
    open_round = next((r for r, _ in update_rounds if r.is_open), None)
    can_manage = can_manage_plans(request.user, plan)
    context = {
        "plan": plan,
        "update_rounds": update_rounds,
        "open_round": open_round,
        "takes_rounds": rounds.takes_rounds(plan),
        "can_open_round": can_manage and open_round is None and rounds.takes_rounds(plan),
        "nav_section": "plans",
    }
    return render(request, "actionplan/rounds/list.html", context)


@login_required
def round_open(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    open_round = plan.update_rounds.open().first()
    form = RoundForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            opened = rounds.round_open(
                plan=plan,
                user=request.user,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _opened_message(opened))
            return redirect("round_detail", pk=opened.update_round.pk)
    context = {
        "plan": plan,
        "form": form,
        "open_round": open_round,
        "takes_rounds": rounds.takes_rounds(plan),
        "unreachable": list(Owner.objects.owning_open_actions_of(plan).unreachable()),
        "nav_section": "plans",
    }
    return render(request, "actionplan/rounds/open.html", context)


def _opened_message(opened: rounds.RoundOpened) -> str:
    people = len(opened.people_emailed)
    text = (
        f"Update round opened: {opened.actions_asked} "
        f"{'action' if opened.actions_asked == 1 else 'actions'} asked about, "
        f"{people} {'person' if people == 1 else 'people'} e-mailed."
    )
    if opened.people_without_email:
        names = ", ".join(p.label for p in opened.people_without_email)
        text += f" Not asked, as they cannot be e-mailed: {names}."
    if opened.actions_not_asked:
        text += (
            f" {opened.actions_not_asked} open "
            f"{'action has' if opened.actions_not_asked == 1 else 'actions have'} nobody who "
            "could be asked."
        )
    return text


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = round_for_user(request.user, pk)
    update_round = access.update_round
    today = timezone.localdate()
    requests = UpdateRequest.objects.filter(round=update_round).select_related("owner", "via_group")
    actions = (
        rounds.round_actions(update_round)
        .select_related("theme", "project")
        .prefetch_related(Prefetch("update_requests", requests, to_attr="round_requests"))
    )
    next_reminder = rounds.next_reminder_day(update_round, after=today)
    context = {
        "update_round": update_round,
        "plan": update_round.plan,
        "progress": rounds.round_progress(update_round),
        "owners": rounds.round_owners(update_round),
        "actions": actions,
        "deadline_passed": today > update_round.deadline,
        "next_reminder": next_reminder if update_round.is_open else None,
        "can_close": access.can_manage and update_round.is_open,
        "nav_section": "plans",
    }
    return render(request, "actionplan/rounds/detail.html", context)


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    access = round_for_user(request.user, pk)
    require(access.can_manage, "Only steering-group members can close an update round.")
    if rounds.round_close(update_round=access.update_round, user=request.user):
        messages.success(
            request, "Update round closed. Its responses are kept as they stood today."
        )
    else:
        messages.info(request, "This update round was already closed.")
    return redirect("round_detail", pk=access.update_round.pk)


@dataclass(frozen=True)
class PlanActions:
    """One plan's part of the My actions page."""

    plan: Plan
    update_round: UpdateRound | None
    actions: list[Action]
    waiting: int  # actions the open round still needs an update on from this owner
    can_record_progress: bool


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    """The user's actions in every organisation where their login is an owner (one record each)."""
    owners = owner_records_of(request.user)
    context: dict = {"owner": owners[0] if owners else None, "plans": [], "groups": []}
    context["nav_section"] = "my_actions"
    if not owners:
        return render(request, "actionplan/my_actions.html", context)
    plans = visible_plans(request.user)
    today = timezone.localdate()
    actions = [
        action
        for owner in owners
        for action in rounds.actions_for_owner_page(owner=owner, plans=plans, today=today)
    ]
    plan_ids = {action.theme.plan_id for action in actions}
    open_rounds = {r.plan_id: r for r in UpdateRound.objects.open().filter(plan__in=plan_ids)}
    context["plans"] = [
        PlanActions(
            plan=plan,
            update_round=open_rounds.get(plan.pk),
            actions=rows,
            waiting=sum(1 for a in rows if a.update_needed_by),
            can_record_progress=role_in_plan(request.user, plan) >= Role.ACTION_OWNER,
        )
        for plan, rows in (
            (plan, list(rows)) for plan, rows in groupby(actions, key=lambda a: a.theme.plan)
        )
    ]
    context["owners_label"] = " and ".join(str(owner) for owner in owners)
    context["groups"] = [
        m.group for m in GroupMembership.objects.filter(person__in=owners).select_related("group")
    ]
    context["can_record_progress"] = any(entry.can_record_progress for entry in context["plans"])
    return render(request, "actionplan/my_actions.html", context)
