"""The executive committee report: one print template, as an HTML page and as a tagged PDF.

`render_report_html` renders templates/actionplan/reports/print.html from a Report (the
accessible version, and WeasyPrint's input with `for_pdf=True`); `render_report_pdf` lays
it out on A4 with WeasyPrint. WeasyPrint fetches through `StaticFilesFetcher`, which reads
our own static files from disk and refuses every other URL, so nothing in a report can make
the server fetch anything. User text reaches the template only as data and is escaped there.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as format_date
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from actionplan import charts, extensions
from actionplan.dashboard import rag_counts
from actionplan.models import Plan, Rag, Status
from actionplan.reporting.build import (
    ActionRow,
    Report,
    ReportOptions,
    ThemeSection,
    build_report,
    committee_of,
)
from actionplan.summary import Count

PRINT_TEMPLATE = "actionplan/reports/print.html"
# The base URL of the PDF's HTML: ".invalid" can never resolve, and the fetcher serves only
# our static files under it, so a relative URL can only ever reach those.
BASE_URL = "https://report.invalid/"
PDF_VARIANT = "pdf/ua-1"
# A section of at least this many actions starts on a new page; a shorter one follows on, so
# that a forced break never leaves most of a page blank before a few lines.
LONG_SECTION_ROWS = 12


# Fetching ---------------------------------------------------------------------------------


class RefusedURL(ValueError):
    """WeasyPrint asked for something other than one of our static files."""


def _static_name(url: str) -> str | None:
    """The static file's name in `url` (under STATIC_URL, from the base or as a bare path)."""
    prefix = urljoin(BASE_URL, settings.STATIC_URL)
    if url.startswith(settings.STATIC_URL) and settings.STATIC_URL.startswith("/"):
        url = urljoin(BASE_URL, url)
    if not url.startswith(prefix):
        return None
    name = unquote(urlsplit(url).path.removeprefix(urlsplit(prefix).path))
    parts = name.split("/")
    if not name or any(part in ("", ".", "..") for part in parts) or "\\" in name or "\0" in name:
        return None
    return name


def _static_path(name: str) -> Path | None:
    """The file on disk: the source directories first, then collectstatic's (hashed names)."""
    found = finders.find(name)
    if found:
        return Path(found)
    if settings.STATIC_ROOT and staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    return None


LOGO_PREFIX = urljoin(BASE_URL, "organisation-logo/")
LOGO_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}


def logo_url(storage_name: str) -> str:
    """Where a report asks for its organisation's logo (served by the fetcher, never fetched)."""
    return LOGO_PREFIX + quote(storage_name) if storage_name else ""


def _logo(url: str) -> URLFetcherResponse | None:
    """An organisation's logo from storage: only files under organisation-logos/."""
    name = unquote(url.removeprefix(LOGO_PREFIX))
    kind = LOGO_TYPES.get(Path(name).suffix.lower())
    if not name.startswith("organisation-logos/") or ".." in name or kind is None:
        return None
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as logo:
        return URLFetcherResponse(url, body=logo.read(), headers={"Content-Type": kind})


