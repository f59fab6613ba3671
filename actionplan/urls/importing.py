"""URLs for importing a plan from a spreadsheet or Word table: upload, preview (and its column
mapping), confirm."""

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
        "plans/<slug:slug>/import/<str:token>/columns/",
        importing.import_mapping,
        name="plan_import_mapping",
    ),
    path(
        "plans/<slug:slug>/import/<str:token>/confirm/",
        importing.import_confirm,
        name="plan_import_confirm",
    ),
]
