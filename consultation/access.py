"""Who may see and change consultation and scrutiny records: the rules of their plan.

Anyone with a role who may see the plan reads them; steering-group members and plan
administrators change them (403 for the others, 404 for what they may not see).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from actionplan.access import (
    can_manage_organisation_register,
    can_manage_plans,
    can_read_organisation,
    require,
    visible_plans,
)
from consultation.models import Exercise, Finding, Recommendation

User = AbstractBaseUser | AnonymousUser
T = TypeVar("T", bound=models.Model)

CHANGE_REFUSED = (
    "Only steering-group members and plan administrators can change consultation and "
    "scrutiny records."
)


@dataclass(frozen=True)
class Access(Generic[T]):
    obj: T
    can_edit: bool


def _for_user(user: User, queryset: models.QuerySet, pk: int, plan_path: str, *, manage: bool):
    """The object, 404 unless the user may see its plan (or, for an exercise that informs no
    plan, holds a role in its organisation); 403 if `manage` and they may not change it."""
    obj = get_object_or_404(queryset, pk=pk)
    plan = obj
    for part in plan_path.split("."):
        plan = getattr(plan, part)
    if plan is not None:
        if not visible_plans(user).filter(pk=plan.pk).exists():
            raise Http404("Not found.")
        can_edit = can_manage_plans(user, plan)
    else:
        exercise = obj if isinstance(obj, Exercise) else obj.exercise
        organisation_id = exercise.organisation_id
        if not can_read_organisation(user, organisation_id):
            raise Http404("Not found.")
        can_edit = can_manage_organisation_register(user, organisation_id)
    if manage:
        require(can_edit, CHANGE_REFUSED)
    return Access(obj=obj, can_edit=can_edit)


def exercise_for_user(user: User, pk: int, *, manage: bool = False) -> Access[Exercise]:
    queryset = Exercise.objects.select_related("plan__organisation")
    return _for_user(user, queryset, pk, "plan", manage=manage)


def finding_for_user(user: User, pk: int, *, manage: bool = False) -> Access[Finding]:
    queryset = Finding.objects.select_related("exercise__plan__organisation")
    return _for_user(user, queryset, pk, "exercise.plan", manage=manage)


def recommendation_for_user(user: User, pk: int, *, manage: bool = False) -> Access[Recommendation]:
    queryset = Recommendation.objects.select_related("meeting__plan__organisation", "theme")
    return _for_user(user, queryset, pk, "meeting.plan", manage=manage)
