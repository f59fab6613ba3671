"""Form fields and checks that keep what a database or the calendar cannot hold out of queries
and date arithmetic: a clear form error instead of a server error.

SQLite refuses an integer beyond 64 bits with OverflowError (and PostgreSQL with a data
error) before it can say "no such row"; Python's dates end at years 1 and 9999, so a report
"as at" 1 January of year 1 cannot look back 90 days for updates awaited.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django import forms

# The largest id a 64-bit signed integer column holds (BigAutoField on every database).
MAX_ID = 2**63 - 1
# Days a plan, a report or a figure can sensibly be about; room either side for arithmetic.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)
OUT_OF_RANGE_DAY = "Enter a date between 1900 and 2999."


def is_storable_id(value: Any) -> bool:
    """False for a whole number no id column can hold; True for anything else (the field
    itself decides whether other text is a valid choice)."""
    text = str(value).strip()
    if text.lstrip("+-").isdigit():
        return -MAX_ID - 1 <= int(text) <= MAX_ID
    return True


def day_in_range(value: date | datetime) -> bool:
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST_DAY <= day <= LATEST_DAY


class IdsField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses an id beyond 64 bits as an invalid choice
    before querying (Django checks single ids itself, but not a list of them)."""

    def _check_values(self, value: Iterable[Any]):
        for pk in value:
            if not is_storable_id(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:40]},
                )
        return super()._check_values(value)


class DayField(forms.DateField):
    """A DateField limited to EARLIEST_DAY–LATEST_DAY."""

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None and not day_in_range(value):
            raise forms.ValidationError(OUT_OF_RANGE_DAY, code="out_of_range")
