"""What every page's header needs: the council's name and what the user may reach."""

from django.conf import settings
from django.http import HttpRequest

from actionplan.access import Role, can_manage_plans, is_plan_administrator, role_of


def site(request: HttpRequest) -> dict:
    user = request.user
    return {
        "council_name": settings.ACTIONPLAN_COUNCIL_NAME,
        "service_name": settings.ACTIONPLAN_SERVICE_NAME,
        "nav_signed_in": user.is_authenticated,
        "nav_has_role": role_of(user) > Role.NONE,
        "nav_can_manage": can_manage_plans(user),
        "nav_is_admin": is_plan_administrator(user),
    }
