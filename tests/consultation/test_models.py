from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from consultation.models import Finding, Recommendation


def _finding(**fields) -> Finding:
    return Finding(said="Longer opening hours", **fields)


def test_a_percentage_reads_as_a_percentage_with_its_words():
    finding = _finding(
        strength_kind="percentage", strength_value=Decimal("62.0"), strength_as_written="most"
    )
    assert finding.strength == "62% (most)"


def test_a_count_reads_as_so_many_of_so_many():
    finding = _finding(strength_kind="count", strength_value=Decimal("48"), strength_of=120)
    assert finding.strength == "48 of 120"


def test_words_alone_read_as_written():
    assert _finding(strength_as_written="strongly supported").strength == "strongly supported"


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"strength_kind": "percentage", "strength_value": 101}, "strength_value", "between 0"),
        ({"strength_kind": "percentage"}, "strength_value", "Enter the percentage"),
        ({"strength_kind": "count", "strength_value": 5, "strength_of": 4}, "strength_of", "more"),
        ({"strength_kind": "count", "strength_value": Decimal("2.5")}, "strength_value", "whole"),
        ({"strength_kind": "words"}, "strength_as_written", "Say in words"),
    ],
)
def test_a_strength_that_makes_no_sense_is_refused_with_a_message(fields, field, message):
    with pytest.raises(ValidationError) as error:
        _finding(**fields).clean()
    assert message in " ".join(error.value.message_dict[field])


def test_quotes_are_split_on_blank_lines():
    finding = _finding(quotes="Too long on hold.\r\n\r\n  The website is hard to use.  \n\n")
    assert finding.quote_list() == ["Too long on hold.", "The website is hard to use."]


def test_a_rejection_needs_its_reasons():
    with pytest.raises(ValidationError) as error:
        Recommendation(reference="(ix)", text="Savings", response="rejected").clean()
    assert "reasons" in error.value.message_dict["response_reasons"][0]
