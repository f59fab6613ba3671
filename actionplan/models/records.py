"""Bookkeeping rows: remembered import columns, change stamps, imports applied once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actionplan.models.plans import Plan
from actionplan.organisations import Organisation


class ImportColumnChoice(models.Model):
    """How an organisation reads a column heading of its own sheets, chosen in an import.

    Kept per heading (compared without case, spaces or punctuation), so the next file with
    the same headings is read the same way; never offered to another organisation.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_column_choices"
    )
    heading = models.CharField(max_length=200, help_text="The heading, lower case, letters only.")
    field = models.CharField(max_length=30, help_text="What the column holds, or keep / ignore.")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "heading"],
                name="import_column_choice_unique",
                violation_error_message="This heading already has a choice for the organisation.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.heading} → {self.field}"


class ChangeStamp(models.Model):
    """A token that changes with every write that can change what a plan's pages show.

    One row per plan ("plan:<id>") and one for what every plan shows ("site": owners, units,
    standards of no plan). Cached fragments are keyed by it (actionplan/stamps.py). Not audited:
    it is bookkeeping, rewritten in the same transaction as the write it stands for.
    """

    scope = models.CharField(max_length=40, primary_key=True)
    token = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.scope}: {self.token}"


class AppliedImport(models.Model):
    """An import confirmed from the browser: its preview's token, so it is applied only once."""

    token = models.CharField(max_length=64, unique=True)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.filename} imported into {self.plan}"
