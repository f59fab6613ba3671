"""Who may give an action which status: one rule for every path that writes a status.

Retiring an action (deleted as no longer appropriate), deferring it (suspended) and reopening
a finished one (any change away from completed, suspended or deleted) are steering-group
decisions. An action's owners report delivery: not started, on track, at risk, off track,
completed. The progress form offers only what the user may choose, and the services refuse
the rest whoever calls them (the progress form, a spreadsheet import, a command).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError

from actionplan.access import can_manage_plans
from actionplan.models import FINISHED_STATUSES, Plan, Status

STEERING_GROUP_ONLY = (Status.SUSPENDED, Status.DELETED)
REFUSED = (
    "Only the steering group can retire, defer or reopen an action: as its owner, report "
    "whether it is not started, on track, at risk, off track or completed."
)


def _decides(user: AbstractBaseUser | AnonymousUser | None, plan: Plan) -> bool:
    # No user: a command or a task run by the site's administrators, not a person's request.
    return user is None or can_manage_plans(user, plan)


def may_set_status(
    *, user: AbstractBaseUser | AnonymousUser | None, plan: Plan, current: str, new: str
) -> bool:
    """True when the user may change the status of an action of `plan` from `current` to
    `new` (the steering group of that plan decides; its owners report delivery)."""
    if not new or new == current or _decides(user, plan):
        return True
    return new not in STEERING_GROUP_ONLY and current not in FINISHED_STATUSES


def status_choices(
    *, user: AbstractBaseUser | AnonymousUser | None, plan: Plan, current: str
) -> list[tuple[str, str]]:
    """The statuses to offer the user on a form: the current one and those they may set."""
    return [
        (value, label)
        for value, label in Status.choices
        if may_set_status(user=user, plan=plan, current=current, new=value)
    ]


def status_change_check(
    *, user: AbstractBaseUser | AnonymousUser | None, plan: Plan, current: str, new: str
) -> None:
    """Raise ValidationError (on the status) for a change the user may not make."""
    if not may_set_status(user=user, plan=plan, current=current, new=new):
        raise ValidationError({"status": REFUSED})
