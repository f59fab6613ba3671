"""What every page's header needs: the service's name and what the user may reach."""

from django.conf import settings
from django.http import HttpRequest

from actionplan.access import has_any_role


def site(request: HttpRequest) -> dict:
    user = request.user
    return {
        "service_name": settings.ACTIONPLAN_SERVICE_NAME,
        "nav_signed_in": user.is_authenticated,
        "nav_has_role": has_any_role(user),
        "nav_is_superuser": user.is_authenticated and user.is_superuser,
    }
