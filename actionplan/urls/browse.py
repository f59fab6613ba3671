"""URLs for the plan browser: a plan's actions, filtered in the query string, and their CSV."""

from django.urls import path

from actionplan.views import browse

urlpatterns = [
    path("plans/<slug:slug>/actions/", browse.plan_browse, name="plan_browse"),
    path("plans/<slug:slug>/actions.csv", browse.plan_browse_csv, name="plan_browse_csv"),
    path("plans/<slug:slug>/actions.xlsx", browse.plan_browse_xlsx, name="plan_browse_xlsx"),
]
