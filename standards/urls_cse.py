"""URLs of the Customer Service Excellence self-assessment of a plan."""

from django.urls import path

from standards import views_cse

urlpatterns = [
    path("plans/<slug:slug>/cse/", views_cse.cse_coverage, name="cse_coverage"),
    path(
        "plans/<slug:slug>/cse/by-criterion/",
        views_cse.cse_by_criterion,
        name="cse_by_criterion",
    ),
    path("plans/<slug:slug>/cse/evidence/", views_cse.cse_evidence_list, name="cse_evidence_list"),
    path(
        "plans/<slug:slug>/cse/evidence/add/", views_cse.cse_evidence_add, name="cse_evidence_add"
    ),
    path("cse/evidence/<int:pk>/edit/", views_cse.cse_evidence_edit, name="cse_evidence_edit"),
    path(
        "plans/<slug:slug>/cse/assessments/add/",
        views_cse.cse_assessment_add,
        name="cse_assessment_add",
    ),
    path("plans/<slug:slug>/cse/mapping/", views_cse.cse_mapping, name="cse_mapping"),
    path("actions/<int:pk>/cse/", views_cse.cse_action_criteria, name="cse_action_criteria"),
]
