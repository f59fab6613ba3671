"""The report builder, its Excel and CSV downloads, and published reports.

Every download takes the builder's query string (actionplan.reporting.params), so a preview,
its print page, PDF, workbook and CSV all show the same report. Published reports' files
are served only through `published_file`, which checks access: never from a media URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from actionplan import exports, publishing
from actionplan.access import can_manage_plans, plan_for_user, visible_plans
from actionplan.models import Plan, PublishedReport, ReportJob, ReportJobKind
from actionplan.reporting import Report, jobs
from actionplan.reporting.params import ReportParamsForm, report_from_params
from actionplan.reporting.pdf import moment_label, report_title
from actionplan.views.report_jobs import background_offer


@dataclass(frozen=True)
class Count:
    label: str
    count: int


def _changes_counted(report: Report) -> list[Count]:
    changes = report.changes
    if changes is None:
        return []
    return [
        Count("New actions", len(changes.new_actions)),
        Count("Completed", len(changes.completed)),
        Count("Status changed", len(changes.status_changes)),
        Count("RAG changed", len(changes.rag_changes)),
        Count("Target date slipped", len(changes.slipped)),
        Count("New progress updates", len(changes.progress_updates)),
        Count("Deleted as no longer appropriate", len(changes.retired)),
        Count("Removed from the plan", len(changes.removed)),
        Count("Owners changed", len(changes.owner_changes)),
    ]


def _since_label(report: Report | None) -> str:
    if report is None or report.changes is None:
        return ""
    return moment_label(report.changes.since, start=True)


def _params(data: QueryDict) -> QueryDict:
    """The report parameters of a GET or POST, without the CSRF token."""
    params = data.copy()
    params.pop("csrfmiddlewaretoken", None)
    return params


def _builder_page(
    request: HttpRequest, plan: Plan, params: QueryDict | None, *, to_publish: bool = False
) -> HttpResponse:
    form = ReportParamsForm(params, plan=plan, today=timezone.localdate(), publishing=to_publish)
    report = form.report() if params is not None and form.is_valid() else None
    options = form.options() if report is not None else None
    context = {
        "plan": plan,
        "form": form,
        "has_errors": bool(form.errors),
        "report": report,
        "options": options,
        "title": report_title(report, options) if report is not None else "",
        "as_at_label": moment_label(report.as_at) if report is not None else "",
        "since_label": _since_label(report),
        "changes_counted": _changes_counted(report) if report else [],
        "query_string": f"?{params.urlencode()}" if params else "",
        "hidden_params": [(n, v) for n, values in params.lists() for v in values] if params else [],
        "can_publish": can_manage_plans(request.user, plan),
        "in_background": jobs.made_in_background(report, options) if report else False,
        "report_jobs": ReportJob.objects.recent_for(request.user, plan),
        "nav_section": "plans",
    }
    return render(request, "actionplan/reports/builder.html", context)


@login_required
def report_builder(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    return _builder_page(request, plan, _params(request.GET) if request.GET else None)


@login_required
@require_POST
def report_publish(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug, manage=True)
    params = _params(request.POST)
    try:
        # Rendering a whole paper can take minutes: the background worker publishes it.
        job = jobs.report_job_request(
            plan=plan, kind=ReportJobKind.PUBLISH, params=params, user=request.user
        )
    except ValidationError:
        # The form reads the same parameters again and shows why they cannot be published.
        return _builder_page(request, plan, params, to_publish=True)
    except jobs.TooManyReportJobs as refused:
        messages.error(request, refused.message)
        return _builder_page(request, plan, params, to_publish=True)
    return redirect("report_job_detail", pk=job.pk)


def _refused(errors: list[str]) -> HttpResponse:
    message = "This report cannot be made: " + " ".join(errors)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _download_name(report: Report, extension: str) -> str:
    return f"{report.plan_slug}-report-{timezone.localdate(report.as_at):%Y-%m-%d}.{extension}"


@login_required
def report_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    report, options, errors = report_from_params(plan, request.GET, today=timezone.localdate())
    if errors:
        return _refused(errors)
    if jobs.made_in_background(report, options):
        return background_offer(request, plan, report, options, ReportJobKind.XLSX)
    content = exports.report_workbook_bytes(report, options)
    return _attachment(content, publishing.FILE_KINDS["xlsx"], _download_name(report, "xlsx"))


@login_required
def report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    report, _, errors = report_from_params(plan, request.GET, today=timezone.localdate())
    if errors:
        return _refused(errors)
    content = exports.report_csv_bytes(report)
    return _attachment(content, "text/csv; charset=utf-8", _download_name(report, "csv"))


@dataclass(frozen=True)
class PublishedRow:
    published: PublishedReport
    as_at_label: str
    since_label: str


@login_required
def published_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    context = {
        "plan": plan,
        "published_reports": [
            PublishedRow(
                published=published,
                as_at_label=moment_label(published.as_at),
                since_label=moment_label(published.since, start=True) if published.since else "",
            )
            for published in plan.published_reports.for_list_page()
        ],
        "nav_section": "plans",
    }
    return render(request, "actionplan/reports/published_list.html", context)


def published_for_user(user: User | AnonymousUser, pk: int) -> PublishedReport:
    """The published report, or 404 if the user may not see its plan."""
    return get_object_or_404(
        PublishedReport.objects.select_related("plan__organisation", "published_by"),
        pk=pk,
        plan__in=visible_plans(user),
    )


def _options_described(options: Mapping) -> list[str]:
    described = list(options.get("filters_described") or [])
    if not any(text.startswith("Exceptions only") for text in described):
        described.append(
            "Exceptions only"
            if options.get("exceptions_only")
            else "All actions, not only exceptions"
        )
    if options.get("include_full_plan"):
        described.append("With an appendix listing the full plan")
    return described


@login_required
def published_detail(request: HttpRequest, pk: int) -> HttpResponse:
    published = published_for_user(request.user, pk)
    context = {
        "plan": published.plan,
        "published": published,
        "options_described": _options_described(published.options),
        "as_at_label": moment_label(published.as_at),
        "since_label": moment_label(published.since, start=True) if published.since else "",
        "pdf_name": publishing.published_file_name(published, "pdf"),
        "xlsx_name": publishing.published_file_name(published, "xlsx"),
        "nav_section": "plans",
    }
    return render(request, "actionplan/reports/published_detail.html", context)


@login_required
def published_file(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    if kind not in publishing.FILE_KINDS:
        raise Http404("No such file.")
    published = published_for_user(request.user, pk)
    stored = published.pdf if kind == "pdf" else published.xlsx
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file of this report is missing.") from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=publishing.published_file_name(published, kind),
        content_type=publishing.FILE_KINDS[kind],
    )
