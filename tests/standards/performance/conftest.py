"""Small builders for the standards performance tests: standards in force and their figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from standards.models import PerformanceValue, Standard
from standards.periods import Period
from tests.conftest import home_council


def make_standard(reference: str = "T1", **fields) -> Standard:
    fields.setdefault("title", "Answering the telephone")
    fields.setdefault("channel", "telephone")
    fields.setdefault("commitment", "We will answer 90% of calls within 20 seconds.")
    fields.setdefault("unit", "percent")
    fields.setdefault("target", Decimal(90))
    fields.setdefault("amber_tolerance", Decimal(5))
    fields.setdefault("published", True)
    standard = Standard(organisation=home_council(), reference=reference, **fields)
    standard.full_clean()
    standard.save()
    return standard


def add_value(standard: Standard, month: str, value: str, **fields) -> PerformanceValue:
    year, number = (int(part) for part in month.split("-"))
    fields.setdefault("published", True)
    row = PerformanceValue(
        standard=standard,
        period_start=date(year, number, 1),
        frequency=standard.frequency,
        value=Decimal(value),
        **fields,
    )
    row.full_clean()
    row.save()
    return row


@pytest.fixture
def standards(db) -> dict[str, Standard]:
    return {
        "T1": make_standard("T1"),
        "C1": make_standard(
            "C1",
            title="Complaints: first response",
            channel="complaints",
            stage="Stage 1",
            commitment="We will respond to complaints within 10 working days.",
            unit="working_days",
            target=Decimal(10),
            amber_tolerance=Decimal(2),
            better="lower",
        ),
    }


def month(text: str) -> Period:
    year, number = (int(part) for part in text.split("-"))
    return Period(date(year, number, 1))
