"""URLs for committee reports: builder, print page, PDF, workbook, published reports."""

from django.urls import path

from actionplan.views import reports as report_views
from actionplan.views import reports_output

urlpatterns: list = [
    path("plans/<slug:slug>/report/", report_views.report_builder, name="report_builder"),
    path("plans/<slug:slug>/report/publish/", report_views.report_publish, name="report_publish"),
    path("plans/<slug:slug>/report.xlsx", report_views.report_xlsx, name="report_xlsx"),
    path("plans/<slug:slug>/report.csv", report_views.report_csv, name="report_csv"),
    path("plans/<slug:slug>/reports/", report_views.published_list, name="published_list"),
    path("reports/<int:pk>/", report_views.published_detail, name="published_detail"),
    path("reports/<int:pk>/<str:kind>/", report_views.published_file, name="published_file"),
    path("plans/<slug:slug>/report/print/", reports_output.report_print, name="report_print"),
    path("plans/<slug:slug>/report.pdf", reports_output.report_pdf, name="report_pdf"),
]
