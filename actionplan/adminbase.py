"""The administration screens write through the `*_with_history` helpers like every other page.

So an admin edit records its user and reason and moves the plan's change stamp
(actionplan/stamps.py): a cached page never hides it.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from actionplan.services import delete_with_history, save_with_history

SAVED = "Changed in the administration screens"
DELETED = "Deleted in the administration screens"


class HistoryHelpersAdmin(SimpleHistoryAdmin):
    def save_model(self, request: HttpRequest, obj: Model, form, change: bool) -> None:
        # The admin's form has validated the row already.
        save_with_history(obj, user=request.user, reason=SAVED, validate=False)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        delete_with_history(obj, user=request.user, reason=DELETED)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            delete_with_history(obj, user=request.user, reason=DELETED)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        rows = formset.save(commit=False)
        for row in formset.deleted_objects:
            delete_with_history(row, user=request.user, reason=DELETED)
        for row in rows:
            save_with_history(row, user=request.user, reason=SAVED, validate=False)
        formset.save_m2m()
