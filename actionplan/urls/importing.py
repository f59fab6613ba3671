"""URLs for importing a plan from a spreadsheet: upload, preview, confirm."""

from django.urls import path

from actionplan.views import importing

urlpatterns: list = [
    path("plans/<slug:slug>/import/", importing.import_upload, name="plan_import"),
    path(
        "plans/<slug:slug>/import/<str:token>/",
        importing.import_preview,
        name="plan_import_preview",
    ),
    path(
        "plans/<slug:slug>/import/<str:token>/confirm/",
        importing.import_confirm,
        name="plan_import_confirm",
    ),
]
