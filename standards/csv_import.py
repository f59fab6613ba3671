"""Reading performance figures from a CSV file, every row checked before anything is written.

Columns (any order, header names as below, case ignored): standard, period, value,
numerator, denominator, site, note. "reference" or "standard reference" also name the
standard column. A period is "2026-10", "October 2026", "Q3 2026/27" or "2026/27".

The upload is validated and written in one go rather than previewed and confirmed: nothing
is written unless every row is valid, a valid file is simply the figures the person meant to
send, and re-sending a corrected file replaces values (with history) rather than duplicating
them. That keeps no half-finished upload on the server between two requests.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError

from standards.figures import figure_value, parse_number
from standards.models import Standard
from standards.periods import Period, PeriodError, parse_period
from standards.services import Figure

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS = 50
_ALIASES = {"reference": "standard", "standard reference": "standard"}
REQUIRED = ("standard", "period")
KNOWN = {"standard", "period", "value", "numerator", "denominator", "site", "note"}


@dataclass
class CsvResult:
    figures: list[Figure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" as Windows-1252.
        return data.decode("cp1252", errors="replace")


def _version_for(
    versions: list[Standard], text: str
) -> tuple[Standard | None, Period | None, str | None]:
    """The version of the standard in force in the period written as `text`."""
    problem = None
    for standard in sorted(versions, key=lambda s: s.effective_from or date.min, reverse=True):
        try:
            period = parse_period(text, standard.frequency)
        except PeriodError as error:
            problem = str(error)
            continue
        if (standard.effective_from is None or standard.effective_from <= period.end) and (
            standard.effective_to is None or standard.effective_to >= period.start
        ):
            return standard, period, None
        problem = problem or f"{standard.reference} was not in force in {period}"
    return None, None, problem


def read_csv(data: bytes, *, organisation) -> CsvResult:
    """Figures for the organisation's standards from the file, or the errors in it (with row
    numbers as a spreadsheet shows). Another organisation's references are unknown here."""
    result = CsvResult()
    if len(data) > MAX_BYTES:
        result.errors.append(f"The file is larger than {MAX_BYTES // 1024} KB. Split it.")
        return result
    reader = csv.DictReader(io.StringIO(_decode(data)))
    try:
        names = reader.fieldnames or []
    except csv.Error as error:  # a field over the csv module's limit (128 KB), a stray NUL…
        result.errors.append(f"The file cannot be read as CSV ({error}).")
        return result
    headers = [_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in names]
    missing = [name for name in REQUIRED if name not in headers]
    if missing or not ({"value", "numerator"} & set(headers)):
        result.errors.append(
            "The first row must name the columns: standard, period, value (or numerator and "
            "denominator), and optionally site and note."
        )
        return result
    reader.fieldnames = headers
    try:
        rows = list(reader)
    except csv.Error as error:
        result.errors.append(f"Row {reader.line_num} cannot be read as CSV ({error}).")
        return result
    if len(rows) > MAX_ROWS:
        result.errors.append(f"The file has {len(rows)} rows; the most is {MAX_ROWS}. Split it.")
        return result
    if not rows:
        result.errors.append("The file has no rows of figures.")
        return result
    references = {(row.get("standard") or "").strip() for row in rows}
    versions: dict[str, list[Standard]] = defaultdict(list)
    for standard in Standard.objects.in_organisation(organisation).filter(reference__in=references):
        versions[standard.reference].append(standard)
    seen: dict[tuple, int] = {}
    for number, row in enumerate(rows, start=2):
        try:
            figure = _figure(row, versions)
        except ValidationError as error:
            result.errors.append(f"Row {number}: {'; '.join(error.messages)}")
        else:
            key = (figure.standard.reference, figure.period.start, figure.site)
            if key in seen:
                result.errors.append(f"Row {number}: repeats row {seen[key]}.")
            seen.setdefault(key, number)
            result.figures.append(figure)
        if len(result.errors) >= MAX_ERRORS:
            result.errors.append("Only the first 50 problems are listed.")
            break
    return result


def _figure(row: dict, versions: dict[str, list[Standard]]) -> Figure:
    def text(name: str) -> str:
        return (row.get(name) or "").strip()

    reference = text("standard")
    if not reference:
        raise ValidationError("no standard given.")
    if reference not in versions:
        raise ValidationError(f"no standard {reference}.")
    if not text("period"):
        raise ValidationError("no period given.")
    standard, period, problem = _version_for(versions[reference], text("period"))
    if standard is None:
        raise ValidationError(problem or f"{reference} has no version for that period.")
    numbers = {n: parse_number(text(n), what=n) for n in ("value", "numerator", "denominator")}
    value = figure_value(unit=standard.unit, **numbers)
    return Figure(
        standard=standard,
        period=period,
        value=value,
        numerator=None if numbers["numerator"] is None else int(numbers["numerator"]),
        denominator=None if numbers["denominator"] is None else int(numbers["denominator"]),
        site=text("site")[:100],
        note=text("note"),
    )
