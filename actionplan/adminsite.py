"""The administration screens, for site superusers only.

They bypass the product's rules (an owner's progress rewritten, any version restored), so
steering-group members, although staff, never reach them: the screens answer anyone who is
not a superuser with their sign-in page, and never show a change form.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class SuperuserAdminSite(admin.AdminSite):
    site_header = "Actionplan administration"
    site_title = "Actionplan"
    index_title = "Plan administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser


class SuperuserAdminConfig(AdminConfig):
    default_site = "actionplan.adminsite.SuperuserAdminSite"
