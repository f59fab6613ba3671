"""Services: figures saved all or nothing with history; revisions refuse what would mislead."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from standards.models import PerformanceValue, Standard
from standards.periods import Period
from standards.services import Figure, performance_record, standard_revise
from tests.standards.performance.conftest import make_standard, month


def test_a_figure_the_model_refuses_rolls_back_the_whole_batch(standards, steering_member):
    ended = make_standard("OLD", effective_to=date(2025, 12, 31))
    figures = [
        Figure(standard=standards["T1"], period=month("2026-10"), value=Decimal(91)),
        Figure(standard=ended, period=month("2026-10"), value=Decimal(50)),
    ]
    with pytest.raises(ValidationError) as error:
        performance_record(figures=figures, user=steering_member, reason="test")
    assert "OLD October 2026: OLD was not in force in October 2026." in error.value.messages
    assert not PerformanceValue.objects.exists()


def test_a_misaligned_period_is_refused_by_the_model(standards):
    row = PerformanceValue(
        standard=standards["T1"],
        period_start=date(2026, 11, 1),
        frequency="quarterly",
        value=Decimal(1),
    )
    with pytest.raises(ValidationError, match="quarter starts"):
        row.full_clean()


def test_recording_the_same_figures_again_changes_nothing(standards, steering_member):
    figure = Figure(standard=standards["T1"], period=month("2026-10"), value=Decimal("91.00"))
    first = performance_record(figures=[figure], user=steering_member, reason="one")
    again = performance_record(figures=[figure], user=steering_member, reason="two")
    assert (first.created, again.unchanged, again.updated) == (1, 1, 0)
    assert PerformanceValue.history.count() == 1


def test_site_figures_sit_beside_the_whole_council_figure(standards):
    period = Period(date(2026, 10, 1))
    performance_record(
        figures=[
            Figure(standard=standards["T1"], period=period, value=Decimal(90)),
            Figure(standard=standards["T1"], period=period, value=Decimal(80), site="Depot"),
        ],
        user=None,
        reason="test",
    )
    assert PerformanceValue.objects.count() == 2


def test_a_revision_needs_a_reason_and_a_later_start(standards):
    t1 = standards["T1"]
    t1.effective_from = date(2020, 1, 1)
    t1.save()
    with pytest.raises(ValidationError, match="Say why"):
        standard_revise(
            standard=t1, changes={}, effective_from=date(2026, 1, 1), user=None, reason=" "
        )
    with pytest.raises(ValidationError, match="must start after"):
        standard_revise(
            standard=t1, changes={}, effective_from=date(2019, 1, 1), user=None, reason="x"
        )
    assert Standard.objects.filter(reference="T1").count() == 1
