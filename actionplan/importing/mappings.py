"""The column mapping an organisation chose in earlier imports, offered for its next file.

One heading, one choice, per organisation (models.ImportColumnChoice). Only choices that
differ from what the heading means by itself are kept, so a heading the reader already
understands keeps following the reader. `organisation_of(plan)` is the only place that says
which organisation a plan's import belongs to.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from django.db import transaction
from django.utils import timezone

from actionplan.importing.columns import CHOICE_LABELS, KEEP, Column
from actionplan.importing.sheets import HEADINGS, SKIP
from actionplan.models import ImportColumnChoice, Plan
from actionplan.services import User, delete_with_history, save_with_history


def organisation_of(plan: Plan) -> int:
    """Whose choices an import of this plan uses and keeps."""
    return plan.organisation_id


class RememberedMapping(Mapping[str, str]):
    """heading key → field (or keep / ignore) the plan's organisation chose before; read
    from the database when first asked (our own workbook never asks: one query saved)."""

    remembered = True  # columns.mapped_columns: never over a column's own heading

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._choices: dict[str, str] | None = None

    @property
    def choices(self) -> dict[str, str]:
        if self._choices is None:
            rows = ImportColumnChoice.objects.filter(organisation_id=organisation_of(self.plan))
            self._choices = dict(rows.values_list("heading", "field"))
        return self._choices

    def __getitem__(self, heading: str) -> str:
        return self.choices[heading]

    def __iter__(self) -> Iterator[str]:
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


def remembered_mapping(plan: Plan) -> RememberedMapping:
    return RememberedMapping(plan)


def default_field(heading_key: str) -> str:
    """What a heading means by itself (the first field whose headings name it), else keep."""
    for name, spellings in HEADINGS.items():
        if heading_key in spellings and name in CHOICE_LABELS:
            return name
    return KEEP


def valid_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    """The mapping with unknown fields left out (it comes from a form or a stored file).
    Also kept: a sheet the user chose to skip (sheets.sheet_key → SKIP), for this file only."""
    return {
        heading: field
        for heading, field in mapping.items()
        if isinstance(heading, str)
        and heading
        and (field in CHOICE_LABELS or (heading.startswith("sheet:") and field == SKIP))
    }


@transaction.atomic
def mapping_remember(
    *, plan: Plan, layout: list[Column], mapping: Mapping[str, str], user: User | None
) -> None:
    """Keep the user's choices for the headings of this file (and forget those set back)."""
    organisation = organisation_of(plan)
    existing = {
        choice.heading: choice
        for choice in ImportColumnChoice.objects.filter(
            organisation_id=organisation, heading__in=[c.key for c in layout if c.key]
        )
    }
    reason = "Column mapping chosen in an import"
    for heading in dict.fromkeys(c.key for c in layout if c.key):
        wanted = mapping.get(heading)
        choice = existing.get(heading)
        if wanted is None or wanted == default_field(heading):
            if choice is not None:
                delete_with_history(choice, user=user, reason=reason)
            continue
        if choice is not None and choice.field == wanted:
            continue
        choice = choice or ImportColumnChoice(organisation_id=organisation, heading=heading)
        choice.field = wanted
        choice.chosen_by = user if getattr(user, "pk", None) else None
        choice.chosen_at = timezone.now()
        save_with_history(choice, user=user, reason=reason)
