"""The four roles, as Django groups, and what each may do in the admin.

Views enforce the same roles on the server (see access.py when the browser pages arrive).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

PLAN_ADMINISTRATOR = "Plan administrators"
STEERING_GROUP = "Steering group"
ACTION_OWNER = "Action owners"
VIEWER = "Viewers"

_PLAN_MODELS = [
    "plan",
    "theme",
    "project",
    "action",
    "actionowner",
    "milestone",
    "progressupdate",
    "targetrevision",
    "owner",
    "groupmembership",
    "unit",
    "updateround",
    "updaterequest",
    "publishedreport",
]


def _codenames(verbs: list[str], models: list[str]) -> list[str]:
    return [f"{verb}_{model}" for verb in verbs for model in models]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    PLAN_ADMINISTRATOR: _codenames(["view", "add", "change", "delete"], _PLAN_MODELS),
    STEERING_GROUP: _codenames(["view", "add", "change"], _PLAN_MODELS),
    ACTION_OWNER: _codenames(["view"], _PLAN_MODELS) + ["add_progressupdate", "add_milestone"],
    VIEWER: _codenames(["view"], _PLAN_MODELS),
}


def ensure_roles() -> dict[str, Group]:
    """Create the role groups and give them their permissions; safe to run again."""
    groups: dict[str, Group] = {}
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="actionplan", codename__in=codenames
        )
        group.permissions.set(permissions)
        groups[name] = group
    return groups
