"""RAG against a target and direction of travel, both directions of "better", at the edges."""

from decimal import Decimal as D

import pytest

from standards.rag import HIGHER, LOWER, RagRating, Travel, rag, travel

G, A, R, N = RagRating.GREEN, RagRating.AMBER, RagRating.RED, RagRating.NO_DATA


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("95", G),  # above the target
        ("90", G),  # exactly on the target
        ("89.99", A),  # just short
        ("85", A),  # exactly on the tolerance
        ("84.99", R),  # just past the tolerance
        ("0", R),
    ],
)
def test_higher_is_better_with_tolerance(value, expected):
    assert rag(D(value), target=D(90), better=HIGHER, tolerance=D(5)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", G),  # under the target
        ("10", G),  # exactly on the target
        ("10.01", A),
        ("12", A),  # exactly on the tolerance
        ("12.01", R),
        ("100", R),
    ],
)
def test_lower_is_better_with_tolerance(value, expected):
    assert rag(D(value), target=D(10), better=LOWER, tolerance=D(2)) == expected


@pytest.mark.parametrize(
    ("better", "value", "expected"),
    [(HIGHER, "90", G), (HIGHER, "89.99", R), (LOWER, "10", G), (LOWER, "10.01", R)],
)
def test_without_tolerance_anything_short_of_the_target_is_red(better, value, expected):
    target = D(90) if better == HIGHER else D(10)
    assert rag(D(value), target=target, better=better, tolerance=D(0)) == expected


def test_a_negative_tolerance_counts_as_its_size():
    assert rag(D(88), target=D(90), better=HIGHER, tolerance=D(-5)) == A


@pytest.mark.parametrize(("value", "target"), [(None, D(90)), (D(90), None), (None, None)])
def test_no_value_or_no_target_is_no_data(value, target):
    assert rag(value, target=target, better=HIGHER, tolerance=D(5)) == N


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError):
        rag(D(1), target=D(1), better="sideways")
    with pytest.raises(ValueError):
        travel(D(2), D(1), better="sideways")


def test_ratings_read_as_words_not_colours():
    assert [r.label for r in (G, A, R, N)] == ["Met", "Just missed", "Missed", "No data"]


@pytest.mark.parametrize(
    ("current", "before", "better", "expected"),
    [
        ("92", "90", HIGHER, Travel.IMPROVING),
        ("88", "90", HIGHER, Travel.WORSE),
        ("90", "90", HIGHER, Travel.SAME),
        ("8", "10", LOWER, Travel.IMPROVING),
        ("12", "10", LOWER, Travel.WORSE),
        ("10", "10.00", LOWER, Travel.SAME),
        ("90.01", "90", HIGHER, Travel.IMPROVING),
        ("9.99", "10", LOWER, Travel.IMPROVING),
    ],
)
def test_direction_of_travel_respects_which_way_is_better(current, before, better, expected):
    assert travel(D(current), D(before), better=better) == expected


@pytest.mark.parametrize(("current", "before"), [(None, D(1)), (D(1), None), (None, None)])
def test_travel_without_both_figures_is_no_data(current, before):
    assert travel(current, before, better=HIGHER) == Travel.NO_DATA
    assert travel(current, before, better=LOWER) == Travel.NO_DATA
