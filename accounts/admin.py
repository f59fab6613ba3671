"""Logins in the administration screens, written through the history helpers.

Django's own user admin saves with `user.save()`: a login renamed there would keep its old
name on every cached page that names it ("who" in history and recent changes). Saved through
`save_with_history`, the rename is in the login's history and moves the change stamps
(actionplan/stamps.py) in the same transaction.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from actionplan.adminbase import HistoryHelpersAdmin

User = get_user_model()

if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class LoginAdmin(HistoryHelpersAdmin, UserAdmin):
    pass