class StaticFilesFetcher(URLFetcher):
    """Serves WeasyPrint our static files from disk (and the organisation's logo from storage)
    and refuses every other URL."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith(LOGO_PREFIX):
            found = _logo(url)
            if found is None:
                raise RefusedURL(f"No such logo: {url[:100]}")
            return found
        name = _static_name(url)
        path = _static_path(name) if name else None
        if path is None:
            raise RefusedURL(f"A report may use only the site's own static files, not {url[:100]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


# What the template shows ------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    """One row of the status-by-theme table (the chart's figures), cells lined up with columns."""

    label: str
    total: int
    cells: list[Count]


@dataclass(frozen=True)
class ExceptionRow:
    action: ActionRow
    reasons: list[str]


def moment_label(moment: datetime, *, start: bool = False) -> str:
    """ "23 November 2026" for the end of a day (a date's report) or, with `start`, the start
    of one (a date's "since"); else with the time."""
    local = timezone.localtime(moment)
    if local.time() >= time(23, 59, 59) or (start and local.time() == time.min):
        return format_date(local, "j F Y")
    return format_date(local, "j F Y, H:i")


def report_title(report: Report, options: ReportOptions) -> str:
    return options.title or f"{report.plan_title}: progress report"


def exception_reasons(row: ActionRow) -> list[str]:
    """Why an action is in the exceptions, in the order a committee reads them."""
    reasons = []
    if row.rag == Rag.RED:
        reasons.append("Red")
    if row.rag == Rag.AMBER:
        reasons.append("Amber")
    if row.is_revised:
        reasons.append("Slipped")
    if row.is_overdue:
        reasons.append("Overdue")
    if row.is_awaiting_update:
        reasons.append("Awaiting update")
    return reasons


def _exception_counts(rows: list[ExceptionRow], total: int) -> list[Count]:
    labels = ["Red", "Amber", "Slipped", "Overdue", "Awaiting update"]
    return [
        Count(label.lower(), label, sum(label in row.reasons for row in rows), total)
        for label in labels
    ]


def _status_counts(rows: list[ActionRow]) -> list[Count]:
    total = len(rows)
    return [
        Count(value, label, sum(row.status == value for row in rows), total)
        for value, label in Status.choices
    ]


def _theme_label(theme: ThemeSection) -> str:
    return f"{theme.reference}. {theme.title}" if theme.reference else theme.title


def _status_rows(report: Report, keys: list[str]) -> list[StatusRow]:
    """Each theme's actions by status, then the whole plan."""
    rows = []
    for theme in report.themes:
        counts = {c.key: c for c in _status_counts(list(theme.rows()))}
        total = sum(c.count for c in counts.values())
        rows.append(StatusRow(_theme_label(theme), total, [counts[key] for key in keys]))
    whole = {c.key: c for c in report.summary.by_status}
    rows.append(StatusRow("Whole plan", report.summary.total, [whole[key] for key in keys]))
    return rows


def _full_plan(report: Report) -> Report:
    """The whole plan as at the same moment, for the appendix of a filtered report."""
    plan = Plan.objects.select_related("organisation").get(pk=report.plan_id)
    return build_report(plan=plan, as_at=report.as_at, today=report.today)


def report_context(report: Report, options: ReportOptions, *, for_pdf: bool = False) -> dict:
    """Everything print.html shows, computed here so the template only places it."""
    status_keys = [c.key for c in report.summary.by_status if c.count]
    exceptions = [
        ExceptionRow(row, exception_reasons(row)) for row in report.rows() if row.is_exception
    ]
    chart_rows = [("Whole plan", report.summary.by_status)] + [
        (_theme_label(theme), _status_counts(list(theme.rows()))) for theme in report.themes
    ]
    # The body is the full plan unless filters narrowed it; only then does an appendix add
    # anything, and only when asked for.
    appendix = (
        _full_plan(report) if options.include_full_plan and report.filters_described else None
    )
    return {
        "report": report,
        "options": options,
        "for_pdf": for_pdf,
        "council_name": report.organisation,
        "committee": committee_of(report, options),
        "logo_url": logo_url(report.organisation_logo) if for_pdf else "",
        "title": report_title(report, options),
        "as_at_label": moment_label(report.as_at),
        "since_label": moment_label(report.changes.since, start=True) if report.changes else "",
        "summary": report.summary,
        "status_columns": [c for c in report.summary.by_status if c.count],
        "status_rows": _status_rows(report, status_keys),
        "rag": rag_counts(report.summary),
        "status_chart": charts.stacked_bar_chart(
            chart_id="report-chart-status",
            title=f"Actions by status: {report.plan_title}",
            rows=chart_rows,
            colours=charts.STATUS_COLOURS,
        ),
        "exceptions": exceptions,
        "exception_counts": _exception_counts(exceptions, report.summary.total),
        "changes": report.changes,
        "sections_before_themes": report.sections_in(extensions.REPORT_BEFORE_THEMES),
        "sections_after_themes": report.sections_in(extensions.REPORT_AFTER_THEMES),
        "appendix": appendix,
        "themes_new_page": _long(report),
        "appendix_new_page": appendix is not None and _long(appendix),
    }


def _long(report: Report) -> bool:
    return sum(1 for _ in report.rows()) >= LONG_SECTION_ROWS


def render_report_html(report: Report, options: ReportOptions, *, for_pdf: bool = False) -> str:
    """The committee report as a whole HTML document: the print page, or WeasyPrint's input."""
    return render_to_string(PRINT_TEMPLATE, report_context(report, options, for_pdf=for_pdf))


def render_report_pdf(report: Report, options: ReportOptions) -> bytes:
    """The committee report as a tagged A4 PDF (PDF/UA-1)."""
    html = render_report_html(report, options, for_pdf=True)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher())
    return document.write_pdf(pdf_variant=PDF_VARIANT)
