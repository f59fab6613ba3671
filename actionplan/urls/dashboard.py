"""URLs for the dashboard pages."""

from django.urls import path

from actionplan.views import dashboard

urlpatterns = [
    path("plans/<slug:slug>/", dashboard.plan_dashboard, name="plan_dashboard"),
]
