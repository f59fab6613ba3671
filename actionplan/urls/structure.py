"""URLs for changing the plan's shape: themes, projects, where actions sit, milestones."""

from django.urls import path

from actionplan.views import structure

urlpatterns = [
    path("plans/<slug:slug>/structure/", structure.plan_structure, name="plan_structure"),
    path("plans/<slug:slug>/themes/add/", structure.theme_add, name="theme_add"),
    path("themes/<int:pk>/edit/", structure.theme_edit, name="theme_edit"),
    path("themes/<int:pk>/move-up/", structure.theme_move_up, name="theme_move_up"),
    path("themes/<int:pk>/move-down/", structure.theme_move_down, name="theme_move_down"),
    path("themes/<int:pk>/projects/add/", structure.project_add, name="project_add"),
    path("projects/<int:pk>/edit/", structure.project_edit, name="project_edit"),
    path("projects/<int:pk>/move-up/", structure.project_move_up, name="project_move_up"),
    path("projects/<int:pk>/move-down/", structure.project_move_down, name="project_move_down"),
    path("plans/<slug:slug>/actions/add/", structure.action_add, name="action_add"),
    path("actions/<int:pk>/move/", structure.action_move, name="action_move"),
    path("actions/<int:pk>/move-up/", structure.action_move_up, name="action_move_up"),
    path("actions/<int:pk>/move-down/", structure.action_move_down, name="action_move_down"),
    path("actions/<int:pk>/delete/", structure.action_delete, name="action_delete"),
    path("actions/<int:pk>/milestones/add/", structure.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/edit/", structure.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/delete/", structure.milestone_delete, name="milestone_delete"),
]
