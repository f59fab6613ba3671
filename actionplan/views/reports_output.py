"""The committee report's print page and PDF, from the report builder's query string.

Both render templates/actionplan/reports/print.html through actionplan.reporting.pdf, so the
page a reader checks on screen is the paper the committee gets.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from actionplan.access import plan_for_user
from actionplan.models import ReportJobKind
from actionplan.reporting import jobs, pdf
from actionplan.reporting.params import report_from_params
from actionplan.views.report_jobs import background_offer


@login_required
def report_print(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    report, options, errors = report_from_params(plan, request.GET, today=timezone.localdate())
    if errors:
        # The builder reads the same query string and says what is wrong with it.
        return redirect(reverse("report_builder", args=[plan.slug]) + f"?{request.GET.urlencode()}")
    context = pdf.report_context(report, options) | {
        "pdf_url": reverse("report_pdf", args=[plan.slug]) + f"?{request.GET.urlencode()}",
        "builder_url": reverse("report_builder", args=[plan.slug]) + f"?{request.GET.urlencode()}",
    }
    return render(request, pdf.PRINT_TEMPLATE, context)


@login_required
def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    report, options, errors = report_from_params(plan, request.GET, today=timezone.localdate())
    if errors:
        message = "This report cannot be made: " + " ".join(errors)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    if jobs.made_in_background(report, options):
        return background_offer(request, plan, report, options, ReportJobKind.PDF)
    response = HttpResponse(pdf.render_report_pdf(report, options), "application/pdf")
    filename = f"{report.plan_slug}-report-{timezone.localdate(report.as_at):%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
