"""Validators shared by models and forms."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def single_line(value: str) -> None:
    """Refuse line breaks in text that becomes an e-mail header (a round's title is in the
    subject of every request and reminder; a header cannot hold a line break)."""
    if any(
        mark in value
        for mark in ("\r", "\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
    ):
        raise ValidationError("Write this on one line: it is used as an e-mail subject.")
