"""URLs for reports made in the background: ask for one, follow it, download its file."""

from django.urls import path

from actionplan.views import report_jobs

urlpatterns: list = [
    path(
        "plans/<slug:slug>/report/background/<str:kind>/",
        report_jobs.report_job_request,
        name="report_job_request",
    ),
    path("report-jobs/<int:pk>/", report_jobs.report_job_detail, name="report_job_detail"),
    path("report-jobs/<int:pk>/file/", report_jobs.report_job_file, name="report_job_file"),
]
