"""Publishing a report for a committee meeting: its moment, options and the files themselves.

A published report keeps the PDF and the workbook exactly as they were sent, so printing it
again later gives the same paper whatever has changed in the plan since.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from actionplan import exports
from actionplan.models import Plan, PublishedReport
from actionplan.reporting import Report
from actionplan.reporting.params import report_params_form
from actionplan.reporting.pdf import render_report_pdf, report_title
from actionplan.services import save_with_history

FILE_KINDS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _file_stem(published: PublishedReport) -> str:
    return f"{slugify(published.committee) or 'report'}-{published.meeting_date:%Y-%m-%d}"


def published_file_name(published: PublishedReport, kind: str) -> str:
    """The name a download is saved under, e.g. "executive-2011-01-14.pdf"."""
    return f"{_file_stem(published)}.{kind}"


def _options_record(form_data: dict, report: Report) -> dict:
    """The filters and flags as given, by id and in words (ids alone may mean nothing later)."""
    return {
        "themes": [theme.pk for theme in form_data["theme"]],
        "owners": [owner.pk for owner in form_data["owner"]],
        "unit": form_data["unit"].pk if form_data["unit"] else None,
        "exceptions_only": form_data["exceptions"],
        "include_full_plan": form_data["full"],
        "filters_described": report.filters_described,
    }


def report_publish(
    *, plan: Plan, params: Mapping, user: AbstractBaseUser | None, today: date
) -> PublishedReport:
    """Build the report once, render its PDF and workbook, and keep both with its moment.

    Raises ValidationError (a dict by parameter) when the parameters cannot be used or no
    meeting date is given. Rendering happens before anything is stored, and the files are
    removed again if the row cannot be saved: a failure leaves no row and no file.
    """
    form = report_params_form(plan, params, today=today, publishing=True)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    report, options = form.report(), form.options()
    pdf = render_report_pdf(report, options)
    workbook = exports.report_workbook_bytes(report, options)

    published = PublishedReport(
        plan=plan,
        committee=options.committee,
        meeting_date=options.meeting_date,
        title=report_title(report, options)[:300],
        author=options.author,
        as_at=report.as_at,
        since=report.changes.since if report.changes else None,
        options=_options_record(form.cleaned_data, report),
        published_at=timezone.now(),
        published_by=user if getattr(user, "pk", None) else None,
    )
    try:
        published.pdf.save(published_file_name(published, "pdf"), ContentFile(pdf), save=False)
        published.xlsx.save(
            published_file_name(published, "xlsx"), ContentFile(workbook), save=False
        )
        with transaction.atomic():
            save_with_history(published, user=user, reason="Report published")
    except BaseException:
        for stored in (published.pdf, published.xlsx):
            if stored:
                stored.delete(save=False)
        raise
    return published
