"""Reports made in the background: asking for one, following it, and downloading the file.

A job is as readable as the report it makes: anyone who may read its plan may open its page
and download its file (so a link can be passed to a colleague); only steering-group members
publish. Files are served only here, never from a media URL.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from actionplan import publishing
from actionplan.access import plan_for_user, visible_plans
from actionplan.models import Plan, ReportJob, ReportJobKind, ReportJobState
from actionplan.reporting import Report, ReportOptions, jobs

CONTENT_TYPES = {"pdf": publishing.FILE_KINDS["pdf"], "xlsx": publishing.FILE_KINDS["xlsx"]}
DOWNLOAD_KINDS = (ReportJobKind.PDF, ReportJobKind.XLSX)


def report_job_for_user(user: User | AnonymousUser, pk: int) -> ReportJob:
    """The job, or 404 if the user may not see its plan."""
    return get_object_or_404(
        ReportJob.objects.select_related("plan__organisation", "requested_by", "published"),
        pk=pk,
        plan__in=visible_plans(user),
    )


def background_offer(
    request: HttpRequest, plan: Plan, report: Report, options: ReportOptions, kind: str
) -> HttpResponse:
    """The page a download too large to make at once gets: a button to make it in the background."""
    params = request.GET.copy()
    context = {
        "plan": plan,
        "kind": kind,
        "kind_label": ReportJobKind(kind).label,
        "size": jobs.report_size(report, options),
        "hidden_params": [(n, v) for n, values in params.lists() for v in values],
        "builder_url": reverse("report_builder", args=[plan.slug]) + f"?{params.urlencode()}",
        "nav_section": "plans",
    }
    return render(request, "actionplan/reports/job_offer.html", context)


@login_required
@require_POST
def report_job_request(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """A PDF or workbook made in the background (publishing goes through report_publish)."""
    if kind not in DOWNLOAD_KINDS:
        raise Http404("No such kind of report.")
    plan = plan_for_user(request.user, slug)
    try:
        job = jobs.report_job_request(plan=plan, kind=kind, params=request.POST, user=request.user)
    except (ValidationError, jobs.TooManyReportJobs) as refused:
        # The builder reads the same parameters and says what is wrong with them.
        if isinstance(refused, jobs.TooManyReportJobs):
            messages.error(request, refused.message)
        params = request.POST.copy()
        params.pop("csrfmiddlewaretoken", None)
        return redirect(reverse("report_builder", args=[plan.slug]) + f"?{params.urlencode()}")
    return redirect("report_job_detail", pk=job.pk)


def _params_query(params: dict) -> str:
    return urlencode([(n, v) for n, values in params.items() for v in values])


@login_required
def report_job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = report_job_for_user(request.user, pk)
    query = _params_query(job.params)
    builder_url = reverse("report_builder", args=[job.plan.slug]) + (f"?{query}" if query else "")
    done = job.state == ReportJobState.DONE
    context = {
        "plan": job.plan,
        "job": job,
        "is_done": done,
        "is_failed": job.state == ReportJobState.FAILED,
        "seems_stuck": job.seems_stuck(timezone.now()),
        "download_url": reverse("report_job_file", args=[job.pk]) if done and job.file else "",
        "published": job.published if done else None,
        "builder_url": builder_url,
        "nav_section": "plans",
    }
    return render(request, "actionplan/reports/job_detail.html", context)


@login_required
def report_job_file(request: HttpRequest, pk: int) -> FileResponse:
    job = report_job_for_user(request.user, pk)
    if job.state != ReportJobState.DONE or not job.file:
        raise Http404("This report has no file yet.")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file of this report is missing.") from None
    return FileResponse(
        handle, as_attachment=True, filename=job.file_name, content_type=CONTENT_TYPES[job.kind]
    )
