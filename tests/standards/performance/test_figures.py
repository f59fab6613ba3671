"""Figures as entered: a value, or a numerator and denominator that must agree with it."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from standards.figures import figure_value, parse_number


def test_percentage_is_computed_from_numerator_and_denominator():
    assert figure_value(unit="percent", value=None, numerator=D(915), denominator=D(1000)) == D(
        "91.50"
    )
    assert figure_value(unit="percent", value=None, numerator=D(2), denominator=D(3)) == D("66.67")


def test_a_typed_value_that_agrees_is_accepted():
    assert figure_value(unit="percent", value=D("66.7"), numerator=D(2), denominator=D(3)) == D(
        "66.67"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"value": D(80), "numerator": D(2), "denominator": D(3)}, "does not match"),
        ({"value": None, "numerator": D(2), "denominator": None}, "both"),
        ({"value": None, "numerator": D(4), "denominator": D(3)}, "between 0"),
        ({"value": None, "numerator": D(1), "denominator": D(0)}, "more than 0"),
        ({"value": None, "numerator": D("1.5"), "denominator": D(3)}, "whole numbers"),
        ({"value": D(101)}, "more than 100"),
        ({"value": D(-1)}, "negative"),
        ({"value": None}, "Enter a value"),
    ],
)
def test_inconsistent_or_impossible_figures_are_refused(kwargs, message):
    with pytest.raises(ValidationError) as error:
        figure_value(unit="percent", **kwargs)
    assert message in error.value.messages[0]


def test_numerator_and_denominator_only_for_percentages():
    with pytest.raises(ValidationError):
        figure_value(unit="working_days", value=None, numerator=D(1), denominator=D(2))
    assert figure_value(unit="working_days", value=D("7.5")) == D("7.50")


def test_numbers_are_read_as_people_type_them():
    assert parse_number("1,204") == D(1204)
    assert parse_number(" 87% ") == D(87)
    assert parse_number("") is None
    for text in ("abc", "nan", "inf"):
        with pytest.raises(ValidationError, match="not a number"):
            parse_number(text)
