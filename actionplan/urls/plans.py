"""URLs for setting plans up: a new plan of an organisation, and a plan's settings."""

from django.urls import path

from actionplan.views import plans

urlpatterns = [
    path("organisations/<slug:slug>/plans/add/", plans.plan_add, name="plan_add"),
    path("plans/<slug:slug>/settings/", plans.plan_settings, name="plan_settings"),
]
