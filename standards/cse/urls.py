"""URLs of the Customer Service Excellence self-assessment of a plan."""

from django.urls import path

from standards.cse import views

urlpatterns = [
    path("plans/<slug:slug>/cse/", views.cse_coverage, name="cse_coverage"),
    path(
        "plans/<slug:slug>/cse/by-criterion/",
        views.cse_by_criterion,
        name="cse_by_criterion",
    ),
    path("plans/<slug:slug>/cse/evidence/", views.cse_evidence_list, name="cse_evidence_list"),
    path("plans/<slug:slug>/cse/evidence/add/", views.cse_evidence_add, name="cse_evidence_add"),
    path("cse/evidence/<int:pk>/edit/", views.cse_evidence_edit, name="cse_evidence_edit"),
    path(
        "plans/<slug:slug>/cse/assessments/add/",
        views.cse_assessment_add,
        name="cse_assessment_add",
    ),
    path("plans/<slug:slug>/cse/mapping/", views.cse_mapping, name="cse_mapping"),
    path("actions/<int:pk>/cse/", views.cse_action_criteria, name="cse_action_criteria"),
]
