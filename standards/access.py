"""Who may read and change an organisation's standards register.

Anyone with a role in the organisation (in any of its plans) reads it; its steering-group
members change it. Another organisation's register and standards answer 404.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404
from django.shortcuts import get_object_or_404

from actionplan.access import (
    can_manage_organisation_register,
    can_read_organisation,
    require,
)
from actionplan.models import Organisation
from standards.models import Standard

CHANGE_REFUSED = "Only steering-group members can change the standards register."


def register_access(
    user: User | AnonymousUser, organisation: Organisation, *, manage: bool = False
) -> bool:
    """Whether the user may change the organisation's register; 404 without a role in it,
    403 if `manage` is refused."""
    if not can_read_organisation(user, organisation.pk):
        raise Http404("No standards register here.")
    can_edit = can_manage_organisation_register(user, organisation.pk)
    if manage:
        require(can_edit, CHANGE_REFUSED)
    return can_edit


def standard_for_user(
    user: User | AnonymousUser, pk: int, *, manage: bool = False
) -> tuple[Standard, bool]:
    """The standard and whether the user may change it; 404 outside their organisations."""
    standard = get_object_or_404(
        Standard.objects.select_related("owner", "service", "plan", "organisation"), pk=pk
    )
    can_edit = register_access(user, standard.organisation, manage=manage)
    return standard, can_edit
