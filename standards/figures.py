"""A performance figure as entered: a value, or a numerator and denominator for a percentage.

One rule for the entry form, the CSV upload and the model: the percentage is computed from
numerator and denominator when both are given, and a value typed as well must agree with it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

PERCENT = "percent"
# A typed percentage may differ from the computed one by rounding to one decimal place.
AGREEMENT = Decimal("0.05")
MAX_VALUE = Decimal("9999999999")


def parse_number(text: str, *, what: str = "value") -> Decimal | None:
    """A number as people type it ("92.5", "1,204", "87%"); None for a blank."""
    text = (text or "").strip().replace(",", "").removesuffix("%").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"The {what} is not a number.") from None
    if not number.is_finite():
        raise ValidationError(f"The {what} is not a number.")
    return number


def percentage_of(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def figure_value(
    *,
    unit: str,
    value: Decimal | None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
) -> Decimal:
    """The value to store, or a ValidationError saying what is wrong with the figures."""
    if numerator is not None or denominator is not None:
        if unit != PERCENT:
            raise ValidationError("Give a numerator and denominator only for a percentage.")
        if numerator is None or denominator is None:
            raise ValidationError("Give both the numerator and the denominator, or neither.")
        if (
            numerator != numerator.to_integral_value()
            or denominator != denominator.to_integral_value()
        ):
            raise ValidationError("The numerator and denominator are whole numbers.")
        if denominator <= 0:
            raise ValidationError("The denominator must be more than 0.")
        if numerator < 0 or numerator > denominator:
            raise ValidationError("The numerator must be between 0 and the denominator.")
        computed = percentage_of(int(numerator), int(denominator))
        if value is not None and abs(value - computed) > AGREEMENT:
            raise ValidationError(
                f"The value {value}% does not match {int(numerator)} out of "
                f"{int(denominator)} ({computed}%). Correct one of them, or leave the value blank."
            )
        return computed
    if value is None:
        raise ValidationError("Enter a value.")
    if value < 0:
        raise ValidationError("The value cannot be negative.")
    if unit == PERCENT and value > 100:
        raise ValidationError("A percentage cannot be more than 100.")
    if value > MAX_VALUE:
        raise ValidationError("The value is too large.")
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
