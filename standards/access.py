"""Who may read and change the standards register: any plan role reads, managers change."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404
from django.shortcuts import get_object_or_404

from actionplan.access import Role, can_manage_plans, require, role_of
from standards.models import Standard


def register_access(user: User | AnonymousUser, *, manage: bool = False) -> bool:
    """Whether the user may change the register; 404 without a role, 403 if `manage` is refused."""
    if role_of(user) == Role.NONE:
        raise Http404("No standards register here.")
    can_edit = can_manage_plans(user)
    if manage:
        require(can_edit, "Only steering-group members can change the standards register.")
    return can_edit


def standard_for_user(user: User | AnonymousUser, pk: int, *, manage: bool = False) -> Standard:
    register_access(user, manage=manage)
    return get_object_or_404(Standard.objects.select_related("owner", "service", "plan"), pk=pk)
