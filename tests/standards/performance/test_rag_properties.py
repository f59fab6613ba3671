"""Properties of the RAG rules over any figures: mirror symmetry and monotonic ratings."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from standards.rag import HIGHER, LOWER, RagRating, Travel, rag, travel

figures = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)
tolerances = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
ORDER = {RagRating.RED: 0, RagRating.AMBER: 1, RagRating.GREEN: 2}


@given(value=figures, target=figures, tolerance=tolerances)
def test_lower_is_better_is_higher_is_better_mirrored(value, target, tolerance):
    assert rag(value, target=target, better=LOWER, tolerance=tolerance) == rag(
        -value, target=-target, better=HIGHER, tolerance=tolerance
    )


@given(a=figures, b=figures, target=figures, tolerance=tolerances)
def test_a_better_figure_never_rates_worse(a, b, target, tolerance):
    low, high = sorted((a, b))
    for better, better_figure, worse_figure in ((HIGHER, high, low), (LOWER, low, high)):
        good = rag(better_figure, target=target, better=better, tolerance=tolerance)
        bad = rag(worse_figure, target=target, better=better, tolerance=tolerance)
        assert ORDER[good] >= ORDER[bad]


@given(a=figures, b=figures)
def test_travel_is_opposite_for_opposite_directions(a, b):
    up, down = travel(a, b, better=HIGHER), travel(a, b, better=LOWER)
    if a == b:
        assert up == down == Travel.SAME
    else:
        assert {up, down} == {Travel.IMPROVING, Travel.WORSE}


@given(target=figures, tolerance=tolerances)
def test_the_target_itself_is_always_met(target, tolerance):
    for better in (HIGHER, LOWER):
        assert rag(target, target=target, better=better, tolerance=tolerance) == RagRating.GREEN
        edge = target - tolerance if better == HIGHER else target + tolerance
        expected = RagRating.GREEN if tolerance == Decimal(0) else RagRating.AMBER
        assert rag(edge, target=target, better=better, tolerance=tolerance) == expected
