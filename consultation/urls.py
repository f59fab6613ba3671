"""URLs for consultation exercises and findings, "you said, we did" and scrutiny."""

from django.urls import path

from consultation.views import exercises, findings, public, scrutiny

urlpatterns = [
    path("plans/<slug:slug>/consultation/", exercises.consultation_list, name="consultation_list"),
    path("plans/<slug:slug>/consultation/add/", exercises.exercise_add, name="exercise_add"),
    path(
        "plans/<slug:slug>/consultation/public-page/",
        exercises.public_page_edit,
        name="public_page_edit",
    ),
    path("consultation/<int:pk>/", exercises.exercise_detail, name="exercise_detail"),
    path("consultation/<int:pk>/edit/", exercises.exercise_edit, name="exercise_edit"),
    path("consultation/<int:pk>/findings/add/", findings.finding_add, name="finding_add"),
    path("findings/<int:pk>/", findings.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/edit/", findings.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/actions/", findings.finding_link_action, name="finding_link_action"),
    path(
        "findings/<int:pk>/actions/<int:action_pk>/remove/",
        findings.finding_unlink_action,
        name="finding_unlink_action",
    ),
    path(
        "public/<slug:org>/<slug:slug>/you-said-we-did/",
        public.you_said_we_did,
        name="you_said_we_did",
    ),
    path("plans/<slug:slug>/scrutiny/", scrutiny.scrutiny_list, name="scrutiny_list"),
    path("plans/<slug:slug>/scrutiny/add/", scrutiny.meeting_add, name="meeting_add"),
    path(
        "scrutiny/<int:pk>/recommendations/add/",
        scrutiny.recommendation_add,
        name="recommendation_add",
    ),
    path(
        "recommendations/<int:pk>/",
        scrutiny.recommendation_detail,
        name="recommendation_detail",
    ),
    path(
        "recommendations/<int:pk>/edit/",
        scrutiny.recommendation_edit,
        name="recommendation_edit",
    ),
    path(
        "recommendations/<int:pk>/actions/",
        scrutiny.recommendation_link_action,
        name="recommendation_link_action",
    ),
    path(
        "recommendations/<int:pk>/actions/<int:action_pk>/remove/",
        scrutiny.recommendation_unlink_action,
        name="recommendation_unlink_action",
    ),
    path(
        "recommendations/<int:pk>/reported-back/",
        scrutiny.recommendation_reported_back,
        name="recommendation_reported_back",
    ),
    path("scrutiny/<int:pk>/paper/", scrutiny.scrutiny_paper, name="scrutiny_paper"),
    path("scrutiny/<int:pk>/paper.pdf", scrutiny.scrutiny_paper_pdf, name="scrutiny_paper_pdf"),
]
